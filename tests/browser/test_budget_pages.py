"""The green budget of digital spending in Chromium, for the demo editor: the summary with its
chart, the lines, a line's ratings with one changed (reason required), the rules, the default
ratings, and an import whose errors are listed and nothing written; every page audited."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.browser.harness import assert_audits_clean

from jalon.budget.models import SpendingLine

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AGGLO = "val-de-lisiere"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "budget"


def test_budget_pages(open_browser: Any, demo_world: dict[str, Any]) -> None:
    session = open_browser("editor")
    session.sign_in("editeur", demo_world["password"])
    page = session.page
    base = f"/o/{AGGLO}/budget/"
    assert session.goto(base + "?year=2025") == 200
    session.audit("budget summary")
    agec = page.locator("#agec-caption").locator("..").inner_text()
    assert "Matériel informatique et téléphonie" in agec and "20 %" in agec
    assert "Matériel de reprographie et d'impression" in agec and "non trouvé" in agec
    assert page.locator("main svg[role=img]").count() == 1
    assert "obligatoire" in page.locator("main").inner_text()

    assert session.goto(base + "lines/?year=2025&kind=refurbished_equipment") == 200
    session.audit("budget lines")
    with page.expect_navigation():
        page.locator("main table a").first.click()
    session.audit("budget line")
    line_url = page.url
    # A change of rating without a reason is refused, then accepted with one.
    form = page.locator("#axis-water form")
    form.get_by_label("Cotation").select_option("favourable")
    with page.expect_navigation():
        form.get_by_role("button", name="Modifier la cotation").click()
    session.audit("budget line rating error")
    assert "motif" in page.locator("#axis-water").inner_text().lower()
    form = page.locator("#axis-water form")
    form.get_by_label("Cotation").select_option("favourable")
    form.get_by_label("Motif").fill("Achat sans consommation d'eau supplémentaire.")
    with page.expect_navigation():
        form.get_by_role("button", name="Modifier la cotation").click()
    assert "sans consommation d'eau" in page.locator("#axis-water").inner_text()
    assert page.url.split("#")[0] == line_url.split("#")[0]

    assert session.goto(base + "rules/") == 200
    session.audit("budget rules")
    assert session.goto(base + "reference/") == 200
    session.audit("budget default ratings")

    before = SpendingLine.objects.count()
    assert session.goto(base + "import/") == 200
    session.audit("budget import")
    page.get_by_label("Exercice").fill("2025")
    page.get_by_label("Export du logiciel financier").set_input_files(
        str(FIXTURES / "mandats-erreurs.csv"))
    with page.expect_navigation():
        page.get_by_role("button", name="Voir l'aperçu").click()
    session.audit("budget import preview with errors")
    assert "21A3" in page.locator("main").inner_text()
    with page.expect_navigation():
        page.get_by_role("button", name="Abandonner cet import").click()
    assert SpendingLine.objects.count() == before
    session.goto("/")
    session.sign_out()
    assert_audits_clean(session.audits)
