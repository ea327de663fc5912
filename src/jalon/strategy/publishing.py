"""What the strategy publishes, declared in the publishing registry (StrategyConfig.ready()).

- the domain "strategy" (Publication): the public strategy page /p/<org_slug>/strategy/, its
  summary on the public home, its three open-data datasets and its published annual reviews;
- the datasets "strategy", "indicators", "values" (group "strategie"), rows as the authority
  adopted its strategy: never an author of a value, a member or a device user;
- the report sections "intro", "strategy", "indicators" (always part of the annual review);
- no indicator source: the strategy stores the values others compute (services);
- a target reader: the targets of the current strategy's computed indicators, worded and
  assessed here, for the domains that compute them (the audits' portfolio).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from django.db.models import Max, Prefetch
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jalon.core.exports import date_cell, number_cell
from jalon.core.trajectory import Status
from jalon.kit.formatting import fr_number
from jalon.publishing import registry
from jalon.strategy import presenters, selectors, status
from jalon.strategy.models import (
    Action,
    ActionStatus,
    AnnualReport,
    Axis,
    Indicator,
    IndicatorValue,
    Objective,
    Strategy,
)
from jalon.tenancy import scope
from jalon.tenancy.models import Organisation

STRATEGY = selectors.STRATEGY


# --- Reads ---------------------------------------------------------------------------------------

def indicators_of(strategy: Strategy, until: dt.date | None = None) -> list[Indicator]:
    """The strategy's indicators in a stable order, with their values (up to `until`)."""
    values = IndicatorValue.objects.order_by("date", "id")
    if until is not None:
        values = values.filter(date__lte=until)
    return list(Indicator.objects.filter(strategy=strategy)
                .select_related("definition", "objective")
                .prefetch_related(Prefetch("values", queryset=values))
                .order_by("position", "id"))


def statuses(strategy: Strategy, today: dt.date | None = None) -> list[status.IndicatorStatus]:
    """One IndicatorStatus per indicator, in the strategy's order. With `today`, as of that
    day: values after it are left out (the review of year N ignores the values of N+1)."""
    return [status.assess_indicator(indicator, today)
            for indicator in indicators_of(strategy, until=today)]


@dataclass
class Node:
    level: str  # axis, objective, action
    obj: Any
    parent_id: str = ""
    children: list[Node] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{self.level}-{self.obj.pk}"


def tree(strategy: Strategy) -> list[Node]:
    """Axes → objectives (→ sub-objectives) → actions, ordered by position then id."""
    axes = list(Axis.objects.filter(strategy=strategy).order_by("position", "id"))
    objectives = list(Objective.objects.filter(axis__strategy=strategy)
                      .order_by("position", "id"))
    actions = list(Action.objects.filter(objective__axis__strategy=strategy)
                   .order_by("position", "id"))
    by_objective: dict[int, list[Action]] = {}
    for action in actions:
        by_objective.setdefault(action.objective_id, []).append(action)
    nodes = {o.pk: Node("objective", o, actions=by_objective.get(o.pk, [])) for o in objectives}
    roots: dict[int, list[Node]] = {}
    for objective in objectives:
        node = nodes[objective.pk]
        parent = nodes.get(objective.parent_id) if objective.parent_id else None
        if parent is not None:
            node.parent_id = parent.id
            parent.children.append(node)
        else:
            node.parent_id = f"axis-{objective.axis_id}"
            roots.setdefault(objective.axis_id, []).append(node)
    return [Node("axis", axis, children=roots.get(axis.pk, [])) for axis in axes]


def walk(nodes: Iterable[Node]) -> Iterable[Node]:
    for node in nodes:
        yield node
        yield from walk(node.children)


def action_counts(nodes: list[Node]) -> list[tuple[str, int]]:
    return presenters.action_counts([a for node in walk(nodes) for a in node.actions])


def strategy_modified(strategy: Strategy) -> dt.datetime:
    latest: dt.datetime | None = IndicatorValue.objects.filter(
        indicator__strategy=strategy).aggregate(at=Max("created_at"))["at"]
    return max(filter(None, (strategy.updated_at, latest)))


