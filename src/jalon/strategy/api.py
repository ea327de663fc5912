"""REST API of the strategy (a ninja Router mounted at /api/v1/ by jalon.api.api).

The token's organisation is the only one reached (jalon.api.auth.organisation); ids of other
organisations' objects are 404. Reads need the READ capability, writes EDIT_STRATEGY.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from jalon.api import auth
from jalon.api.schemas import Error
from jalon.strategy import selectors, services, status
from jalon.strategy.models import Indicator, IndicatorValue, Strategy
from jalon.strategy.selectors import ObjectiveNode
from jalon.tenancy import scope
from jalon.tenancy.capabilities import Capability

strategy_router = Router(tags=["stratégie"])
ERRORS: dict[int, Any] = {401: Error, 403: Error, 404: Error}


class StrategySummary(Schema):
    id: int
    title: str
    adopted_on: dt.date | None
    deliberation: str
    period_start: int
    period_end: int
    template_key: str
    public: bool


class ActionOut(Schema):
    id: int
    title: str
    status: str
    owner: str
    start_date: dt.date | None
    end_date: dt.date | None
    budget_eur: float | None


class ObjectiveOut(Schema):
    id: int
    title: str
    description: str
    actions: list[ActionOut]
    indicator_ids: list[int]
    children: list[ObjectiveOut]


ObjectiveOut.model_rebuild()


class AxisOut(Schema):
    id: int
    title: str
    description: str
    objectives: list[ObjectiveOut]


class StrategyOut(StrategySummary):
    axes: list[AxisOut]


class DefinitionOut(Schema):
    key: str
    name: str
    unit: str
    precision: int
    direction: str
    description: str
    method: str
    source: str
    computed: str


class TargetOut(Schema):
    defined: bool
    kind: str | None
    value: float | None = Field(None, description="Niveau, borne ou durée ; pour « rate », "
                                                  "la part annuelle (0.1 = +10 %/an).")
    date: dt.date | None
    baseline_date: dt.date | None
    baseline_value: float | None
    text: str


class StatusOut(Schema):
    status: str
    reason: str
    label: str
    explanation: str
    projected: float | None
    observed_rate: float | None


class ValueOut(Schema):
    id: int
    date: dt.date
    value: float
    kind: str
    source: str
    comment: str
    author: str | None
    created_at: dt.datetime
    inventory_version: int | None
    source_import_id: int | None
    detail: dict[str, Any]


class IndicatorOut(Schema):
    id: int
    strategy_id: int
    objective_id: int | None
    definition: DefinitionOut
    target: TargetOut
    status: StatusOut
    latest: ValueOut | None


class IndicatorDetailOut(IndicatorOut):
    values: list[ValueOut]


class ValueIn(Schema):
    # Optional in the schema so that the indicator is looked up (404) before the body is
    # checked; both are required in practice (422 otherwise).
    date: dt.date | None = None
    value: float | None = None
    kind: Literal["result", "estimate"] = "result"
    source: str = Field("", max_length=300)
    comment: str = ""


def _summary(row: Strategy, public: bool | None = None) -> dict[str, Any]:
    return {"id": row.pk, "title": row.title, "adopted_on": row.adopted_on,
            "deliberation": row.deliberation, "period_start": row.period_start,
            "period_end": row.period_end, "template_key": row.template_key,
            "public": selectors.is_public(row) if public is None else public}


def _objective(node: ObjectiveNode) -> dict[str, Any]:
    o = node.objective
    return {"id": o.pk, "title": o.title, "description": o.description,
            "actions": [{"id": a.pk, "title": a.title, "status": a.status, "owner": a.owner,
                         "start_date": a.start_date, "end_date": a.end_date,
                         "budget_eur": float(a.budget_eur) if a.budget_eur is not None
                         else None} for a in node.actions],
            "indicator_ids": [i.pk for i in node.indicators],
            "children": [_objective(c) for c in node.children]}


def _value(v: IndicatorValue) -> dict[str, Any]:
    author = v.author.get_username() if v.author_id and v.author else None
    return {"id": v.pk, "date": v.date, "value": v.value, "kind": v.kind, "source": v.source,
            "comment": v.comment, "author": author, "created_at": v.created_at,
            "inventory_version": v.inventory_version, "source_import_id": v.source_import_id,
            "detail": v.detail or {}}


def _indicator(item: status.IndicatorStatus, values: bool = False) -> dict[str, Any]:
    i, d, a = item.indicator, item.definition, item.assessment
    out: dict[str, Any] = {
        "id": i.pk, "strategy_id": i.strategy_id, "objective_id": i.objective_id,
        "definition": {name: getattr(d, name) for name in DefinitionOut.model_fields},
        "target": {"defined": i.target_defined,
                   "kind": i.target_kind if i.target_defined else None,
                   "value": i.target_value if i.target_defined else None,
                   "date": i.target_date, "baseline_date": i.baseline_date,
                   "baseline_value": i.baseline_value, "text": item.target_text},
        "status": {"status": str(a.status), "reason": a.reason, "label": item.status_label,
                   "explanation": item.explanation, "projected": a.projected,
                   "observed_rate": a.observed_rate},
        "latest": _value(item.latest) if item.latest else None,
    }
    if values:
        out["values"] = [_value(v) for v in item.values]
    return out


def _fresh(request: HttpRequest) -> Any:
    organisation = auth.organisation(request)
    services.recompute_computed_indicators(organisation)
    return organisation


def _indicator_or_404(request: HttpRequest, indicator_id: int) -> Indicator:
    return selectors.indicator(auth.organisation(request), indicator_id)


@strategy_router.get("/strategies", response={200: list[StrategySummary], **ERRORS},
                     summary="Stratégies de l'organisation")
def list_strategies(request: HttpRequest) -> list[dict[str, Any]]:
    auth.require(request, Capability.READ)
    organisation = auth.organisation(request)
    current = selectors.current_strategy(organisation)
    published = scope.is_published(organisation, selectors.STRATEGY)
    return [_summary(s, published and current is not None and s.pk == current.pk)
            for s in selectors.strategies(organisation)]


@strategy_router.get("/strategies/{strategy_id}", response={200: StrategyOut, **ERRORS},
                     summary="Une stratégie et son arborescence (axes → objectifs → actions)")
def get_strategy(request: HttpRequest, strategy_id: int) -> dict[str, Any]:
    auth.require(request, Capability.READ)
    row = selectors.strategy(auth.organisation(request), strategy_id)
    return {**_summary(row), "axes": [
        {"id": n.axis.pk, "title": n.axis.title, "description": n.axis.description,
         "objectives": [_objective(o) for o in n.objectives]}
        for n in selectors.strategy_tree(row)]}


@strategy_router.get("/indicators", response={200: list[IndicatorOut], **ERRORS},
                     summary="Indicateurs de la stratégie en cours, avec état et explication")
def list_indicators(request: HttpRequest, strategy_id: int | None = None
                    ) -> list[dict[str, Any]]:
    auth.require(request, Capability.READ)
    organisation = _fresh(request)
    row = (selectors.strategy(organisation, strategy_id) if strategy_id
           else selectors.current_strategy(organisation))
    if row is None:
        return []
    return [_indicator(item) for item in status.strategy_statuses(row)]


@strategy_router.get("/indicators/{indicator_id}", response={200: IndicatorDetailOut, **ERRORS},
                     summary="Un indicateur : définition, cible, état, valeurs")
def get_indicator(request: HttpRequest, indicator_id: int) -> dict[str, Any]:
    auth.require(request, Capability.READ)
    _fresh(request)
    return _indicator(status.assess_indicator(_indicator_or_404(request, indicator_id)),
                      values=True)


@strategy_router.get("/indicators/{indicator_id}/values", response={200: list[ValueOut],
                                                                     **ERRORS},
                     summary="Valeurs d'un indicateur, des plus anciennes aux plus récentes")
def list_values(request: HttpRequest, indicator_id: int) -> list[dict[str, Any]]:
    auth.require(request, Capability.READ)
    _fresh(request)
    indicator = _indicator_or_404(request, indicator_id)
    return [_value(v) for v in indicator.values.select_related("author").order_by("date", "id")]


@strategy_router.post("/indicators/{indicator_id}/values",
                      response={201: ValueOut, 422: Error, **ERRORS},
                      summary="Saisir une valeur d'un indicateur saisi (capacité strategy.edit)")
def add_value(request: HttpRequest, indicator_id: int, payload: ValueIn
              ) -> Status[dict[str, Any]]:
    indicator = _indicator_or_404(request, indicator_id)
    auth.require(request, Capability.EDIT_STRATEGY)
    if payload.date is None or payload.value is None:
        raise HttpError(422, "date et value sont obligatoires.")
    if indicator.definition.computed:
        raise HttpError(422, "Les valeurs de cet indicateur sont calculées depuis l'inventaire.")
    entry = services.add_value(auth.actor(request), indicator, payload.date, payload.value,
                               payload.kind, payload.source, payload.comment)
    return Status(201, _value(entry))
