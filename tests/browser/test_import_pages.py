"""Imports in Chromium, replace versus merge: the editor uploads a GLPI export over the demo
world's inventory (other inventory numbers); the preview says what each mode would add,
update and remove; replacing without ticking the removal is refused; merging is the default
and removes nothing; the applied import waits for review, off the public pages, until the
editor publishes it.
Every page audited at 360 and 1280 px (harness.py)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from tests.browser.harness import assert_audits_clean

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "glpi_global_utf8bom.csv"
AGGLO = "val-de-lisiere"


def _wait(session: Any, wanted: tuple[str, ...], timeout_ms: int = 30_000) -> str:
    page = session.page
    status = page.locator(".inv-status").inner_text()
    waited = 0
    while not any(w in status for w in wanted) and waited < timeout_ms:
        page.wait_for_timeout(500)
        waited += 500
        session.goto(page.url.split("?")[0])
        status = page.locator(".inv-status").inner_text()
    return status


def test_replace_versus_merge_journey(open_browser: Any, demo_world: dict[str, Any]) -> None:
    from jalon.inventory.models import Asset, InventoryImport

    before = Asset.objects.filter(organisation__slug=AGGLO).count()
    assert before > 0
    session = open_browser("editor")
    session.sign_in("editeur", demo_world["password"])
    page = session.page
    assert session.goto(f"/o/{AGGLO}/inventory/imports/") == 200
    session.audit("imports (publication setting)")
    page.locator("main input[type=file]").set_input_files(str(FIXTURE))
    with page.expect_navigation():
        page.get_by_role("button", name="Analyser le fichier").click()
    assert "À vérifier" in _wait(session, ("À vérifier", "Échec"))
    session.audit("import preview with the plan")
    plan = page.locator("#plan-caption").locator("..").inner_text()
    assert "Fusionner (par défaut)" in plan and "Remplacer" in plan
    source = InventoryImport.objects.filter(organisation__slug=AGGLO).latest("id")
    removed = source.counts["plan"]["replace"]["removed"]
    assert removed == before and str(removed) in plan
    assert page.get_by_label(re.compile("Fusionner :")).is_checked()

    # Replace without ticking the removal: refused, said in the form, nothing removed.
    page.get_by_label(re.compile("Remplacer :")).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Confirmer l'import").click()
    assert "cochez la case" in page.locator("main").inner_text()
    session.last_status = 200  # a form error page (400) is what is audited here
    session.audit("replace refused without the removal ticked")
    assert Asset.objects.filter(organisation__slug=AGGLO).count() == before

    # Merge: nothing removed; the import waits for review before going public.
    page.get_by_label(re.compile("Fusionner :")).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Confirmer l'import").click()
    assert "Importé" in _wait(session, ("Importé", "Échec"))
    assert Asset.objects.filter(organisation__slug=AGGLO).count() >= before
    assert "À vérifier avant publication" in page.locator("main").inner_text()
    session.audit("import done, awaiting review")
    with page.expect_navigation():
        page.get_by_role("button", name="Publier l'inventaire").click()
    assert "Publié sur les pages publiques" in page.locator("main").inner_text()
    session.audit("import published")
    session.goto("/")
    session.sign_out()
    assert_audits_clean(session.audits)
