"""Publishing: one publication model, and the consumers (DCAT catalogue, public home, annual
report, indicator computation) built from what the domains declare in the registry."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rdflib import Graph
from rdflib.namespace import DCAT

from jalon import events
from jalon.footprint.models import FootprintResult
from jalon.inventory import services as inventory_services
from jalon.inventory.models import Asset
from jalon.publishing import registry
from jalon.publishing import report as assembled_report
from jalon.publishing.registry import ComputedValue
from jalon.strategy import services as strategy_services
from jalon.strategy.models import Indicator, IndicatorDefinition, IndicatorValue
from jalon.tenancy.models import AuditEvent, Organisation, Publication, Role
from jalon.tenancy.scope import is_published, published_domains

from .test_opendata_world import build, member, publish

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def csv_url(name: str, slug: str = "lisiere") -> str:
    return reverse("opendata:csv", args=[slug, name])


def catalogue(client: Client, slug: str = "lisiere") -> Graph:
    response = client.get(reverse("opendata:catalogue_jsonld", args=[slug]))
    assert response.status_code == 200
    return Graph().parse(data=response.content.decode(), format="json-ld")


def downloads(graph: Graph) -> set[str]:
    return {str(url).rsplit("/", 1)[1] for url in graph.objects(None, DCAT.downloadURL)}


# --- Open data ---------------------------------------------------------------------------------

def test_catalogue_with_only_the_footprint_published(client):
    build(public=False, public_footprint=True)
    data = catalogue(client)
    assert downloads(data) == {"footprint.csv", "inventory.csv"}
    for name in ("footprint", "inventory"):
        assert client.get(csv_url(name)).status_code == 200
    ttl = client.get(reverse("opendata:catalogue_ttl", args=["lisiere"]))
    assert ttl.status_code == 200 and b"footprint.csv" in ttl.content


def test_datasets_of_an_unpublished_domain_are_404(client):
    build(public=False, public_footprint=True)
    for name in ("strategy", "indicators", "values"):
        assert client.get(csv_url(name)).status_code == 404
        schema = reverse("opendata:schema", args=["lisiere", name])
        assert client.get(schema).status_code == 404
    assert "strategy.csv" not in downloads(catalogue(client))


# --- Public home -------------------------------------------------------------------------------

def test_public_home_lists_the_sections_of_published_domains_only(client):
    world = build(public=True, public_footprint=False)
    url = reverse("public:home", args=["lisiere"])
    html = client.get(url).content.decode()
    assert 'id="pub-strategy"' in html and 'id="pub-footprint"' not in html
    assert reverse("publicstrategy:index", args=["lisiere"]) in html
    assert reverse("opendata:catalogue_jsonld", args=["lisiere"]) in html
    publish(world["org"], "footprint", True)
    html = client.get(url).content.decode()  # the cache key holds the published domains
    assert html.index('id="pub-footprint"') < html.index('id="pub-strategy"')  # registry order
    publish(world["org"], "strategy", False)
    html = client.get(url).content.decode()
    assert 'id="pub-strategy"' not in html and 'id="pub-footprint"' in html


def test_public_home_is_404_when_nothing_is_published(client):
    world = build(public=False, public_footprint=False)
    assert client.get(reverse("public:home", args=["lisiere"])).status_code == 404
    assert client.get(reverse("opendata:catalogue_jsonld", args=["lisiere"])).status_code == 404
    publish(world["org"], "strategy", True)
    assert client.get(reverse("public:home", args=["lisiere"])).status_code == 200


# --- A domain declared in a test -----------------------------------------------------------------

def fake_rows(organisation: Organisation) -> list[list[object]]:
    return [["ruche", 3]]


def fake_values(organisation: Organisation, today: dt.date) -> list[ComputedValue]:
    return [ComputedValue(today.year - 1, dt.date(today.year - 1, 12, 31), 42.0, "result")]


def fake_entries(schema: Path) -> tuple[registry.Entry, ...]:
    return (
        registry.Domain("ruches", "Ruchers", "Les ruchers de la collectivité.", order=90),
        registry.DatasetGroup("ruchers", "ruches", "Ruchers", "Les ruchers.", ("abeilles",),
                              order=90),
        registry.Dataset("ruches", "ruchers", "Ruches", "Nombre de ruches.", schema,
                         fake_rows, lambda organisation: organisation.created_at, order=90),
        registry.PublicSection("ruches", "ruches", "Nos ruchers", "publishing/test_fake.html",
                               lambda organisation, request: {"hives": 3}, order=90),
        registry.ReportSection("ruches", "Ruchers", "publishing/test_fake.html",
                               lambda organisation, year: {"hives": 3}, domain="ruches",
                               order=45),
        registry.IndicatorSource("hives", "ruches", "Ruches", "ruches", fake_values),
    )


@pytest.fixture
def fake_domain(settings, tmp_path):
    """A domain of the test's own, declared as a domain app would, withdrawn afterwards."""
    schema = tmp_path / "ruches.schema.json"
    schema.write_text(json.dumps({"fields": [{"name": "kind", "type": "string"},
                                             {"name": "count", "type": "integer"}]}))
    (tmp_path / "publishing").mkdir()
    (tmp_path / "publishing" / "test_fake.html").write_text(
        '<p class="fake-hives">{{ hives }} ruches</p>')
    settings.TEMPLATES = [{**settings.TEMPLATES[0],
                           "DIRS": [*settings.TEMPLATES[0].get("DIRS", []), str(tmp_path)]}]
    entries = fake_entries(schema)
    registry.register(*entries)
    yield
    registry.unregister(*entries)


