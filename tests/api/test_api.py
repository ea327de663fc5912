"""REST API v1: token authentication, scoping, inventory, imports, footprint, scenario."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from tests import factories, paths
from tests.factories import AssetFactory, InventoryImportFactory, OrganisationFactory

from jalon.inventory.models import Asset, InventoryImport
from jalon.tenancy.models import ApiToken, AuditEvent, Organisation

pytestmark = pytest.mark.django_db
DEMO = paths.ROOT / "src/jalon/data/demo/val-de-lisiere-glpi.csv"
BASE = "/api/v1"


def token_for(org: Organisation, role: str = "editor") -> str:
    # A token works while its creator may create tokens: an administrator of the organisation.
    creator = factories.member(org, "admin", username=f"creator-{org.slug}")
    _token, secret = factories.api_token(org, role, name=f"{role} token", actor=creator)
    return secret


class Api:
    def __init__(self, secret: str | None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {secret}"} if secret else {}

    def get(self, path: str, **params):
        return self.client.get(BASE + path, params, headers=self.headers)

    def post(self, path: str, body=None):
        return self.client.post(BASE + path, json.dumps(body or {}),
                                content_type="application/json", headers=self.headers)

    def patch(self, path: str, body):
        return self.client.patch(BASE + path, json.dumps(body), content_type="application/json",
                                 headers=self.headers)

    def upload(self, path: str, name: str, content: bytes):
        return self.client.post(BASE + path, {"file": SimpleUploadedFile(name, content)},
                                headers=self.headers)


@pytest.fixture
def org():
    return OrganisationFactory(slug="ville-a")


@pytest.fixture
def api(org):
    return Api(token_for(org, "editor"))


def laptop(org: Organisation, **values) -> Asset:
    defaults = {"category": "laptop", "inventory_number": "PC-1", "model": "Latitude 5440",
                "manufacturer": "Dell", "purchase_date": dt.date(2022, 3, 1)}
    return AssetFactory(organisation=org, **{**defaults, **values})


# Authentication ------------------------------------------------------------------------------

def test_requests_without_a_valid_token_are_refused(org):
    token = token_for(org)
    assert Api(None).get("/organisation").status_code == 401
    assert Api("jal_wrong").get("/organisation").status_code == 401
    assert Api("something-else").get("/organisation").status_code == 401
    response = Client().get(BASE + "/organisation", headers={"Authorization": f"Token {token}"})
    assert response.status_code == 401
    assert response.json()["detail"]
    ApiToken.objects.update(revoked_at=timezone.now())
    assert Api(token).get("/organisation").status_code == 401


def test_session_cookies_do_not_authenticate(client, org):
    user = factories.member(org, "admin", username="alice")
    client.force_login(user)
    assert client.get(BASE + "/organisation").status_code == 401


def test_organisation_and_last_used(org):
    secret = token_for(org, "viewer")
    response = Api(secret).get("/organisation")
    assert response.status_code == 200
    data = response.json()
    assert data["slug"] == "ville-a" and data["token"]["role"] == "viewer"
    token = ApiToken.objects.get()
    first = token.last_used_at
    assert first is not None
    Api(secret).get("/organisation")
    token.refresh_from_db()
    assert token.last_used_at == first  # written at most once a minute
    ApiToken.objects.update(last_used_at=first - dt.timedelta(minutes=2))
    Api(secret).get("/organisation")
    token.refresh_from_db()
    assert token.last_used_at > first - dt.timedelta(minutes=2)


# Inventory -----------------------------------------------------------------------------------

def test_list_assets_paginated_and_filtered(org, api):
    for i in range(5):
        laptop(org, inventory_number=f"PC-{i}", entity="DSI" if i % 2 else "Écoles",
               site="Mairie")
    laptop(org, inventory_number="OLD", retirement_date=dt.date(2020, 1, 1))
    AssetFactory(organisation=org, category="monitor", inventory_number="M-1", manufacturer="",
                 model="", purchase_date=None)
    laptop(OrganisationFactory(slug="ville-b"), inventory_number="B-SECRET")
    data = api.get("/assets", page_size=3).json()
    assert data["count"] == 7 and len(data["items"]) == 3
    assert "B-SECRET" not in json.dumps(data)
    assert api.get("/assets", category="monitor").json()["count"] == 1
    assert api.get("/assets", entity="DSI").json()["count"] == 2
    assert api.get("/assets", in_service="false").json()["items"][0]["inventory_number"] == "OLD"
    assert api.get("/assets", in_service="true").json()["count"] == 6


def test_create_read_and_patch_an_asset(org, api):
    version = org.inventory_version
    response = api.post("/assets", {"category": "laptop", "inventory_number": "PC-9",
                                    "model": "ThinkPad T14", "purchase_date": "2023-05-02",
                                    "condition": "refurbished"})
    assert response.status_code == 201, response.content
    created = response.json()
    asset = Asset.objects.get(pk=created["id"])
    assert asset.organisation == org and asset.condition == "refurbished"
    org.refresh_from_db()
    assert org.inventory_version == version + 1
    assert api.get(f"/assets/{asset.pk}").json()["model"] == "ThinkPad T14"
    response = api.patch(f"/assets/{asset.pk}", {"site": "Mairie", "quantity": 2})
    assert response.status_code == 200
    asset.refresh_from_db()
    assert (asset.site, asset.quantity, asset.model) == ("Mairie", 2, "ThinkPad T14")
    events = AuditEvent.objects.filter(organisation=org, action__startswith="inventory.asset")
    assert {e.action for e in events} == {"inventory.asset_created", "inventory.asset_updated"}
    assert all(e.details["via"] == "api" for e in events)


def test_invalid_assets_are_422_with_a_message(api):
    response = api.post("/assets", {"category": "spaceship"})
    assert response.status_code == 422
    assert response.json()["detail"]
    assert api.post("/assets", {"quantity": 0}).status_code == 422
    assert not Asset.objects.exists()


def test_viewers_cannot_write(org):
    viewer = Api(token_for(org, "viewer"))
    asset = laptop(org)
    response = viewer.post("/assets", {"category": "laptop"})
    assert response.status_code == 403
    assert "editor" in response.json()["detail"]
    assert viewer.patch(f"/assets/{asset.pk}", {"site": "X"}).status_code == 403
    assert viewer.upload("/imports", "x.csv", b"a;b\n1;2\n").status_code == 403
    assert viewer.get(f"/assets/{asset.pk}").status_code == 200


def test_another_organisations_asset_is_404(org, api):
    other = laptop(OrganisationFactory(slug="ville-b"), inventory_number="B-1")
    assert api.get(f"/assets/{other.pk}").status_code == 404
    assert api.patch(f"/assets/{other.pk}", {"site": "pwned"}).status_code == 404
    other.refresh_from_db()
    assert other.site == ""


# Imports -------------------------------------------------------------------------------------

def _demo_sample(lines: int = 40) -> bytes:
    return b"".join(DEMO.read_bytes().splitlines(keepends=True)[:lines])


def test_upload_and_follow_an_import(org, api, settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path
    response = api.upload("/imports", "export-glpi.csv", _demo_sample())
    assert response.status_code == 201, response.content
    data = response.json()
    source = InventoryImport.objects.get(pk=data["id"])
    assert source.organisation == org
    status = api.get(f"/imports/{source.pk}").json()
    assert status["status"] in ("pending", "analysing", "preview", "failed")
    assert {"progress", "counts", "problems", "problem_count"} <= set(status)
    assert api.get("/imports").json()["count"] == 1
    if status["status"] == "preview":  # tasks run inline in tests
        assert status["counts"].get("used")
        confirmed = api.post(f"/imports/{source.pk}/confirm", {"mode": "replace"})
        assert confirmed.status_code == 200
        assert api.get(f"/imports/{source.pk}").json()["status"] == "done"
        assert Asset.objects.filter(organisation=org).count() == status["counts"]["used"]
        assert api.post(f"/imports/{source.pk}/confirm", {}).status_code == 409
    assert AuditEvent.objects.filter(organisation=org, action="inventory.upload").exists()


def test_upload_refuses_unknown_formats(api, settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path
    response = api.upload("/imports", "malware.exe", b"MZ")
    assert response.status_code == 400
    assert ".csv" in response.json()["detail"]
    assert api.post("/imports").status_code == 422  # no file


def test_another_organisations_import_is_404(org, api):
    other = InventoryImportFactory(organisation=OrganisationFactory(slug="ville-b"),
                                   file_name="b.csv", stored_path="/nonexistent", sha256="0" * 64)
    assert api.get(f"/imports/{other.pk}").status_code == 404
    assert api.post(f"/imports/{other.pk}/confirm", {"mode": "replace"}).status_code == 404


# Footprint and scenario ----------------------------------------------------------------------

def test_footprint_follows_the_json_contract(org, api):
    laptop(org, quantity=10)
    response = api.get("/footprint", year=2025, method="stock")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["schema_version"] and data["year"] == 2025 and data["method"] == "stock"
    assert data["totals"]["gwp"]["unit"] == "kgCO2e" and data["totals"]["gwp"]["value"] > 0
    assert "laptop" in data["by_category"]
    assert api.get("/footprint", method="nope").status_code == 422
    assert api.get("/footprint", year=1800).status_code == 422


def test_scenario(org, api):
    assert api.post("/scenario", {"start_year": 2026}).status_code == 409  # empty inventory
    laptop(org, quantity=10)
    response = api.post("/scenario", {"lifespans": {"laptop": 7},
                                      "refurbished": {"laptop": 0.3}, "start_year": 2026})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["parameters"]["lifespans"] == {"laptop": 7}
    assert {"baseline", "scenario"} <= set(data)
    short = api.post("/scenario", {"start_year": 2026, "until": 2027}).json()
    assert short["until"] == 2027
    assert api.post("/scenario", {"lifespans": {"spaceship": 3}}).status_code == 422
    assert api.post("/scenario", {"refurbished": {"laptop": 2}}).status_code == 422
    assert api.post("/scenario", {"mix": "XXX"}).status_code == 422


# Documentation -------------------------------------------------------------------------------

def test_openapi_document_and_human_page(client):
    response = client.get(BASE + "/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/assets", "/api/v1/footprint", "/api/v1/scenario"} <= set(schema["paths"])
    assert client.get(BASE + "/docs").status_code == 404  # no Swagger UI (CDN)
    page = client.get("/api/")
    body = page.content.decode()
    assert page.status_code == 200 and "Authorization: Bearer" in body
    assert "/api/v1/assets/{asset_id}" in body and "/api/v1/openapi.json" in body
    assert "cdn" not in body.lower() and "<script" not in body
