"""Pages of the organisation (mounted at /o/<org_slug>/audits/ by jalon.urls)."""

from django.urls import URLPattern

app_name = "audits"

urlpatterns: list[URLPattern] = []
