"""The opt-in public strategy page and its embeddable charts."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from jalon.strategy.models import AnnualReport, Indicator, IndicatorDefinition

from .test_opendata_world import build, no_personal_data

pytestmark = pytest.mark.django_db


class Counter(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.elements = 0
        self.styles = 0

    def handle_starttag(self, tag, attrs):
        self.elements += 1
        self.styles += any(name == "style" for name, _ in attrs) or tag in ("style", "script")


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


@pytest.fixture
def world(db):
    return build()


def test_public_page_shows_tree_indicators_and_links(world):
    client = Client()
    response = client.get(reverse("publicstrategy:index", args=["lisiere"]))
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    html = response.content.decode()
    assert len(re.findall(r"<h1[\s>]", html)) == 1
    for text in ("Sobriété du parc", "Réparer avant de remplacer", "Contrat de réparation",
                 "Réalisée", "Durée de vie des postes",
                 "7 ans en 2027", "≥ 20\u202f%",
                 "≤ 30 jours",
                 "Pas de données"):
        assert text in html, text
    indicator = world["indicators"][0]
    assert reverse("publicstrategy:chart_svg", args=["lisiere", indicator.pk]) in html
    assert ('&lt;iframe src="http://testserver/p/lisiere/strategy/indicators/'
            f'{indicator.pk}/embed/"') in html
    assert reverse("opendata:catalogue_jsonld", args=["lisiere"]) in html
    assert reverse("opendata:csv", args=["lisiere", "values"]) in html
    assert no_personal_data(html)
    counter = Counter()
    counter.feed(html)
    assert counter.styles == 0
    assert counter.elements < 330


def test_long_indicator_lists_are_paginated_and_stay_light(world):
    definition = IndicatorDefinition.objects.create(key="k", name="Autre", unit="u")
    for i in range(12):
        Indicator.objects.create(strategy=world["strategy"], definition=definition,
                                 position=10 + i, target_kind="floor", target_value=i)
    client = Client()
    url = reverse("publicstrategy:index", args=["lisiere"])
    for page in (1, 2, 4):
        html = client.get(url, {"page": page}).content.decode()
        counter = Counter()
        counter.feed(html)
        assert counter.elements < 330, (page, counter.elements)
    assert "Indicateurs suivants" in client.get(url).content.decode()


def test_published_reports_are_listed(world):
    AnnualReport.objects.create(strategy=world["strategy"], year=2025, introduction="Bilan")
    html = Client().get(reverse("publicstrategy:index", args=["lisiere"])).content.decode()
    assert reverse("publicstrategy:report_pdf", args=["lisiere", 2025]) in html


def test_chart_svg_is_standalone_and_labelled(world):
    indicator = world["indicators"][0]
    response = Client().get(reverse("publicstrategy:chart_svg", args=["lisiere", indicator.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    body = response.content.decode()
    assert body.startswith("<?xml")
    assert 'xmlns="http://www.w3.org/2000/svg"' in body
    assert "<title" in body and "<desc" in body and "Durée de vie des postes" in body
    assert "2024" in body and "2025" in body


def test_embed_page_may_be_framed_by_any_site(world):
    indicator = world["indicators"][0]
    response = Client().get(reverse("publicstrategy:chart_embed",
                                    args=["lisiere", indicator.pk]))
    assert response.status_code == 200
    assert "frame-ancestors *" in response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in response["Content-Security-Policy"]
                      .split(";"))
    assert directives["frame-ancestors"] == "*"
    assert "X-Frame-Options" not in response
    html = response.content.decode()
    assert "<svg" in html and "<table" in html and "6,1" in html
    assert no_personal_data(html)
    # Keyboard: the first focusable element is a skip link to the chart.
    first = re.search(r"<(a|button|input|select|textarea)\b[^>]*>", html.split("<body", 1)[1])
    assert first and 'class="skip"' in first.group(0) and 'href="#chart"' in first.group(0)
    assert 'id="chart"' in html
    # Other pages keep refusing to be framed.
    other = Client().get(reverse("publicstrategy:index", args=["lisiere"]))
    assert "frame-ancestors 'none'" in other["Content-Security-Policy"]
    assert other["X-Frame-Options"] == "DENY"


def test_everything_is_404_unless_the_strategy_is_public(db):
    world = build(public=False)
    AnnualReport.objects.create(strategy=world["strategy"], year=2025, introduction="x")
    indicator = world["indicators"][0]
    client = Client()
    for path in (reverse("publicstrategy:index", args=["lisiere"]),
                 reverse("publicstrategy:chart_svg", args=["lisiere", indicator.pk]),
                 reverse("publicstrategy:chart_embed", args=["lisiere", indicator.pk]),
                 reverse("publicstrategy:report_pdf", args=["lisiere", 2025])):
        assert client.get(path).status_code == 404, path


def test_indicators_of_another_organisation_are_404(world):
    other = build(slug="ailleurs")
    foreign = other["indicators"][0]
    for name in ("publicstrategy:chart_svg", "publicstrategy:chart_embed"):
        assert Client().get(reverse(name, args=["lisiere", foreign.pk])).status_code == 404


def test_unpublished_year_is_404(world):
    response = Client().get(reverse("publicstrategy:report_pdf", args=["lisiere", 2025]))
    assert response.status_code == 404  # no introduction saved: not published


def test_public_page_in_english_words_targets_and_statuses(world):
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get(
        reverse("publicstrategy:index", args=["lisiere"]))
    html = response.content.decode()
    assert response.status_code == 200 and '<html lang="en">' in html
    for text in ("7.0 ans in 2027", "≥ 20", "≤ 30 jours",
                 "No data"):
        assert text in html, text
    assert " en 2027" not in html and "Pas de données" not in html
