"""Every write of the strategy app: each in a transaction, each leaving an audit event.

Views and the API call these with objects obtained through `selectors` (already scoped to the
request's organisation); services never trust an id on their own.

Strategy templates
------------------
A template is a JSON document — a file of `jalon/data/strategy_templates/` (built in) or the
`data` of a `StrategyTemplate` row an operator published to its members — of this shape::

    {
      "key": "idf-2025",                       # unique among the templates offered
      "title": "…",                            # offered as the strategy's default title
      "source": "…",                           # where the strategy and its targets come from
      "axes": [{
        "title": "…", "description": "…",
        "objectives": [{                       # objectives of the axis
          "title": "…",
          "children": [ <objective>, … ],      # sub-objectives, same shape (any depth)
          "actions": [{"title": "…"}],
          "indicators": [{
            "definition": {"key": "slug", "name": "…", "unit": "%", "precision": 1,
                           "direction": "up" | "down", "description": "…", "method": "…",
                           "source": "…", "computed": "" | "<IndicatorSource key>"},
            "target": null | {"kind": "level" | "rate" | "floor" | "ceiling" | "max_duration",
                              "value": 100,          # a RATE is a yearly share: 0.10 = +10 %/an
                              "date": "2027-12-31",  # optional: target date, or from when
                              "baseline_date": "2025-01-01", "baseline_value": 5}  # optional
          }]
        }]
      }]
    }

A null target creates the indicator "target to be set" (`Indicator.target_defined` False): the
guide's catalogue lists indicators that no text quantifies. Definitions of built-in templates are
built in (no owner); those of an operator's template belong to that operator (shared with its
members); an existing definition with the same key and owner is reused, not overwritten.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from importlib import resources
from typing import Any, TypeVar

from django.db import models, transaction
from django.db.models import Max, QuerySet
from django.utils.text import slugify
from django.utils.translation import gettext as _

from jalon.core.trajectory import Direction, TargetKind
from jalon.publishing import indicators
from jalon.strategy.models import (
    Action,
    AnnualReport,
    Axis,
    Indicator,
    IndicatorDefinition,
    IndicatorValue,
    Objective,
    Strategy,
    StrategyTemplate,
    SupersededValue,
    ValueKind,
)
from jalon.tenancy.audit import record
from jalon.tenancy.models import Operator, Organisation

M = TypeVar("M", bound=models.Model)

TEMPLATE_PACKAGE = "jalon.data.strategy_templates"
DEFINITION_FIELDS = ("name", "unit", "precision", "direction", "description", "method", "source",
                     "computed")


class TemplateError(ValueError):
    """Unknown template key, or a template whose content does not have the expected shape."""


# --------------------------------------------------------------------------- templates


@cache
def builtin_templates() -> dict[str, dict[str, Any]]:
    """The built-in templates (data files), by key; read once per process."""
    found: dict[str, dict[str, Any]] = {}
    for entry in sorted(resources.files(TEMPLATE_PACKAGE).iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            data = json.loads(entry.read_text(encoding="utf-8"))
            found[data["key"]] = data
    return found


def operator_templates(organisation: Organisation) -> dict[str, StrategyTemplate]:
    rows = StrategyTemplate.objects.filter(operator_id=organisation.operator_id, published=True)
    return {row.key: row for row in rows.order_by("title")}


def template_data(organisation: Organisation, key: str) -> tuple[dict[str, Any],
                                                                  Operator | None]:
    """(content, owning operator or None for a built-in template) of a template offered to the
    organisation. An operator's template wins over a built-in one of the same key."""
    published = operator_templates(organisation).get(key)
    if published is not None:
        return published.data or {}, published.operator
    if key in builtin_templates():
        return builtin_templates()[key], None
    raise TemplateError(f"unknown template {key!r}")


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _definition(actor: Any, spec: dict[str, Any], operator: Operator | None
                ) -> IndicatorDefinition:
    """The template's definition: the existing one with that key and owner, else a new one."""
    key = spec["key"]
    found = _owned_definitions(operator).filter(key=key).first()
    if found is not None:
        return found
    values = {name: spec[name] for name in DEFINITION_FIELDS if spec.get(name) is not None}
    return create_definition(actor, operator, key=key, **values)


