"""Factories of the register's objects, on top of tests/factories.py."""

from __future__ import annotations

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory
from tests.factories import OrganisationFactory

from jalon.algorithms.models import AlgorithmicSystem, BiasReport, Contest

RESULT = {"n": 40, "groups": {"A": {"n": 20, "selected": 10, "selection_rate": 0.5,
                                    "ci_low": 0.3, "ci_high": 0.7, "small": True},
                              "B": {"n": 20, "selected": 8, "selection_rate": 0.4,
                                    "ci_low": 0.2, "ci_high": 0.6, "small": True}},
          "demographic_parity_difference": 0.1, "demographic_parity_ratio": 0.8,
          "small_groups": ["A", "B"], "four_fifths": {"ratio": 0.8, "below": False},
          "positive": "1/oui", "method": {"bootstrap_draws": 2000, "seed": 0}}


class AlgorithmicSystemFactory(DjangoModelFactory[AlgorithmicSystem]):
    class Meta:
        model = AlgorithmicSystem

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Algorithme {n}")
    purpose = "Aider à instruire les demandes."
    automation = "decision_aid"
    stage = "in_service"


class BiasReportFactory(DjangoModelFactory[BiasReport]):
    class Meta:
        model = BiasReport

    system = factory.SubFactory(AlgorithmicSystemFactory)
    number = factory.Sequence(lambda n: n + 1)
    file_name = "decisions.csv"
    sha256 = "0" * 64
    decision_column = "decision"
    group_column = "groupe"
    result = factory.LazyFunction(lambda: dict(RESULT))


class ContestFactory(DjangoModelFactory[Contest]):
    class Meta:
        model = Contest

    organisation = factory.SubFactory(OrganisationFactory)
    kind = "contest"
    message = "Je conteste la décision."
    received_at = factory.LazyFunction(timezone.now)
