"""Pages of the organisation (mounted at /o/<org_slug>/budget/ by jalon.urls)."""

from django.urls import URLPattern

app_name = "budget"

urlpatterns: list[URLPattern] = []