def _build_objective(actor: Any, strategy: Strategy, axis: Axis, spec: dict[str, Any],
                     position: int, operator: Operator | None,
                     parent: Objective | None = None) -> int:
    """Create an objective with its sub-objectives, actions and indicators; returns how many
    indicators were created."""
    objective = Objective.objects.create(axis=axis, parent=parent, position=position,
                                         title=spec["title"][:300],
                                         description=spec.get("description", ""))
    for i, action in enumerate(spec.get("actions", [])):
        Action.objects.create(objective=objective, position=i, title=action["title"][:300])
    count = 0
    for item in spec.get("indicators", []):
        definition = _definition(actor, item["definition"], operator)
        target = item.get("target")
        position_next = strategy.indicators.count()
        if target:
            kind = TargetKind(target["kind"])
            Indicator.objects.create(
                strategy=strategy, objective=objective, definition=definition,
                position=position_next, target_kind=kind, target_value=float(target["value"]),
                target_date=_date(target.get("date")),
                baseline_date=_date(target.get("baseline_date")),
                baseline_value=target.get("baseline_value"))
        else:
            Indicator.objects.create(
                strategy=strategy, objective=objective, definition=definition,
                position=position_next, target_kind=TargetKind.LEVEL, target_value=0.0,
                target_defined=False)
        count += 1
    for i, child in enumerate(spec.get("children", [])):
        count += _build_objective(actor, strategy, axis, child, i, operator, parent=objective)
    return count


def create_from_template(actor: Any, organisation: Organisation, template_key: str, *,
                         title: str, period_start: int, period_end: int,
                         adopted_on: dt.date | None = None, deliberation: str = "") -> Strategy:
    """A new strategy of the organisation, built from a template (see the module docstring)."""
    data, operator = template_data(organisation, template_key)
    if period_end < period_start:
        raise ValueError("the period must end after it starts")
    try:
        with transaction.atomic():
            strategy = Strategy.objects.create(
                organisation=organisation, title=title or data.get("title", "")[:300],
                adopted_on=adopted_on, deliberation=deliberation, period_start=period_start,
                period_end=period_end, template_key=template_key)
            indicators = 0
            for i, axis_spec in enumerate(data.get("axes", [])):
                axis = Axis.objects.create(strategy=strategy, position=i,
                                           title=axis_spec["title"][:300],
                                           description=axis_spec.get("description", ""))
                for j, objective in enumerate(axis_spec.get("objectives", [])):
                    indicators += _build_objective(actor, strategy, axis, objective, j,
                                                   operator)
            record(actor, "strategy.create", organisation, target=strategy.title,
                   strategy_id=strategy.pk, template=template_key, indicators=indicators)
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, TemplateError):
            raise
        raise TemplateError(f"template {template_key!r} is malformed: {exc}") from exc
    return strategy


# --------------------------------------------------------------------------- tree


STRATEGY_FIELDS = ("title", "adopted_on", "deliberation", "period_start", "period_end")


def _update(actor: Any, instance: M, organisation: Organisation, action: str,
            fields: tuple[str, ...], changes: dict[str, Any], **details: Any) -> M:
    with transaction.atomic():
        changed = {}
        for name in fields:
            if name in changes and getattr(instance, name) != changes[name]:
                setattr(instance, name, changes[name])
                changed[name] = str(changes[name])
        instance.save()
        record(actor, action, organisation, target=str(getattr(instance, "title", instance)),
               changed=changed, **details)
    return instance


def update_strategy(actor: Any, strategy: Strategy, **changes: Any) -> Strategy:
    return _update(actor, strategy, strategy.organisation, "strategy.update", STRATEGY_FIELDS,
                   changes, strategy_id=strategy.pk)


def _next_position(rows: Any) -> int:
    top = rows.aggregate(top=Max("position"))["top"]
    return 0 if top is None else top + 1


def add_axis(actor: Any, strategy: Strategy, *, title: str, description: str = "") -> Axis:
    with transaction.atomic():
        axis = Axis.objects.create(strategy=strategy, title=title, description=description,
                                   position=_next_position(strategy.axes.all()))
        record(actor, "strategy.axis_add", strategy.organisation, target=title, axis_id=axis.pk)
    return axis


def update_axis(actor: Any, axis: Axis, **changes: Any) -> Axis:
    return _update(actor, axis, axis.strategy.organisation, "strategy.axis_update",
                   ("title", "description", "position"), changes, axis_id=axis.pk)


