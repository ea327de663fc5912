"""The operator's dashboard (namespace "operatordashboard", /operator/dashboard/): members with
devices, footprint per agent, strategy status and last activity; the consolidated footprint;
filters; exports; isolation; a constant number of queries whatever the member count."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from tests.factories import (
    AssetFactory,
    InventoryImportFactory,
    OperatorAdminFactory,
    OperatorFactory,
    OrganisationFactory,
    member,
)

from jalon.footprint.models import FootprintResult
from jalon.operators import dashboard
from jalon.operators.models import FootprintSummary, InventorySize
from jalon.strategy.models import Indicator, IndicatorDefinition, IndicatorValue, Strategy
from jalon.tenancy.models import AuditEvent, Organisation

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


def footprint(organisation: Organisation, gwp: float, categories: dict[str, float],
              version: int | None = None) -> FootprintResult:
    """A stored stock footprint of this year, as footprint.services leaves it (totals and
    by_category of the JSON contract, docs/json-output.md)."""
    return FootprintResult.objects.create(
        organisation=organisation,
        inventory_version=organisation.inventory_version if version is None else version,
        year=YEAR, method="stock", lifespan_rule="reference", dimensions="entity,site",
        data={"totals": {"gwp": {"value": gwp, "unit": "kgCO2e"}},
              "by_category": {k: {"gwp": {"value": v, "unit": "kgCO2e"}}
                              for k, v in categories.items()}})


def strategy(organisation: Organisation, adopted: bool = True) -> Strategy:
    """A current strategy with one indicator on track, one off track and one without target."""
    target = Strategy.objects.create(
        organisation=organisation, title=f"Stratégie {organisation.slug}",
        period_start=YEAR - 2, period_end=YEAR + 4,
        adopted_on=dt.date(YEAR - 2, 6, 1) if adopted else None)
    definition = IndicatorDefinition.objects.get_or_create(
        key="part", organisation=None, operator=None,
        defaults={"name": "Part", "unit": "%", "direction": "up"})[0]
    good = Indicator.objects.create(strategy=target, definition=definition, target_kind="level",
                                    target_value=50, target_date=dt.date(YEAR + 3, 12, 31))
    bad = Indicator.objects.create(strategy=target, definition=definition, target_kind="level",
                                   target_value=90, target_date=dt.date(YEAR, 12, 31))
    loose = Indicator.objects.create(strategy=target, definition=definition,
                                     target_kind="level", target_value=0, target_defined=False)
    IndicatorValue.objects.create(indicator=loose, date=dt.date(YEAR - 1, 12, 31), value=3)
    for year, value in ((YEAR - 3, 10), (YEAR - 2, 25), (YEAR - 1, 40)):
        IndicatorValue.objects.create(indicator=good, date=dt.date(year, 12, 31), value=value)
        IndicatorValue.objects.create(indicator=bad, date=dt.date(year, 12, 31), value=value / 4)
    return target


@pytest.fixture
def world(client):
    gip = OperatorFactory(slug="gip", name="GIP Numérique")
    other = OperatorFactory(slug="autre", name="Autre opérateur")
    commune = OrganisationFactory(operator=gip, slug="bourg", name="Commune du Bourg",
                                  kind="commune", population=2_000, agents=20)
    epci = OrganisationFactory(operator=gip, slug="agglo", name="Agglo des Vallons",
                               kind="epci", population=60_000, agents=500)
    outsider = OrganisationFactory(operator=other, slug="secrete",
                                   name="Ville Secrète ZZLEAK", kind="commune",
                                   population=2_500, agents=10)
    AssetFactory.create_batch(3, organisation=commune, quantity=2)
    AssetFactory(organisation=epci, quantity=5)
    AssetFactory(organisation=outsider, quantity=99)
    InventoryImportFactory(organisation=commune, status="done",
                           finished_at=dt.datetime(YEAR, 1, 15, 10, tzinfo=dt.UTC))
    footprint(commune, 4_000.0, {"laptop": 3_000.0, "monitor": 1_000.0})
    footprint(epci, 100_000.0, {"laptop": 60_000.0, "server": 40_000.0})
    footprint(outsider, 9_999_999.0, {"ZZLEAKCAT": 9_999_999.0})
    strategy(commune)
    strategy(outsider)
    admin = OperatorAdminFactory(user__username="op", operator=gip).user
    client.force_login(admin)
    return {"gip": gip, "other": other, "commune": commune, "epci": epci,
            "outsider": outsider, "admin": admin}


def url(name: str = "index", *args: str) -> str:
    return reverse(f"operatordashboard:{name}", args=args)


def page(client, query: str = "") -> str:
    response = client.get(url() + query)
    assert response.status_code == 200
    return response.content.decode()


def test_members_with_devices_footprint_strategy_and_activity(client, world):
    html = page(client)
    assert "Commune du Bourg" in html and "Agglo des Vallons" in html
    assert "ZZLEAK" not in html  # another operator's member, its footprint's categories
    board = dashboard.dashboard(world["gip"].__class__.objects.filter(pk=world["gip"].pk),
                                dashboard.Filters())
    by_slug = {m.slug: m for m in board.members}
    bourg, agglo = by_slug["bourg"], by_slug["agglo"]
    assert (bourg.devices, agglo.devices) == (6, 5)
    assert bourg.per_agent == pytest.approx(200.0) and agglo.per_agent == pytest.approx(200.0)
    assert bourg.strategy is not None and bourg.strategy.adopted_on is not None
    assert (bourg.strategy.on_track, bourg.strategy.late, bourg.strategy.no_target) == (1, 1, 1)
    assert agglo.strategy is None
    assert bourg.last_import is not None and bourg.last_import.year == YEAR
    assert board.totals.devices == 11 and board.totals.gwp_kg == pytest.approx(104_000.0)
    assert board.totals.per_agent == pytest.approx(200.0)
    assert [key for key, _label, _v in board.by_category] == ["laptop", "server", "monitor"]
    # On the page: the figures, the chart and its table, the strategy's words.
    assert "<svg" in html and 'role="img"' in html and "categories-caption" in html
    assert "1 en bonne voie, 1 en retard, 1 sans cible" in html
    assert "Adoptée le" in html and "Aucune" in html
    assert "104,0" in html  # 104 t CO2e consolidated


def test_last_activity_is_the_latest_import_or_audit_event(client, world):
    event = AuditEvent.objects.create(organisation=world["epci"], action="strategy.updated")
    board = dashboard.dashboard(world["gip"].__class__.objects.filter(pk=world["gip"].pk),
                                dashboard.Filters(sort="-activity"))
    assert board.members[0].slug == "agglo"
    assert board.members[0].last_activity == event.at
    assert board.members[0].last_import is None


def test_stale_footprint_is_flagged(client, world):
    Organisation.objects.filter(pk=world["commune"].pk).update(inventory_version=5)
    html = page(client)
    assert "à recalculer" in html
    assert "1 empreinte est antérieure" in html


def test_filters_by_kind_and_population_band(client, world):
    html = page(client, "?kind=epci")
    assert "Agglo des Vallons" in html and "Commune du Bourg" not in html
    html = page(client, "?band=0")  # under 3,500 inhabitants
    assert "Commune du Bourg" in html and "Agglo des Vallons" not in html
    html = page(client, "?band=3&kind=commune")
    assert "Aucun membre ne correspond" in html
    html = page(client, "?kind=nonsense&band=99&sort=evil&page=x")  # ignored, not an error
    assert "Commune du Bourg" in html and "Agglo des Vallons" in html


def test_sorts_and_pages(client, world, monkeypatch):
    monkeypatch.setattr(dashboard, "PAGE_SIZE", 1)
    html = page(client, "?sort=-devices")
    assert "Commune du Bourg" in html and "Agglo des Vallons" not in html  # 6 devices first
    assert "Page 1 sur 2" in html and "sort=-devices&amp;page=2" in html
    html = page(client, "?sort=-devices&page=2")
    assert "Agglo des Vallons" in html and "Commune du Bourg" not in html


def test_csv_export_with_filters_and_safe_cells(client, world):
    Organisation.objects.filter(pk=world["epci"].pk).update(name="=HYPERLINK(\"x\")")
    response = client.get(url("export", "csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Organisation" and len(rows) == 3
    names = [row[0] for row in rows[1:]]
    assert "'=HYPERLINK(\"x\")" in names and "Commune du Bourg" in names
    bourg = next(row for row in rows if row[0] == "Commune du Bourg")
    assert bourg[7] == "6" and bourg[9] == "200.0" and bourg[13:16] == ["1", "1", "1"]
    assert "ZZLEAK" not in response.content.decode("utf-8-sig")
    filtered = client.get(url("export", "csv") + "?kind=commune").content.decode("utf-8-sig")
    assert "Commune du Bourg" in filtered and "HYPERLINK" not in filtered


def test_xlsx_export(client, world):
    response = client.get(url("export", "xlsx"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Organisation" and len(values) == 3
    bourg = next(row for row in values if row[0] == "Commune du Bourg")
    assert bourg[7] == 6 and bourg[8] == pytest.approx(4000.0)
    assert client.get(url("export", "pdf")).status_code == 404


def test_only_the_operators_admins_reach_it(client, world):
    pages = [url(), url("export", "csv"), url("export", "xlsx")]
    client.logout()
    for target in pages:  # anonymous: to the sign-in page
        assert client.get(target).status_code == 302
    client.force_login(member(world["commune"], "admin", username="maire"))
    for target in pages:  # a member's admin is not an operator admin
        assert client.get(target).status_code == 404
    other_admin = OperatorAdminFactory(user__username="op2", operator=world["other"]).user
    client.force_login(other_admin)
    html = page(client)
    assert "ZZLEAK" in html and "Commune du Bourg" not in html and "Agglo" not in html
    export = client.get(url("export", "csv")).content.decode("utf-8-sig")
    assert "Commune du Bourg" not in export and "Agglo" not in export
    assert client.post(url()).status_code == 405


def test_an_admin_of_two_operators_sees_both_and_filters_by_operator(client, world):
    OperatorAdminFactory(user=world["admin"], operator=world["other"])
    html = page(client)
    assert "ZZLEAK" in html and "Commune du Bourg" in html
    html = page(client, f"?operator={world['gip'].pk}")
    assert "ZZLEAK" not in html and "Commune du Bourg" in html
    html = page(client, "?operator=999999")  # not one of theirs: ignored
    assert "ZZLEAK" in html


def test_no_private_member_data_on_the_page(client, world):
    """Aggregates only: no asset, no person's name, no audit event's details."""
    AssetFactory(organisation=world["commune"], user="Jeanne Confidentielle",
                 inventory_number="PC-SECRET-42")
    AuditEvent.objects.create(organisation=world["commune"], action="inventory.imported",
                              target="ZZDETAIL", details={"who": "ZZDETAIL"})
    html = page(client)
    for secret in ("Jeanne Confidentielle", "PC-SECRET-42", "ZZDETAIL"):
        assert secret not in html


def test_footprint_summaries_follow_the_stored_results(client, world):
    page(client)
    summary = FootprintSummary.objects.get(organisation=world["commune"])
    assert summary.gwp_kg == 4_000.0 and summary.by_category == {"laptop": 3_000.0,
                                                                 "monitor": 1_000.0}
    # A new inventory version, a new stored result (footprint.services): summarised anew.
    Organisation.objects.filter(pk=world["commune"].pk).update(inventory_version=1)
    world["commune"].refresh_from_db()
    footprint(world["commune"], 5_000.0, {"laptop": 5_000.0})
    board = dashboard.dashboard(world["gip"].__class__.objects.filter(pk=world["gip"].pk),
                                dashboard.Filters())
    bourg = {m.slug: m for m in board.members}["bourg"]
    assert bourg.gwp_kg == 5_000.0 and not bourg.footprint_stale
    assert FootprintSummary.objects.get(organisation=world["commune"]).gwp_kg == 5_000.0


def test_device_counts_are_stored_per_inventory_version(client, world,
                                                         django_assert_max_num_queries):
    page(client)  # counts every member once
    stored = {s.organisation_id: (s.inventory_version, s.devices)
              for s in InventorySize.objects.all()}
    assert stored[world["commune"].pk] == (0, 6)
    # Nothing to recount or summarise; one query is the header's operator entry, one the
    # second-factor check of the session (django-otp).
    with django_assert_max_num_queries(13):
        page(client)
    # An inventory change bumps the version (inventory.tasks.bump_inventory_version): only
    # that member is recounted.
    AssetFactory(organisation=world["commune"], quantity=4)
    Organisation.objects.filter(pk=world["commune"].pk).update(inventory_version=1)
    board = dashboard.dashboard(world["gip"].__class__.objects.filter(pk=world["gip"].pk),
                                dashboard.Filters())
    assert {m.slug: m.devices for m in board.members}["bourg"] == 10
    assert InventorySize.objects.get(organisation=world["commune"]).inventory_version == 1


def _members(operator, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        org = OrganisationFactory(operator=operator, slug=f"m-{i}", name=f"Membre {i}",
                                  kind="commune" if i % 2 else "epci",
                                  population=1_000 * (i + 1), agents=10 + i)
        AssetFactory(organisation=org, quantity=i + 1)
        InventoryImportFactory(organisation=org, status="done", finished_at=timezone.now())
        AuditEvent.objects.create(organisation=org, action="x")
        footprint(org, 1000.0 + i, {"laptop": 1000.0 + i})
        strategy(org, adopted=bool(i % 3))


def test_queries_are_constant_whatever_the_member_count(client, world,
                                                        django_assert_max_num_queries):
    _members(world["gip"], 3)
    with django_assert_max_num_queries(17) as small:
        page(client)
    _members(world["gip"], 30, start=3)
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = page(client)
    assert "Membre 32" in html or "Page 1 sur" in html
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url("export", "csv")).status_code == 200


def test_statuses_are_those_of_the_strategy_pages(world):
    """The dashboard's fast assessment agrees with strategy.status.assess_indicator."""
    from jalon.core.trajectory import Point
    from jalon.strategy.status import assess_indicator

    today = timezone.localdate()
    for indicator in Indicator.objects.select_related("definition"):
        points = [Point(v.date, v.value) for v in indicator.values.order_by("date", "id")]
        [row] = dashboard.indicator_rows(Indicator.objects.filter(pk=indicator.pk))
        assert dashboard.indicator_status(row, points, today) == \
            assess_indicator(indicator, today).assessment.status


