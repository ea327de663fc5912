"""Server rooms in Chromium: every page audited (harness.py); the IT manager fills a room's
Code of Conduct checklist and sees its conformity rate, adds a year's figures, and opens the
colocation's annual KPI report (demo editor); a viewer reads the checklist."""

from __future__ import annotations

from typing import Any

import pytest
from tests.browser.harness import assert_audits_clean

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AGGLO = "val-de-lisiere"


def test_datacentres_pages(open_browser: Any, demo_world: dict[str, Any]) -> None:
    from jalon.datacentres import demo
    from jalon.datacentres.models import Site

    main = Site.objects.get(name=demo.MAIN)
    colocation = Site.objects.get(name=demo.COLOCATION)
    session = open_browser("editor")
    session.sign_in("editeur", demo_world["password"])
    page = session.page
    base = f"/o/{AGGLO}/datacentres/"
    assert session.goto(base) == 200
    session.audit("server rooms")
    assert page.locator("#sites-caption").count() == 1
    assert "Colocation Lisière" in page.locator("main table").first.inner_text()

    with page.expect_navigation():
        page.locator("main table a", has_text="Hôtel d'agglomération").first.click()
    session.audit("server room")
    assert "SRV-VIRT-01" in page.locator("#hosted-caption").locator("..").inner_text()
    before = page.locator(".figures .value").nth(1).inner_text()

    assert session.goto(f"{base}{main.pk}/checklist/") == 200
    session.audit("checklist")
    with page.expect_navigation():
        page.locator("main table a", has_text="3.1.5").click()
    session.audit("practice form")
    page.get_by_label("Statut").select_option("implemented")
    page.get_by_label("Preuve ou justification").fill("Certificat ISO 50001 du 3 mars")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer").click()
    assert "3.1.5 enregistrée" in page.locator(".messages").inner_text()
    assert "Certificat ISO 50001" in page.locator("main table").inner_text()
    assert session.goto(f"{base}{main.pk}/checklist/?section=cooling") == 200
    session.audit("checklist cooling")
    session.goto(f"{base}{main.pk}/")
    assert page.locator(".figures .value").nth(1).inner_text() != before

    assert session.goto(f"{base}{main.pk}/years/new/") == 200
    session.audit("year form")
    # 2023 is already there: refused with a clear message.
    page.get_by_label("Année", exact=True).fill("2023")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer").click()
    assert "existent déjà" in page.locator("main").inner_text()
    session.audit("year form with errors")

    assert session.goto(f"{base}{colocation.pk}/report/2025/") == 200
    session.audit("kpi report")
    assert "Site soumis à la déclaration" in page.locator("main").inner_text()
    report = page.locator("main").inner_text()
    assert "35238" in report and "2018-06" in report and "2N / 2N / N+1" in report
    assert session.goto(f"{base}new/") == 200
    session.audit("site form")
    page.get_by_label("Nom", exact=True).fill("Salle du dépôt")
    page.get_by_label("Code d'unité administrative locale (LAU)").fill("35 000 Rennes")
    page.get_by_label("Redondance électrique").fill("Tier III")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer").click()
    errors = page.locator("main").inner_text()
    assert "Code LAU invalide" in errors and "Niveau de redondance invalide" in errors
    session.audit("site form with errors")
    assert session.goto(f"{base}practices/") == 200
    session.audit("practices")
    session.goto("/")
    session.sign_out()

    reader = open_browser("viewer")
    reader.sign_in("lecteur", demo_world["password"])
    assert reader.goto(f"{base}{main.pk}/checklist/") == 200
    reader.audit("checklist read only")
    assert reader.page.locator("main table a").count() == 0
    reader.goto("/")
    reader.sign_out()
    assert_audits_clean(session.audits + reader.audits)
