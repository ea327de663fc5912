"""The register of algorithms in Chromium: every page audited (harness.py) — the editor
(chargée de mission) reviews the high-risk school allocation, its classification, assessment,
evaluation and bias report, has a decisions file with errors refused, and a resident contests
a decision on the public register."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.browser.harness import assert_audits_clean

from jalon.algorithms import demo
from jalon.algorithms.models import AlgorithmicSystem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AGGLO = "val-de-lisiere"


def test_algorithms_pages(open_browser: Any, demo_world: dict[str, Any], tmp_path: Path
                          ) -> None:
    school = AlgorithmicSystem.objects.get(organisation__slug=AGGLO, name=demo.SCHOOL_NAME)
    chatbot = AlgorithmicSystem.objects.get(organisation__slug=AGGLO,
                                            name="Assistant conversationnel « Lisa »")
    report = school.bias_reports.get()
    contest = school.contests.get()
    session = open_browser("editor")
    session.sign_in("editeur", demo_world["password"])
    page = session.page
    base = f"/o/{AGGLO}/algorithms/"
    assert session.goto(base) == 200
    session.audit("algorithms register")
    assert page.locator("main table tbody tr").count() == 5

    for label, tail in (("algorithm detail", f"{school.pk}/"),
                        ("algorithm history", f"{school.pk}/history/"),
                        ("AI Act classification", f"{school.pk}/classification/"),
                        ("deployer obligations", f"{school.pk}/obligations/"),
                        ("FRIA and registration", f"{school.pk}/assessment/"),
                        ("evaluation", f"{school.pk}/evaluation/"),
                        ("bias reports", f"{school.pk}/bias/"),
                        ("bias report", f"{school.pk}/bias/{report.pk}/"),
                        ("AI cost", f"{chatbot.pk}/cost/"),
                        ("art. 50 notice", f"{chatbot.pk}/notice/"),
                        ("rationalisation", "rationalisation/"),
                        ("contests", "contests/"),
                        ("algorithm form", "new/"),
                        ("algorithm edit", f"{school.pk}/edit/"),
                        ("algorithm delete", f"{chatbot.pk}/delete/"),
                        ("contest review", f"contests/{contest.pk}/")):
        assert session.goto(base + tail) == 200, tail
        session.audit(label)

    # A file with an unrecognised decision: refused, with its line and value.
    bad = tmp_path / "decisions.csv"
    bad.write_bytes("Quartier;Décision\nQPV;oui\nHors QPV;peut-être\n".encode("cp1252"))
    assert session.goto(base + f"{school.pk}/bias/") == 200
    page.get_by_label("Fichier CSV des décisions").set_input_files(str(bad))
    page.get_by_label("Colonne de la décision").fill("Décision")
    page.get_by_label("Colonne du groupe").fill("Quartier")
    with page.expect_navigation():
        page.get_by_role("button", name="Calculer").click()
    session.audit("bias file errors")
    assert "peut-être" in page.locator("main [role=alert] table").inner_text()

    # The public register, and a resident's contest.
    visitor = open_browser("visitor")
    assert visitor.goto(f"/p/{AGGLO}/algorithms/") == 200
    visitor.audit("public register")
    assert visitor.goto(f"/p/{AGGLO}/algorithms/{school.pk}/") == 200
    visitor.audit("public algorithm")
    assert visitor.goto(f"/p/{AGGLO}/algorithms/contester/") == 200
    visitor.audit("contest form")
    visitor.page.get_by_label("contester une décision prise avec un algorithme").check()
    visitor.page.get_by_label("Algorithme concerné").fill(demo.SCHOOL_NAME)
    visitor.page.get_by_label("Votre message").fill("Je demande les règles appliquées.")
    with visitor.page.expect_navigation():
        visitor.page.get_by_role("button", name="Envoyer").click()
    assert "bien été reçu" in visitor.page.locator("main").inner_text()
    visitor.close()

    session.goto("/")
    session.sign_out()
    assert_audits_clean([*session.audits, *visitor.audits])
