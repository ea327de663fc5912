"""Comparison with anonymised peers (namespace "peers", /o/<slug>/strategy/peers/)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from tests.factories import OperatorFactory, OrganisationFactory, UserFactory, member

from jalon.operators import peers
from jalon.strategy.models import (
    Indicator,
    IndicatorDefinition,
    IndicatorValue,
    Strategy,
    ValueKind,
)
from jalon.tenancy.models import Operator, Organisation

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 1)


# ---- pure parts -----------------------------------------------------------------------------

@pytest.mark.parametrize(("population", "band"), [
    (None, None), (0, 0), (3_499, 0), (3_500, 1), (19_999, 1), (20_000, 2), (49_999, 2),
    (50_000, 3), (199_999, 3), (200_000, 4), (2_000_000, 4)])
def test_population_bands(population, band):
    assert peers.population_band(population) == band


def test_peer_labels():
    assert [peers.peer_label(i) for i in (0, 1, 25, 26, 27)] == [
        "Pair A", "Pair B", "Pair Z", "Pair AA", "Pair AB"]


def _latest(values: dict[int, float]) -> dict:
    return {(org, "d"): peers.Latest(v, TODAY) for org, v in values.items()}


DEF = peers.Definition("d", "Indicateur", "%", 1)


def test_fewer_than_k_peers_shows_nothing():
    rows = peers.compare_rows(1, [DEF], _latest({1: 5.0, 2: 10.0, 3: 20.0}), [2, 3, 4])
    (row,) = rows
    assert row.own.value == 5.0
    assert not row.compared and row.peers == [] and row.peer_count == 0
    assert row.minimum is None and row.median is None and row.maximum is None


def test_k_peers_are_shown_with_min_median_max():
    (row,) = peers.compare_rows(1, [DEF], _latest({1: 5.0, 2: 10.0, 3: 20.0, 4: 30.0}),
                                [1, 2, 3, 4], salt="s")
    assert row.compared and row.peer_count == 3
    assert [p.label for p in row.peers] == ["Pair A", "Pair B", "Pair C"]
    assert sorted(p.value for p in row.peers) == [10.0, 20.0, 30.0]  # not the viewer's
    assert (row.minimum, row.median, row.maximum) == (10.0, 20.0, 30.0)


def test_order_is_deterministic_per_viewer_and_not_by_id():
    latest = _latest({i: float(i) for i in range(1, 30)})
    first = peers.compare_rows(1, [DEF], latest, range(1, 30), salt="s")[0]
    again = peers.compare_rows(1, [DEF], latest, range(1, 30), salt="s")[0]
    other = peers.compare_rows(2, [DEF], latest, range(1, 30), salt="s")[0]
    order = [p.value for p in first.peers]
    assert order == [p.value for p in again.peers]
    assert order != sorted(order)  # not by id (nor by value)
    assert [p.value for p in other.peers if p.value != 1.0] != [v for v in order if v != 2.0]


# ---- the page -------------------------------------------------------------------------------

def org(operator: Operator, slug: str, kind: str = "epci", population: int | None = 100_000,
        name: str | None = None) -> Organisation:
    return OrganisationFactory(operator=operator, slug=slug, kind=kind, population=population,
                               name=name or f"Nom {slug}")


def value(organisation: Organisation, definition: IndicatorDefinition, v: float,
          date: dt.date = dt.date(2025, 12, 31), kind: str = ValueKind.RESULT) -> None:
    strategy = Strategy.objects.filter(organisation=organisation).first() or \
        Strategy.objects.create(organisation=organisation, title="S", period_start=2024,
                                period_end=2030)
    indicator = Indicator.objects.filter(strategy=strategy, definition=definition).first() or \
        Indicator.objects.create(strategy=strategy, definition=definition, target_kind="level",
                                 target_value=1)
    IndicatorValue.objects.create(indicator=indicator, date=date, value=v, kind=kind)


@pytest.fixture
def world(client):
    gip = OperatorFactory(slug="gip", name="GIP")
    other = OperatorFactory(slug="autre", name="Autre")
    me = org(gip, "moi", name="Agglo Moi")
    shared = IndicatorDefinition.objects.create(operator=gip, key="deee", name="Réemploi DEEE",
                                                unit="%", precision=1, shared=True)
    builtin = IndicatorDefinition.objects.create(key="footprint_per_agent",
                                                 name="Empreinte par agent",
                                                 unit="kgCO2e/agent",
                                                 computed="footprint_per_agent")
    unshared = IndicatorDefinition.objects.create(operator=gip, key="prive", name="Non partagé",
                                                  unit="%", shared=False)
    own_def = IndicatorDefinition.objects.create(organisation=me, key="mien", name="Le mien",
                                                 unit="%")
    client.force_login(member(me, "viewer", username="lecteur"))
    value(me, shared, 42.0)
    value(me, builtin, 300.0)
    return {"gip": gip, "other": other, "me": me, "shared": shared, "builtin": builtin,
            "unshared": unshared, "own_def": own_def}


def page(client, organisation: Organisation) -> str:
    response = client.get(reverse("peers:index", args=[organisation.slug]))
    assert response.status_code == 200
    return response.content.decode()


def test_fewer_than_three_peers_shows_nothing(client, world):
    for i, v in enumerate((10.0, 20.0)):
        peer = org(world["gip"], f"pair-{i}", name=f"Secret {i}")
        value(peer, world["shared"], v)
    html = page(client, world["me"])
    assert "Moins de 3 organisations comparables" in html
    assert "Moins de 3 pairs ont une valeur" in html
    assert "Pair A :" not in html
    assert "42,0" in html  # the organisation's own value is shown


def test_peers_are_anonymised_and_compared(client, world):
    names = []
    for i, v in enumerate((10.0, 20.0, 30.0, 40.0)):
        peer = org(world["gip"], f"pair-secrete-{i}", name=f"Ville Confidentielle {i}")
        names += [peer.name, peer.slug, f"/o/{peer.slug}/"]
        value(peer, world["shared"], v)
        value(peer, world["unshared"], 99.0)
    html = page(client, world["me"])
    for leak in names:
        assert leak not in html
    for label in ("Pair A", "Pair B", "Pair C", "Pair D"):
        assert f"{label} :" in html
    assert "Pair E :" not in html
    assert "10,0" in html and "25,0" in html and "40,0" in html  # min, median, max
    assert "Non partagé" not in html and "Le mien" not in html
    assert "Empreinte par agent" in html  # built-in computed: shown, too few peers
    assert "Moins de 3 pairs ont une valeur" in html


def test_only_same_operator_kind_and_band_are_peers(client, world):
    gip = world["gip"]
    candidates = [
        org(world["other"], "autre-operateur"),  # another operator
        org(gip, "une-commune", kind="commune"),  # another kind
        org(gip, "trop-grande", population=250_000),  # another band
        org(gip, "trop-petite", population=40_000),  # another band
        org(gip, "sans-population", population=None),
    ]
    for i, candidate in enumerate(candidates):
        value(candidate, world["shared"], 10.0 + i)
    assert not peers.peer_group(world["me"]).exists()
    assert "Pair A :" not in page(client, world["me"])
    same = [org(gip, f"pair-{i}", population=50_000 + i * 1000) for i in range(3)]
    for i, peer in enumerate(same):
        value(peer, world["shared"], 70.0 + i)
    assert set(peers.peer_group(world["me"])) == set(same)
    html = page(client, world["me"])
    assert "Pair C :" in html and "Pair D :" not in html
    assert "70,0" in html and "72,0" in html


def test_latest_result_only(world):
    gip = world["gip"]
    for i in range(3):
        peer = org(gip, f"pair-{i}")
        value(peer, world["shared"], 1.0, dt.date(2024, 12, 31))
        value(peer, world["shared"], 2.0, dt.date(2025, 12, 31))
        value(peer, world["shared"], 50.0, dt.date(2025, 12, 31) + dt.timedelta(days=400))
        value(peer, world["shared"], 60.0, dt.date(2026, 1, 31), kind=ValueKind.ESTIMATE)
    comparison = peers.compare(world["me"], salt="s", today=TODAY)
    row = next(r for r in comparison.rows if r.definition.key == world["shared"].pk)
    assert [p.value for p in row.peers] == [2.0, 2.0, 2.0]


def test_no_population_says_so(client, world):
    world["me"].population = None
    world["me"].save()
    assert "population de votre organisation n'est pas renseignée" in page(client, world["me"])


def test_peers_page_needs_membership(client, world):
    outsider = UserFactory(username="x")
    client.force_login(outsider)
    assert client.get(reverse("peers:index", args=[world["me"].slug])).status_code == 404


def test_a_computed_indicator_compares_across_owners(client, world):
    """A built-in computed definition and an operator's copy of it compute the same thing."""
    copy = IndicatorDefinition.objects.create(operator=world["gip"], key="footprint_per_agent",
                                              name="Empreinte par agent (GIP)", unit="kgCO2e",
                                              computed="footprint_per_agent", shared=True)
    for i in range(3):
        peer = org(world["gip"], f"pair-{i}")
        value(peer, copy if i else world["builtin"], 100.0 * (i + 1))
    comparison = peers.compare(world["me"], salt="s")
    (row,) = [r for r in comparison.rows if r.definition.computed]
    assert row.own.value == 300.0
    assert (row.minimum, row.median, row.maximum) == (100.0, 200.0, 300.0)
