"""Public pages (mounted at /p/<org_slug>/gdpr/ by jalon.urls), shown only for an
organisation that publishes this domain (tenancy.scope.public_organisation)."""

from django.urls import path

from jalon.gdpr import public_views

app_name = "gdpr_public"

urlpatterns = [
    path("", public_views.register_page, name="register"),
    path("<str:reference>/", public_views.activity_page, name="activity"),
]
