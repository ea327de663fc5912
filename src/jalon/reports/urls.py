"""Pages of the organisation (mounted at /o/<org_slug>/reports/ by jalon.urls)."""

from django.urls import URLPattern

app_name = "reports"

urlpatterns: list[URLPattern] = []
