"""Comparison with anonymised peers, mounted at /o/<org_slug>/strategy/peers/."""

from django.urls import path

from jalon.operators import peers_views as views

app_name = "peers"
urlpatterns = [path("", views.index, name="index")]
