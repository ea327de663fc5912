"""Feedback on services in Chromium: every page audited (harness.py). A citizen answers a
service's form without JavaScript (and a bad answer is refused beside its field); the editor
reads the indicators, rewords and extends the questionnaire (a new version), and finds the
button to place."""

from __future__ import annotations

from typing import Any

import pytest
from tests.browser.harness import assert_audits_clean

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AGGLO = "val-de-lisiere"


def _service_id(name: str) -> int:
    from jalon.catalogue.models import DigitalService

    return DigitalService.objects.get(organisation__slug=AGGLO, name=name).pk


def test_citizen_answers(open_browser: Any, demo_world: dict[str, Any]) -> None:
    session = open_browser("citizen")
    page = session.page
    service_id = _service_id("Paiement de la cantine")
    assert session.goto(f"/p/{AGGLO}/feedback/{service_id}/?source=button") == 200
    session.audit("public answer page")
    assert page.locator("script").count() == 0
    # Nothing chosen: refused beside the required question.
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer").click()
    session.last_status = 400
    session.audit("public answer page with errors")
    assert "Ce champ est obligatoire" in page.locator("main").inner_text()
    page.get_by_label("Bien", exact=True).check()
    page.get_by_label("4", exact=True).check()
    page.get_by_label("Je n'ai pas eu besoin d'aide").check()
    page.get_by_label("Deux", exact=True).check()
    page.get_by_label("Souhaitez-vous nous en dire plus ?").fill(
        "Simple, mais le reçu arrive tard.")
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer").click()
    assert page.url.endswith("/merci/")
    session.last_status = 200
    session.audit("public thanks page")
    assert session.context.cookies() == []
    assert session.goto(f"/p/{AGGLO}/feedback/") == 200
    session.audit("public results")
    from jalon.feedback.models import Response

    stored = Response.objects.filter(comment="Simple, mais le reçu arrive tard.").get()
    assert (stored.satisfaction, stored.no_help, stored.source) == (4, True, "button")
    assert_audits_clean(session.audits)


def test_answer_without_javascript(browser: Any, demo_world: dict[str, Any]) -> None:
    context = browser.new_context(locale="fr-FR", java_script_enabled=False)
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        service_id = _service_id("Demande de badge d'accès aux déchèteries")
        page.goto(f"{demo_world['base']}/p/{AGGLO}/feedback/{service_id}/")
        page.get_by_label("Très bien", exact=True).check()
        page.get_by_label("Souhaitez-vous nous en dire plus ?").fill("Sans JavaScript, ça va.")
        with page.expect_navigation():
            page.get_by_role("button", name="Envoyer").click()
        assert page.url.endswith("/merci/")
        assert context.cookies() == []
    finally:
        context.close()
    from jalon.feedback.models import Response

    assert Response.objects.filter(comment="Sans JavaScript, ça va.", satisfaction=5).exists()


def test_editor_reads_indicators_and_versions_the_questions(open_browser: Any,
                                                            demo_world: dict[str, Any]) -> None:
    session = open_browser("editor")
    session.sign_in("editeur", demo_world["password"])
    page = session.page
    base = f"/o/{AGGLO}/feedback/"
    assert session.goto(base) == 200
    session.audit("feedback index")
    assert "Satisfaction" in page.locator("main").inner_text()
    assert page.locator("main svg[role=img]").count() == 2
    service_id = _service_id("Rendez-vous passeport et carte d'identité")
    assert session.goto(f"{base}services/{service_id}/") == 200
    session.audit("feedback service")
    assert session.goto(f"{base}commentaires/?q=guichet") == 200
    session.audit("feedback comments")
    assert session.goto(f"{base}themes/") == 200
    session.audit("feedback themes")
    assert "Autre / inclassable" in page.locator("main").inner_text()
    assert session.goto(f"{base}themes/a-trier/") == 200
    session.audit("feedback themes queue")
    with page.expect_navigation():
        page.locator("main form.inline").first.get_by_role("button").click()
    assert "Choisissez un thème" in page.locator("main").inner_text()
    page.locator("main select").first.select_option(label="Paiement › Paiement refusé")
    with page.expect_navigation():
        page.locator("main form.inline").first.get_by_role("button").click()
    assert "Commentaire classé" in page.locator("main").inner_text()
    assert session.goto(f"{base}services/{service_id}/bouton/") == 200
    session.audit("feedback button")
    assert session.goto(f"{base}services/{service_id}/reglages/") == 200
    session.audit("feedback settings")
    assert session.goto(f"{base}services/{service_id}/questions/") == 200
    session.audit("feedback questions")
    page.get_by_label("Question 1 : intitulé").fill("Comment s'est passée votre prise de "
                                                    "rendez-vous ?")
    page.get_by_label("Type de la nouvelle question").select_option("choice")
    page.get_by_label("Intitulé de la nouvelle question").fill("Pour quel titre ?")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer une nouvelle version").click()
    session.audit("feedback questions with errors")
    assert "de 2 à 12 réponses possibles" in page.locator("main").inner_text()
    page.get_by_label("Réponses possibles de la nouvelle question").fill(
        "Passeport\nCarte d'identité")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer une nouvelle version").click()
    assert "version 2" in page.locator("main").inner_text()
    session.goto("/")
    session.sign_out()
    assert_audits_clean(session.audits)