def _current(organisation: Organisation) -> Strategy:
    strategy = selectors.current_strategy(organisation)
    if strategy is None:  # Dataset.available is checked first
        raise LookupError("no strategy")
    return strategy


# --- Open data -----------------------------------------------------------------------------------

def strategy_rows(organisation: Organisation) -> Iterable[list[Any]]:
    for node in walk(tree(_current(organisation))):
        yield [node.level, node.id, node.parent_id, node.obj.title, "", "", "", "", ""]
        for action in node.actions:
            yield ["action", f"action-{action.pk}", node.id, action.title, action.status,
                   action.owner, date_cell(action.start_date), date_cell(action.end_date),
                   number_cell(action.budget_eur)]


def indicator_rows(organisation: Organisation) -> Iterable[list[Any]]:
    for item in statuses(_current(organisation)):
        indicator, definition = item.indicator, item.definition
        defined = indicator.target_defined  # a target "to be defined" has no figures
        yield [indicator.pk, definition.key, definition.name, definition.unit,
               definition.direction, indicator.target_kind if defined else "",
               number_cell(indicator.target_value) if defined else "",
               date_cell(indicator.target_date) if defined else "",
               date_cell(indicator.baseline_date),
               number_cell(indicator.baseline_value), str(item.assessment.status),
               f"objective-{indicator.objective_id}" if indicator.objective_id else ""]


def value_rows(organisation: Organisation) -> Iterable[list[Any]]:
    values = (IndicatorValue.objects.filter(indicator__strategy=_current(organisation))
              .order_by("indicator__position", "indicator_id", "date", "id")
              .values_list("indicator_id", "date", "value", "kind", "source", "comment"))
    for indicator_id, date, value, kind, source, comment in values:  # never the author
        yield [indicator_id, date.isoformat(), number_cell(value), kind, source, comment]


def _has_strategy(organisation: Organisation) -> bool:
    return selectors.current_strategy(organisation) is not None


def strategy_period(organisation: Organisation) -> tuple[dt.date, dt.date] | None:
    """dct:temporal of the strategy's dataset: the years of its period."""
    strategy = selectors.current_strategy(organisation)
    if strategy is None:
        return None
    return dt.date(strategy.period_start, 1, 1), dt.date(strategy.period_end, 12, 31)


# --- Public home ---------------------------------------------------------------------------------

def public_summary(organisation: Organisation, request: HttpRequest) -> dict[str, Any] | None:
    """The strategy's section of the public home: what it is, how its indicators stand."""
    strategy = selectors.current_strategy(organisation)
    if strategy is None:
        return None
    counts: dict[str, int] = {}
    items = statuses(strategy)
    for item in items:
        counts[item.status] = counts.get(item.status, 0) + 1
    return {"strategy": strategy, "indicator_count": len(items),
            "summary": [(status.STATUS_SYMBOLS[s], status.STATUS_LABELS[s], counts[s])
                        for s in status.STATUS_ORDER if counts.get(s)],
            "action_counts": action_counts(tree(strategy))}


# --- Annual report -------------------------------------------------------------------------------

def report_intro(organisation: Organisation, year: int) -> dict[str, Any] | None:
    strategy = selectors.current_strategy(organisation)
    if strategy is None:
        return None
    saved = AnnualReport.objects.filter(strategy=strategy, year=year).first()
    changed = [strategy_modified(strategy)] + ([saved.updated_at] if saved else [])
    return {"strategy": strategy, "introduction": saved.introduction if saved else "",
            "modified": max(changed), "created": strategy.created_at,
            "closed": saved if saved is not None and saved.closed_at else None}


def report_tree(organisation: Organisation, year: int) -> dict[str, Any] | None:
    strategy = selectors.current_strategy(organisation)
    if strategy is None:
        return None
    nodes = tree(strategy)
    return {"nodes": nodes, "action_counts": action_counts(nodes)}


