"""The catalogue's publishing declarations through the publishing consumers, over HTTP: the
organisation's public home (/p/<org_slug>/), its open data (/p/<org_slug>/data/services.csv
and its Table Schema), its DCAT catalogue and the annual report."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.test import Client
from frictionless import Resource, Schema
from tests.factories import (
    DigitalServiceFactory,
    OperatorFactory,
    OrganisationFactory,
    PublicationFactory,
    published,
)

from jalon.catalogue import publishing
from jalon.tenancy.models import Publication

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    org = OrganisationFactory(operator=OperatorFactory(name="GIP", slug="gip"), name="Ville",
                              slug="ville", kind="commune")
    for name, values in (
        ("Site de la ville", {"kind": "website", "audience": "public",
                              "url": "https://www.ville.example", "hosting_country": "FR"}),
        ("Inscription scolaire", {"kind": "online_procedure", "audience": "public",
                                  "url": "https://demarches.ville.example/ecole"}),
        ("Logiciel de paie", {"kind": "internal_app", "audience": "agents"}),
        ("Ancien site", {"kind": "website", "audience": "public", "status": "retired"}),
    ):
        DigitalServiceFactory(organisation=org, name=name, **values)
    PublicationFactory(organisation=org, domain="catalogue", published=True)
    return org


def test_public_home_lists_the_public_services(org):
    response = Client().get("/p/ville/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Nos services numériques" in body
    assert '<a href="https://demarches.ville.example/ecole"' in body
    assert "Logiciel de paie" not in body and "Ancien site" not in body


def test_services_csv_validates_against_the_served_schema(org, tmp_path: Path):
    client = Client()
    response = client.get("/p/ville/data/services.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    (tmp_path / "services.csv").write_bytes(response.content)
    schema_response = client.get("/p/ville/data/schemas/services.schema.json")
    assert schema_response.status_code == 200
    assert json.loads(schema_response.content) == json.loads(
        publishing.SCHEMA.read_text(encoding="utf-8"))
    (tmp_path / "services.schema.json").write_bytes(schema_response.content)
    report = Resource("services.csv", basepath=str(tmp_path),
                      schema=Schema("services.schema.json", basepath=str(tmp_path))).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert [r["name"] for r in rows] == ["Inscription scolaire", "Site de la ville"]


def test_dcat_catalogue_lists_the_services_dataset(org):
    response = Client().get("/p/ville/data/catalogue.jsonld")
    assert response.status_code == 200
    body = response.content.decode()
    assert "services.csv" in body and "services.schema.json" in body
    assert "Catalogue des services numériques publics" in body


def test_nothing_is_public_when_the_catalogue_is_not_published(org):
    Publication.objects.filter(organisation=org).update(published=False)
    client = Client()
    assert client.get("/p/ville/data/services.csv").status_code == 404
    assert client.get("/p/ville/").status_code == 404  # it publishes nothing else
    PublicationFactory(organisation=org, domain="footprint", published=True)
    home = client.get("/p/ville/")
    assert "Inscription scolaire" not in home.content.decode()
    assert "services.csv" not in client.get("/p/ville/data/catalogue.jsonld").content.decode()


def test_the_annual_report_shows_the_services_table(db):
    from django.urls import reverse
    from tests.publishing.test_opendata_world import build, member

    world = build()
    org = world["org"]
    DigitalServiceFactory(organisation=org, name="Portail famille", kind="online_procedure",
                          audience="public")
    DigitalServiceFactory(organisation=org, name="Paie", kind="internal_app", audience="agents")
    published(org, "catalogue")
    client = Client()
    client.force_login(member(org, "lecteur-services"))
    year = 2025
    url = reverse("report:html", args=[org.slug, year])
    pages = [client.get(url, {"part": n}) for n in range(1, 12)]
    bodies = [p.content.decode() for p in pages if p.status_code == 200]
    assert bodies
    found = [b for b in bodies if "Services numériques en service au 31/12/2025" in b]
    assert found, "the services section is in no part of the report"
    assert "Démarche en ligne" in found[0] and "Application interne" in found[0]
