"""Audits in Chromium, for the demo editor: the portfolio, a service's audits, a campaign run
against a page the test server serves on loopback (per-page status and progress), the RGAA
grid filled by hand, a declaration generated and published; every page audited (harness.py:
axe 0, weight, EcoIndex A, keyboard, overflow at 360 and 1280 px)."""

from __future__ import annotations

from typing import Any

import pytest
from tests.browser.harness import assert_audits_clean

from jalon.audits.models import Campaign, PageAudit
from jalon.catalogue.models import DigitalService

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AGGLO = "val-de-lisiere"


def test_audits_journey(open_browser: Any, demo_world: dict[str, Any], settings: Any) -> None:
    settings.AUDITS_ALLOW_LOOPBACK = True
    settings.AUDITS_WAIT_SECONDS = 0.1
    session = open_browser("editor")
    session.sign_in("editeur", demo_world["password"])
    page = session.page
    base = f"/o/{AGGLO}/audits/"
    assert session.goto(base) == 200
    session.audit("audits portfolio")
    assert "Site de l'agglomération" in page.locator("main table").first.inner_text()
    # The five indicators beside the demo strategy's targets (read through the spine).
    targets = page.locator("main table", has=page.locator("#targets-caption")).inner_text()
    assert "EcoIndex moyen des services numériques publics" in targets
    assert "en 2027" in targets or "en 2028" in targets

    site = DigitalService.objects.get(organisation__slug=AGGLO, name="Site de l'agglomération")
    assert session.goto(f"{base}services/{site.pk}/") == 200
    session.audit("service audits")
    audit = PageAudit.objects.filter(service=site, status="ok").first()
    assert audit is not None
    assert session.goto(f"{base}pages/{audit.pk}/") == 200
    session.audit("page audit")

    # The sample of one service points at the test server's sign-in page (loopback).
    civil = DigitalService.objects.get(organisation__slug=AGGLO,
                                       name="Demande d'acte d'état civil")
    assert session.goto(f"{base}services/{civil.pk}/sample/") == 200
    session.audit("sample form")
    page.locator('[name="url_0"]').fill(demo_world["base"] + "/accounts/login/")
    page.locator('[name="url_1"]').fill("")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer").click()

    assert session.goto(f"{base}campaigns/new/") == 200
    session.audit("campaign form")
    for box in page.locator("main input[type=checkbox]").all():
        box.uncheck()
    page.get_by_label("Demande d'acte d'état civil").check()
    page.get_by_label("Chargements par page").fill("1")
    # Tasks run inline in tests: the answer comes once the page is audited.
    with page.expect_navigation(timeout=180_000):
        page.get_by_role("button", name="Lancer la campagne").click(timeout=180_000)
    session.audit("campaign")
    campaign = Campaign.objects.get(organisation__slug=AGGLO)
    assert campaign.status == "done" and campaign.done_pages == 1
    assert "1 pages auditées sur 1" in page.locator("main").inner_text()
    assert "auditée" in page.locator("main table").inner_text()

    # The RGAA grid: one criterion set by hand.
    assert session.goto(f"{base}services/{site.pk}/") == 200
    with page.expect_navigation():
        page.get_by_role("link", name="grille de 25 critères").click()
    session.audit("rgaa grid")
    page.locator('[name="status_1.1"]').select_option("NC")
    page.locator('[name="note_1.1"]').fill("Le logo n'a pas d'alternative.")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer la thématique").click()
    assert "1 critère(s) modifié(s)" in page.locator("main").inner_text()

    # A new version of the accessibility declaration, published.
    assert session.goto(f"{base}services/{site.pk}/declarations/rgaa/new/") == 200
    session.audit("declaration form")
    page.get_by_label("Contact pour signaler un défaut").fill("a11y@val-de-lisiere.example")
    with page.expect_navigation():
        page.get_by_role("button", name="Générer").click()
    session.audit("declaration")
    with page.expect_navigation():
        page.get_by_role("button", name="Publier cette version").click()
    assert session.goto(f"/p/{AGGLO}/audits/{site.pk}/accessibilite/") == 200
    session.audit("public declaration")
    assert "Critère 1.1" in page.locator("main").inner_text()
    session.goto("/")
    session.sign_out()
    assert_audits_clean(session.audits)
