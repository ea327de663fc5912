"""Pages of the organisation (mounted at /o/<org_slug>/algorithms/ by jalon.urls)."""

from django.urls import URLPattern

app_name = "algorithms"

urlpatterns: list[URLPattern] = []
