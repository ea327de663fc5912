"""Pages of the organisation (mounted at /o/<org_slug>/gdpr/ by jalon.urls)."""

from django.urls import URLPattern

app_name = "gdpr"

urlpatterns: list[URLPattern] = []
