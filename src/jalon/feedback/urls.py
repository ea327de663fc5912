"""Pages of the organisation (mounted at /o/<org_slug>/feedback/ by jalon.urls)."""

from django.urls import path

from jalon.feedback import views

app_name = "feedback"

urlpatterns = [
    path("", views.index, name="index"),
    path("ouvrir/", views.enable, name="enable"),
    path("commentaires/", views.comments, name="comments"),
    path("export.<str:fmt>", views.export_all, name="export"),
    path("themes/", views.themes_page, name="themes"),
    path("themes/creer/", views.themes_create, name="themes_create"),
    path("themes/ajouter/", views.themes_add, name="themes_add"),
    path("themes/entrainer/", views.themes_train, name="themes_train"),
    path("themes/a-trier/", views.themes_queue, name="themes_queue"),
    path("themes/commentaires/<int:response_id>/", views.themes_classify,
         name="themes_classify"),
    path("services/<int:service_id>/", views.service_page, name="service"),
    path("services/<int:service_id>/ouvrir/", views.enable_service, name="enable_service"),
    path("services/<int:service_id>/reglages/", views.settings_page, name="settings"),
    path("services/<int:service_id>/questions/", views.questions_page, name="questions"),
    path("services/<int:service_id>/bouton/", views.button_page, name="button"),
    path("services/<int:service_id>/export.<str:fmt>", views.export_service,
         name="export_service"),
]
