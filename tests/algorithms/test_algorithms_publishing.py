"""What the register publishes: open data conforming to its Table Schema, the DCAT entry, the
public home section and the annual report section."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.test import Client
from frictionless import Resource, Schema
from tests.algorithms.factories import AlgorithmicSystemFactory, BiasReportFactory
from tests.factories import DigitalServiceFactory, OrganisationFactory, published

from jalon.algorithms import publishing, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    org = OrganisationFactory(slug="ville", name="Ville")
    service = DigitalServiceFactory(organisation=org, name="Inscription scolaire")
    system = AlgorithmicSystemFactory(
        organisation=org, name="Affectation", oversight_person="Mme Secret",
        in_service_on=dt.date(2025, 9, 1), category="high_risk", open_source=True,
        source_url="https://example.org/code")
    system.services.add(service)
    services.save_evaluation(None, system, {"need": "x", "decision": "go", "decided_by": "DGS",
                                            "decided_on": dt.date(2025, 6, 1)})
    BiasReportFactory(system=system)
    AlgorithmicSystemFactory(organisation=org, name="Idée", stage="idea")
    published(org, "algorithms")
    return org


def test_register_csv_validates_against_the_served_schema(org, tmp_path: Path):
    client = Client()
    response = client.get("/p/ville/data/algorithms.csv")
    assert response.status_code == 200
    (tmp_path / "algorithms.csv").write_bytes(response.content)
    schema = client.get("/p/ville/data/schemas/algorithms.schema.json")
    assert schema.status_code == 200
    assert json.loads(schema.content) == json.loads(publishing.SCHEMA.read_text("utf-8"))
    (tmp_path / "algorithms.schema.json").write_bytes(schema.content)
    report = Resource("algorithms.csv", basepath=str(tmp_path),
                      schema=Schema("algorithms.schema.json", basepath=str(tmp_path))).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    text = response.content.decode("utf-8")
    assert "Affectation" in text and "Idée" not in text and "Mme Secret" not in text
    assert "Inscription scolaire" in text


def test_dcat_and_public_home(org):
    client = Client()
    assert "algorithms.csv" in client.get("/p/ville/data/catalogue.jsonld").content.decode()
    home = client.get("/p/ville/").content.decode()
    assert "Nos algorithmes et systèmes d&#x27;IA" in home or "Nos algorithmes" in home
    assert "/p/ville/algorithms/" in home


def test_the_annual_report_section(org):
    context = publishing.report_context(org, 2025)
    assert context is not None
    assert context["total"] == 1 and context["evaluated"] == 1
    assert publishing.report_context(org, 2024) is None  # nothing deployed yet then
