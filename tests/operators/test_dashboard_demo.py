"""The demo's operator dashboard (`make demo`): the operator administrator « operateur » sees
every member of the demo operator, with inventories, stored footprints and strategies."""

from __future__ import annotations

import pytest
from django.urls import reverse
from tests import paths

from jalon import demo_site
from jalon.tenancy.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings, tmp_path, django_capture_on_commit_callbacks):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    messages: list[str] = []
    # As in `jalon demo`, where each import commits: its footprint is computed once committed.
    with django_capture_on_commit_callbacks(execute=True):
        demo_site.seed(data_dir=tmp_path, agglomeration_paths=[paths.FIXTURES / "canonical.csv"],
                       say=messages.append)
    assert not [m for m in messages if "non créée" in m], messages


def test_the_demo_operator_dashboard_is_rich(client, seeded):
    assert client.login(username="operateur", password=demo_site.DEMO_PASSWORD)
    response = client.get(reverse("operatordashboard:index"))
    assert response.status_code == 200
    board = response.context["board"]
    specs = (demo_site.AGGLOMERATION, demo_site.COMMUNE, *demo_site.PEERS, *demo_site.MEMBERS)
    assert {m.slug for m in board.members} == {spec["slug"] for spec in specs}
    by_slug = {m.slug: m for m in board.members}
    for spec in (demo_site.COMMUNE, *demo_site.MEMBERS):
        member = by_slug[spec["slug"]]
        assert member.devices > 0 and member.gwp_kg and member.per_agent
        assert member.last_import is not None
    assert by_slug[demo_site.AGGLOMERATION["slug"]].strategy.adopted_on is not None
    assert by_slug[demo_site.MEMBERS[0]["slug"]].strategy is None
    totals = board.totals
    assert totals.with_footprint >= 1 + len(demo_site.MEMBERS)
    assert totals.adopted >= 1 and totals.without_strategy >= len(demo_site.MEMBERS)
    assert totals.on_track and totals.late and totals.no_target
    assert len(board.by_category) >= 5
    html = response.content.decode()
    assert "<svg" in html and "Syndicat des eaux" in html
    kinds = {o.kind for o in Organisation.objects.filter(operator__slug=demo_site.OPERATOR["slug"])}
    assert {"commune", "epci", "other"} <= kinds