def test_a_domain_declared_in_the_registry_is_published_everywhere(client, fake_domain):
    world = build()
    org = world["org"]
    # Not published yet: nowhere public, not in the report.
    assert client.get(csv_url("ruches")).status_code == 404
    assert "ruches.csv" not in downloads(catalogue(client))
    year = timezone.localdate().year - 1
    assert "fake-hives" not in assembled_report.render_document(org, year)
    publish(org, "ruches", True)
    # Open data: in the catalogue, served as CSV with its schema.
    assert "ruches.csv" in downloads(catalogue(client))
    body = client.get(csv_url("ruches")).content.decode()
    assert body.splitlines() == ["kind,count", "ruche,3"]
    schema = client.get(reverse("opendata:schema", args=["lisiere", "ruches"]))
    assert json.loads(schema.content)["fields"][0]["name"] == "kind"
    # Public home: its section, after the others.
    html = client.get(reverse("public:home", args=["lisiere"])).content.decode()
    assert 'id="pub-ruches"' in html and "3 ruches" in html
    assert html.index('id="pub-strategy"') < html.index('id="pub-ruches"')
    # Annual report: on screen (its own part) and in the PDF's document, in order.
    document = assembled_report.render_document(org, year)
    assert (document.index('id="r-footprint"') < document.index("fake-hives")
            < document.index('id="r-sources"'))  # order 45: between footprint and sources
    parts = assembled_report.screen_parts(assembled_report.assemble(org, year))
    assert any(p.sections == ("ruches",) for p in parts)
    # Indicator computation: a definition naming the source gets its values.
    definition = IndicatorDefinition.objects.create(key="ruches", name="Ruches", unit="ruches",
                                                    computed="hives")
    indicator = Indicator.objects.create(strategy=world["strategy"], definition=definition,
                                         position=9, target_kind="floor", target_value=10)
    assert strategy_services.recompute_computed_indicators(org, force=True) >= 1
    value = IndicatorValue.objects.get(indicator=indicator)
    assert (value.value, value.kind) == (42.0, "result")
    assert value.source == "Calculé (Ruches)"


# --- Publishing and withdrawing ------------------------------------------------------------------

def test_publish_and_withdraw_are_audited_and_need_the_publish_capability(client):
    world = build(public=False, public_footprint=False)
    org = world["org"]
    url = reverse("publishing:publication", args=["lisiere"])
    editor = member(org, "redacteur", Role.EDITOR)
    admin = member(org, "administratrice", Role.ADMIN)
    stranger = member(build(slug="ailleurs")["org"], "etranger", Role.ADMIN)
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    client.force_login(editor)
    assert client.get(url).status_code == 403
    assert client.post(url, {"domain": "footprint", "public": "1"}).status_code == 403
    assert published_domains(org) == set()
    client.force_login(admin)
    page = client.get(url).content.decode()
    for domain in registry.domains():
        assert str(domain.label) in page
    assert client.post(url, {"domain": "footprint", "public": "1"}).status_code == 302
    assert is_published(org, "footprint")
    event = AuditEvent.objects.get(organisation=org, action="footprint.published")
    assert event.actor == admin and event.details["domain"] == "footprint"
    assert Publication.objects.get(organisation=org, domain="footprint").changed_by == admin
    # Withdrawing asks first (public pages and open data go offline), then acts.
    asked = client.post(url, {"domain": "footprint", "public": "0"})
    assert asked.status_code == 200 and "ne seront plus visibles" in asked.content.decode()
    assert is_published(org, "footprint")
    assert client.post(url, {"domain": "footprint", "public": "0",
                             "confirm": "1"}).status_code == 302
    assert not is_published(org, "footprint")
    assert AuditEvent.objects.filter(organisation=org, action="footprint.unpublished").exists()
    assert client.post(url, {"domain": "nothing", "public": "1"}).status_code == 404
    # The strategy's own toggle goes through the same service.
    client.post(reverse("strategy:publish", args=["lisiere"]), {"public": "1"})
    assert is_published(org, "strategy")
    assert AuditEvent.objects.filter(organisation=org, action="strategy.published").exists()


