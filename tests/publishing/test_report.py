"""The annual review: HTML, reproducible tagged PDF, editable introduction, permissions."""

from __future__ import annotations

import datetime as dt
import re
import zlib

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from jalon.publishing import report
from jalon.strategy import publishing
from jalon.strategy import report as strategy_report
from jalon.strategy.models import AnnualReport
from jalon.tenancy.models import AuditEvent, Role

from .test_opendata_world import build, member, no_personal_data, publish

pytestmark = pytest.mark.django_db
YEAR = 2025


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


@pytest.fixture
def world(db):
    data = build()
    data["viewer"] = member(data["org"], "lecteur")
    data["editor"] = member(data["org"], "editeur", Role.EDITOR)
    other = build(slug="ailleurs")
    data["stranger"] = member(other["org"], "etranger", Role.ADMIN)
    return data


def inflated(pdf: bytes) -> bytes:
    """The PDF with its compressed streams (object streams included) inflated."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n", pdf):
        try:
            parts.append(zlib.decompressobj().decompress(pdf[match.end():]))
        except zlib.error:
            continue
    return b"\n".join(parts)


def signed(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def screen_parts(client: Client, year: int = YEAR) -> list[str]:
    """Every part of the on-screen review, following its table of contents."""
    url = reverse("report:html", args=["lisiere", year])
    first = client.get(url)
    assert first.status_code == 200
    numbers = sorted({int(n) for n in re.findall(r'href="\?part=(\d+)"',
                                                  first.content.decode())})
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 3
    return [first.content.decode()] + [client.get(f"{url}?part={n}").content.decode()
                                       for n in numbers[1:]]


def test_viewer_reads_the_index_and_the_report(world):
    client = signed(world["viewer"])
    index = client.get(reverse("report:index", args=["lisiere"]))
    assert index.status_code == 200
    assert reverse("report:html", args=["lisiere", YEAR]) in index.content.decode()
    assert reverse("report:edit", args=["lisiere", YEAR]) not in index.content.decode()
    parts = screen_parts(client)
    html = "".join(parts)
    text = html.replace("&#x27;", "'")
    for status in publishing.statuses(world["strategy"], today=dt.date(YEAR, 12, 31)):
        if status.latest is None:
            # Indicators without a value are listed together, by name, not one page each.
            assert status.definition.name in text and status.explanation not in text
        else:
            assert status.explanation and status.explanation in text
    assert "Synthèse 2025" in parts[0]
    assert "Contrat de réparation" in parts[1] and "Réalisée" in parts[1]
    assert "Empreinte environnementale du numérique en 2025" in parts[-2]
    assert "2023" in parts[-2]  # evolution N-2..N
    assert "Sources et méthodes" in parts[-1]  # the whole report's sources, last


def test_the_screen_review_is_in_light_parts_and_the_pdf_is_whole(world, monkeypatch):
    monkeypatch.setattr(report, "INDICATORS_PER_PART", 1)
    client = signed(world["viewer"])
    parts = screen_parts(client)
    statuses = publishing.statuses(world["strategy"], today=dt.date(YEAR, 12, 31))
    measured = [s for s in statuses if s.latest is not None]
    # Summary; introduction; one part per indicator with a value; footprint; sources.
    assert len(parts) == len(measured) + 4
    for number, html in enumerate(parts, start=1):
        assert f'href="?part={number}" aria-current="page"' in html
        assert html.count('class="pub-indicator"') == (1 if 2 < number < len(parts) - 1
                                                       else 0)
        # Tables scroll in a focusable region named by their caption.
        for caption in re.findall(r'<div class="table-wrap" tabindex="0" role="region" '
                                  r'aria-labelledby="([^"]+)"><table>\n<caption id="([^"]+)"',
                                  html):
            assert caption[0] == caption[1]
        assert html.count("<table") == html.count('class="table-wrap"')
    assert 'rel="next"' in parts[0] and 'rel="prev"' not in parts[0]
    assert 'rel="prev"' in parts[-1] and 'rel="next"' not in parts[-1]
    url = reverse("report:html", args=["lisiere", YEAR])

    def main(html: str) -> str:
        return html[html.index("<main"):html.index("</main>")]

    assert main(client.get(f"{url}?part=nonsense").content.decode()) == main(parts[0])
    assert main(client.get(f"{url}?part=999").content.decode()) == main(parts[-1])
    # The PDF's document is the whole review, without the screen's scroll regions.
    document = report.render_document(world["org"], YEAR)
    assert document.count('class="pub-indicator"') == len(measured)
    assert "Empreinte environnementale du numérique en 2025" in document
    assert "table-wrap" not in document and "?part=" not in document


def test_pdf_is_tagged_and_identical_across_generations(world):
    client = signed(world["viewer"])
    url = reverse("report:pdf", args=["lisiere", YEAR])
    first, second = client.get(url), client.get(url)
    assert first.status_code == 200
    assert first["Content-Type"] == "application/pdf"
    assert first.content.startswith(b"%PDF")
    assert first.content == second.content
    objects = inflated(first.content)
    assert b"/StructTreeRoot" in objects and b"/MarkInfo" in objects  # tagged
    assert b"/Lang (fr)" in objects
    assert b"pdfuaid:part" in objects  # PDF/UA-1 identification in the XMP metadata
    assert "Bilan 2025".encode("utf-16-be") in objects or b"Bilan 2025" in objects  # title
    org = world["org"]
    html = report.render_document(org, YEAR)
    assert html == report.render_document(org, YEAR)
    assert '<html lang="fr">' in html and "dcterms.modified" in html
    assert no_personal_data(html)


def test_pdf_changes_when_the_data_changes(world):
    client = signed(world["viewer"])
    url = reverse("report:pdf", args=["lisiere", YEAR])
    before = client.get(url).content
    strategy_report.save_introduction(world["editor"], world["strategy"], YEAR,
                                      "Une année utile.")
    after = client.get(url).content
    assert before != after


def test_only_editors_edit_the_introduction(world):
    url = reverse("report:edit", args=["lisiere", YEAR])
    assert signed(world["viewer"]).get(url).status_code == 403
    assert signed(world["viewer"]).post(url, {"introduction": "x"}).status_code == 403
    client = signed(world["editor"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"introduction": "  Notre bilan 2025.\n\nSuite.  "})
    assert response.status_code == 302
    saved = AnnualReport.objects.get(strategy=world["strategy"], year=YEAR)
    assert saved.introduction == "Notre bilan 2025.\n\nSuite."
    assert AuditEvent.objects.filter(action="strategy.report.introduction").exists()
    html = client.get(reverse("report:html", args=["lisiere", YEAR]) + "?part=2"
                      ).content.decode()
    assert "<p>Notre bilan 2025.</p>" in html


def test_other_organisations_and_bad_years_are_404(world):
    client = signed(world["stranger"])
    for path in (reverse("report:index", args=["lisiere"]),
                 reverse("report:html", args=["lisiere", YEAR]),
                 reverse("report:pdf", args=["lisiere", YEAR]),
                 reverse("report:edit", args=["lisiere", YEAR])):
        assert client.get(path).status_code == 404, path
    viewer = signed(world["viewer"])
    assert viewer.get(reverse("report:html", args=["lisiere", 2019])).status_code == 404
    assert viewer.get(reverse("report:pdf", args=["lisiere", 2099])).status_code == 404


def test_published_report_pdf_is_public_when_the_strategy_is(world):
    AnnualReport.objects.create(strategy=world["strategy"], year=YEAR, introduction="Bilan")
    url = reverse("publicstrategy:report_pdf", args=["lisiere", YEAR])
    response = Client().get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert "public" in response["Cache-Control"]
    private = signed(world["viewer"]).get(reverse("report:pdf", args=["lisiere", YEAR]))
    assert private.content == response.content  # the same document
    publish(world["org"], "strategy", False)
    assert Client().get(url).status_code == 404


def test_the_report_opens_with_a_summary(world):
    """Headline figures with their change and source, targets met and missed, the actions that
    matter — before the introduction."""
    html = signed(world["viewer"]).get(
        reverse("report:html", args=["lisiere", YEAR])).content.decode().replace("&#x27;", "'")
    summary = html[html.index("Synthèse 2025"):]
    assert "Empreinte carbone du parc informatique en 2025 : " in summary
    assert "tCO2e" in summary and "par rapport à 2024" in summary
    assert "Calculée par Jalon depuis l'inventaire, méthode stock" in summary
    # 10 laptops and 5 monitors in service in 2025 (the desktops were retired in 2020).
    assert "Équipements en service au cours de 2025 : 15" in summary
    assert "sur 3 indicateurs suivis" in summary
    # The lifespan (6.1 years in 2025 toward 7 in 2027) is on track; the reuse share (12 %
    # against a floor of 20 %) is off track; the GDPR delay has no value.
    met = summary[summary.index("Cibles atteintes ou en bonne voie"):
                  summary.index("Cibles manquées ou menacées")]
    assert "Durée de vie des postes : 6,1 ans" in met and "Source : GLPI" in met
    missed = summary[summary.index("Cibles manquées ou menacées"):
                     summary.index("Les actions qui comptent")]
    assert "Part du réemploi : 12 %" in missed.replace("\u202f", " ")
    assert "1 sans valeur" in summary
    actions = summary[summary.index("Les actions qui comptent"):summary.index("</ol>")]
    # Under way first, then finished, then planned.
    assert (actions.index("HYPERLINK") < actions.index("Contrat de réparation")
            < actions.index("Sensibiliser"))
    assert "budget 12" in actions


def test_a_value_without_a_target_is_shown_not_judged(world):
    indicator = world["indicators"][1]
    indicator.target_defined = False
    indicator.save()
    item = next(s for s in publishing.statuses(world["strategy"], today=dt.date(YEAR, 12, 31))
                if s.indicator == indicator)
    assert item.status == "no_target" and item.status_label == "Sans cible"
    assert item.latest_text.replace("\u202f", " ") == "12 %"


def test_report_values_are_rounded_to_the_indicators_precision(world):
    from jalon.strategy.models import IndicatorValue

    IndicatorValue.objects.filter(indicator=world["indicators"][0],
                                  date=dt.date(2025, 12, 31)).update(value=6.137845219)
    document = report.render_document(world["org"], YEAR)
    assert "6,137845219" not in document and "6,1 ans" in document
