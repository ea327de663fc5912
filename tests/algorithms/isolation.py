"""The register's part of tests/web/test_isolation.py."""

from __future__ import annotations

from tests.algorithms.factories import AlgorithmicSystemFactory, BiasReportFactory, ContestFactory

from jalon.algorithms.models import AlgorithmicSystem, Answer, BiasReport, Contest, Evaluation
from jalon.tenancy.models import Organisation

TARGET_IDS = {"algorithm_id", "bias_report_id", "contest_id"}


def seed(target: Organisation, pk: int, secret: str) -> None:
    system = AlgorithmicSystemFactory(pk=pk, organisation=target, name=secret, purpose=secret)
    BiasReportFactory(pk=pk, system=system, note=secret)
    ContestFactory(pk=pk, organisation=target, system=system, message=secret)


def snapshot(org: Organisation) -> dict:
    return {
        "algorithms": list(AlgorithmicSystem.objects.filter(organisation=org).values()),
        "algorithm_answers": list(Answer.objects.filter(system__organisation=org).values()),
        "algorithm_evaluations": list(Evaluation.objects.filter(system__organisation=org)
                                      .values()),
        "bias_reports": list(BiasReport.objects.filter(system__organisation=org)
                             .values("pk", "number", "note")),
        "contests": list(Contest.objects.filter(organisation=org).values()),
    }
