"""Validation below every door: what the probe of issues 9 and 10 found, one test each.

A PATCH that skipped creation's constraints, an unknown country, an unknown category, a huge
page number, and a corrupt row stored before the constraints: each is refused with a 422 that
says what is expected, or (the stored row) reported as a problem, never a 500.
"""

from __future__ import annotations

import datetime as dt
import json
import math

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from tests import factories
from tests.factories import AssetFactory, OrganisationFactory

from jalon.core.model import CATEGORIES
from jalon.footprint import services as footprint_services
from jalon.footprint.models import FootprintResult
from jalon.inventory.models import Asset
from jalon.inventory.tasks import bump_inventory_version
from jalon.tenancy.models import Organisation

pytestmark = pytest.mark.django_db
BASE = "/api/v1"


@pytest.fixture
def org() -> Organisation:
    return OrganisationFactory(slug="ville-v")


@pytest.fixture
def api(org):
    _token, secret = factories.api_token(org, "editor")
    client = Client()
    headers = {"Authorization": f"Bearer {secret}"}

    class Api:
        def get(self, path, **params):
            return client.get(BASE + path, params, headers=headers)

        def post(self, path, body):
            return client.post(BASE + path, json.dumps(body), content_type="application/json",
                               headers=headers)

        def patch(self, path, body):
            return client.patch(BASE + path, json.dumps(body), content_type="application/json",
                                headers=headers)

    return Api()


def laptop(org: Organisation, **values) -> Asset:
    defaults = {"category": "laptop", "inventory_number": "PC-1",
                "purchase_date": dt.date(2022, 3, 1)}
    return AssetFactory(organisation=org, **{**defaults, **values})


def finite_totals(data: dict) -> bool:
    return all(math.isfinite(t["value"]) and t["value"] >= 0 for t in data["totals"].values())


def assert_everything_answers(api, org: Organisation) -> None:
    """The pages the probe saw fail once a bad value was stored."""
    assert api.get("/assets").status_code == 200
    footprint = api.get("/footprint")
    assert footprint.status_code == 200
    assert finite_totals(footprint.json())
    assert api.post("/scenario", {}).status_code == 200
    factories.published(org, "footprint")
    assert Client().get(reverse("public:footprint", args=[org.slug])).status_code == 200


# --- PATCH keeps creation's constraints --------------------------------------------------------

@pytest.mark.parametrize(("field", "value"), [
    ("lifespan_years", -3), ("lifespan_years", 0), ("annual_kwh", -1e9), ("annual_kwh", 1e308),
    ("quantity", 0), ("pue", 0.5), ("name", None), ("quantity", None), ("category", "ordinateur"),
    ("condition", "occasion"), ("disposal", "poubelle"), ("country", "ZZZ"),
])
def test_a_patch_out_of_bounds_is_a_422_and_nothing_is_saved(api, org, field, value):
    asset = laptop(org, name="Portable accueil", lifespan_years=5, annual_kwh=30)
    before = Asset.objects.values().get(pk=asset.pk)
    response = api.patch(f"/assets/{asset.pk}", {field: value})
    assert response.status_code == 422, response.content
    assert field in json.dumps(response.json()["detail"])
    assert Asset.objects.values().get(pk=asset.pk) == before
    assert_everything_answers(api, org)


def test_a_patch_within_bounds_still_works_and_null_clears_an_optional_value(api, org):
    asset = laptop(org, lifespan_years=5)
    response = api.patch(f"/assets/{asset.pk}", {"lifespan_years": None, "annual_kwh": 25.5,
                                                 "country": "DEU"})
    assert response.status_code == 200, response.content
    asset.refresh_from_db()
    assert (asset.lifespan_years, asset.annual_kwh, asset.country) == (None, 25.5, "DEU")


def test_the_model_refuses_what_the_api_refuses(org):
    """Forms, imports and the CLI validate through the model: the same bounds."""
    from django.core.exceptions import ValidationError

    asset = Asset(organisation=org, category="laptop", lifespan_years=-1, annual_kwh=math.inf,
                  country="ZZZ")
    with pytest.raises(ValidationError) as refused:
        asset.full_clean(exclude=["organisation", "source_import"])
    assert {"lifespan_years", "annual_kwh", "country"} <= set(refused.value.message_dict)
    assert "FRA" in refused.value.message_dict["country"][0]


# --- unknown codes ------------------------------------------------------------------------------

def test_an_asset_with_an_unknown_country_is_refused_with_the_allowed_codes(api, org):
    response = api.post("/assets", {"category": "laptop", "country": "XYZ"})
    assert response.status_code == 422
    assert "FRA" in json.dumps(response.json())
    assert not Asset.objects.filter(organisation=org).exists()
    assert api.post("/assets", {"category": "laptop", "country": "BEL"}).status_code == 201
    assert_everything_answers(api, org)


