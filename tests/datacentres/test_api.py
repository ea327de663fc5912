"""The data centres API: sites, yearly figures, checklist, KPI report; access by capability."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from tests.datacentres.factories import SiteFactory, SiteYearFactory
from tests.factories import AssetFactory, OrganisationFactory, api_token

from jalon.datacentres.models import PracticeStatus, Site
from jalon.tenancy.models import Organisation

pytestmark = pytest.mark.django_db
API = "/api/v1/datacentres"


class Api:
    def __init__(self, org: Organisation, role: str = "editor") -> None:
        _token, secret = api_token(org, role)  # made by an administrator of the organisation
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {secret}"}

    def get(self, path: str):
        return self.client.get(API + path, headers=self.headers)

    def send(self, method: str, path: str, body=None):
        return getattr(self.client, method)(API + path, json.dumps(body or {}),
                                            content_type="application/json",
                                            headers=self.headers)


@pytest.fixture
def org():
    return OrganisationFactory(slug="ville-a")


def test_sites_crud_and_indicators(org):
    api = Api(org)
    AssetFactory(organisation=org, category="server", name="srv-1", site="Cave")
    created = api.send("post", "/sites", {
        "name": "Colocation", "kind": "colocation", "it_power_kw": 1800, "declared_pue": 1.35,
        "hosted_assets": ["srv-1"], "contract_provider": "Hébergeur", "contract_start":
        "2024-01-01", "contract_end": "2027-12-31"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["in_eed_scope"], body["pue"], body["hosted_servers"], body["hosted_assets"]) \
        == (True, 1.35, 1, ["srv-1"])
    sid = body["id"]
    assert [s["name"] for s in api.get("/sites").json()] == ["Colocation"]
    patched = api.send("patch", f"/sites/{sid}", {"declared_pue": 1.3, "notes": "ok"})
    assert patched.status_code == 200 and patched.json()["declared_pue"] == 1.3
    year = api.send("post", f"/sites/{sid}/years", {"year": 2025, "it_kwh": 1_000_000,
                                                    "total_kwh": 1_380_000,
                                                    "renewable_kwh": 1_380_000})
    assert year.status_code == 201, year.content
    assert year.json()["pue"] == pytest.approx(1.38) and not year.json()["energy_estimated"]
    yid = year.json()["id"]
    assert api.send("patch", f"/sites/{sid}/years/{yid}",
                    {"total_kwh": 1_400_000}).json()["pue"] == pytest.approx(1.4)
    report = api.get(f"/sites/{sid}/report/2025").json()
    assert report["in_scope"] and report["energy_estimated"] is False
    assert {f["code"]: f["value"] for f in report["fields"]}["ref"] == pytest.approx(1.38 / 1.4)
    assert api.get(f"/sites/{sid}/report/2020").status_code == 404
    assert api.send("delete", f"/sites/{sid}").status_code == 204
    assert not Site.objects.exists()


@pytest.mark.parametrize(("body", "field"), [
    ({"name": "A", "declared_pue": 0.5}, "declared_pue"),
    ({"name": "A", "kind": "cloud"}, "kind"),
    ({"name": ""}, "name"),
])
def test_bad_site_is_a_422_in_french(org, body, field):
    response = Api(org).send("post", "/sites", body)
    assert response.status_code == 422
    assert field in json.dumps(response.json(), ensure_ascii=False)
    assert not Site.objects.exists()


def test_checklist_through_the_api(org):
    api = Api(org)
    site = SiteFactory(organisation=org)
    rows = api.get(f"/sites/{site.pk}/checklist").json()
    assert rows[0]["number"] == "3.1.1" and rows[0]["status"] == "not_started"
    put = api.send("put", f"/sites/{site.pk}/checklist/5.1.4",
                   {"status": "implemented", "owner": "DSI", "evidence": "Photo"})
    assert put.status_code == 200 and put.json()["status"] == "implemented"
    assert PracticeStatus.objects.get(site=site, number="5.1.4").owner == "DSI"
    assert api.send("put", f"/sites/{site.pk}/checklist/9.9.9",
                    {"status": "implemented"}).status_code == 404
    refused = api.send("put", f"/sites/{site.pk}/checklist/5.1.5",
                       {"status": "not_applicable"})
    assert refused.status_code == 422
    assert api.get(f"/sites/{site.pk}").json()["conformity_rate"] > 0


def test_reader_token_reads_but_cannot_write(org):
    reader = Api(org, "viewer")
    site = SiteFactory(organisation=org)
    SiteYearFactory(site=site)
    assert reader.get("/sites").status_code == 200
    assert reader.get(f"/sites/{site.pk}/years").status_code == 200
    assert reader.send("post", "/sites", {"name": "X"}).status_code == 403
    assert reader.send("patch", f"/sites/{site.pk}", {"name": "X"}).status_code == 403
    assert reader.send("put", f"/sites/{site.pk}/checklist/3.1.1",
                       {"status": "implemented"}).status_code == 403


def test_annex_one_information_round_trip_and_report(org):
    api = Api(org)
    created = api.send("post", "/sites", {
        "name": "Salle", "kind": "colocation", "it_power_kw": 600, "owner": "Hébergeur SAS",
        "owner_email": "contact@hebergeur.example", "owner_phone": "02 99 00 00 10",
        "operator": "Hébergeur SAS", "operator_email": "noc@hebergeur.example",
        "operator_phone": "+33 2 99 00 00 11", "lau_code": "fr35238", "structure": "group",
        "mixed_services": True, "commissioned_on": "2018-06-14",
        "electrical_redundancy": "2n / n+1", "cooling_redundancy": "N+1"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["lau_code"], body["electrical_redundancy"], body["structure"],
            body["mixed_services"]) == ("35238", "2N / N+1", "group", True)
    sid = body["id"]
    assert api.send("post", f"/sites/{sid}/years", {"year": 2025, "it_kwh": 1000,
                                                    "total_kwh": 1400}).status_code == 201
    fields = {f["code"]: f for f in api.get(f"/sites/{sid}/report/2025").json()["fields"]}
    assert fields["lau_code"]["value"] == "35238" and fields["lau_code"]["reference"] == "1(c)"
    assert fields["commissioned_on"]["value"] == "2018-06"
    assert fields["structure"]["value"] == "group of structures"
    assert fields["mixed_services"]["value"] == "yes"
    assert fields["operator_email"]["value"] == "noc@hebergeur.example"
    assert fields["cooling_redundancy"]["annex"] == "I"


@pytest.mark.parametrize(("body", "field", "words"), [
    ({"name": "A", "lau_code": "3500"}, "lau_code", "INSEE"),
    ({"name": "A", "lau_code": "35 000 Rennes"}, "lau_code", "code postal"),
    ({"name": "A", "owner_email": "dsi@"}, "owner_email", "Adresse électronique"),
    ({"name": "A", "operator_phone": "12"}, "operator_phone", "téléphone"),
    ({"name": "A", "electrical_redundancy": "Tier III"}, "electrical_redundancy", "redondance"),
])
def test_bad_annex_one_information_is_a_french_422(org, body, field, words):
    response = Api(org).send("post", "/sites", body)
    assert response.status_code == 422
    text = json.dumps(response.json(), ensure_ascii=False)
    assert field in text and words in text
    assert not Site.objects.exists()