def report_statuses(organisation: Organisation, year: int) -> list[status.IndicatorStatus]:
    """The indicators as assessed on 31 December of `year`."""
    strategy = selectors.current_strategy(organisation)
    return statuses(strategy, today=dt.date(year, 12, 31)) if strategy is not None else []


def report_with_values(organisation: Organisation, year: int) -> list[status.IndicatorStatus]:
    """The indicators the report details: those with a value on 31 December of `year`; the
    others are listed together in one short paragraph (`report_indicators`)."""
    return [s for s in report_statuses(organisation, year) if s.status is not Status.NO_DATA]


def report_indicators(organisation: Organisation, year: int) -> dict[str, Any] | None:
    if selectors.current_strategy(organisation) is None:
        return None
    statuses_ = report_statuses(organisation, year)
    sources = sorted({(s.definition.name, s.definition.source, s.definition.method)
                      for s in statuses_ if s.definition.source or s.definition.method})
    return {"sources": sources,
            "without_data": [s.definition.name for s in statuses_
                             if s.status is Status.NO_DATA]}


# What the summary lists as met and as missed, as assessed on 31 December.
MET: Final = (Status.ACHIEVED, Status.ON_TRACK)
MISSED: Final = (Status.OFF_TRACK, Status.AT_RISK)
KEY_ACTIONS: Final = 3


def key_actions(strategy: Strategy, year: int) -> list[Action]:
    """The actions the summary puts forward: those under way in `year`, then those finished in
    `year`, then those starting the next year; the largest budgets first, then the strategy's
    order. Abandoned actions never."""
    end = dt.date(year, 12, 31)

    def rank(action: Action) -> tuple[int, float, int, int] | None:
        if action.status == ActionStatus.IN_PROGRESS:
            group = 0
        elif action.status == ActionStatus.DONE and (action.end_date is None
                                                     or action.end_date.year == year):
            group = 1
        elif action.status == ActionStatus.PLANNED and (action.start_date is None
                                                        or action.start_date <= end.replace(
                                                            year=year + 1)):
            group = 2
        else:
            return None
        return group, -float(action.budget_eur or 0), action.position, action.pk

    actions = Action.objects.filter(objective__axis__strategy=strategy)
    ranked = sorted((r, a) for a in actions if (r := rank(a)) is not None)
    return [a for _r, a in ranked[:KEY_ACTIONS]]


def _summary_line(item: status.IndicatorStatus) -> dict[str, Any]:
    latest = item.assessment.latest
    return {"name": item.definition.name, "latest": item.latest_text,
            "date": latest.date if latest else None, "target": item.target_text,
            "label": item.status_label, "symbol": item.symbol,
            "css": status.STATUS_CLASSES[item.status],
            "source": item.latest.source if item.latest else ""}


def report_summary(organisation: Organisation, year: int) -> dict[str, Any] | None:
    """The summary that opens the report: headline figures with their change (declared by the
    domains: registry.Headline), targets met and missed, the actions that matter."""
    strategy = selectors.current_strategy(organisation)
    if strategy is None:
        return None
    published = scope.published_domains(organisation)
    headlines = [figure for headline in registry.headlines()
                 if not headline.domain or headline.domain in published
                 if (figure := headline.compute(organisation, year)) is not None]
    items = report_statuses(organisation, year)
    counts = {s: sum(1 for i in items if i.status is s) for s in Status}
    return {
        "headlines": headlines,
        "met": [_summary_line(i) for i in items if i.status in MET],
        "missed": [_summary_line(i) for i in items if i.status in MISSED],
        "no_target": counts[Status.NO_TARGET], "no_data": counts[Status.NO_DATA],
        "indicator_count": len(items),
        "actions": [{"title": a.title, "status": a.get_status_display(), "owner": a.owner,
                     "budget": fr_number(float(a.budget_eur)) if a.budget_eur else "",
                     "end": a.end_date} for a in key_actions(strategy, year)],
    }


