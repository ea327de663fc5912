"""Reads of the strategy app. Callers pass an organisation obtained from tenancy.scope; every
getter by id returns a 404 for an object of another organisation."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Final

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from jalon.strategy import services
from jalon.strategy.models import (
    Action,
    Axis,
    Indicator,
    IndicatorDefinition,
    IndicatorValue,
    Objective,
    Strategy,
    SupersededValue,
)
from jalon.tenancy import scope
from jalon.tenancy.models import Organisation


@dataclass(frozen=True, slots=True)
class TemplateChoice:
    key: str
    title: str
    source: str
    origin: str  # "builtin" or "operator"


@dataclass(slots=True)
class ObjectiveNode:
    objective: Objective
    children: list[ObjectiveNode] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)


@dataclass(slots=True)
class AxisNode:
    axis: Axis
    objectives: list[ObjectiveNode] = field(default_factory=list)


def strategies(organisation: Organisation) -> QuerySet[Strategy]:
    return Strategy.objects.filter(organisation=organisation)


STRATEGY: Final = "strategy"  # the publishing domain (strategy/publishing.py)


def is_public(strategy: Strategy) -> bool:
    """Whether this strategy is on the public site: the organisation publishes its strategy
    (tenancy.Publication, domain "strategy") and this is its current strategy."""
    if not scope.is_published(strategy.organisation, STRATEGY):
        return False
    current = current_strategy(strategy.organisation)
    return current is not None and current.pk == strategy.pk


def public_strategy(org_slug: str) -> tuple[Organisation, Strategy]:
    """The organisation and its current strategy if it publishes its strategy, else 404."""
    organisation = scope.public_organisation(org_slug, STRATEGY)
    strategy = current_strategy(organisation)
    if strategy is None:
        raise Http404("No published strategy")
    return organisation, strategy


def current_strategy(organisation: Organisation) -> Strategy | None:
    """The strategy whose period covers this year, else the most recent one."""
    year = timezone.localdate().year
    rows = strategies(organisation)
    return (rows.filter(period_start__lte=year, period_end__gte=year).first() or rows.first())


def strategy(organisation: Organisation, strategy_id: int) -> Strategy:
    return get_object_or_404(strategies(organisation), pk=strategy_id)


def axes(organisation: Organisation) -> QuerySet[Axis]:
    return Axis.objects.select_related("strategy").filter(strategy__organisation=organisation)


def axis(organisation: Organisation, axis_id: int) -> Axis:
    return get_object_or_404(axes(organisation), pk=axis_id)


def objectives(organisation: Organisation) -> QuerySet[Objective]:
    return Objective.objects.select_related("axis__strategy", "parent").filter(
        axis__strategy__organisation=organisation)


def objective(organisation: Organisation, objective_id: int) -> Objective:
    return get_object_or_404(objectives(organisation), pk=objective_id)


def actions(organisation: Organisation) -> QuerySet[Action]:
    return Action.objects.select_related("objective__axis__strategy").filter(
        objective__axis__strategy__organisation=organisation)


def action(organisation: Organisation, action_id: int) -> Action:
    return get_object_or_404(actions(organisation), pk=action_id)


def indicators(organisation: Organisation) -> QuerySet[Indicator]:
    return Indicator.objects.filter(strategy__organisation=organisation).select_related(
        "definition", "objective", "objective__axis", "strategy")


def indicator(organisation: Organisation, indicator_id: int) -> Indicator:
    return get_object_or_404(indicators(organisation), pk=indicator_id)


def indicator_values(target: Indicator) -> QuerySet[IndicatorValue]:
    return target.values.select_related("author", "source_import").order_by("-date", "-id")


def superseded_values(target: Indicator) -> QuerySet[SupersededValue]:
    """The computed values a later computation replaced, most recent first (the history)."""
    return target.superseded_values.select_related("source_import", "actor")


def value(organisation: Organisation, value_id: int) -> IndicatorValue:
    return get_object_or_404(IndicatorValue.objects.select_related("indicator__strategy"),
                             indicator__strategy__organisation=organisation, pk=value_id)


def available_templates(organisation: Organisation) -> list[TemplateChoice]:
    """Built-in templates and those the organisation's operator published to its members."""
    published = services.operator_templates(organisation)
    choices = [TemplateChoice(key, data.get("title", key), data.get("source", ""), "builtin")
               for key, data in services.builtin_templates().items() if key not in published]
    choices += [TemplateChoice(row.key, row.title, (row.data or {}).get("source", ""),
                               "operator") for row in published.values()]
    return choices


def available_definitions(organisation: Organisation) -> QuerySet[IndicatorDefinition]:
    """Definitions an organisation may follow: built in, shared by its operator, its own."""
    return IndicatorDefinition.objects.filter(
        Q(operator__isnull=True, organisation__isnull=True)
        | Q(operator_id=organisation.operator_id, organisation__isnull=True, shared=True)
        | Q(organisation=organisation)).order_by("name", "id")


def strategy_tree(target: Strategy) -> list[AxisNode]:
    """Axes → objectives → sub-objectives (any depth), with actions and indicators; four
    queries whatever the size."""
    axes = list(target.axes.all())
    objectives = list(Objective.objects.filter(axis__strategy=target).order_by("position", "id"))
    actions: dict[int, list[Action]] = defaultdict(list)
    for row in Action.objects.filter(objective__axis__strategy=target).order_by("position", "id"):
        actions[row.objective_id].append(row)
    by_objective: dict[int, list[Indicator]] = defaultdict(list)
    for item in target.indicators.select_related("definition"):
        if item.objective_id:
            by_objective[item.objective_id].append(item)
    nodes = {o.pk: ObjectiveNode(o, actions=actions[o.pk], indicators=by_objective[o.pk])
             for o in objectives}
    roots: dict[int, list[ObjectiveNode]] = defaultdict(list)
    for o in objectives:
        if o.parent_id and o.parent_id in nodes:
            nodes[o.parent_id].children.append(nodes[o.pk])
        else:
            roots[o.axis_id].append(nodes[o.pk])
    return [AxisNode(a, roots[a.pk]) for a in axes]


def action_choices(organisation: Organisation) -> list[tuple[int, str]]:
    """The actions of the organisation's current strategy as (id, « axis › action ») — what
    another domain may link a record to (jalon.kit.related, kind "strategy.action")."""
    current = current_strategy(organisation)
    if current is None:
        return []
    rows = (Action.objects.filter(objective__axis__strategy=current)
            .select_related("objective__axis")
            .order_by("objective__axis__position", "objective__axis_id", "objective__position",
                      "objective_id", "position", "id"))
    return [(a.pk, f"{a.objective.axis.title} › {a.title}"[:200]) for a in rows]