def delete_axis(actor: Any, axis: Axis) -> None:
    with transaction.atomic():
        record(actor, "strategy.axis_delete", axis.strategy.organisation, target=axis.title,
               axis_id=axis.pk)
        axis.delete()


def add_objective(actor: Any, axis: Axis, *, title: str, description: str = "",
                  parent: Objective | None = None) -> Objective:
    if parent is not None and parent.axis_id != axis.pk:
        raise ValueError("a sub-objective belongs to the axis of its parent")
    with transaction.atomic():
        siblings = Objective.objects.filter(axis=axis, parent=parent)
        objective = Objective.objects.create(axis=axis, parent=parent, title=title,
                                             description=description,
                                             position=_next_position(siblings))
        record(actor, "strategy.objective_add", axis.strategy.organisation, target=title,
               objective_id=objective.pk, axis_id=axis.pk,
               parent_id=parent.pk if parent else None)
    return objective


def update_objective(actor: Any, objective: Objective, **changes: Any) -> Objective:
    return _update(actor, objective, objective.axis.strategy.organisation,
                   "strategy.objective_update", ("title", "description", "position"), changes,
                   objective_id=objective.pk)


def delete_objective(actor: Any, objective: Objective) -> None:
    with transaction.atomic():
        record(actor, "strategy.objective_delete", objective.axis.strategy.organisation,
               target=objective.title, objective_id=objective.pk)
        objective.delete()


ACTION_FIELDS = ("title", "status", "owner", "start_date", "end_date", "budget_eur", "position")


def add_action(actor: Any, objective: Objective, **values: Any) -> Action:
    with transaction.atomic():
        action = Action.objects.create(
            objective=objective, position=_next_position(objective.actions.all()),
            **{k: v for k, v in values.items() if k in ACTION_FIELDS and k != "position"})
        record(actor, "strategy.action_add", objective.axis.strategy.organisation,
               target=action.title, action_id=action.pk, objective_id=objective.pk)
    return action


def update_action(actor: Any, action: Action, **changes: Any) -> Action:
    return _update(actor, action, action.objective.axis.strategy.organisation,
                   "strategy.action_update", ACTION_FIELDS, changes, action_id=action.pk)


def delete_action(actor: Any, action: Action) -> None:
    with transaction.atomic():
        record(actor, "strategy.action_delete", action.objective.axis.strategy.organisation,
               target=action.title, action_id=action.pk)
        action.delete()


# --------------------------------------------------------------------------- indicators


INDICATOR_FIELDS = ("objective", "target_kind", "target_value", "target_date", "baseline_date",
                    "baseline_value", "target_defined")


def _owned_definitions(owner: Organisation | Operator | None
                       ) -> QuerySet[IndicatorDefinition]:
    """The definitions of one owner: an organisation, an operator, or Jalon (None)."""
    if isinstance(owner, Organisation):
        return IndicatorDefinition.objects.filter(organisation=owner, operator__isnull=True)
    if isinstance(owner, Operator):
        return IndicatorDefinition.objects.filter(operator=owner, organisation__isnull=True)
    return IndicatorDefinition.objects.filter(operator__isnull=True, organisation__isnull=True)


def create_definition(actor: Any, owner: Organisation | Operator | None, *, name: str,
                      unit: str = "", key: str = "", precision: int = 0,
                      direction: str = Direction.UP.value, description: str = "",
                      method: str = "", source: str = "", computed: str = "",
                      shared: bool | None = None) -> IndicatorDefinition:
    """An indicator definition — the one way every app creates one. Exactly one owner: an
    organisation (its own definition), an operator (shared with its members unless `shared` is
    False) or None (built into Jalon, from a built-in template).

    The key is the slug of `key` (of the name when empty), made unique among the owner's
    definitions with « -2 », « -3 »…; `computed` names a computation from the inventory.
    Audited: « strategy.definition_add » for an organisation's, « strategy.operator_definition_
    created » for an operator's, « strategy.builtin_definition_created » for Jalon's.
    """
    base = slugify(key or name)[:90] or "indicateur"
    with transaction.atomic():
        taken = set(_owned_definitions(owner).filter(key__startswith=base)
                    .values_list("key", flat=True))
        unique, n = base, 2
        while unique in taken:
            unique, n = f"{base}-{n}", n + 1
        definition = IndicatorDefinition.objects.create(
            key=unique, name=name, unit=unit, precision=precision, direction=direction,
            description=description, method=method, source=source, computed=computed,
            organisation=owner if isinstance(owner, Organisation) else None,
            operator=owner if isinstance(owner, Operator) else None,
            shared=isinstance(owner, Operator) if shared is None else shared)
        if isinstance(owner, Organisation):
            record(actor, "strategy.definition_add", owner, target=definition.name,
                   definition_id=definition.pk, key=unique)
        elif isinstance(owner, Operator):
            record(actor, "strategy.operator_definition_created", None,
                   target=f"{owner.slug}/{unique}", operator=owner.slug,
                   definition_id=definition.pk, shared=definition.shared)
        else:
            record(actor, "strategy.builtin_definition_created", None, target=unique,
                   definition_id=definition.pk)
    return definition


