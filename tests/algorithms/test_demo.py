"""The register's demo: fast, idempotent, and its committed computations are what the
libraries compute today."""

from __future__ import annotations

import json
import time

import pytest
from tests import factories
from tests.factories import OrganisationFactory

from jalon.algorithms import demo, services
from jalon.algorithms.models import AlgorithmicSystem
from jalon.algorithms.selectors import electricity_mix
from jalon.catalogue.demo import seed_services
from jalon.core import bias

pytestmark = pytest.mark.django_db


def test_committed_bias_figures_are_a_fresh_computation():
    data = bias.read_decisions(demo.DECISIONS.read_bytes(), **demo.BIAS_COLUMNS)
    fresh = json.loads(json.dumps(bias.measure(data)))
    assert fresh == json.loads(demo.BIAS_RESULT.read_text(encoding="utf-8"))


def test_committed_costs_are_a_fresh_computation():
    committed = json.loads(demo.COSTS.read_text(encoding="utf-8"))
    for spec in demo.SYSTEMS:
        if "cost" in spec:
            fresh = services.cost_result(services.compute_cost(spec["cost"], electricity_mix()))
            assert json.loads(json.dumps(fresh)) == committed[spec["name"]], spec["name"]


def test_seed_is_fast_idempotent_and_has_a_high_risk_system():
    agglomeration = OrganisationFactory(slug="val-de-lisiere")
    admin = factories.member(agglomeration, "admin")
    seed_services(agglomeration, admin)
    people = {"admin": admin, "dpo": admin}
    started = time.perf_counter()
    created = demo.seed_demo(agglomeration, people, lambda _m: None)
    elapsed = time.perf_counter() - started
    assert created and elapsed < 3
    assert AlgorithmicSystem.objects.filter(organisation=agglomeration).count() == 5
    school = AlgorithmicSystem.objects.get(name=demo.SCHOOL_NAME)
    assert school.category == "high_risk" and school.bias_reports.count() == 1
    assert school.services.count() == 1
    assert demo.seed_demo(agglomeration, people, lambda _m: None) == []
    assert AlgorithmicSystem.objects.filter(organisation=agglomeration).count() == 5