def test_an_unknown_category_filter_is_a_422_naming_the_categories(api, org):
    laptop(org)
    response = api.get("/assets", category="ordinateur")
    assert response.status_code == 422
    detail = json.dumps(response.json())
    assert all(category in detail for category in CATEGORIES)
    assert api.get("/assets", category="laptop").json()["count"] == 1


@pytest.mark.parametrize(("path", "params"), [
    ("/privacy/requests", {"kind": "inconnu"}), ("/privacy/requests", {"state": "inconnu"}),
    ("/reports", {"status": "inconnu"}), ("/reports", {"triage": "inconnu"}),
    ("/budget/lines", {"kind": "inconnu"}),
    ("/footprint", {"method": "inconnu"}),
])
def test_unknown_enumerated_parameters_are_422_everywhere(org, path, params):
    _token, secret = factories.api_token(org, "admin")
    response = Client().get(BASE + path, params, headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 422, (path, response.content)
    [name] = params
    [message] = response.json()["detail"][name]
    assert message.startswith("Valeur inconnue ; valeurs acceptées : '")


# --- paging -------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/assets", "/imports", "/services", "/reports"])
def test_a_huge_page_number_is_a_422_not_a_500(org, path):
    _token, secret = factories.api_token(org, "admin")
    client = Client()
    headers = {"Authorization": f"Bearer {secret}"}
    for page in ("99999999999999999999", "100001"):
        response = client.get(BASE + path, {"page": page}, headers=headers)
        assert response.status_code == 422, (path, response.content)
    response = client.get(BASE + path, {"page": "100000"}, headers=headers)
    assert response.status_code == 200 and response.json()["items"] == []


def test_a_huge_page_number_on_the_html_list_shows_the_last_page(client, org):
    laptop(org)
    client.force_login(factories.member(org, "viewer"))
    url = reverse("inventory:assets", args=[org.slug])
    response = client.get(url, {"page": "99999999999999999999999"})
    assert response.status_code == 200
    assert "PC-1" in response.content.decode()


# --- a corrupt row stored before the constraints ------------------------------------------------

def store_bypassing_checks(asset: Asset, **values: object) -> None:
    """Write like a legacy row: no validation, no CHECK constraint (dropped for the test on
    PostgreSQL, ignored on SQLite); the test's transaction rolls it all back."""
    table = Asset._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA ignore_check_constraints = ON")
        else:
            # Deferred foreign keys of the test's transaction would block the ALTER TABLE.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for name in values:
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT '
                               f'"asset_{name}_within_bounds"')
        for name, value in values.items():
            # Column names from the test's own keywords, never from input.
            cursor.execute(f"UPDATE {table} SET {name} = %s WHERE id = %s",  # noqa: S608
                           [value, asset.pk])
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA ignore_check_constraints = OFF")
    bump_inventory_version(asset.organisation)


def test_a_corrupt_stored_row_is_reported_not_a_500(api, org):
    laptop(org, inventory_number="PC-OK")
    bad = laptop(org, inventory_number="PC-BAD")
    store_bypassing_checks(bad, lifespan_years=-81, annual_kwh=1e308)
    assert_everything_answers(api, org)
    data = api.get("/footprint").json()
    assert data["rows"]["used"] == 1
    columns = {p["column"] for p in data["rows"]["problems"]}
    assert {"lifespan_years", "annual_kwh"} <= columns
    # The asset itself still reads back (the answer is not validated against the bounds).
    assert api.get(f"/assets/{bad.pk}").json()["lifespan_years"] == -81


def test_a_stored_unknown_country_without_a_source_line_is_a_problem(api, org):
    asset = laptop(org, source_line=None)
    Asset.objects.filter(pk=asset.pk).update(country="ZZZ")  # no CHECK on the code
    bump_inventory_version(org)
    assert_everything_answers(api, org)
    problems = api.get("/footprint").json()["rows"]["problems"]
    assert [p["value"] for p in problems if p["column"] == "country"] == ["ZZZ"]


def test_public_pages_keep_the_last_good_result_when_a_recomputation_fails(monkeypatch):
    # The public pages are cached per organisation and inventory version: an earlier test's
    # organisation may have had the same id.
    cache.clear()
    org = OrganisationFactory(slug="ville-last-good")
    laptop(org)
    factories.published(org, "footprint")
    url = reverse("public:footprint", args=[org.slug])
    good = Client().get(url)
    assert good.status_code == 200
    assert FootprintResult.objects.filter(organisation=org).exists()

    def broken(*args, **kwargs):
        raise RuntimeError("factor set unreadable")

    monkeypatch.setattr(footprint_services, "compute_footprint", broken)
    bump_inventory_version(org)
    org.refresh_from_db()
    response = Client().get(url)
    assert response.status_code == 200
    assert response.content.decode().count("kg") == good.content.decode().count("kg")
    assert footprint_services.footprint_for(org, timezone.localdate().year) == \
        FootprintResult.objects.get(organisation=org).data
