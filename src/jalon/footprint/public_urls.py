"""Public pages, mounted at /p/<org_slug>/: a stable address per organisation (opt-in)."""

from django.urls import path

from jalon.footprint import views

app_name = "public"
urlpatterns = [path("", views.public_footprint, name="footprint")]
