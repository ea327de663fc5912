"""Operator administration (organisations of an operator), mounted at /operator/."""

from django.urls import path

from jalon.accounts import operator_views as views

app_name = "operator"
urlpatterns = [
    path("", views.index, name="index"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
]