def report_indicator(item: status.IndicatorStatus, year: int) -> dict[str, Any]:
    values = sorted((v for v in item.indicator.values.all() if v.date.year == year),
                    key=lambda v: (v.date, v.pk))
    return {"view": presenters.indicator_view(item, prefix=f"r{year}", until=year),
            "values": [{"date": v.date, "value": status.format_value(item.definition, v.value),
                        "kind": v.get_kind_display(), "source": v.source, "comment": v.comment,
                        # Where a computed value comes from and when (issue 9, item 5).
                        "computed_at": v.created_at if v.inventory_version is not None
                        else None,
                        "import_id": v.source_import_id}
                       for v in values]}


def tracked_targets(organisation: Organisation, keys: Sequence[str]
                    ) -> list[registry.TrackedTarget]:
    """The current strategy's indicators computed from one of the sources `keys`, with their
    target and status as the strategy's pages show them."""
    strategy = selectors.current_strategy(organisation)
    if strategy is None or not keys:
        return []
    out = []
    for indicator in indicators_of(strategy):
        if indicator.definition.computed not in keys:
            continue
        item = status.assess_indicator(indicator)
        out.append(registry.TrackedTarget(
            source=indicator.definition.computed, indicator=indicator.definition.name,
            follower=str(strategy), target=item.target_text,
            year=(indicator.target_date.year if indicator.target_defined
                  and indicator.target_date else None),
            latest=item.latest_text, status=str(item.status), status_label=item.status_label,
            symbol=item.symbol, explanation=item.explanation,
            url=reverse("strategy:indicator", args=[organisation.slug, indicator.pk])))
    return out


# --- Declaration ---------------------------------------------------------------------------------

def register() -> None:
    schema = registry.SCHEMA_DIR.joinpath

    def modified(organisation: Organisation) -> dt.datetime:
        return strategy_modified(_current(organisation))

    def tree_modified(organisation: Organisation) -> dt.datetime:
        return _current(organisation).updated_at

    part = _("Introduction et stratégie")
    registry.register(
        registry.TargetReader(STRATEGY, tracked_targets),
        registry.Domain(STRATEGY, _("Stratégie numérique responsable"),
                        _("La page publique de la stratégie, ses indicateurs, ses bilans "
                          "annuels en PDF et ses données ouvertes."), order=20),
        registry.DatasetGroup(
            "strategie", STRATEGY, "Stratégie numérique responsable",
            "La stratégie numérique responsable de la collectivité (loi REEN, décret "
            "2022-1084) : axes, objectifs, actions, indicateurs et leurs valeurs.",
            ("numérique responsable", "REEN", "stratégie", "indicateurs"), order=10,
            temporal=strategy_period),
        registry.Dataset("strategy", "strategie", "Arborescence de la stratégie",
                         "Axes, objectifs et actions (état, pilote, dates, budget).",
                         schema("strategy.schema.json"), strategy_rows, tree_modified,
                         _has_strategy, order=10),
        registry.Dataset("indicators", "strategie", "Indicateurs de suivi",
                         "Indicateurs, cibles typées, valeur de référence et statut.",
                         schema("indicators.schema.json"), indicator_rows, modified,
                         _has_strategy, order=11),
        registry.Dataset("values", "strategie", "Valeurs des indicateurs",
                         "Valeurs datées des indicateurs (résultats ou estimations), avec leur "
                         "source.", schema("values.schema.json"), value_rows, modified,
                         _has_strategy, order=12),
        registry.PublicSection("strategy", STRATEGY, _("Stratégie numérique responsable"),
                               "strategy/public/_section.html", public_summary,
                               url_name="publicstrategy:index", order=20),
        registry.ReportSection("summary", _("Synthèse"), "strategy/report/_summary.html",
                               report_summary, order=5),
        registry.ReportSection("intro", _("Introduction"), "strategy/report/_intro.html",
                               report_intro, order=10, part=part),
        registry.ReportSection("strategy", _("La stratégie et ses actions"),
                               "strategy/report/_strategy.html", report_tree, order=20,
                               part=part),
        registry.ReportSection("indicators", _("Indicateurs"),
                               "strategy/report/_indicators.html", report_indicators,
                               order=30, items=report_with_values, item=report_indicator),
    )
