"""Numbers people can trust, in Chromium: the footprint's hypotheses page (sources, Boavizta,
an organisation's own value), the scenario page's three totals and the report's summary, every
page audited (harness.py) at 360 and 1280 px."""

from __future__ import annotations

from typing import Any

import pytest
from tests.browser.harness import assert_audits_clean

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AGGLO = "val-de-lisiere"


def test_an_editor_replaces_a_hypothesis_and_reads_the_report(open_browser: Any,
                                                            demo_world: dict[str, Any]) -> None:
    session = open_browser("editor")
    session.sign_in("editeur", demo_world["password"])
    page = session.page
    assert session.goto(f"/o/{AGGLO}/footprint/hypotheses/?category=laptop") == 200
    session.audit("hypotheses")
    assert "Boavizta retient" in page.locator("main").inner_text()
    page.get_by_label("Hypothèse", exact=True).select_option("annual_kwh")
    page.get_by_label("Valeur de l'organisation").fill("120")
    page.get_by_label("Pourquoi (source, mesure, contrat)").fill("Relevé des compteurs")
    with page.expect_navigation():
        page.get_by_role("button", name="Remplacer").click()
    session.audit("hypotheses after an override")
    assert "Relevé des compteurs" in page.locator("main").inner_text()

    assert session.goto(f"/o/{AGGLO}/scenario/?start_year=2026") == 200
    session.audit("scenario with three totals")
    assert "Trois totaux à ne pas confondre" in page.locator("main").inner_text()

    year = 2025
    assert session.goto(f"/o/{AGGLO}/strategy/report/{year}/") == 200
    session.audit("report summary")
    assert f"Synthèse {year}" in page.locator("main").inner_text()
    session.goto("/")
    session.sign_out()
    assert_audits_clean(session.audits)
