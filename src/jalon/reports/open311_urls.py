"""Open311 GeoReport v2 (mounted at /open311/<org_slug>/v2/ by jalon.urls); see open311.py."""

from django.urls import path

from jalon.reports import open311

app_name = "open311"

urlpatterns = [
    path("services.json", open311.services_json, name="services"),
    path("requests.json", open311.requests_json, name="requests"),
    path("requests/<int:request_id>.json", open311.request_json, name="request"),
]
