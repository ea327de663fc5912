"""How an indicator is shown, everywhere: the team page, the public page, the embeddable chart
and the annual report use these, so that its target, status and chart read the same.

`indicator_chart` is the one indicator chart: values then projection, and the target path, as a
server-rendered SVG (jalon.kit.charts) with the rows of its data table. `indicator_view`
gathers what the public page, the embeds and the report show of an indicator.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Final

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from jalon.core.trajectory import Point
from jalon.kit import charts
from jalon.kit.formatting import fr_number
from jalon.strategy import status
from jalon.strategy.models import ActionStatus, Indicator

MAX_CHART_YEARS: Final = 12


@dataclass(frozen=True, slots=True)
class Chart:
    svg: SafeString  # "" without any value
    rows: list[dict[str, Any]]  # year, value_text, target_text, projection_text


def _at(points: list[Point], year: int) -> float | None:
    """The series' value for `year`: its last point in that year, else its value on 31
    December (the period end) linear between its points; None outside."""
    if not points:
        return None
    moment = dt.date(year, 12, 31)
    in_year = [p for p in points if p.date.year == year]
    if in_year:
        return in_year[-1].value
    before = [p for p in points if p.date < moment]
    after = [p for p in points if p.date > moment]
    if not before or not after:
        return None
    a, b = before[-1], after[0]
    share = (moment - a.date).days / max((b.date - a.date).days, 1)
    return a.value + (b.value - a.value) * share


def _target_points(item: status.IndicatorStatus, years: list[int]) -> list[Point]:
    """The target path of the assessment (from its baseline, read on 31 December of each year),
    or, without a baseline, the bound (level, floor, ceiling, duration) from its start — a
    floor or ceiling « from 2026 » is not drawn in 2024 — or the compound rate from the first
    value. Never a target without one: an indicator « sans cible » has no target line."""
    if item.assessment.path:
        return item.assessment.path
    indicator = item.indicator
    if not indicator.target_defined or not item.values:
        return []
    if indicator.target_kind == "rate":
        first = item.values[0]
        return [Point(dt.date(y, 12, 31), first.value * (1 + indicator.target_value)
                      ** (y - first.date.year)) for y in years if y >= first.date.year]
    start = (indicator.target_date.year if indicator.target_date
             and indicator.target_kind in ("floor", "ceiling") else years[0])
    return [Point(dt.date(y, 12, 31), indicator.target_value) for y in years if y >= start]


def _within(values: list[float | None]) -> list[float | None] | None:
    """A value per year for line_chart: gaps between two known values keep the last one, and
    nothing is drawn before the first or after the last (None)."""
    known = [i for i, v in enumerate(values) if v is not None]
    if not known:
        return None
    out: list[float | None] = [None] * len(values)
    last: float | None = None
    for i in range(known[0], known[-1] + 1):
        last = values[i] if values[i] is not None else last
        out[i] = last
    return out


def indicator_chart(item: status.IndicatorStatus, chart_id: str = "",
                    until: int | None = None) -> Chart:
    """The indicator's chart and the rows of its data table (year, observed value, target,
    projection). The line joins the years' last values; the table gives only the real figures.
    With `until`, the table stops at that year (the report of year N)."""
    definition = item.definition
    indicator = item.indicator
    observed = [Point(v.date, v.value) for v in item.values]
    if not observed:
        return Chart(mark_safe(""), [])
    baseline = ([Point(indicator.baseline_date, indicator.baseline_value)]
                if indicator.baseline_date and indicator.baseline_value is not None
                and indicator.baseline_date < observed[0].date else [])
    projection = item.assessment.projection[1:]
    line = baseline + observed + projection
    last_year = max(p.date.year for p in line + item.assessment.path)
    years = list(range(line[0].date.year, last_year + 1))[-MAX_CHART_YEARS:]
    target = _target_points(item, years)
    by_year = {p.date.year: p.value for p in observed}
    projected = {p.date.year: p.value for p in projection}
    fmt_value = status.format_value
    rows = [{"year": y, "value_text": fmt_value(definition, by_year.get(y)),
             "target_text": fmt_value(definition, _at(target, y)),
             "projection_text": fmt_value(definition, projected.get(y))}
            for y in years if until is None or y <= until]
    series = []
    for name, points in ((_("Valeurs observées puis projection"), line),
                         (_("Trajectoire cible"), target)):
        values = _within([_at(points, y) for y in years])
        if values is not None:
            series.append((name, values))
    precision = definition.precision
    svg = charts.line_chart(
        chart_id or f"indicator-{indicator.pk}", years, series,
        title=_("%(name)s : valeurs, trajectoire cible et projection") % {
            "name": definition.name},
        desc=_("Unité : %(unit)s. Cible : %(target)s. %(explanation)s Les valeurs exactes sont "
               "dans le tableau qui suit le graphique.") % {
            "unit": definition.unit, "target": item.target_text,
            "explanation": item.explanation},
        fmt=lambda value: fr_number(value, precision))
    return Chart(mark_safe(svg), rows)  # noqa: S308  # built and escaped by jalon.kit.charts


@dataclass
class IndicatorView:
    """An indicator as the public page, the embeds and the report show it."""

    status: status.IndicatorStatus
    target: str
    latest: str
    latest_date: dt.date | None
    label: str
    css: str
    chart: str
    rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def indicator(self) -> Indicator:
        return self.status.indicator

    @property
    def explanation(self) -> str:
        return str(self.status.explanation)


def indicator_view(item: status.IndicatorStatus, *, chart: bool = True, prefix: str = "ind",
                   until: int | None = None) -> IndicatorView:
    latest = item.assessment.latest
    drawn = indicator_chart(item, f"{prefix}-{item.indicator.pk}", until)
    return IndicatorView(
        status=item, target=item.target_text,
        latest=status.format_value(item.definition, latest.value) if latest else "–",
        latest_date=latest.date if latest else None,
        label=item.status_label, css=status.STATUS_CLASSES[item.status],
        chart=drawn.svg if chart else "", rows=drawn.rows)


ACTION_LABELS: Final = dict(ActionStatus.choices)


def action_counts(actions: list[Any]) -> list[tuple[str, int]]:
    """How many actions per state, in the states' order (states without action left out)."""
    counts = {key: 0 for key in ActionStatus.values}
    for action in actions:
        counts[action.status] = counts.get(action.status, 0) + 1
    return [(str(ACTION_LABELS[k]), n) for k, n in counts.items() if n]
