"""Reads of the budget domain. Callers pass an organisation obtained from tenancy.scope."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from jalon.budget.models import (
    Axis,
    ClassificationRule,
    Kind,
    Rating,
    RatingValue,
    SpendingImport,
    SpendingLine,
)
from jalon.core import budget as core
from jalon.tenancy.models import Organisation


@dataclass(frozen=True, slots=True)
class LineFilters:
    year: int | None = None
    kind: str = ""
    section: str = ""
    annex: str = ""  # "yes" | "no" | ""
    q: str = ""


def lines(organisation: Organisation) -> QuerySet[SpendingLine]:
    return SpendingLine.objects.filter(organisation=organisation)


def line_list(organisation: Organisation, filters: LineFilters) -> QuerySet[SpendingLine]:
    rows = lines(organisation)
    if filters.year:
        rows = rows.filter(year=filters.year)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.section:
        rows = rows.filter(section=filters.section)
    if filters.annex in ("yes", "no"):
        rows = rows.filter(in_annex=filters.annex == "yes")
    if text := filters.q.strip():
        rows = rows.filter(Q(label__icontains=text) | Q(supplier__icontains=text)
                           | Q(account__startswith=text) | Q(reference__icontains=text))
    return rows.order_by("year", "account", "id")


def line(organisation: Organisation, line_id: int) -> SpendingLine:
    return get_object_or_404(lines(organisation), pk=line_id)


def ratings(spending_line: SpendingLine) -> list[Rating]:
    """The line's ratings in the order of the axes (1 to 6)."""
    return sorted(spending_line.ratings.all(), key=lambda r: core.AXIS_NUMBER[r.axis])


def imports(organisation: Organisation) -> QuerySet[SpendingImport]:
    return SpendingImport.objects.filter(organisation=organisation).defer("data")


def spending_import(organisation: Organisation, import_id: int) -> SpendingImport:
    return get_object_or_404(SpendingImport.objects.filter(organisation=organisation),
                             pk=import_id)


def rules(organisation: Organisation) -> QuerySet[ClassificationRule]:
    return ClassificationRule.objects.filter(organisation=organisation)


def rule(organisation: Organisation, rule_id: int) -> ClassificationRule:
    return get_object_or_404(rules(organisation), pk=rule_id)


def years(organisation: Organisation) -> list[int]:
    return sorted(set(lines(organisation).values_list("year", flat=True)), reverse=True)


def rated_lines(organisation: Organisation, year: int) -> list[core.RatedLine]:
    by_line: dict[int, dict[str, str]] = defaultdict(dict)
    for line_id, axis, value in Rating.objects.filter(
            line__organisation=organisation, line__year=year).values_list(
            "line_id", "axis", "rating"):
        by_line[line_id][axis] = value
    return [core.RatedLine(kind, ttc, ht, annex, by_line.get(pk, {}))
            for pk, kind, ttc, ht, annex in lines(organisation).filter(year=year)
            .values_list("pk", "kind", "amount_ttc", "amount_ht", "in_annex")]


def summary(organisation: Organisation, year: int) -> dict[str, Any]:
    """The year's figures: by kind, by axis (all lines and the annex's), totals, scope."""
    rated = rated_lines(organisation, year)
    kind_labels = dict(Kind.choices)
    rating_labels = dict(RatingValue.choices)
    kinds = [{"kind": k, "label": kind_labels[k], **v} for k, v in core.by_kind(rated).items()]
    all_axes = core.by_axis(rated)
    annex_axes = core.by_axis(rated, annex_only=True)
    compulsory = core.legal_scope(year, core.M57, "2183").axes
    axes = []
    for axis, label in _axis_labels():
        axes.append({"axis": axis, "label": label, "number": core.AXIS_NUMBER[axis],
                     "compulsory": axis in compulsory,
                     "all": [all_axes[axis][r] for r in core.RATINGS],
                     "annex": [annex_axes[axis][r] for r in core.RATINGS]})
    total = sum((r.amount_ttc for r in rated), Decimal(0))
    annex_total = sum((r.amount_ttc for r in rated if r.in_annex), Decimal(0))
    overridden = Rating.objects.filter(line__organisation=organisation, line__year=year,
                                       overridden=True).count()
    to_examine = Rating.objects.filter(line__organisation=organisation, line__year=year,
                                       rating=core.TO_EXAMINE).count()
    return {"year": year, "lines": len(rated), "total": total, "annex_total": annex_total,
            "beyond_total": total - annex_total, "kinds": kinds, "axes": axes,
            "ratings": [rating_labels[r] for r in core.RATINGS],
            "compulsory": [core.AXIS_NUMBER[a] for a in compulsory],
            "scope": core.legal_scope(year, core.M57, "2183"),
            "overridden": overridden, "to_examine": to_examine,
            "unclassified": lines(organisation).filter(year=year,
                                                       kind=core.UNCLASSIFIED).count(),
            "agec": core.agec_share((r.kind, r.amount_ht, r.amount_ttc) for r in rated)}


def _axis_labels() -> list[tuple[str, str]]:
    return [(str(value), str(label)) for value, label in Axis.choices]


def yearly_totals(organisation: Organisation) -> dict[int, Decimal]:
    return {row["year"]: row["total"] for row in lines(organisation).values("year")
            .annotate(total=Sum("amount_ttc")).order_by("year")}
