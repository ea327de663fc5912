"""Scenarios and closed years in Chromium, every page audited (harness.py: axe, weight,
EcoIndex, keyboard, overflow at 1280 and 360 px): an editor computes a scenario, saves it
linked to an action, sees it on the action's axis page, compares the demo's scenarios; the
annual reviews list shows the closed year; a viewer reads the saved scenarios."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from tests.browser.harness import assert_audits_clean

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AGGLO = "val-de-lisiere"


def test_scenario_pages(open_browser: Any, demo_world: dict[str, Any]) -> None:
    from jalon.footprint.models import SavedScenario
    from jalon.strategy.models import Action

    session = open_browser("editor")
    session.sign_in("editeur", demo_world["password"])
    page = session.page
    year = timezone.localdate().year
    assert session.goto(f"/o/{AGGLO}/scenario/") == 200
    session.audit("scenario form")
    assert "en service" in page.locator("#caption-parameters").locator("..").inner_text()
    assert session.goto(f"/o/{AGGLO}/scenario/?start_year={year}&lifespan_laptop=7") == 200
    session.audit("scenario result")
    assert "diffèrent de" in page.locator("main").inner_text()
    with page.expect_navigation():
        page.get_by_role("link", name="Enregistrer ce scénario sous un nom").click()
    session.audit("save scenario form")
    page.get_by_label("Nom du scénario").fill("Portables 7 ans")
    page.get_by_label("Action de la stratégie qu'il éclaire").select_option(
        label=page.locator("#id_action option").nth(1).inner_text())
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer le scénario").click()
    assert "Portables 7 ans" in page.locator("main table").inner_text()
    session.audit("saved scenarios")

    ids = list(SavedScenario.objects.filter(organisation__slug=AGGLO)
               .order_by("pk").values_list("pk", flat=True))
    assert len(ids) == 3  # the demo's two and this one
    query = "&".join(f"ids={pk}" for pk in ids)
    assert session.goto(f"/o/{AGGLO}/scenario/compare/?{query}") == 200
    session.audit("scenario comparison")
    assert page.locator("#caption-compare").count() == 1
    assert session.goto(f"/o/{AGGLO}/scenario/saved/{ids[0]}/edit/") == 200
    session.audit("saved scenario form")
    assert session.goto(f"/o/{AGGLO}/scenario/?saved={ids[0]}") == 200
    session.audit("saved scenario reopened")

    action = Action.objects.get(pk=SavedScenario.objects.get(pk=ids[0]).action_id)
    assert session.goto(f"/o/{AGGLO}/strategy/axes/{action.objective.axis_id}/") == 200
    session.audit("axis page with linked scenarios")
    assert "Postes de travail gardés 6 ans" in page.locator("main").inner_text()
    assert session.goto(f"/o/{AGGLO}/strategy/report/") == 200
    session.audit("annual reviews with a closed year")
    assert "Close le" in page.locator("main table").inner_text()
    from jalon.strategy.models import Indicator

    computed = (Indicator.objects.filter(strategy__organisation__slug=AGGLO,
                                         values__date__year=year - 1,
                                         values__inventory_version__isnull=False)
                .order_by("pk").first())
    assert computed is not None
    assert session.goto(f"/o/{AGGLO}/strategy/indicators/{computed.pk}/") == 200
    session.audit("computed indicator with a closed year")
    assert "Recalculer une année close" in page.locator("main").inner_text()
    session.goto("/")
    session.sign_out()

    reader = open_browser("viewer")
    reader.sign_in("lecteur", demo_world["password"])
    assert reader.goto(f"/o/{AGGLO}/scenario/saved/") == 200
    reader.audit("saved scenarios read only")
    assert reader.page.locator("main a", has_text="Modifier").count() == 0
    reader.goto("/")
    reader.sign_out()
    assert_audits_clean(session.audits + reader.audits)
