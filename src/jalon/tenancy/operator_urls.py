"""Operator administration (organisations of an operator). Filled by the accounts work."""

from django.urls import path  # noqa: F401

app_name = "operator"
urlpatterns: list = []
