"""Public pages (mounted at /p/<org_slug>/gdpr/ by jalon.urls), shown only for an
organisation that publishes this domain (tenancy.scope.public_organisation)."""

from django.urls import URLPattern

app_name = "gdpr_public"

urlpatterns: list[URLPattern] = []
