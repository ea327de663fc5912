"""Public pages (mounted at /p/<org_slug>/audits/ by jalon.urls), shown only for an
organisation that publishes this domain (tenancy.scope.public_organisation)."""

from django.urls import path

from jalon.audits import public_views

app_name = "audits_public"

urlpatterns = [
    path("", public_views.index, name="index"),
    path("<int:service_id>/accessibilite/", public_views.accessibility, name="accessibility"),
    path("<int:service_id>/ecoconception/", public_views.ecodesign, name="ecodesign"),
    path("<int:service_id>/ecoconception.json", public_views.ecodesign_json,
         name="ecodesign_json"),
]
