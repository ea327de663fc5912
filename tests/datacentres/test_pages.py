"""The data centres pages, through HTTP: sites, yearly figures, checklist, KPI report, access."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.test import Client
from openpyxl import load_workbook
from tests import factories
from tests.datacentres.factories import PracticeStatusFactory, SiteFactory, SiteYearFactory
from tests.factories import AssetFactory, OrganisationFactory

from jalon.core import datacentres as core
from jalon.datacentres.models import PracticeStatus, Site, SiteYear
from jalon.tenancy.models import AuditEvent, Organisation

pytestmark = pytest.mark.django_db


def member(org: Organisation, role: str) -> Client:
    client = Client()
    client.force_login(factories.member(org, role))
    return client


@pytest.fixture
def org():
    return OrganisationFactory(slug="ville-a")


@pytest.fixture
def editor(org):
    return member(org, "editor")


@pytest.fixture
def viewer(org):
    return member(org, "viewer")


def url(org: Organisation, tail: str = "") -> str:
    return f"/o/{org.slug}/datacentres/{tail}"


def site_form(**values) -> dict[str, str]:
    data = {"name": "Salle serveurs de la mairie", "kind": "server_room", "owner": "Ville",
            "operator": "DSI", "municipality": "Saint-Aubin", "commissioned_on": "2012-04-01",
            "it_power_kw": "24,5", "total_floor_m2": "", "computer_room_m2": "18",
            "cooling": "split", "refrigerants": "R410A", "declared_pue": "1,9",
            "inventory_sites": "Mairie > Salle serveurs\nSalle serveurs", "hosted_assets": "",
            "contract_provider": "", "contract_reference": "", "contract_start": "",
            "contract_end": "", "contract_power_kw": "", "notes": ""}
    return {**data, **values}


def test_an_it_manager_creates_a_room_and_sees_its_servers(org, editor):
    AssetFactory(organisation=org, category="server", name="SRV-01", site="Salle serveurs")
    AssetFactory(organisation=org, category="server", name="SRV-02", site="Ailleurs")
    AssetFactory(organisation=org, category="laptop", name="PC-01", site="Salle serveurs")
    response = editor.post(url(org, "new/"), site_form())
    assert response.status_code == 302
    site = Site.objects.get(organisation=org)
    assert site.it_power_kw == 24.5 and site.declared_pue == 1.9
    assert AuditEvent.objects.filter(action="datacentres.site_create").exists()
    body = editor.get(response["Location"]).content.decode()
    assert "SRV-01" in body and "SRV-02" not in body and "PC-01" not in body
    index = editor.get(url(org)).content.decode()
    assert "Salle serveurs de la mairie" in index
    assert "rattachés à aucune salle" in index


@pytest.mark.parametrize(("values", "field", "message"), [
    ({"name": ""}, "name", "Ce champ est obligatoire."),
    ({"declared_pue": "0,8"}, "declared_pue", "Un PUE est compris entre 1 et 5"),
    ({"it_power_kw": "douze"}, "it_power_kw", "Nombre attendu"),
    ({"it_power_kw": "-3"}, "it_power_kw", "ne peut pas être négative"),
    ({"contract_start": "2025-01-01", "contract_end": "2024-01-01"}, "contract_end",
     "La fin du contrat précède son début."),
])
def test_bad_site_values_get_a_clear_error_and_nothing_is_written(org, editor, values, field,
                                                                  message):
    response = editor.post(url(org, "new/"), site_form(**values))
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not Site.objects.exists()


def test_duplicate_name_is_refused(org, editor):
    SiteFactory(organisation=org, name="Salle A")
    response = editor.post(url(org, "new/"), site_form(name="salle a"))
    assert response.status_code == 400
    assert "porte déjà ce nom" in response.content.decode()


def test_yearly_figures_metered_and_estimated(org, editor):
    site = SiteFactory(organisation=org, declared_pue=2.0)
    data = {"year": "2024", "it_kwh": "150 000", "total_kwh": "255000", "notes": ""}
    assert editor.post(url(org, f"{site.pk}/years/new/"), data).status_code == 302
    row = SiteYear.objects.get(site=site, year=2024)
    assert row.pue() == pytest.approx(1.7) and not row.energy().estimated
    # No meter: the average IT load and the declared PUE.
    assert editor.post(url(org, f"{site.pk}/years/new/"),
                       {"year": "2025", "average_it_load_kw": "5"}).status_code == 302
    estimated = SiteYear.objects.get(site=site, year=2025)
    assert estimated.energy().estimated
    assert estimated.energy().it_kwh == pytest.approx(43_800)
    assert estimated.pue() == pytest.approx(2.0)
    body = editor.get(url(org, f"{site.pk}/")).content.decode()
    assert "estimée" in body and "mesurée" in body
    # The same year twice, and impossible figures.
    again = editor.post(url(org, f"{site.pk}/years/new/"), {"year": "2024"})
    assert again.status_code == 400 and "existent déjà" in again.content.decode()
    bad = editor.post(url(org, f"{site.pk}/years/new/"),
                      {"year": "2023", "it_kwh": "200000", "total_kwh": "100000"})
    assert bad.status_code == 400
    assert "dépasse l'énergie totale" in " ".join(bad.context["form"].errors["it_kwh"])
    edit = editor.post(url(org, f"{site.pk}/years/{row.pk}/edit/"),
                       {"year": "2024", "it_kwh": "150000", "total_kwh": "240000"})
    assert edit.status_code == 302
    row.refresh_from_db()
    assert row.total_kwh == 240_000


def test_checklist_gives_the_conformity_rate(org, editor, viewer):
    site = SiteFactory(organisation=org)
    expected = [p.number for p in core.load_practices() if p.is_expected]
    page = editor.get(url(org, f"{site.pk}/checklist/"))
    assert page.status_code == 200
    assert [r["practice"].section for r in page.context["rows"]] == ["management"] * len(
        page.context["rows"])
    cooling = editor.get(url(org, f"{site.pk}/checklist/"), {"section": "cooling"})
    assert {r["practice"].section for r in cooling.context["rows"]} == {"cooling"}
    first = expected[0]
    assert editor.get(url(org, f"{site.pk}/checklist/{first}/")).status_code == 200
    response = editor.post(url(org, f"{site.pk}/checklist/{first}/"), {
        "status": "implemented", "evidence": "Comité du 12 mars", "owner": "DSI",
        "due_date": ""})
    assert response.status_code == 302
    assert response["Location"].endswith("?section=management#p-" + first.replace(".", ""))
    row = PracticeStatus.objects.get(site=site, number=first)
    assert row.status == "implemented" and row.owner == "DSI"
    body = viewer.get(url(org, f"{site.pk}/checklist/")).content.decode()
    assert "Comité du 12 mars" in body
    assert f"checklist/{first}/" not in body  # no edit link for a viewer
    rate = editor.get(url(org, f"{site.pk}/")).context["conformity"].rate
    assert rate == pytest.approx(1 / len(expected))
    # Not applicable without a reason: refused, nothing written.
    refused = editor.post(url(org, f"{site.pk}/checklist/{expected[1]}/"),
                          {"status": "not_applicable", "evidence": "", "owner": "",
                           "due_date": ""})
    assert refused.status_code == 400
    assert "Expliquez pourquoi" in " ".join(refused.context["form"].errors["evidence"])
    assert not PracticeStatus.objects.filter(site=site, number=expected[1]).exists()
    # A viewer cannot post; an unknown practice is a 404.
    assert viewer.post(url(org, f"{site.pk}/checklist/{first}/"),
                       {"status": "not_started"}).status_code == 403
    assert editor.get(url(org, f"{site.pk}/checklist/9.9.9/")).status_code == 404
    assert AuditEvent.objects.filter(action="datacentres.checklist").count() == 1


def test_kpi_report_page_and_exports(org, viewer):
    site = SiteFactory(organisation=org, name="Centre de données", it_power_kw=600.0,
                       owner="Agglo", operator="Agglo", lau_code="2A004",
                       commissioned_on=dt.date(2019, 3, 15), electrical_redundancy="2N / N+1",
                       operator_email="dsi@agglo.example")
    SiteYearFactory(site=site, year=2025, it_kwh=1_000_000.0, total_kwh=1_450_000.0,
                    renewable_kwh=725_000.0, water_m3=500.0)
    page = viewer.get(url(org, f"{site.pk}/report/2025/"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Site soumis à la déclaration" in text and "manquante" in text
    exported = viewer.get(url(org, f"{site.pk}/report/2025.csv"))
    assert exported["Content-Disposition"].endswith('2025.csv"')
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["annex", "reference", "code", "name", "libelle", "value", "unit"]
    by_code = {r[2]: r for r in rows[1:]}
    assert float(by_code["pue"][5]) == pytest.approx(1.45)
    assert float(by_code["ref"][5]) == pytest.approx(0.5)
    assert by_code["total_kwh"][1] == "EDC"
    # Annex I: LAU code, year and month of entry into operation, contacts, redundancy.
    assert (by_code["lau_code"][0], by_code["lau_code"][1], by_code["lau_code"][5]) \
        == ("I", "1(c)", "2A004")
    assert by_code["commissioned_on"][5] == "2019-03"
    assert by_code["operator_email"][5] == "dsi@agglo.example"
    assert by_code["electrical_redundancy"][1] == "2(a)"
    assert by_code["owner_phone"][5] == ""  # missing, listed, not guessed
    data = json.loads(viewer.get(url(org, f"{site.pk}/report/2025.json")).content)
    assert data["in_scope"] is True and data["reporting_year"] == 2025
    assert "owner" not in data["missing"] and "cooling_degree_days" in data["missing"]
    assert "owner_phone" in data["missing"] and "lau_code" not in data["missing"]
    workbook = viewer.get(url(org, f"{site.pk}/report/2025.xlsx"))
    sheet = load_workbook(io.BytesIO(workbook.content))["indicateurs"]
    values = {row[2]: row[5] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values["pue"] == pytest.approx(1.45) and values["it_power_kw"] == 600
    assert viewer.get(url(org, f"{site.pk}/report/2019/")).status_code == 404


def test_formula_in_a_name_is_neutralised_in_the_csv(org, viewer):
    site = SiteFactory(organisation=org, name="=HYPERLINK(\"x\")")
    SiteYearFactory(site=site, year=2025)
    body = viewer.get(url(org, f"{site.pk}/report/2025.csv")).content.decode("utf-8-sig")
    assert "\"'=HYPERLINK" in body and ";=HYPERLINK" not in body


def test_viewer_cannot_write(org, viewer):
    site = SiteFactory(organisation=org)
    assert viewer.get(url(org, "new/")).status_code == 403
    assert viewer.post(url(org, f"{site.pk}/edit/"), site_form()).status_code == 403
    assert viewer.post(url(org, f"{site.pk}/delete/")).status_code == 403
    assert viewer.get(url(org)).status_code == 200
    assert "Ajouter une salle" not in viewer.get(url(org)).content.decode()


def test_delete_site(org, editor):
    site = SiteFactory(organisation=org)
    SiteYearFactory(site=site)
    PracticeStatusFactory(site=site)
    assert editor.get(url(org, f"{site.pk}/delete/")).status_code == 200
    assert editor.post(url(org, f"{site.pk}/delete/")).status_code == 302
    assert not Site.objects.exists() and not SiteYear.objects.exists()


def test_practices_page_lists_the_reference(org, viewer):
    body = viewer.get(url(org, "practices/")).content.decode()
    assert "5.1.4" in body and "12.1.0" in body
