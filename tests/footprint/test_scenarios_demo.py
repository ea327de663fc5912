"""The demo shows saved scenarios linked to a strategy action, and a closed year."""

from __future__ import annotations

from pathlib import Path

import pytest

from jalon import demo_site
from jalon.footprint.models import SavedScenario
from jalon.strategy.models import Action, AnnualReport

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def test_demo_has_two_saved_scenarios_linked_to_an_action(tmp_path, settings):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    demo_site.seed(data_dir=tmp_path, agglomeration_paths=[FIXTURES / "canonical.csv"])
    scenarios = list(SavedScenario.objects.filter(organisation__slug="val-de-lisiere"))
    assert len(scenarios) == 2
    action = Action.objects.get(pk=scenarios[0].action_id)
    assert action.title == demo_site.DEMO_ACTIONS[0][1]["title"]
    assert {s.action_id for s in scenarios} == {action.pk}
    closed = AnnualReport.objects.filter(strategy__organisation__slug="val-de-lisiere",
                                         closed_at__isnull=False)
    assert closed.count() == 1
    # Seeding again creates nothing more.
    demo_site.seed(data_dir=tmp_path, agglomeration_paths=[FIXTURES / "canonical.csv"])
    assert SavedScenario.objects.filter(organisation__slug="val-de-lisiere").count() == 2