# --- Change notifications ------------------------------------------------------------------------

def test_an_inventory_change_recomputes_the_footprint_then_the_indicators(
        django_capture_on_commit_callbacks):
    from jalon.footprint.tasks import on_inventory_change as footprint_handler
    from jalon.publishing.fastpath import forget
    from jalon.strategy.tasks import on_change as strategy_handler

    # The footprint's own subscriber first; the indicators after (any topic their sources
    # listen to). The public pages' index forgets the version (publishing/fastpath.py).
    assert [h for h in events.subscribers(events.INVENTORY) if h is not forget] == [
        footprint_handler]
    assert forget in events.subscribers(events.INVENTORY)
    assert events.any_subscribers() == [strategy_handler]
    world = build()
    org = world["org"]
    org.agents = 10
    org.save()
    definition = IndicatorDefinition.objects.create(key="par-agent", name="Par agent",
                                                    unit="kgCO2e", computed="footprint_per_agent")
    indicator = Indicator.objects.create(strategy=world["strategy"], definition=definition,
                                         position=9, target_kind="ceiling", target_value=100)
    asset = Asset.objects.filter(organisation=org, retirement_date__isnull=True).first()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        inventory_services.retire_assets(None, org, [asset.pk], date=timezone.localdate(),
                                         disposal="recycled")
    assert len(callbacks) == 1  # announced once
    org.refresh_from_db()
    assert FootprintResult.objects.filter(organisation=org,
                                          inventory_version=org.inventory_version).exists()
    indicator.refresh_from_db()
    assert indicator.computed_version == org.inventory_version
    assert IndicatorValue.objects.filter(indicator=indicator,
                                         inventory_version=org.inventory_version).exists()


# --- The house rules of publishing ---------------------------------------------------------------

def _imports(package: str) -> dict[str, set[str]]:
    import ast

    root = Path(__file__).resolve().parents[2] / "src" / "jalon" / package
    found: dict[str, set[str]] = {}
    for path in root.rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
        found[str(path.relative_to(root))] = names
    return found


def _offenders(package: str, forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    return {path: sorted(m for m in names
                         if any(m == f or m.startswith(f + ".") for f in forbidden))
            for path, names in _imports(package).items()
            if any(m == f or m.startswith(f + ".") for f in forbidden for m in names)}


def test_publishing_imports_no_domain():
    domains = ("jalon.strategy", "jalon.footprint", "jalon.inventory", "jalon.catalogue",
               "jalon.accounts", "jalon.operators", "jalon.api")
    assert _offenders("publishing", domains) == {}


def test_the_inventory_knows_none_of_its_consumers():
    assert _offenders("inventory", ("jalon.footprint", "jalon.strategy")) == {}


def test_a_catalogue_change_recomputes_the_indicators_computed_from_it(
        django_capture_on_commit_callbacks):
    from jalon.catalogue import services as catalogue_services

    world = build()
    org = world["org"]
    definition = IndicatorDefinition.objects.create(
        key="services-ue", name="Services hébergés dans l'UE", unit="%",
        computed="public_services_hosted_in_eu_share")
    indicator = Indicator.objects.create(strategy=world["strategy"], definition=definition,
                                         position=9, target_kind="floor", target_value=90)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        catalogue_services.create_service(None, org, {
            "name": "Portail famille", "kind": "online_procedure", "audience": "public",
            "status": "in_service", "hosting_country": "US"})
    assert len(callbacks) == 1  # announced once
    values = IndicatorValue.objects.filter(indicator=indicator)
    assert values.exists()
    assert values.order_by("-date").first().value == 0  # the one public service is in the US
