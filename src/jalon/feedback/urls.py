"""Pages of the organisation (mounted at /o/<org_slug>/feedback/ by jalon.urls)."""

from django.urls import path

from jalon.feedback import views

app_name = "feedback"

urlpatterns = [
    path("", views.index, name="index"),
    path("ouvrir/", views.enable, name="enable"),
    path("commentaires/", views.comments, name="comments"),
    path("export.<str:fmt>", views.export_all, name="export"),
    path("services/<int:service_id>/", views.service_page, name="service"),
    path("services/<int:service_id>/ouvrir/", views.enable_service, name="enable_service"),
    path("services/<int:service_id>/reglages/", views.settings_page, name="settings"),
    path("services/<int:service_id>/questions/", views.questions_page, name="questions"),
    path("services/<int:service_id>/bouton/", views.button_page, name="button"),
    path("services/<int:service_id>/export.<str:fmt>", views.export_service,
         name="export_service"),
]
