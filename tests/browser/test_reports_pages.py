"""Citizen reports in Chromium: a citizen files a report without JavaScript (with a photo)
and follows it, asks the FAQ assistant; an agent triages it with the AI suggestion, corrects
it, rejects another with a reason, looks at the model's measured quality. Every page audited
(harness.py: axe 0, weight, EcoIndex, keyboard, overflow at 360 and 1280 px)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from tests.browser.harness import assert_audits_clean

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AGGLO = "val-de-lisiere"


def test_citizen_and_agent_journey(open_browser: Any, demo_world: dict[str, Any],
                                   tmp_path: Path) -> None:
    photo = tmp_path / "lampadaire.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), (30, 30, 60)).save(buffer, format="JPEG")
    photo.write_bytes(buffer.getvalue())

    citizen = open_browser("citizen")
    page = citizen.page
    assert citizen.goto(f"/p/{AGGLO}/reports/") == 200
    citizen.audit("public report form")
    page.get_by_label("Description du problème").fill(
        "Le lampadaire devant le 14 rue des Lilas est éteint depuis une semaine")
    with page.expect_navigation():
        page.get_by_role("button", name="Proposer une catégorie (IA)").click()
    citizen.audit("public report form with the AI suggestion")
    assert "intelligence artificielle" in page.locator("main").inner_text()
    page.get_by_label("Adresse ou lieu").fill("14 rue des Lilas")
    page.get_by_label("Photos (trois au plus)").set_input_files(str(photo))
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer le signalement").click()
    citizen.audit("follow-up page of a new report")
    text = page.locator("main").inner_text()
    assert "Suivi du signalement" in text and "Nouveau" in text
    follow_url = page.url
    reference = page.locator("h1").inner_text().split()[-1]

    assert citizen.goto(f"/p/{AGGLO}/reports/faq/?question=horaires+de+la+d%C3%A9chetterie") \
        == 200
    citizen.audit("FAQ assistant answer")
    assert "Réponse de l'assistant automatisé" in page.locator("main").inner_text()
    assert citizen.goto(f"/p/{AGGLO}/reports/faq/?question=m%C3%A9t%C3%A9o+de+demain") == 200
    citizen.audit("FAQ assistant hands over to a person")

    agent = open_browser("editor")
    agent.sign_in("editeur", demo_world["password"])
    staff = agent.page
    assert agent.goto(f"/o/{AGGLO}/reports/") == 200
    agent.audit("reports list")
    assert agent.goto(f"/o/{AGGLO}/reports/?triage=pending") == 200
    with staff.expect_navigation():
        staff.locator("main table a", has_text=reference).click()
    agent.audit("report detail with the AI suggestion")
    assert "Suggestion de l'IA" in staff.locator("main").inner_text()
    staff.locator("form[action$='/triage/'] select[name=category]").select_option(
        label="Éclairage public")
    with staff.expect_navigation():
        staff.get_by_role("button", name="Valider et transmettre").click()
    assert "Éclairage public" in staff.locator("main table").first.inner_text()
    staff.get_by_label("Nouveau statut").select_option("rejected")
    with staff.expect_navigation():
        staff.get_by_role("button", name="Enregistrer le statut").click()
    agent.audit("status form with an error")
    assert "motif du rejet" in staff.locator("main").inner_text()
    staff.get_by_label("Nouveau statut").select_option("planned")
    staff.get_by_label("Modèle de réponse").select_option(label="Intervention programmée")
    with staff.expect_navigation():
        staff.get_by_role("button", name="Enregistrer le statut").click()

    assert agent.goto(f"/o/{AGGLO}/reports/triage/") == 200
    agent.audit("AI triage quality")
    assert "F1 macro" in staff.locator("main").inner_text()
    assert agent.goto(f"/o/{AGGLO}/reports/faq/") == 200
    agent.audit("FAQ back office")
    assert agent.goto(f"/o/{AGGLO}/reports/settings/") == 200
    agent.audit("reports settings")

    citizen.page.goto(follow_url)
    assert "Intervention programmée" in citizen.page.locator("main").inner_text()
    assert_audits_clean(citizen.audits + agent.audits)


def test_the_territory_plan_and_the_map(open_browser: Any, browser: Any,
                                        demo_world: dict[str, Any], tmp_path: Path) -> None:
    """With JavaScript, a click and the arrow keys on the plan fill the coordinates; without
    it, the plan stays hidden and the fields are the way; a point outside the territory is
    refused by the server; the back office's map and the outline's page pass the audits."""
    citizen = open_browser("citizen")
    page = citizen.page
    assert citizen.goto(f"/p/{AGGLO}/reports/") == 200
    plan = page.locator("#plan")
    plan.wait_for(state="visible")
    citizen.audit("public report form with the territory plan")
    page.locator("#plan svg").scroll_into_view_if_needed()  # a click lands in the viewport
    box = page.locator("#plan svg").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    latitude = page.get_by_label("Latitude")
    longitude = page.get_by_label("Longitude")
    lat, lon = (float(latitude.input_value().replace(",", ".")),
                float(longitude.input_value().replace(",", ".")))
    assert abs(lat - 47.32) < 0.1 and abs(lon - 1.64) < 0.1
    assert "Point placé" in page.locator("#plan-status").inner_text()
    page.locator("#plan .plan-frame").focus()
    page.keyboard.press("ArrowRight")
    assert float(longitude.input_value().replace(",", ".")) > lon
    page.get_by_label("Description du problème").fill(
        "Un banc cassé dans le parc, une planche manque depuis hier")
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer le signalement").click()
    assert "Suivi du signalement" in page.locator("main").inner_text()

    # Typed coordinates far away: refused by the server, with the reason beside the field.
    assert citizen.goto(f"/p/{AGGLO}/reports/") == 200
    page.get_by_label("Description du problème").fill(
        "Lampadaire éteint devant la mairie depuis trois jours")
    latitude.fill("48,8566")
    longitude.fill("2,3522")
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer le signalement").click()
    citizen.audit("public report form, point outside the territory")
    assert "en dehors du territoire" in page.locator("main").inner_text()

    no_js = browser.new_context(java_script_enabled=False, locale="fr-FR")
    try:
        plain = no_js.new_page()
        plain.goto(demo_world["base"] + f"/p/{AGGLO}/reports/")
        assert not plain.locator("#plan").is_visible()
        assert plain.get_by_label("Latitude").is_visible()
        assert plain.get_by_label("Longitude").is_visible()
    finally:
        no_js.close()

    agent = open_browser("editor")
    agent.sign_in("editeur", demo_world["password"])
    staff = agent.page
    assert agent.goto(f"/o/{AGGLO}/reports/carte/") == 200
    agent.audit("map of reports by status")
    assert staff.locator("main svg[role=img]").count() == 1
    assert "Sur la carte" in staff.locator("main table").first.inner_text()
    assert agent.goto(f"/o/{AGGLO}/reports/carte/?status=open") == 200
    assert agent.goto(f"/o/{AGGLO}/reports/settings/territory/") == 200
    agent.audit("territory outline page")
    bad = tmp_path / "contour.geojson"
    bad.write_text('{"type": "Point", "coordinates": [1.6, 47.3]}', encoding="utf-8")
    staff.get_by_label("Contour du territoire (GeoJSON)").set_input_files(str(bad))
    with staff.expect_navigation():
        staff.get_by_role("button", name="Enregistrer le contour").click()
    agent.audit("territory outline refused")
    assert "Polygon" in staff.locator("main").inner_text()
    assert_audits_clean(citizen.audits + agent.audits)
