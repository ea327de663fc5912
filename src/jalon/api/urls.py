"""/api/: a human page; /api/v1/: the REST API (OpenAPI 3 at /api/v1/openapi.json)."""

from django.urls import path

from jalon.api import views
from jalon.api.api import api

app_name = "api"
urlpatterns = [
    path("", views.index, name="index"),
    path("v1/", api.urls),
]
