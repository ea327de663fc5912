"""The isolation walk of test_isolation.py, limited to the strategy team pages (namespace
"strategy"), with strategy objects of the target organisation in place: integer ids are all
named `pk`, so every page gets an id of the target's objects."""

from __future__ import annotations

import pytest
from django.test import Client
from tests.web.test_isolation import (
    ALLOWED_SIGNED_IN,
    ID,
    SECRET,
    concrete,
    snapshot,
    walk,
    world,  # noqa: F401 - fixture
)

from jalon.strategy import services

pytestmark = pytest.mark.django_db
PREFIX = "o/<slug:org_slug>/strategy/"
OTHERS = ("report/", "peers/")


def strategy_routes():
    for route, name in walk():
        if route.startswith(PREFIX) and not route[len(PREFIX):].startswith(OTHERS):
            yield route, name


@pytest.fixture
def target_strategy(world):  # noqa: F811
    from jalon.strategy.models import Axis, Indicator, IndicatorDefinition, Objective, Strategy

    # The ids the walk substitutes point to the target's objects (the shared fixture may
    # already create them).
    if not Axis.objects.filter(pk=ID).exists():
        first = Strategy.objects.create(organisation=world["target"], title=SECRET,
                                        period_start=2020, period_end=2024)
        axis = Axis.objects.create(pk=ID, strategy=first, title=SECRET)
        objective = Objective.objects.create(pk=ID, axis=axis, title=SECRET)
        definition = IndicatorDefinition.objects.create(key="x", organisation=world["target"],
                                                        name=SECRET, unit="%")
        Indicator.objects.create(pk=ID, strategy=first, objective=objective,
                                 definition=definition, target_kind="level", target_value=1)
    strategy = services.create_from_template(None, world["target"], "idf-2025",
                                             title=f"Stratégie {SECRET}", period_start=2025,
                                             period_end=2030)
    return strategy


def test_strategy_pages_are_404_for_other_organisations(world, target_strategy):  # noqa: F811
    target = world["target"]
    before = snapshot(target)
    client = Client()
    client.force_login(world["attacker"])
    routes = list(strategy_routes())
    assert len(routes) >= 15
    leaks = []
    for route, name in routes:
        path = concrete(route, target.slug)
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            if response.status_code not in ALLOWED_SIGNED_IN:
                leaks.append(f"{method.upper()} {path} ({name}) → {response.status_code}")
            elif SECRET.encode() in response.content:
                leaks.append(f"{method.upper()} {path} ({name}) shows the target's data")
        anonymous = Client().get(path)
        if anonymous.status_code != 302:
            leaks.append(f"GET {path} ({name}) without signing in → {anonymous.status_code}")
    assert not leaks, "\n".join(leaks)
    assert snapshot(target) == before
    assert target_strategy.axes.count() == 4
