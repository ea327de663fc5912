"""Reads of the budget domain. Callers pass an organisation obtained from tenancy.scope."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
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


@dataclass(frozen=True, slots=True)
class LineRating:
    """A line's rating on one axis: the override if any, else the default of its kind (with
    the default's rationale and source either way)."""

    axis: str
    axis_number: int
    axis_label: str
    rating: str
    rating_label: str
    default_rating: str
    default_label: str
    rationale: str
    source: str
    source_url: str
    overridden: bool
    reason: str = ""
    updated_by: Any = None
    updated_at: dt.datetime | None = None


def ratings(spending_line: SpendingLine) -> list[LineRating]:
    """The line's six ratings in the order of the axes (1 to 6)."""
    overrides = {r.axis: r for r in spending_line.ratings.all()}
    axis_labels, rating_labels = dict(Axis.choices), dict(RatingValue.choices)
    out = []
    for axis in core.AXES:
        ref = core.default_ratings()[(spending_line.kind, axis)]
        override = overrides.get(axis)
        value = override.rating if override else ref.rating
        out.append(LineRating(
            axis, core.AXIS_NUMBER[axis], str(axis_labels[axis]), value,
            str(rating_labels[value]), ref.rating, str(rating_labels[ref.rating]),
            ref.rationale, ref.source, ref.source_url,
            override is not None, override.reason if override else "",
            override.updated_by if override else None,
            override.updated_at if override else None))
    return out


def overrides(organisation: Organisation, year: int) -> dict[int, dict[str, str]]:
    """line id -> axis -> rating changed by hand, for the year's lines."""
    table: dict[int, dict[str, str]] = defaultdict(dict)
    for line_id, axis, value in Rating.objects.filter(
            line__organisation=organisation, line__year=year).values_list(
            "line_id", "axis", "rating"):
        table[line_id][axis] = value
    return table


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


def override_rows(organisation: Organisation, year: int) -> dict[int, dict[str, Rating]]:
    """line id -> axis -> the rating changed by hand (with its reason), for the year."""
    table: dict[int, dict[str, Rating]] = defaultdict(dict)
    for rating in Rating.objects.filter(line__organisation=organisation, line__year=year):
        table[rating.line_id][rating.axis] = rating
    return table


def rated_lines(organisation: Organisation, year: int) -> list[core.RatedLine]:
    by_line = overrides(organisation, year)
    return [core.RatedLine(kind, ttc, ht, annex, core.effective_ratings(kind, by_line.get(pk)))
            for pk, kind, ttc, ht, annex in lines(organisation).filter(year=year)
            .values_list("pk", "kind", "amount_ttc", "amount_ht", "in_annex")]


def summary(organisation: Organisation, year: int) -> dict[str, Any]:
    """The year's figures: by kind, by axis (all lines and the annex's), totals, scope.

    Computed on groups, not lines: the database sums the amounts per (kind, in the annex);
    each group carries its kind's default ratings, and each line with a rating changed by hand
    moves its amount from the default to the chosen rating (a 20,000-line year is ~20 groups
    and its few overrides)."""
    groups = list(lines(organisation).filter(year=year).values("kind", "in_annex").annotate(
        n=Count("id"), ttc=Sum("amount_ttc"), ht=Sum("amount_ht"),
        ttc_no_ht=Sum("amount_ttc", filter=Q(amount_ht__isnull=True)),
        no_ht=Count("id", filter=Q(amount_ht__isnull=True))).order_by())
    rated = [core.RatedLine(g["kind"], g["ttc"] or Decimal(0), None, g["in_annex"],
                            core.effective_ratings(g["kind"])) for g in groups]
    by_line = overrides(organisation, year)
    corrections: list[core.RatedLine] = []
    changed = lines(organisation).filter(pk__in=list(by_line)).values_list(
        "pk", "kind", "amount_ttc", "in_annex")
    for pk, kind, ttc, annex in changed:
        corrections.append(core.RatedLine(kind, ttc, None, annex,
                                          core.effective_ratings(kind, by_line[pk])))
        corrections.append(core.RatedLine(kind, -ttc, None, annex, core.effective_ratings(kind)))
    kind_labels = dict(Kind.choices)
    rating_labels = dict(RatingValue.choices)
    per_kind: dict[str, dict[str, Any]] = {}
    for g in groups:
        cell = per_kind.setdefault(g["kind"], {"lines": 0, "amount_ttc": Decimal(0),
                                               "annex_ttc": Decimal(0)})
        cell["lines"] += g["n"]
        cell["amount_ttc"] += g["ttc"] or 0
        if g["in_annex"]:
            cell["annex_ttc"] += g["ttc"] or 0
    kinds = [{"kind": k, "label": kind_labels[k], **per_kind[k]}
             for k in core.KINDS if k in per_kind]
    all_axes = core.by_axis([*rated, *corrections])
    annex_axes = core.by_axis([*rated, *corrections], annex_only=True)
    compulsory = core.year_scope(year).axes
    axes = []
    for axis, label in _axis_labels():
        axes.append({"axis": axis, "label": label, "number": core.AXIS_NUMBER[axis],
                     "compulsory": axis in compulsory,
                     "all": [all_axes[axis][r] for r in core.RATINGS],
                     "annex": [annex_axes[axis][r] for r in core.RATINGS]})
    total = sum((r.amount_ttc for r in rated), Decimal(0))
    annex_total = sum((r.amount_ttc for r in rated if r.in_annex), Decimal(0))
    count = sum(g["n"] for g in groups)
    to_examine = sum(g["n"] * list(core.effective_ratings(g["kind"]).values()).count(
        core.TO_EXAMINE) for g in groups)
    to_examine += sum((1 if c.amount_ttc >= 0 else -1) * list(c.ratings.values()).count(
        core.TO_EXAMINE) for c in corrections)
    # AGEC shares per décret 2024-134 category (equipment lines only, a few per year), on
    # amounts excl. VAT (TTC / 1.2 for a line without one, core.agec_share).
    agec_by_category = core.agec_shares(lines(organisation).filter(
        year=year, kind__in=core.EQUIPMENT_KINDS).values_list(
        "kind", "amount_ht", "amount_ttc", "label"))
    agec = agec_by_category.get(core.AGEC_IT)
    agec_rows = [{"category": category, "share": share,
                  "target": core.agec_target(category, year)}
                 for category, share in agec_by_category.items()]
    return {"year": year, "lines": count, "total": total, "annex_total": annex_total,
            "beyond_total": total - annex_total, "kinds": kinds, "axes": axes,
            "ratings": [rating_labels[r] for r in core.RATINGS],
            "compulsory": [core.AXIS_NUMBER[a] for a in compulsory],
            "scope": core.year_scope(year), "overridden": sum(len(v) for v in by_line.values()),
            "to_examine": to_examine, "unclassified": per_kind.get(
                core.UNCLASSIFIED, {}).get("lines", 0), "agec": agec,
            "agec_target": core.agec_target(core.AGEC_IT, year), "agec_rows": agec_rows}


def _axis_labels() -> list[tuple[str, str]]:
    return [(str(value), str(label)) for value, label in Axis.choices]


def yearly_totals(organisation: Organisation) -> dict[int, Decimal]:
    return {row["year"]: row["total"] for row in lines(organisation).values("year")
            .annotate(total=Sum("amount_ttc")).order_by("year")}
