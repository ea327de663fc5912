"""Reads of the operator pages. Callers pass the operators the user administers
(`request.operators`, set by `tenancy.scope.operator_view`); every getter by id answers 404 for
an object of another operator, or for an organisation's own definition."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from jalon.operators import services
from jalon.strategy.models import IndicatorDefinition, StrategyTemplate
from jalon.tenancy.models import Operator


def templates(operators: QuerySet[Operator]) -> QuerySet[StrategyTemplate]:
    return (StrategyTemplate.objects.filter(operator__in=operators).select_related("operator")
            .order_by("operator__name", "title"))


def template(operators: QuerySet[Operator], pk: int) -> StrategyTemplate:
    return get_object_or_404(StrategyTemplate.objects.select_related("operator"), pk=pk,
                             operator__in=operators)


def definitions(operators: QuerySet[Operator]) -> QuerySet[IndicatorDefinition]:
    """The operators' own definitions (shared with their members or not)."""
    return (IndicatorDefinition.objects.filter(operator__in=operators,
                                               organisation__isnull=True)
            .select_related("operator").order_by("operator__name", "name"))


def definition(operators: QuerySet[Operator], pk: int) -> IndicatorDefinition:
    return get_object_or_404(IndicatorDefinition.objects.select_related("operator"), pk=pk,
                             operator__in=operators, organisation__isnull=True)


def builtin_choices() -> list[tuple[str, str]]:
    """(key, title) of the built-in templates an operator's template may start from."""
    return [(key, services.template_title(data, key))
            for key, data in services.builtin_templates().items()]
