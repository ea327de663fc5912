"""Footprint pages: figures equal to the engine's, caching, exports, scenario, public page."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from openpyxl import load_workbook
from tests import factories
from tests.factories import (
    BareAssetFactory,
    OperatorFactory,
    OrganisationFactory,
    PublicationFactory,
)

from jalon.core import engine
from jalon.footprint import services
from jalon.footprint.forms import current_year
from jalon.footprint.models import FootprintResult
from jalon.inventory.selectors import asset_frame
from jalon.kit.formatting import fr_criterion
from jalon.tenancy.models import AuditEvent, Operator, Organisation, Publication, Role
from jalon.tenancy.scope import is_published

INJECTION = '=HYPERLINK("http://evil.example","x")'
SECRET_USER = "Jeanne Confidentielle"


def make_org(slug: str, operator: Operator, **extra: object) -> Organisation:
    return OrganisationFactory(operator=operator, name=f"Commune {slug}", slug=slug,
                               kind="commune", **extra)


def member(org: Organisation, username: str, role: Role = Role.VIEWER):
    return factories.member(org, role, username=username)


def add_assets(org: Organisation) -> None:
    year = current_year()
    rows = [("laptop", 6, dt.date(year - 2, 3, 1), "Services techniques", "Mairie"),
            ("laptop", 4, dt.date(year - 7, 1, 15), INJECTION, "École"),
            ("desktop", 3, dt.date(year - 1, 9, 1), "Accueil", "Mairie"),
            ("monitor", 8, dt.date(year - 3, 5, 1), "Services techniques", "Mairie")]
    for i, (cat, qty, bought, entity, site) in enumerate(rows):
        BareAssetFactory(organisation=org, category=cat, quantity=qty, purchase_date=bought,
                         entity=entity, site=site, user=SECRET_USER, name=f"{cat}-{i}")


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


@pytest.fixture
def setup(db):
    operator = OperatorFactory(name="GIP", slug="gip")
    org = make_org("lisiere", operator, agents=20)
    add_assets(org)
    other = make_org("ailleurs", operator)
    return {"org": org, "other": other, "viewer": member(org, "viewer"),
            "admin": member(org, "admin", Role.ADMIN), "stranger": member(other, "stranger")}


def h1_count(html: str) -> int:
    return len(re.findall(r"<h1[\s>]", html))


def test_footprint_page_shows_the_engines_totals(client, setup):
    org = setup["org"]
    client.force_login(setup["viewer"])
    year = current_year()
    response = client.get(reverse("footprint:footprint", args=[org.slug]),
                          {"year": year, "method": "stock"})
    assert response.status_code == 200
    result = engine.compute(asset_frame(org), services.factor_set(), engine.Options(year=year))
    gwp = float(result.impacts.filter(result.impacts["criterion"] == "gwp")["value"].sum())
    assert gwp > 0
    assert response.context["data"]["totals"]["gwp"]["value"] == pytest.approx(gwp)
    html = response.content.decode()
    assert fr_criterion("gwp", gwp) + " tCO2e" in html
    assert "non évalué" in html  # water is only assessed for the use phase
    assert h1_count(html) == 1
    assert "<title" in html and "<caption" in html and 'scope="col"' in html
    assert "jalon-fr" in html and "Green IT" in html
    assert 'style="' not in html and "<script" not in html


def test_result_is_cached_and_invalidated_by_a_new_inventory_version(client, setup,
                                                                     monkeypatch):
    org = setup["org"]
    client.force_login(setup["viewer"])
    url = reverse("footprint:footprint", args=[org.slug])
    calls = []
    real = services.compute_footprint
    monkeypatch.setattr(services, "compute_footprint",
                        lambda *a: calls.append(a) or real(*a))
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    assert len(calls) == 1
    assert FootprintResult.objects.filter(organisation=org).count() == 1
    Organisation.objects.filter(pk=org.pk).update(inventory_version=org.inventory_version + 1)
    assert client.get(url).status_code == 200
    assert len(calls) == 2
    # Results of the previous version are pruned.
    assert list(FootprintResult.objects.filter(organisation=org)
                .values_list("inventory_version", flat=True)) == [org.inventory_version + 1]


def test_task_precomputes_the_current_year(setup):
    from jalon.footprint.tasks import recompute_footprint

    org = setup["org"]
    recompute_footprint.enqueue(org.pk)
    assert set(FootprintResult.objects.filter(organisation=org, year=current_year())
               .values_list("method", flat=True)) == {"stock", "flux"}


def test_invalid_year_is_a_form_error(client, setup):
    client.force_login(setup["viewer"])
    response = client.get(reverse("footprint:footprint", args=[setup["org"].slug]),
                          {"year": 1990, "method": "magic"})
    assert response.status_code == 400
    assert len(response.context["form"].errors) == 2


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_exports(client, setup, fmt):
    org = setup["org"]
    client.force_login(setup["viewer"])
    year = current_year()
    response = client.get(reverse("footprint:export", args=[org.slug, fmt]),
                          {"year": year, "method": "stock"})
    assert response.status_code == 200
    assert f'filename="jalon-empreinte-{org.slug}-{year}-stock.{fmt}"' in (
        response["Content-Disposition"])
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0][:3] == ["scope", "key", "criterion"]
        keys = {r[1] for r in rows if r[0] == "entity"}
        assert "'" + INJECTION in keys and INJECTION not in keys
    elif fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(response.content))["empreinte"]
        keys = {row[1] for row in sheet.iter_rows(values_only=True) if row[0] == "entity"}
        assert "'" + INJECTION in keys and INJECTION not in keys
    else:
        data = json.loads(response.content)
        assert data["schema_version"] == "1.0" and data["year"] == year
        assert INJECTION in data["by_entity"]  # the JSON contract keeps names as they are
    assert SECRET_USER.encode() not in response.content


def test_unknown_export_format_is_404(client, setup):
    client.force_login(setup["viewer"])
    url = reverse("footprint:export", args=[setup["org"].slug, "pdf"])
    assert client.get(url).status_code == 404


def test_scenario_form_errors(client, setup):
    client.force_login(setup["viewer"])
    response = client.get(reverse("footprint:scenario", args=[setup["org"].slug]),
                          {"start_year": current_year(), "lifespan_laptop": "-3",
                           "refurbished_laptop": "150", "mix": "XXX"})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"lifespan_laptop", "refurbished_laptop", "mix"} <= set(errors)
    assert h1_count(response.content.decode()) == 1


def test_scenario_longer_laptop_life_lowers_the_steady_state(client, setup):
    client.force_login(setup["viewer"])
    url = reverse("footprint:scenario", args=[setup["org"].slug])
    blank = client.get(url)
    assert blank.status_code == 200 and h1_count(blank.content.decode()) == 1
    assert 'name="lifespan_laptop"' in blank.content.decode()
    response = client.get(url, {"start_year": current_year(), "lifespan_laptop": "7"})
    assert response.status_code == 200
    result = response.context["result"]
    base = result["baseline"]["steady_state"]["totals"]["gwp"]["value"]
    scen = result["scenario"]["steady_state"]["totals"]["gwp"]["value"]
    assert scen < base
    assert result["parameters"]["lifespans"] == {"laptop": 7.0}
    html = response.content.decode()
    assert html.count("<svg") == 2 and "<title" in html and "<caption" in html
    assert str(result["until"]) in html
    # The three totals a reader could confuse, side by side, each saying what it is.
    three = response.context["three_totals"]
    assert [row["label"] for row in three] == [
        f"Empreinte de l'année {current_year()}", "Régime permanent de la référence",
        f"Trajectoire de référence, {result['baseline']['years'][0]['year']}"]
    assert all(row["what"] for row in three)
    assert "Trois totaux à ne pas confondre" in html
    footprint = client.get(reverse("footprint:footprint", args=[setup["org"].slug]))
    assert three[0]["value"] in footprint.content.decode()


def test_public_page_is_404_until_published(client, setup):
    org = setup["org"]
    url = reverse("public:footprint", args=[org.slug])
    assert url == f"/p/{org.slug}/"
    assert client.get(url).status_code == 404
    PublicationFactory(organisation=org, domain="footprint", published=True)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert SECRET_USER not in html
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    assert h1_count(html) == 1 and "<title" in html and "<caption" in html
    assert "jalon-fr" in html
    # A signed-in visitor gets the very same page (it is cached for everyone).
    client.force_login(setup["viewer"])
    assert client.get(url).content == response.content
    Publication.objects.filter(organisation=org, domain="footprint").update(published=False)
    assert client.get(url).status_code == 404


def test_publish_requires_admin(client, setup):
    org = setup["org"]
    url = reverse("footprint:publish", args=[org.slug])
    client.force_login(setup["viewer"])
    assert client.post(url, {"public": "1"}).status_code == 403
    client.force_login(setup["stranger"])
    assert client.post(url, {"public": "1"}).status_code == 404
    client.force_login(setup["admin"])
    assert client.get(url).status_code == 405
    response = client.post(url, {"public": "1"})
    assert response.status_code == 302
    org.refresh_from_db()
    assert is_published(org, "footprint")
    assert AuditEvent.objects.filter(organisation=org, action="footprint.published").exists()
    page = client.get(reverse("footprint:footprint", args=[org.slug])).content.decode()
    assert "Retirer la publication" in page


def test_other_organisations_are_404(client, setup):
    client.force_login(setup["stranger"])
    for name in ("footprint:dashboard", "footprint:footprint", "footprint:scenario"):
        assert client.get(reverse(name, args=[setup["org"].slug])).status_code == 404
    url = reverse("footprint:export", args=[setup["org"].slug, "csv"])
    assert client.get(url).status_code == 404


def test_dashboard(client, setup):
    org = setup["org"]
    client.force_login(setup["viewer"])
    response = client.get(reverse("footprint:dashboard", args=[org.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert h1_count(html) == 1
    assert "tCO2e" in html and "kgCO2e" in html  # per agent: organisation.agents = 20
    assert "<svg" in html and "<title" in html and "<caption" in html
    assert reverse("inventory:imports", args=[org.slug]) in html


def test_empty_inventory_pages(client, setup):
    client.force_login(setup["stranger"])
    other = setup["other"]
    for name in ("footprint:dashboard", "footprint:footprint", "footprint:scenario"):
        response = client.get(reverse(name, args=[other.slug]))
        assert response.status_code == 200
        assert h1_count(response.content.decode()) == 1


@pytest.mark.parametrize("dimension", ["category", "entity", "site"])
def test_breakdown_page_lists_every_row_with_all_criteria(client, setup, dimension):
    org = setup["org"]
    client.force_login(setup["viewer"])
    url = reverse("footprint:breakdown", args=[org.slug])
    response = client.get(url, {"dimension": dimension, "year": current_year()})
    assert response.status_code == 200
    html = response.content.decode()
    assert h1_count(html) == 1 and "<caption" in html
    assert "Consommation d&#x27;eau" in html  # every criterion, not only the climate
    expected = {"category": "Écrans", "entity": "Services techniques", "site": "École"}
    assert expected[dimension] in html
    assert SECRET_USER not in html
    # Linked from the footprint page.
    page = client.get(reverse("footprint:footprint", args=[org.slug])).content.decode()
    assert f"{url}?dimension={dimension}" in page


def test_breakdown_page_paginates_and_rejects_unknown_dimensions(client, setup):
    from jalon.footprint.views import BREAKDOWN_PER_PAGE

    org = setup["org"]
    for i in range(BREAKDOWN_PER_PAGE + 5):
        BareAssetFactory(organisation=org, category="laptop", quantity=1,
                         purchase_date=dt.date(current_year() - 1, 1, 1),
                         entity=f"Service {i:02d}", site="Mairie")
    Organisation.objects.filter(pk=org.pk).update(inventory_version=org.inventory_version + 1)
    client.force_login(setup["viewer"])
    url = reverse("footprint:breakdown", args=[org.slug])
    first = client.get(url, {"dimension": "entity"})
    assert first.status_code == 200
    assert len(first.context["page"].object_list) == BREAKDOWN_PER_PAGE
    assert first.context["total"] > BREAKDOWN_PER_PAGE
    assert "page=2" in first.content.decode()
    second = client.get(url, {"dimension": "entity", "page": 2})
    assert second.status_code == 200 and second.context["page"].number == 2
    assert client.get(url, {"dimension": "user"}).status_code == 404
    assert client.get(url, {"dimension": "site", "year": 1990}).status_code == 404


def test_breakdown_page_of_another_organisation_is_404(client, setup):
    client.force_login(setup["stranger"])
    url = reverse("footprint:breakdown", args=[setup["org"].slug])
    assert client.get(url, {"dimension": "entity"}).status_code == 404


def test_hypotheses_page_shows_sources_boavizta_and_takes_an_override(client, setup):
    org = setup["org"]
    url = reverse("footprint:hypotheses", args=[org.slug])
    client.force_login(setup["viewer"])
    page = client.get(url, {"category": "laptop"})
    assert page.status_code == 200
    html = page.content.decode().replace("&#x27;", "'")
    assert "ADEME-Arcep" in html and "Ecodiag" in html
    assert "Boavizta retient 197,1 quand Jalon retient 49,5" in html  # laptops
    assert 'name="reason"' not in html  # a viewer reads, does not change
    assert client.post(url, {"category": "laptop", "key": "annual_kwh", "value": "120",
                             "reason": "x"}).status_code == 403

    before = services.footprint_for(org, current_year(), "stock")["totals"]["gwp"]["value"]
    client.force_login(setup["admin"])
    refused = client.post(url, {"category": "laptop", "key": "annual_kwh", "value": "-5",
                                "reason": "Compteurs"})
    assert refused.status_code == 400
    refused = client.post(url, {"category": "laptop", "key": "annual_kwh", "value": "120",
                                "reason": "  "})
    assert refused.status_code == 400 and "obligatoire" in refused.content.decode()
    done = client.post(url, {"category": "laptop", "key": "annual_kwh", "value": "120",
                             "reason": "Relevé des compteurs 2025"})
    assert done.status_code == 302
    org.refresh_from_db()  # the override bumped the inventory version: no stale cache
    after = services.footprint_for(org, current_year(), "stock")["totals"]["gwp"]["value"]
    assert after > before  # 10 laptops at 120 kWh instead of 49.5
    assert AuditEvent.objects.filter(action="footprint.hypothesis_set",
                                     organisation=org).exists()
    html = client.get(url, {"category": "laptop"}).content.decode()
    assert "Relevé des compteurs 2025" in html and "Jalon : 49,5" in html
    assert client.post(url, {"category": "laptop", "key": "annual_kwh",
                             "clear": "1"}).status_code == 302
    org.refresh_from_db()
    restored = services.footprint_for(org, current_year(), "stock")["totals"]["gwp"]["value"]
    assert restored == pytest.approx(before)
    assert AuditEvent.objects.filter(action="footprint.hypothesis_cleared").exists()
