"""History that stays true (issue 9, item 5): a closed year's computed values are kept as they
were presented; a new import adds values with their source; a closed year is recomputed only
on request, with a reason, audited; the pages and the report say which source and when."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from tests import factories
from tests.factories import InventoryImportFactory, OrganisationFactory

from jalon.publishing import registry
from jalon.publishing.registry import ComputedValue, Provenance
from jalon.strategy import report, services, status
from jalon.strategy.models import IndicatorValue, Strategy, SupersededValue
from jalon.tenancy.models import AuditEvent, Organisation, Role

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
LAST = TODAY.year - 1  # a year that is over
FIGURES: dict[int, float] = {}  # what the "inventory" says, year → value
IMPORT: dict[str, int | None] = {"id": None}


def _compute(organisation: Organisation, today: dt.date) -> list[ComputedValue]:
    return [ComputedValue(year, dt.date(year, 12, 31), value, "result")
            for year, value in sorted(FIGURES.items())]


def _provenance(organisation: Organisation) -> Provenance:
    return Provenance(f"Import n° {IMPORT['id']}", IMPORT["id"])


SOURCE = registry.IndicatorSource("test_history_share", "", "Part de test", "%", _compute,
                                  provenance=_provenance)


@pytest.fixture
def world():
    registry.register(SOURCE)
    org = OrganisationFactory(slug="ville-h", name="Ville H")
    editor = factories.member(org, Role.EDITOR, username="editor-h")
    viewer = factories.member(org, Role.VIEWER, username="viewer-h")
    strategy = Strategy.objects.create(organisation=org, title="S", period_start=LAST - 1,
                                       period_end=TODAY.year + 4)
    definition = services.create_definition(editor, org, name="Part de test", unit="%",
                                            computed="test_history_share")
    FIGURES.clear()
    FIGURES.update({LAST - 1: 30.0, LAST: 40.0})
    IMPORT["id"] = InventoryImportFactory(organisation=org, status="done").pk
    indicator = services.add_indicator(editor, strategy, definition, target_kind="level",
                                       target_value=0.0, target_defined=False)
    yield {"org": org, "editor": editor, "viewer": viewer, "strategy": strategy,
           "indicator": indicator}
    registry.unregister(SOURCE)


def _current(indicator) -> dict[int, float]:
    return {v.date.year: v.value for v in indicator.values.all()}


def _new_import(org, figures):
    FIGURES.update(figures)
    IMPORT["id"] = InventoryImportFactory(organisation=org, status="done").pk
    Organisation.objects.filter(pk=org.pk).update(inventory_version=org.inventory_version + 1)
    org.refresh_from_db()
    services.recompute_computed_indicators(org)


def test_an_open_year_follows_imports_and_keeps_what_it_replaced(world):
    indicator, org = world["indicator"], world["org"]
    first_import = IMPORT["id"]
    _new_import(org, {LAST: 45.0})
    assert _current(indicator)[LAST] == 45.0
    kept = SupersededValue.objects.get(indicator=indicator)
    assert (kept.value, kept.replaced_by_value, kept.source_import_id, kept.reason) == (
        40.0, 45.0, first_import, "")
    # A figure that did not change leaves no history.
    assert SupersededValue.objects.filter(date__year=LAST - 1).count() == 0
    assert indicator.values.get(date__year=LAST).source_import_id == IMPORT["id"]


def test_a_closed_year_is_kept_as_presented(world):
    indicator, org, strategy = world["indicator"], world["org"], world["strategy"]
    presented = dt.date(TODAY.year, 1, 1) if dt.date(TODAY.year, 1, 1) < TODAY else None
    report.close_year(world["editor"], strategy, LAST, presented)
    presented_value = indicator.values.get(date__year=LAST)
    _new_import(org, {LAST: 55.0, LAST - 1: 31.0})
    assert _current(indicator) == {LAST - 1: 31.0, LAST: 40.0}  # the closed year did not move
    assert indicator.values.get(date__year=LAST).pk == presented_value.pk
    event = AuditEvent.objects.get(action="strategy.year_closed")
    assert event.details["year"] == LAST and event.details["computed_values"] == 1
    # The report of that year shows the presented figure and where it came from.
    html = Client()
    html.force_login(world["viewer"])
    page = html.get(reverse("report:html", args=[org.slug, LAST]) + "?part=2").content.decode()
    page += html.get(reverse("strategy:indicator", args=[org.slug, indicator.pk])
                     ).content.decode()
    assert "40" in page and f"Import n° {presented_value.source_import_id}" in page


def test_recomputing_a_closed_year_needs_a_reason_and_is_audited(world):
    indicator, org, strategy = world["indicator"], world["org"], world["strategy"]
    report.close_year(world["editor"], strategy, LAST, None)
    _new_import(org, {LAST: 55.0})
    with pytest.raises(services.RecomputeError):
        services.recompute_closed_year(world["editor"], indicator, LAST, "  ")
    services.recompute_closed_year(world["editor"], indicator, LAST,
                                   "Erreur de saisie corrigée dans l'import")
    assert _current(indicator)[LAST] == 55.0
    kept = SupersededValue.objects.get(indicator=indicator, date__year=LAST)
    assert (kept.value, kept.reason, kept.actor) == (
        40.0, "Erreur de saisie corrigée dans l'import", world["editor"])
    event = AuditEvent.objects.get(action="strategy.value_recomputed")
    assert event.details["former"] == [40.0] and event.details["value"] == 55.0


def test_only_a_finished_year_is_closed_and_reopening_needs_a_reason(world):
    strategy = world["strategy"]
    with pytest.raises(report.ClosureError):
        report.close_year(world["editor"], strategy, TODAY.year, None)
    with pytest.raises(report.ClosureError):  # presented before the year ended
        report.close_year(world["editor"], strategy, LAST, dt.date(LAST, 6, 1))
    report.close_year(world["editor"], strategy, LAST, None)
    with pytest.raises(report.ClosureError):
        report.reopen_year(world["editor"], strategy, LAST, "")
    report.reopen_year(world["editor"], strategy, LAST, "Bilan à représenter")
    assert report.closure(strategy, LAST) is None
    _new_import(world["org"], {LAST: 47.0})
    assert _current(world["indicator"])[LAST] == 47.0


def test_close_and_recompute_pages(world):
    org, indicator = world["org"], world["indicator"]
    editor, viewer = Client(), Client()
    editor.force_login(world["editor"])
    viewer.force_login(world["viewer"])
    close = reverse("report:close", args=[org.slug, LAST])
    assert viewer.post(close, {"presented_on": ""}).status_code == 403
    page = editor.get(reverse("report:index", args=[org.slug])).content.decode()
    assert close in page
    response = editor.post(close, {"presented_on": ""})
    assert response.status_code == 302
    index = editor.get(reverse("report:index", args=[org.slug])).content.decode()
    assert "close le" in index.lower()
    recompute = reverse("strategy:recompute_year", args=[org.slug, indicator.pk])
    assert viewer.post(recompute, {"year": LAST, "reason": "x"}).status_code == 403
    bad = editor.post(recompute, {"year": LAST, "reason": ""})
    assert bad.status_code == 400
    _new_import(org, {LAST: 60.0})
    ok = editor.post(recompute, {"year": LAST, "reason": "Import corrigé"})
    assert ok.status_code == 302
    assert _current(indicator)[LAST] == 60.0
    detail = editor.get(reverse("strategy:indicator", args=[org.slug, indicator.pk]))
    text = detail.content.decode()
    assert "Import corrigé" in text  # the history says why


def test_an_indicator_without_target_is_sans_cible(world):
    item = status.assess_indicator(world["indicator"])
    assert item.status_label == "Sans cible"
    assert IndicatorValue.objects.filter(indicator=world["indicator"]).count() == 2


def test_the_chart_reads_the_path_at_period_ends_and_never_before_its_baseline(world):
    from jalon.strategy import presenters

    org, editor = world["org"], world["editor"]
    definition = services.create_definition(editor, org, name="Part manuelle", unit="%",
                                            precision=1)
    indicator = services.add_indicator(
        editor, world["strategy"], definition, target_kind="level", target_value=60.0,
        target_date=dt.date(2030, 12, 31), baseline_date=dt.date(2024, 12, 31),
        baseline_value=75.0)
    for year, value in ((2022, 80.0), (2023, 78.0), (2025, 73.0)):
        services.add_value(editor, indicator, dt.date(year, 12, 31), value)
    item = status.assess_indicator(indicator, today=dt.date(2026, 6, 1))
    chart = presenters.indicator_chart(item)
    targets = {row["year"]: row["target_text"] for row in chart.rows}
    assert targets[2022] == targets[2023] == "–"  # before the baseline: no target
    assert (targets[2024], targets[2025], targets[2026], targets[2030]) == (
        "75,0\u202f%", "72,5\u202f%", "70,0\u202f%", "60,0\u202f%")
    assert [round(p.value, 2) for p in item.assessment.path[:3]] == [75.0, 72.5, 70.0]
