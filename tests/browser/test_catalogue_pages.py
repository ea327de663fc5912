"""The catalogue of digital services in Chromium: every page audited (harness.py), a service
added through the form and a file with errors refused, for the demo editor."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.browser.harness import assert_audits_clean

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AGGLO = "val-de-lisiere"
BAD_FILE = (Path(__file__).resolve().parent.parent / "fixtures" / "catalogue"
            / "services_errors_cp1252.csv")


def test_catalogue_pages(open_browser: Any, demo_world: dict[str, Any]) -> None:
    session = open_browser("editor")
    session.sign_in("editeur", demo_world["password"])
    page = session.page
    base = f"/o/{AGGLO}/services/"
    assert session.goto(base) == 200
    session.audit("services")
    assert page.locator("main table tbody tr").count() >= 25
    assert session.goto(base + "?kind=online_procedure&audience=public") == 200
    session.audit("services filtered")

    with page.expect_navigation():
        page.locator("main table a", has_text="Signalement").first.click()
    session.audit("service detail")

    assert session.goto(base + "new/") == 200
    session.audit("service form")
    page.get_by_label("Nom").fill("Réservation des salles municipales")
    page.get_by_label("Type").select_option("online_procedure")
    page.get_by_label("Public", exact=True).select_option("public")
    page.get_by_label("Pays d'hébergement").fill("Gaule")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer").click()
    session.audit("service form with errors")
    assert "ISO 3166" in page.locator("main").inner_text()
    page.get_by_label("Pays d'hébergement").fill("FR")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer").click()
    assert page.locator("h1").inner_text() == "Réservation des salles municipales"

    assert session.goto(base + "import/") == 200
    session.audit("services import")
    page.get_by_label("Fichier CSV des services").set_input_files(str(BAD_FILE))
    with page.expect_navigation():
        page.get_by_role("button", name="Importer").click()
    session.audit("services import errors")
    assert "Gaule" in page.locator("main table").inner_text()
    session.goto("/")
    session.sign_out()
    assert_audits_clean(session.audits)
