"""The demo's peers (demo_site.PEERS): seeded as `jalon demo --seed-only` does (demo_site.seed),
Val-de-Lisière's peers page compares it with anonymised peers on several indicators."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.html import escape
from tests import paths

from jalon import demo_site
from jalon.operators import peers
from jalon.strategy import services
from jalon.strategy.models import Indicator, IndicatorValue, Strategy
from jalon.strategy.selectors import is_public
from jalon.tenancy.models import AuditEvent, Membership, Organisation

pytestmark = pytest.mark.django_db
FIXTURES = paths.FIXTURES
PEER_SLUGS = [spec["slug"] for spec in demo_site.PEERS]


def seed(tmp_path: Path, messages: list[str] | None = None) -> demo_site.SeedReport:
    # A small inventory for the agglomeration keeps the test fast; the rest is the CLI's seeding.
    return demo_site.seed(data_dir=tmp_path, agglomeration_paths=[FIXTURES / "canonical.csv"],
                          say=(messages.append if messages is not None else lambda _m: None))


@pytest.fixture
def seeded(settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    messages: list[str] = []
    seed(tmp_path, messages)
    assert not [m for m in messages if "non créée" in m], messages
    return tmp_path


@pytest.fixture
def agglomeration(seeded):
    return Organisation.objects.get(slug=demo_site.AGGLOMERATION["slug"])


def peers_page(client, agglomeration) -> tuple[str, list[dict]]:
    assert client.login(username="lecteur", password=demo_site.DEMO_PASSWORD)
    response = client.get(reverse("peers:index", args=[agglomeration.slug]))
    assert response.status_code == 200
    return response.content.decode(), response.context["rows"]


def test_demo_peers_are_comparable_with_the_agglomeration(agglomeration):
    assert len(demo_site.PEERS) >= 4
    group = set(peers.peer_group(agglomeration).values_list("slug", flat=True))
    assert group == set(PEER_SLUGS)
    band = peers.population_band(agglomeration.population)
    template = Strategy.objects.get(organisation=agglomeration).template_key
    for slug in PEER_SLUGS:
        peer = Organisation.objects.get(slug=slug)
        assert (peer.operator_id, peer.kind) == (agglomeration.operator_id, agglomeration.kind)
        assert peers.population_band(peer.population) == band
        strategy = Strategy.objects.get(organisation=peer)
        assert strategy.template_key == template
        assert not is_public(strategy)  # no public page to tell who is who
    # No sign-in for the peers.
    assert not Membership.objects.filter(organisation__slug__in=PEER_SLUGS).exists()


def test_demo_peers_page_shows_an_anonymised_comparison(client, agglomeration):
    html, rows = peers_page(client, agglomeration)
    assert "Moins de 3 organisations comparables" not in html
    compared = [row for row in rows if row["compared"]]
    assert len(compared) >= 2, [row["name"] for row in rows]
    for row in compared:
        assert row["peer_count"] >= peers.K_ANONYMITY
        assert len(row["peers"]) == row["peer_count"]
        assert all(p["label"].startswith("Pair ") for p in row["peers"])
        assert len({p["value"] for p in row["peers"]}) == len(row["peers"])  # values differ
    # The operator's shared indicator, with the agglomeration's own value beside the peers'.
    shared = next(row for row in compared
                  if row["name"] == demo_site.OPERATOR_DEFINITION["name"])
    assert shared["own"] == "62,0" and shared["peer_count"] == len(demo_site.PEERS)
    # Computed indicators too (peers' values stored without an inventory).
    assert [row for row in compared if row["computed"]]
    for label in ("Pair A :", "Pair B :", "Pair C :"):
        assert label in html
    # Never a peer's name, slug or link.
    for spec in demo_site.PEERS:
        for leak in (spec["name"], escape(spec["name"]), spec["slug"], f"/o/{spec['slug']}/"):
            assert leak not in html, leak
    for fragment in ("Trois-Vallées", "Orvanne", "Montreval", "Aubrelle", "Saint-Firmin"):
        assert fragment not in html


def rows_of(agglomeration) -> list[tuple]:
    return [(r.definition.key, [p.value for p in r.peers])
            for r in peers.compare(agglomeration, salt="s").rows]


def test_demo_peers_computed_values_are_kept_by_pages_and_put_back_by_the_seed(
        client, agglomeration, seeded):
    before = rows_of(agglomeration)
    peer = Organisation.objects.get(slug=PEER_SLUGS[0])
    # Pages recompute stale computed indicators only: the peers' are up to date.
    assert services.recompute_computed_indicators(peer) == 0
    assert rows_of(agglomeration) == before
    # The operator administrator can open a peer's computed indicator.
    client.force_login(get_user_model().objects.get(username="operateur"))
    indicator = Indicator.objects.get(strategy__organisation=peer,
                                      definition__computed="footprint_per_agent")
    response = client.get(reverse("strategy:indicator", args=[peer.slug, indicator.pk]))
    assert response.status_code == 200
    assert demo_site.PEER_COMPUTED_SOURCE in response.content.decode()
    # A forced recomputation (from an empty inventory) drops them; the next seeding puts them back.
    services.recompute_computed_indicators(peer, force=True)
    assert rows_of(agglomeration) != before
    seed(seeded)
    assert rows_of(agglomeration) == before


def test_demo_peers_seeding_is_idempotent(agglomeration, seeded):
    def counts() -> tuple[int, ...]:
        return (Organisation.objects.count(), Strategy.objects.count(),
                IndicatorValue.objects.count(), AuditEvent.objects.count(),
                get_user_model().objects.count())

    before = counts()
    report = seed(seeded)
    assert counts() == before
    assert report.created == []