def test_statuses_follow_a_changed_value_or_target_at_once(world):
    """Indicator statuses are remembered on their inputs (target, direction, values, day):
    a new value or a changed target is a new input, never a stale status."""
    operators = world["gip"].__class__.objects.filter(pk=world["gip"].pk)

    def bourg() -> dashboard.StrategySummary:
        board = dashboard.dashboard(operators, dashboard.Filters())
        found = {m.slug: m for m in board.members}["bourg"].strategy
        assert found is not None
        return found

    before = bourg()
    assert (before.on_track, before.late, before.no_target) == (1, 1, 1)
    assert bourg() == before  # remembered: the same
    late = Indicator.objects.get(strategy__organisation=world["commune"], target_value=90)
    IndicatorValue.objects.create(indicator=late, date=dt.date(YEAR, 1, 31), value=95)
    assert (bourg().on_track, bourg().late) == (2, 0)  # a value: achieved
    late.target_value = 99
    late.save()
    assert (bourg().on_track, bourg().late) == (1, 1)  # a target: late again
    late.definition.direction = "down"
    late.definition.save()
    assert bourg().late + bourg().on_track == 2  # a direction: assessed again


def test_last_activity_reads_the_latest_of_a_long_audit_trail(client, world):
    for _ in range(30):
        AuditEvent.objects.create(organisation=world["epci"], action="x")
    latest = AuditEvent.objects.filter(organisation=world["epci"]).order_by("-at").first().at
    board = dashboard.dashboard(world["gip"].__class__.objects.filter(pk=world["gip"].pk),
                                dashboard.Filters())
    assert {m.slug: m for m in board.members}["agglo"].last_event == latest
