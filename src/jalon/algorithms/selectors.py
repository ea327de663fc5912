"""Reads of the register. Callers pass an organisation obtained from tenancy.scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from jalon.algorithms.models import (
    AlgorithmicSystem,
    BiasReport,
    Contest,
    Decision,
    Stage,
)
from jalon.core import ai_cost
from jalon.tenancy.models import Organisation

RECENT_BIAS_DAYS = 365


def systems(organisation: Organisation) -> QuerySet[AlgorithmicSystem]:
    return AlgorithmicSystem.objects.filter(organisation=organisation)


@dataclass(frozen=True, slots=True)
class Filters:
    stage: str = ""
    category: str = ""
    automation: str = ""
    q: str = ""


def system_list(organisation: Organisation, filters: Filters = Filters()
                ) -> QuerySet[AlgorithmicSystem]:
    rows = systems(organisation)
    for name in ("stage", "category", "automation"):
        if value := getattr(filters, name):
            rows = rows.filter(**{name: value})
    if text := filters.q.strip():
        rows = rows.filter(Q(name__icontains=text) | Q(purpose__icontains=text)
                           | Q(provider__icontains=text))
    return (rows.select_related("evaluation", "cost")
            .prefetch_related("services",
                              Prefetch("bias_reports",
                                       queryset=BiasReport.objects.only(
                                           "id", "system_id", "number", "created_at")))
            .order_by("name", "id"))


def system(organisation: Organisation, algorithm_id: int) -> AlgorithmicSystem:
    return get_object_or_404(systems(organisation), pk=algorithm_id)


def public_systems(organisation: Organisation) -> QuerySet[AlgorithmicSystem]:
    """What the public register shows: every system past the idea stage."""
    return (systems(organisation).exclude(stage=Stage.IDEA)
            .prefetch_related("services").order_by("name", "id"))


def public_system(organisation: Organisation, algorithm_id: int) -> AlgorithmicSystem:
    return get_object_or_404(public_systems(organisation), pk=algorithm_id)


def bias_report(system: AlgorithmicSystem, bias_report_id: int) -> BiasReport:
    return get_object_or_404(BiasReport.objects.filter(system=system), pk=bias_report_id)


def latest_bias(system: AlgorithmicSystem) -> BiasReport | None:
    return system.bias_reports.order_by("-number").first()


def contests(organisation: Organisation) -> QuerySet[Contest]:
    return Contest.objects.filter(organisation=organisation).select_related("system")


def contest(organisation: Organisation, contest_id: int) -> Contest:
    return get_object_or_404(contests(organisation), pk=contest_id)


def evaluated_before_deployment(system: AlgorithmicSystem) -> bool:
    """A go decision dated no later than the pilot or the service start (or undated start)."""
    evaluation = getattr(system, "evaluation", None)
    if evaluation is None or evaluation.decision != Decision.GO or not evaluation.decided_on:
        return False
    start = system.pilot_on or system.in_service_on
    return start is None or evaluation.decided_on <= start


def deployed_on(organisation: Organisation, day: dt.date) -> list[AlgorithmicSystem]:
    """Systems piloted or in service on `day` (dated by their stage dates)."""
    out = []
    for s in system_list(organisation):
        start = s.pilot_on or s.in_service_on
        if s.stage not in (Stage.PILOT, Stage.IN_SERVICE, Stage.RETIRED):
            continue
        if start is not None and start > day:
            continue
        if s.retired_on is not None and s.retired_on <= day:
            continue
        if s.stage == Stage.RETIRED and s.retired_on is None:
            continue
        out.append(s)
    return out


@cache
def electricity_mix(country: str = "FRA") -> ai_cost.Range:
    """kgCO2e/kWh of the factor set's electricity mix (min, value, max)."""
    from jalon.core.factors import load_factor_set

    table = load_factor_set().electricity
    row = table.filter((table["country"] == country) & (table["criterion"] == "gwp")).row(
        0, named=True)
    return ai_cost.Range(float(row["min"]), float(row["value"]), float(row["max"]))


def rationalisation(organisation: Organisation) -> list[dict[str, Any]]:
    """Systems with a cost estimate, by GWP per unit of benefit (worst first), then those
    without a measured benefit by GWP."""
    rows = []
    for s in system_list(organisation).exclude(stage=Stage.RETIRED):
        cost = getattr(s, "cost", None)
        if cost is None or not cost.result:
            continue
        gwp = cost.result["gwp_kg_per_year"]["value"]
        rows.append({"system": s, "cost": cost, "gwp": gwp,
                     "energy": cost.result["energy_kwh_per_year"]["value"],
                     "per_benefit": ai_cost.per_benefit(gwp, cost.benefit)})
    rows.sort(key=lambda r: (r["per_benefit"] is None, -(r["per_benefit"] or 0), -r["gwp"]))
    return rows
