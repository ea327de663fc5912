"""The strategy part of `jalon demo`'s seeding (demo_site.seed_strategies): what it creates,
that statuses vary, and that a second run changes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse
from tests import paths

from jalon import demo_site
from jalon.strategy.models import (
    AnnualReport,
    IndicatorDefinition,
    IndicatorValue,
    Strategy,
    StrategyTemplate,
)
from jalon.strategy.selectors import is_public
from jalon.tenancy.models import AuditEvent

pytestmark = pytest.mark.django_db
FIXTURES = paths.FIXTURES


@pytest.fixture
def seeded(settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    messages: list[str] = []
    demo_site.seed(data_dir=tmp_path, agglomeration_paths=[FIXTURES / "canonical.csv"],
                   say=messages.append)
    return messages


def counts() -> tuple[int, ...]:
    return (Strategy.objects.count(), StrategyTemplate.objects.count(),
            IndicatorDefinition.objects.count(), IndicatorValue.objects.count(),
            AnnualReport.objects.count(), AuditEvent.objects.count())


def test_demo_seeds_strategies(seeded, settings, tmp_path):
    assert not [m for m in seeded if "non créée" in m], seeded
    agglo = Strategy.objects.get(organisation__slug=demo_site.AGGLOMERATION["slug"])
    commune = Strategy.objects.get(organisation__slug=demo_site.COMMUNE["slug"])
    assert (agglo.template_key, is_public(agglo)) == ("reen-guide", True)
    assert (commune.template_key, is_public(commune)) == ("idf-2025", False)
    template = StrategyTemplate.objects.get(key=demo_site.OPERATOR_TEMPLATE["key"])
    assert template.published and template.data.get("axes")
    shared = IndicatorDefinition.objects.get(key=demo_site.OPERATOR_DEFINITION["key"])
    assert shared.shared and shared.operator.slug == demo_site.OPERATOR["slug"]
    assert agglo.indicators.filter(definition=shared).exists()
    assert AnnualReport.objects.filter(strategy=agglo).exclude(introduction="").exists()
    # Computed indicators have values from the inventory; manual ones from the demo.
    assert IndicatorValue.objects.filter(indicator__strategy=agglo,
                                         inventory_version__isnull=False).exists()
    assert IndicatorValue.objects.filter(indicator__strategy=agglo,
                                         inventory_version__isnull=True).count() >= 15
    status = pytest.importorskip("jalon.strategy.status")
    found = {str(s.status) for s in status.strategy_statuses(agglo)}
    assert {"on_track", "at_risk", "off_track", "achieved", "no_data"} <= found, found

    before = counts()
    demo_site.seed(data_dir=tmp_path, agglomeration_paths=[FIXTURES / "canonical.csv"])
    assert counts() == before  # idempotent


def test_demo_operator_sees_its_pages(seeded, client):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="operateur"))
    html = client.get(reverse("operatorstrategy:index")).content.decode()
    assert demo_site.OPERATOR_TEMPLATE["title"] in html
    assert demo_site.OPERATOR_DEFINITION["name"] in html
    client.force_login(get_user_model().objects.get(username="lecteur"))
    response = client.get(reverse("peers:index", args=[demo_site.AGGLOMERATION["slug"]]))
    assert response.status_code == 200
    assert "Moins de 3 organisations comparables" not in response.content.decode()  # peers
