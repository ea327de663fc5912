"""Operator pages for strategies (templates and shared indicator definitions), mounted at
/operator/strategy/. Operator administrators only: anyone else gets a 404."""

from django.urls import path

from jalon.operators import views

app_name = "operatorstrategy"
urlpatterns = [
    path("", views.index, name="index"),
    path("templates/new/", views.template_create, name="template_create"),
    path("templates/<int:pk>/", views.template_edit, name="template_edit"),
    path("templates/<int:pk>/publish/", views.template_publish, name="template_publish"),
    path("indicators/new/", views.definition_create, name="definition_create"),
    path("indicators/<int:pk>/", views.definition_edit, name="definition_edit"),
]
