from django.urls import path

from jalon.catalogue import views

app_name = "catalogue"
urlpatterns = [
    path("", views.service_list, name="list"),
    path("new/", views.service_create, name="create"),
    path("import/", views.service_import, name="import"),
    path("import/modele.csv", views.import_template, name="import_template"),
    path("<int:service_id>/", views.service_detail, name="detail"),
    path("<int:service_id>/edit/", views.service_edit, name="edit"),
    path("<int:service_id>/delete/", views.service_delete, name="delete"),
]
