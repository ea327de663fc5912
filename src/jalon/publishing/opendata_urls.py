"""Open data of an organisation, mounted at /p/<org_slug>/data/ (docs/open-data.md)."""

from django.urls import path

from jalon.publishing import public_views

app_name = "opendata"
urlpatterns = [
    path("catalogue.jsonld", public_views.catalogue_jsonld, name="catalogue_jsonld"),
    path("catalogue.ttl", public_views.catalogue_ttl, name="catalogue_ttl"),
    path("catalogue.rdf", public_views.catalogue_rdf, name="catalogue_rdf"),
    path("catalogue", public_views.catalogue, name="catalogue"),
    path("schemas/<slug:name>.schema.json", public_views.schema, name="schema"),
    path("<slug:name>.csv", public_views.csv_resource, name="csv"),
]
