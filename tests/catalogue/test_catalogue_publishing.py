"""What the catalogue declares in the publishing registry, called directly: the open-data
dataset of public services (rows valid against its Table Schema), the public home section,
the report section and the computed indicator. (The HTTP consumers are tested in
test_catalogue_publishing_http.py.)"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation
from frictionless import Resource, Schema
from tests.factories import DigitalServiceFactory, OperatorFactory, OrganisationFactory

from jalon.catalogue.demo import SERVICES, seed_services
from jalon.catalogue.models import DigitalService
from jalon.core.exports import safe_cell
from jalon.publishing import registry
from jalon.tenancy.models import AuditEvent, Organisation, Publication

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _french():
    """Templates rendered here in French, whatever language an earlier test left active."""
    with translation.override("fr"):
        yield


@pytest.fixture
def org():
    return OrganisationFactory(operator=OperatorFactory(name="GIP", slug="gip"), name="Ville",
                               slug="ville", kind="commune")


def service(org, name, **values) -> DigitalService:
    return DigitalServiceFactory(organisation=org, name=name, **{"status": "in_service", **values})


def test_the_catalogue_declares_one_of_each():
    assert registry.registry.get(registry.Domain, "catalogue") is not None
    group = registry.registry.get(registry.DatasetGroup, "services")
    assert group is not None and group.domain == "catalogue"
    dataset = registry.dataset("services")
    assert dataset is not None and dataset.group == "services" and dataset.schema.exists()
    section = registry.registry.get(registry.PublicSection, "services")
    assert section is not None and section.domain == "catalogue"
    report = registry.registry.get(registry.ReportSection, "services")
    assert report is not None and report.domain == "catalogue"
    source = registry.indicator_source("public_services_hosted_in_eu_share")
    assert source is not None and source.unit == "%" and source.listens == ("catalogue",)


def write_csv(path: Path, schema: dict, rows) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([f["name"] for f in schema["fields"]])
        writer.writerows([safe_cell(c) for c in row] for row in rows)


def test_open_data_rows_are_the_public_services_and_validate_against_the_schema(org, tmp_path):
    service(org, "Site", description="-moins : une cellule qui ressemble à une formule",
            in_service_since=dt.date(2019, 3, 18), provider="Agence", hosting_provider="OVH",
            owner_team="Équipe de Jeanne Martin")
    service(org, "Démarche", kind="online_procedure", status="in_project", url="",
            hosting_country="")
    service(org, "Paie", kind="internal_app", audience="agents")
    service(org, "Vieux site", status="retired", retired_on=dt.date(2020, 1, 1))
    dataset = registry.dataset("services")
    assert dataset is not None
    rows = list(dataset.rows(org))
    assert [r[1] for r in rows] == ["Démarche", "Site"]  # public, not retired, by name
    schema = json.loads(dataset.schema.read_text(encoding="utf-8"))
    assert all(len(r) == len(schema["fields"]) for r in rows)
    assert not any("Jeanne" in str(cell) for row in rows for cell in row)  # no owning team
    (tmp_path / "services.schema.json").write_text(json.dumps(schema), encoding="utf-8")
    write_csv(tmp_path / "services.csv", schema, rows)
    resource = Resource("services.csv", basepath=str(tmp_path),
                        schema=Schema("services.schema.json", basepath=str(tmp_path)))
    report = resource.validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert dataset.available(org)
    assert dataset.modified(org) == DigitalService.objects.latest("updated_at").updated_at


def test_demo_rows_validate_too(org, tmp_path):
    seed_services(org, None)
    dataset = registry.dataset("services")
    assert dataset is not None
    schema = json.loads(dataset.schema.read_text(encoding="utf-8"))
    (tmp_path / "services.schema.json").write_text(json.dumps(schema), encoding="utf-8")
    write_csv(tmp_path / "services.csv", schema, dataset.rows(org))
    report = Resource("services.csv", basepath=str(tmp_path),
                      schema=Schema("services.schema.json", basepath=str(tmp_path))).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_nothing_to_publish_without_public_services(org):
    service(org, "Paie", kind="internal_app", audience="agents")
    dataset = registry.dataset("services")
    section = registry.registry.get(registry.PublicSection, "services")
    assert dataset is not None and section is not None
    assert not dataset.available(org) and list(dataset.rows(org)) == []
    assert dataset.modified(org) is not None
    assert section.context(org, RequestFactory().get("/")) is None


def test_public_section_lists_public_services_by_kind_with_links(org):
    service(org, "Site", description="Le site de la ville")
    service(org, "État civil", kind="online_procedure", url="https://demarches.ville.example")
    service(org, "Chatbot", kind="chatbot", status="in_project", url="")
    service(org, "Paie", kind="internal_app", audience="agents")
    section = registry.registry.get(registry.PublicSection, "services")
    assert section is not None
    context = section.context(org, RequestFactory().get("/"))
    assert context is not None
    html = render_to_string(section.template, context)
    assert '<a href="https://demarches.ville.example" rel="noopener noreferrer">État civil</a>' \
        in html
    assert "Le site de la ville" in html and "Paie" not in html
    assert "Démarche en ligne" in html and "(en projet)" in html
    assert html.index("Site internet") < html.index("Démarche en ligne")


def test_report_section_counts_by_kind_and_audience_at_the_end_of_the_year(org):
    service(org, "Site", in_service_since=dt.date(2019, 1, 1))
    service(org, "Démarche", kind="online_procedure", in_service_since=dt.date(2025, 3, 1))
    service(org, "Paie", kind="internal_app", audience="agents")
    service(org, "Intranet", audience="agents")
    service(org, "Projet", status="in_project")
    service(org, "Vieux", status="retired", retired_on=dt.date(2024, 6, 30))
    section = registry.registry.get(registry.ReportSection, "services")
    assert section is not None
    context = section.context(org, 2024)
    assert context is not None
    table = {r["kind"]: (r["public"], r["agents"]) for r in context["rows"]}
    assert table == {"website": (1, 1), "internal_app": (0, 1)}  # Vieux retired in 2024
    later = section.context(org, 2025)
    assert later is not None and (later["public"], later["agents"], later["total"]) == (2, 2, 4)
    html = render_to_string(section.template, later)
    assert "<caption" in html and "Démarche en ligne" in html and "31/12/2025" in html
    assert section.context(make_empty(org), 2025) is None


def make_empty(org) -> Organisation:
    return OrganisationFactory(operator=org.operator, name="Vide", slug="vide", kind="commune")


def test_indicator_share_hosted_in_eu_eea(org):
    service(org, "Site", hosting_country="FR", in_service_since=dt.date(2020, 1, 1))
    service(org, "Appli", kind="mobile_app", hosting_country="US",
            in_service_since=dt.date(2024, 5, 1))
    service(org, "Chatbot", kind="chatbot", hosting_country="",
            in_service_since=dt.date(2025, 1, 1))
    service(org, "Rendez-vous", kind="online_procedure", hosting_country="DE",
            in_service_since=dt.date(2025, 1, 1))
    service(org, "Paie", kind="internal_app", audience="agents", hosting_country="US")
    service(org, "Projet", status="in_project", hosting_country="US")
    source = registry.indicator_source("public_services_hosted_in_eu_share")
    assert source is not None
    values = {v.year: v for v in source.compute(org, TODAY)}
    assert sorted(values) == [2022, 2023, 2024, 2025, 2026]
    assert values[2022].value == 100.0 and values[2022].kind == "result"
    assert values[2022].date == dt.date(2022, 12, 31)
    assert values[2024].value == 50.0
    assert values[2025].value == 50.0 and values[2025].detail == {
        "public_services": 4, "hosted_in_eu_eea": 2, "country_unknown": 1}
    current = values[2026]
    assert current.kind == "estimate" and current.date == TODAY and "en cours" in current.comment
    assert source.compute(make_empty(org), TODAY) == []


def test_demo_seed_is_idempotent_audited_and_publishes_the_catalogue(org):
    created = seed_services(org, None)
    assert DigitalService.objects.filter(organisation=org).count() == len(SERVICES) >= 25
    assert any("publication" in c for c in created)
    assert Publication.objects.get(organisation=org, domain="catalogue").published
    kinds = set(DigitalService.objects.values_list("kind", flat=True))
    assert kinds == {"website", "online_procedure", "mobile_app", "internal_app", "api",
                     "chatbot"}
    assert AuditEvent.objects.filter(organisation=org, action="catalogue.create").count() == len(
        SERVICES)
    Publication.objects.filter(organisation=org).update(published=False)  # withdrawn since
    assert seed_services(org, None) == []
    assert not Publication.objects.get(organisation=org, domain="catalogue").published
    assert DigitalService.objects.filter(organisation=org).count() == len(SERVICES)
