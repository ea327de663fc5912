"""The operator's dashboard, mounted at /operator/dashboard/ (namespace "operatordashboard").
Operator administrators only: anyone else gets a 404."""

from django.urls import path

from jalon.operators import dashboard_views as views

app_name = "operatordashboard"
urlpatterns = [
    path("", views.index, name="index"),
    path("export.<str:fmt>", views.export, name="export"),
]
