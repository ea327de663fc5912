"""The organisation's public home, mounted at /p/<org_slug>/: a stable address (opt-in)."""

from django.urls import path

from jalon.publishing import public_views

app_name = "public"
urlpatterns = [
    path("", public_views.home, name="home"),
    # The former name of this address (the public footprint page, now a section of the home).
    path("", public_views.home, name="footprint"),
]