def add_indicator(actor: Any, strategy: Strategy, definition: IndicatorDefinition, **values: Any
                  ) -> Indicator:
    with transaction.atomic():
        indicator = Indicator.objects.create(
            strategy=strategy, definition=definition,
            position=_next_position(strategy.indicators.all()),
            **{k: v for k, v in values.items() if k in INDICATOR_FIELDS})
        record(actor, "strategy.indicator_add", strategy.organisation, target=definition.name,
               indicator_id=indicator.pk, target_kind=indicator.target_kind,
               target_value=indicator.target_value)
    if definition.computed:
        recompute_indicator(indicator)
    return indicator


def update_indicator(actor: Any, indicator: Indicator, **changes: Any) -> Indicator:
    return _update(actor, indicator, indicator.strategy.organisation, "strategy.indicator_update",
                   INDICATOR_FIELDS, changes, indicator_id=indicator.pk)


def delete_indicator(actor: Any, indicator: Indicator) -> None:
    with transaction.atomic():
        record(actor, "strategy.indicator_delete", indicator.strategy.organisation,
               target=indicator.definition.name, indicator_id=indicator.pk)
        indicator.delete()


def add_value(actor: Any, indicator: Indicator, date: dt.date, value: float,
              kind: str = ValueKind.RESULT, source: str = "", comment: str = ""
              ) -> IndicatorValue:
    """A value entered by a person (or an API client) for a manual indicator."""
    if kind not in ValueKind.values:
        raise ValueError(f"unknown value kind {kind!r}")
    if indicator.definition.computed:
        raise ValueError("the values of a computed indicator come from the inventory")
    with transaction.atomic():
        entry = IndicatorValue.objects.create(
            indicator=indicator, date=date, value=float(value), kind=kind, source=source[:300],
            comment=comment, author=actor if getattr(actor, "is_authenticated", False) else None)
        record(actor, "strategy.value_add", indicator.strategy.organisation,
               target=indicator.definition.name, indicator_id=indicator.pk,
               value_id=entry.pk, date=date.isoformat(), value=float(value), kind=kind)
    return entry


def delete_value(actor: Any, entry: IndicatorValue) -> None:
    indicator = entry.indicator
    with transaction.atomic():
        record(actor, "strategy.value_delete", indicator.strategy.organisation,
               target=indicator.definition.name, indicator_id=indicator.pk, value_id=entry.pk,
               date=entry.date.isoformat(), value=entry.value)
        entry.delete()


# --------------------------------------------------------------------------- computed


def closed_years(strategy_id: int) -> set[int]:
    """The years of the strategy whose review was presented (AnnualReport.closed_at set): their
    computed values are kept as presented."""
    return set(AnnualReport.objects.filter(strategy_id=strategy_id, closed_at__isnull=False)
               .values_list("year", flat=True))


def _supersede(entry: IndicatorValue, replaced_by: float | None, reason: str = "",
               actor: Any = None) -> SupersededValue:
    """Keep a computed value that is being replaced, with the source it came from."""
    return SupersededValue.objects.create(
        indicator_id=entry.indicator_id, date=entry.date, value=entry.value, kind=entry.kind,
        source=entry.source, inventory_version=entry.inventory_version,
        source_import_id=entry.source_import_id, detail=entry.detail,
        computed_at=entry.created_at, replaced_by_value=replaced_by, reason=reason,
        actor=actor if getattr(actor, "is_authenticated", False) else None)


