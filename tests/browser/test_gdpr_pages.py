"""A DPO's day in Chromium, every page audited (harness.py): the overview, the requests late
first, record a request, extend it with reasons, answer it; the register, an activity with its
DPIA, the choice of published fields and the public register; breaches, retention,
sovereignty and training. The demo's DPO holds only the personal-data capability."""

from __future__ import annotations

from typing import Any

import pytest
from tests.browser.harness import assert_audits_clean

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AGGLO = "val-de-lisiere"


def test_a_dpo_day(open_browser: Any, demo_world: dict[str, Any]) -> None:
    session = open_browser("dpo")
    session.sign_in("dpo", demo_world["password"])
    page = session.page
    base = f"/o/{AGGLO}/gdpr/"
    assert session.goto(base) == 200
    session.audit("gdpr overview")
    assert "En retard" in page.locator("main").inner_text()

    assert session.goto(base + "demandes/") == 200
    session.audit("requests")
    first_state = page.locator("main table tbody tr").first.locator("td").last.inner_text()
    assert first_state.startswith("En retard")

    # Record a request received today.
    assert session.goto(base + "demandes/nouvelle/") == 200
    session.audit("request form")
    page.get_by_label("Droit exercé").select_option("access")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer").click()
    session.audit("request form with errors")
    assert "obligatoire" in page.locator("main").inner_text()
    page.get_by_label("Reçue le").fill("2026-04-01")
    page.get_by_label("Nom de la personne").fill("Alice Exemple")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer").click()
    session.audit("request detail")
    main = page.locator("main").inner_text()
    assert "4 mai 2026" in main  # 1 May is a Friday and a holiday, then the weekend

    # Extend it without reasons (refused), then with reasons (too late: received in April).
    page.get_by_label("Raisons de la prolongation").fill("")
    with page.expect_navigation():
        page.get_by_role("button", name="Prolonger").click()
    session.audit("request extension refused")
    assert "raisons" in page.locator("main").inner_text()

    # A request of the demo still in its first month: extend it with reasons, answer it.
    assert session.goto(base + "demandes/?state=due_soon") == 200
    with page.expect_navigation():
        page.locator("main table tbody a").first.click()
    page.get_by_label("Raisons de la prolongation").fill("Recherche dans trois logiciels.")
    with page.expect_navigation():
        page.get_by_role("button", name="Prolonger").click()
    assert "Demande prolongée" in page.locator("main").inner_text()
    assert "Échéance prolongée" in page.locator("main").inner_text()
    session.audit("request extended")
    page.get_by_label("Réponse apportée").fill("Copie des données envoyée par courriel.")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer la réponse").click()
    assert "Réponse enregistrée" in page.locator("main").inner_text()

    # The register, an activity, the publication choice and the public register.
    assert session.goto(base + "registre/") == 200
    session.audit("register")
    assert page.locator("main table tbody tr").count() == 20
    with page.expect_navigation():
        page.locator("main table a", has_text="Vidéoprotection").click()
    session.audit("activity with DPIA")
    assert "Critique" in page.locator("main").inner_text() or \
        "Élevé" in page.locator("main").inner_text()
    assert session.goto(base + "registre/publication/") == 200
    session.audit("register publication")
    page.get_by_label("Mesures de sécurité").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer le choix").click()
    public = open_browser("anonymous")
    assert public.goto(f"/p/{AGGLO}/gdpr/") == 200
    public.audit("public register")
    with public.page.expect_navigation():
        public.page.locator("main table a", has_text="Vidéoprotection").click()
    public.audit("public register entry")
    assert "journal des consultations" in public.page.locator("main").inner_text()

    for path, label in (("violations/", "breaches"), ("conservation/", "retention"),
                        ("souverainete/", "sovereignty"), ("formations/", "training")):
        assert session.goto(base + path) == 200
        session.audit(label)
    assert session.goto(base + "violations/") == 200
    with page.expect_navigation():
        page.locator("main table a").first.click()
    session.audit("breach detail")
    session.goto("/")
    session.sign_out()
    assert_audits_clean(session.audits + public.audits)
