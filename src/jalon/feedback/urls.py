"""Pages of the organisation (mounted at /o/<org_slug>/feedback/ by jalon.urls)."""

from django.urls import URLPattern

app_name = "feedback"

urlpatterns: list[URLPattern] = []