def recompute_indicator(indicator: Indicator) -> int:
    """Bring the computed values of one indicator up to the current inventory; returns how many
    values were written. No audit event: nobody changed anything, the inventory did.

    History stays true (issue 9, item 5): the values of a closed year (its review presented,
    `closed_years`) are never rewritten here — only `recompute_closed_year`, with a reason, may.
    A result of an open year whose figure changes is kept in SupersededValue with its source;
    each new value carries its own (inventory version, import, label, date of computation)."""
    organisation = Organisation.objects.get(pk=indicator.strategy.organisation_id)
    key = indicator.definition.computed
    results = indicators.compute(key, organisation)
    version = organisation.inventory_version
    origin = indicators.provenance(key, organisation)
    label = origin.label
    closed = closed_years(indicator.strategy_id)
    existing: dict[int, list[IndicatorValue]] = {}
    for entry in indicator.values.filter(inventory_version__isnull=False):
        existing.setdefault(entry.date.year, []).append(entry)
    written: list[IndicatorValue] = []
    with transaction.atomic():
        for r in results:
            olds = existing.pop(r.year, [])
            if r.year in closed and olds:
                continue  # kept as presented
            for old in olds:
                if old.kind == ValueKind.RESULT and old.value != r.value:
                    _supersede(old, r.value)
                old.delete()
            written.append(IndicatorValue(
                indicator=indicator, date=r.date, value=r.value, kind=r.kind,
                source=label[:300], comment=r.comment, inventory_version=version,
                source_import_id=origin.import_id, detail=r.detail))
        for year, olds in existing.items():  # years the sources no longer cover
            if year not in closed:
                for old in olds:
                    old.delete()
        IndicatorValue.objects.bulk_create(written)
        Indicator.objects.filter(pk=indicator.pk).update(computed_version=version)
        indicator.computed_version = version
    return len(written)


class RecomputeError(ValueError):
    """A closed year's value cannot be recomputed (no reason given, no value computed)."""


def recompute_closed_year(actor: Any, indicator: Indicator, year: int, reason: str
                          ) -> IndicatorValue:
    """Recompute the value of a closed year from the current inventory, on request: the reason
    is required and recorded, the former value is kept (SupersededValue) and the change is
    audited (« strategy.value_recomputed »)."""
    reason = (reason or "").strip()
    if not reason:
        raise RecomputeError(_("Indiquez pourquoi la valeur d'une année close est recalculée."))
    organisation = indicator.strategy.organisation
    key = indicator.definition.computed
    if not key:
        raise RecomputeError(_("Seul un indicateur calculé se recalcule."))
    found = [r for r in indicators.compute(key, organisation) if r.year == year]
    if not found:
        raise RecomputeError(_("Le parc actuel ne donne aucune valeur pour %(year)s.")
                             % {"year": year})
    result = found[0]
    origin = indicators.provenance(key, organisation)
    with transaction.atomic():
        olds = list(indicator.values.filter(inventory_version__isnull=False, date__year=year))
        for old in olds:
            _supersede(old, result.value, reason, actor)
            old.delete()
        entry = IndicatorValue.objects.create(
            indicator=indicator, date=result.date, value=result.value, kind=result.kind,
            source=origin.label[:300], comment=result.comment,
            inventory_version=organisation.inventory_version,
            source_import_id=origin.import_id, detail=result.detail)
        record(actor, "strategy.value_recomputed", organisation,
               target=indicator.definition.name, indicator_id=indicator.pk, year=year,
               reason=reason, former=[o.value for o in olds], value=result.value,
               source_import_id=origin.import_id)
    return entry


def recompute_computed_indicators(organisation: Organisation, *, force: bool = False) -> int:
    """Recompute the organisation's computed indicators whose values come from an older
    inventory version (all of them with force); returns how many indicators were recomputed.
    Called lazily by the strategy pages and the API, and by tasks.recompute_indicators."""
    organisation.refresh_from_db(fields=["inventory_version"])
    stale = (Indicator.objects.filter(strategy__organisation=organisation)
             .exclude(definition__computed="").select_related("definition", "strategy"))
    if not force:
        stale = stale.exclude(computed_version=organisation.inventory_version)
    count = 0
    for indicator in stale:
        recompute_indicator(indicator)
        count += 1
    return count
