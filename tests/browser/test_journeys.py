"""Journeys through the platform in Chromium, every page reached audited (harness.py) for every
role: viewer, editor, admin, operator administrator, and anonymous visitors of a public page.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from tests.browser.harness import assert_audits_clean
from tests.factories import published

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
GLPI = FIXTURES / "glpi_global_utf8bom.csv"
AGGLO = "val-de-lisiere"
USER_COLUMN = re.compile(r"^\s*Utilisateur\s*:?\s*$")


def _page_exists(session: Any, path: str, what: str) -> None:
    status = session.goto(path)
    if status in (404, 501) or status is None:
        pytest.fail(f"missing page: {what} ({path} answers {status})")
    assert status == 200, f"{path} answers {status}"


def _wait_for_import(session: Any, wanted: tuple[str, ...], timeout_s: float = 30) -> str:
    """The import page refreshes itself while the task runs; tasks are inline in tests."""
    page = session.page
    deadline = timeout_s * 1000
    status = page.locator(".inv-status").inner_text()
    waited = 0
    while not any(w in status for w in wanted) and waited < deadline:
        page.wait_for_timeout(500)
        waited += 500
        session.goto(page.url.split("?")[0])
        status = page.locator(".inv-status").inner_text()
    return status


def test_import_footprint_scenario_publish_journey(open_browser: Any,
                                                   demo_world: dict[str, Any]) -> None:
    """Sign in → upload a GLPI export → correct a mapping → confirm → footprint totals →
    scenario "laptops 7 years" → publish → the public page signed out → sign out."""
    from jalon.tenancy.models import Publication

    # Set-up: the footprint is the only thing published (the demo also publishes the strategy
    # and the catalogue of services), so that withdrawing it leaves nothing public.
    Publication.objects.filter(organisation__slug=AGGLO).exclude(domain="footprint").update(
        published=False)
    admin = open_browser("admin")
    admin.sign_in("admin", demo_world["password"])
    assert "/accounts/login" not in admin.page.url, "sign-in failed"
    admin.audit("home (signed in)")

    _page_exists(admin, f"/o/{AGGLO}/", "dashboard")
    admin.audit("dashboard")

    # Upload the GLPI export.
    _page_exists(admin, f"/o/{AGGLO}/inventory/imports/", "imports")
    admin.audit("imports")
    upload = admin.page.locator("main input[type=file]")
    if upload.count() == 0:
        pytest.fail("missing: upload form on the imports page")
    upload.first.set_input_files(str(GLPI))
    with admin.page.expect_navigation():
        admin.page.get_by_role("button", name="Analyser le fichier").click()
    status = _wait_for_import(admin, ("À vérifier", "Échec"))
    assert "À vérifier" in status, status
    admin.audit("import preview")

    # Correct one column of the mapping: the user's name is not needed. Each column is a text
    # input suggesting Jalon's columns from a shared <datalist>: type the column's name.
    user_column = admin.page.get_by_label(USER_COLUMN)
    user_column.fill("ignore")
    with admin.page.expect_navigation():
        admin.page.get_by_role("button", name="Réanalyser avec cette correspondance").click()
    status = _wait_for_import(admin, ("À vérifier", "Échec"))
    assert "À vérifier" in status, status
    assert admin.page.get_by_label(USER_COLUMN).input_value() == "Ignorer cette colonne"
    admin.audit("import preview (mapping corrected)")

    # Confirm, replacing the inventory: the removal of the demo's devices is ticked.
    admin.page.get_by_label(re.compile("Remplacer")).check()
    admin.page.get_by_label(re.compile("Je confirme la suppression")).check()
    with admin.page.expect_navigation():
        admin.page.get_by_role("button", name="Confirmer l'import").click()
    status = _wait_for_import(admin, ("Importé", "Échec"))
    if "Échec" in status:
        pytest.fail(f"import application fails in the inventory app: {status.strip()}")
    assert "Importé" in status, status
    admin.audit("import done")

    # The footprint page shows the totals of the 40 imported devices.
    _page_exists(admin, f"/o/{AGGLO}/footprint/", "footprint")
    main = admin.page.locator("main")
    text = main.inner_text()
    assert "Empreinte environnementale du parc" in text
    assert re.search(r"CO2|CO₂", text), "no climate-change total on the footprint page"
    admin.audit("footprint")

    # Scenario: laptops live 7 years.
    _page_exists(admin, f"/o/{AGGLO}/scenario/", "scenario")
    admin.audit("scenario (form)")
    lifespan = admin.page.locator("#id_lifespan_laptop")
    if lifespan.count() == 0:
        pytest.fail("missing: scenario form has no laptop lifespan field")
    lifespan.fill("7")
    with admin.page.expect_navigation():
        admin.page.get_by_role("button", name="Calculer").click()
    assert "lifespan_laptop=7" in admin.page.url
    scenario_text = admin.page.locator("main").inner_text()
    assert "Le formulaire contient des erreurs" not in scenario_text
    assert re.search(r"[Ss]cénario", scenario_text)
    admin.audit("scenario (result)")

    # The demo publishes the footprint: withdraw it (the public page is gone), publish it again.
    _page_exists(admin, f"/o/{AGGLO}/footprint/", "footprint")
    withdraw = admin.page.get_by_role("button", name="Retirer la publication")
    assert withdraw.count() == 1, "the demo publishes the agglomeration's footprint"
    with admin.page.expect_navigation():
        withdraw.click()
    admin.last_status = 200
    admin.audit("footprint (withdrawal asked)")  # the page says what goes offline, asks again
    assert "ne seront plus visibles" in admin.page.locator("main").inner_text()
    with admin.page.expect_navigation():
        admin.page.get_by_role("button", name="Retirer la publication").click()
    admin.last_status = 200
    admin.audit("footprint (withdrawn)")
    assert open_browser("anonymous").goto(f"/p/{AGGLO}/") == 404
    publish = admin.page.get_by_role("button", name="Publier l'empreinte")
    assert publish.count() == 1, "missing: publish button on the footprint page"
    with admin.page.expect_navigation():
        publish.click()
    admin.last_status = 200
    admin.audit("footprint (published)")
    # The publication page: every domain, published or not, with its button.
    _page_exists(admin, f"/o/{AGGLO}/publication/", "publication")
    assert admin.page.get_by_role("button", name=re.compile("Retirer la publication")).count() == 1
    admin.audit("publication")

    # The public page, signed out.
    visitor = open_browser("anonymous")
    _page_exists(visitor, f"/p/{AGGLO}/", "public footprint")
    assert "Val-de-Lisière" in visitor.page.locator("h1").inner_text()
    visitor.audit("public footprint")
    visitor.goto("/")
    assert visitor.page.get_by_role("link", name=re.compile("Val-de-Lisière")).count() >= 1
    visitor.audit("home (anonymous)")

    # Sign out.
    admin.sign_out()
    assert admin.page.get_by_role("link", name="Se connecter").count() >= 1
    admin.audit("home (signed out)")

    assert_audits_clean(admin.audits + visitor.audits)


ROLE_PAGES = {
    # role: (username, pages as (label, path, minimum role to see it))
    "viewer": "lecteur",
    "editor": "editeur",
    "admin": "admin",
    "operator": "operateur",
}
ORG_PAGES = (
    ("dashboard", ""),
    ("assets", "inventory/"),
    ("imports", "inventory/imports/"),
    ("footprint", "footprint/"),
    ("scenario", "scenario/"),
)
ADMIN_PAGES = (
    ("settings", "settings/"),
    ("members", "settings/members/"),
    ("invitations", "settings/invitations/"),
    ("API tokens", "settings/tokens/"),
    ("audit log", "settings/audit/"),
)


@pytest.mark.parametrize("role", list(ROLE_PAGES))
def test_every_page_of_every_role(role: str, open_browser: Any,
                                  demo_world: dict[str, Any]) -> None:
    session = open_browser(role)
    session.sign_in(ROLE_PAGES[role], demo_world["password"])
    assert "/accounts/login" not in session.page.url, "sign-in failed"
    session.audit("home (signed in)")
    missing: list[str] = []
    pages = list(ORG_PAGES)
    if role in ("admin", "operator"):
        pages += ADMIN_PAGES
    for label, path in pages:
        status = session.goto(f"/o/{AGGLO}/{path}")
        if status == 404:
            missing.append(label)
            continue
        assert status == 200, f"{label}: {status}"
        session.audit(label)
        if label == "assets":
            first = session.page.locator("main table a").first
            if first.count():
                with session.page.expect_navigation():
                    first.click()
                session.audit("asset detail")
        if label == "members":
            edit = session.page.locator("main table a", has_text="Modifier les capacités").first
            with session.page.expect_navigation():
                edit.click()
            session.audit("member capabilities")
        if label == "imports" and role == "viewer":
            assert session.page.get_by_role("button", name="Analyser le fichier").count() == 0
    if role in ("viewer", "editor"):
        assert session.goto(f"/o/{AGGLO}/settings/") in (403, 404)
    if role == "operator":
        status = session.goto("/operator/")
        if status == 404:
            missing.append("operator index")
        else:
            assert status == 200
            session.audit("operator index")
            # The operator administrator sees the commune too.
            assert "Saint-Aubin" in session.page.locator("main").inner_text()
            commune = "saint-aubin-sur-lisiere"
            assert session.goto(f"/o/{commune}/footprint/") == 200
            session.audit("commune footprint")
    session.goto("/")
    session.sign_out()
    assert_audits_clean(session.audits)
    if missing:
        pytest.fail(f"missing: {', '.join(missing)}")


def test_anonymous_pages(open_browser: Any, demo_world: dict[str, Any]) -> None:
    from jalon.tenancy.models import Organisation

    published(Organisation.objects.get(slug=AGGLO), "footprint")
    visitor = open_browser("anonymous")
    for label, path in (("home (anonymous)", "/"), ("sign-in page", "/accounts/login/"),
                        ("password reset", "/accounts/password/reset/"),
                        ("API index", "/api/")):
        status = visitor.goto(path)
        if status == 404:
            continue
        assert status == 200, (path, status)
        visitor.audit(label)
    _page_exists(visitor, f"/p/{AGGLO}/", "public home")
    # The demo publishes the footprint and the strategy: both sections are on the home.
    for section in ("pub-footprint", "pub-strategy"):
        assert visitor.page.locator(f"#{section}").count() == 1, section
    visitor.audit("public home (footprint and strategy)")
    # An unpublished organisation has no public page; tenant pages ask to sign in.
    assert visitor.goto("/p/saint-aubin-sur-lisiere/") == 404
    visitor.goto(f"/o/{AGGLO}/footprint/")
    assert "/accounts/login" in visitor.page.url
    assert_audits_clean(visitor.audits)
