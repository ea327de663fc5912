"""Pages of the organisation (mounted at /o/<org_slug>/datacentres/ by jalon.urls)."""

from django.urls import URLPattern

app_name = "datacentres"

urlpatterns: list[URLPattern] = []
