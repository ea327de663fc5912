"""The public page and the review of a strategy created from a built-in template."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jalon.strategy import services
from jalon.strategy.models import Indicator, IndicatorValue

from .test_opendata_world import build

pytestmark = pytest.mark.django_db


class Counter(HTMLParser):
    elements = 0

    def handle_starttag(self, tag, attrs):
        self.elements += 1


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


@pytest.mark.parametrize("template_key", ["reen-guide", "idf-2025"])
def test_template_strategy_page_stays_light(template_key):
    world = build()
    world["strategy"].delete()
    year = timezone.localdate().year
    strategy = services.create_from_template(
        world["author"], world["org"], template_key, title="Stratégie",
        period_start=year - 1, period_end=year + 3)
    # The organisation publishes its strategy (build): the new one is its current strategy.
    for indicator in Indicator.objects.filter(strategy=strategy):
        IndicatorValue.objects.create(indicator=indicator, date=dt.date(year - 1, 12, 31),
                                      value=1)
    client = Client()
    url = reverse("publicstrategy:index", args=["lisiere"])
    response = client.get(url)
    assert response.status_code == 200
    counter = Counter()
    counter.feed(response.content.decode())
    assert counter.elements < 330, counter.elements
    member = Client()
    member.force_login(world["author"])
    pdf = member.get(reverse("report:pdf", args=["lisiere", year - 1]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
