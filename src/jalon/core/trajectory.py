"""Typed targets of strategy indicators, their paths, projections and statuses.

A REEN strategy (loi 2021-1485 art. 35, décret 2022-1084) sets quantified objectives with
monitoring indicators. Their targets come in a few kinds, each with its own reading:

- LEVEL: reach a value by a date ("100 % of equipment reused or recycled by 2027");
- RATE: change by a constant share per year ("+10 % per year of purchases with recycled
  material"), compounded;
- FLOOR / CEILING: stay at or above / at or below a value ("at least 20 % of IT from reuse",
  AGEC art. 58), from a date if one is given;
- MAX_DURATION: a duration that must not exceed a limit ("GDPR requests answered within one
  month"), in the indicator's unit (days).

`assess` projects the values — linearly for levels, floors, ceilings and durations (least
squares over the observed points), at the observed compound rate for rates — and returns a
status (achieved / on track / at risk / off track) with the figures that explain it. Pure
functions on plain data: the web layer words the explanation.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

DAYS_PER_YEAR: Final = 365.25
# A projection that covers at least this share of the way from the baseline to the target is
# "at risk" rather than "off track": close enough that a correction can still get there.
AT_RISK_SHARE: Final = 0.8


class TargetKind(StrEnum):
    LEVEL = "level"
    RATE = "rate"
    FLOOR = "floor"
    CEILING = "ceiling"
    MAX_DURATION = "max_duration"


class Direction(StrEnum):
    UP = "up"  # more is better
    DOWN = "down"  # less is better


class Status(StrEnum):
    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NO_DATA = "no_data"
    # Values exist but the authority has set no target: the value is shown, never judged.
    NO_TARGET = "no_target"


@dataclass(frozen=True, slots=True)
class Point:
    date: dt.date
    value: float


@dataclass(frozen=True, slots=True)
class Target:
    kind: TargetKind
    value: float  # the level, the yearly rate (0.10 for +10 %/yr), the bound or the duration
    date: dt.date | None = None  # target date (LEVEL, RATE); from when (FLOOR, CEILING)
    baseline: Point | None = None


@dataclass(frozen=True, slots=True)
class Assessment:
    status: Status
    reason: str  # a stable code the interface words: see REASONS
    latest: Point | None = None
    projected: float | None = None  # projected value at the target date (or in a year)
    observed_rate: float | None = None  # compound yearly rate observed (RATE)
    path: list[Point] = field(default_factory=list)  # the target path, for charts
    projection: list[Point] = field(default_factory=list)  # the projection, for charts


REASONS: Final = {
    "no_data": "no value yet",
    "reached": "the latest value meets the target",
    "reached_late": "the target date has passed and the latest value misses it",
    "projection_meets": "the projection meets the target by its date",
    "projection_close": "the projection gets most of the way to the target",
    "projection_misses": "the projection misses the target",
    "rate_meets": "the observed yearly rate meets the target rate",
    "rate_close": "the observed yearly rate is close to the target rate",
    "rate_misses": "the observed yearly rate is far below the target rate",
    "bound_kept": "the latest value respects the bound",
    "bound_broken": "the latest value breaks the bound",
    "bound_returning": "the latest value breaks the bound but the trend returns within it",
}


def years_between(start: dt.date, end: dt.date) -> float:
    return (end - start).days / DAYS_PER_YEAR


def linear_fit(points: list[Point]) -> tuple[float, float] | None:
    """Least-squares line through the points: (value at the first date, slope per year)."""
    if len(points) < 2:
        return None
    origin = points[0].date
    xs = [years_between(origin, p.date) for p in points]
    ys = [p.value for p in points]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    var = sum((x - mean_x) ** 2 for x in xs)
    if var == 0:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / var
    return mean_y - slope * mean_x, slope


def project_linear(points: list[Point], at: dt.date) -> float | None:
    fit = linear_fit(points)
    if fit is None:
        return None
    intercept, slope = fit
    return intercept + slope * years_between(points[0].date, at)


def compound_rate(start: Point, end: Point) -> float | None:
    """Observed compound yearly rate between two points (None if undefined)."""
    years = years_between(start.date, end.date)
    if years <= 0 or start.value <= 0 or end.value < 0:
        return None
    return float((end.value / start.value) ** (1 / years) - 1)


def better_or_equal(value: float, bound: float, direction: Direction) -> bool:
    return value >= bound if direction is Direction.UP else value <= bound


def year_fraction(day: dt.date) -> float:
    """How much of its calendar year has passed at the end of `day` (31 December → 1.0)."""
    length = (dt.date(day.year, 12, 31) - dt.date(day.year, 1, 1)).days + 1
    return day.timetuple().tm_yday / length


def calendar_years(start: dt.date, end: dt.date) -> float:
    """Years between two days counted in calendar years: from 31/12/2024 to 31/12/2030 is
    exactly 6 (days / 365.25 would give 5.999, and a yearly path would not land on round
    figures)."""
    return (end.year - start.year) + year_fraction(end) - year_fraction(start)


def period_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    """The ends of the yearly periods (31 December) after `start`, up to `end` included."""
    first = start.year if start < dt.date(start.year, 12, 31) else start.year + 1
    return [dt.date(year, 12, 31) for year in range(first, end.year + 1)
            if dt.date(year, 12, 31) <= end]


def target_path(target: Target, until: dt.date) -> list[Point]:
    """The path the target asks for, for charts and tables: the baseline, then the value asked
    at the end of each yearly period (31 December — a yearly indicator describes a year, so
    the path is read where the year's value is: baseline 75 at 31/12/2024 and 60 at 31/12/2030
    gives 72.5 at 31/12/2025), then the target date itself if it is not a period end. Nothing
    before the baseline: a path starts where it was set."""
    base = target.baseline
    if base is None:
        return []
    end = target.date or until
    points = [base]
    for moment in period_ends(base.date, end):
        t = calendar_years(base.date, moment)
        if target.kind is TargetKind.RATE:
            value = base.value * (1 + target.value) ** t
        elif target.kind is TargetKind.LEVEL and target.date is not None:
            share = min(1.0, t / max(calendar_years(base.date, target.date), 1e-9))
            value = base.value + (target.value - base.value) * share
        else:
            value = target.value
        points.append(Point(moment, value))
    if (target.kind is TargetKind.LEVEL and target.date is not None
            and points[-1].date != target.date and target.date > base.date):
        points.append(Point(target.date, target.value))
    return points


def assess(target: Target, values: list[Point], direction: Direction,
           today: dt.date) -> Assessment:
    """Status of an indicator against its target, with the figures behind it."""
    points = sorted(values, key=lambda p: p.date)
    if not points:
        return Assessment(Status.NO_DATA, "no_data", path=target_path(target, today))
    latest = points[-1]
    series = ([target.baseline] if target.baseline and target.baseline.date < points[0].date
              else []) + points
    horizon = target.date if target.date and target.date > latest.date else \
        dt.date(today.year + 1, today.month, min(today.day, 28))
    path = target_path(target, horizon)
    projected = project_linear(series, horizon)
    projection = ([latest, Point(horizon, projected)] if projected is not None else [])

    if target.kind is TargetKind.RATE:
        return _assess_rate(target, series, latest, path, today)
    if target.kind is TargetKind.MAX_DURATION:
        direction = Direction.DOWN
    if target.kind in (TargetKind.FLOOR, TargetKind.CEILING, TargetKind.MAX_DURATION):
        bound_direction = (Direction.UP if target.kind is TargetKind.FLOOR else Direction.DOWN)
        if better_or_equal(latest.value, target.value, bound_direction):
            return Assessment(Status.ACHIEVED, "bound_kept", latest, projected, None, path,
                              projection)
        returning = projected is not None and better_or_equal(projected, target.value,
                                                              bound_direction)
        return Assessment(Status.AT_RISK if returning else Status.OFF_TRACK,
                          "bound_returning" if returning else "bound_broken", latest,
                          projected, None, path, projection)
    # LEVEL
    if better_or_equal(latest.value, target.value, direction):
        return Assessment(Status.ACHIEVED, "reached", latest, projected, None, path, projection)
    if target.date is not None and today > target.date:
        return Assessment(Status.OFF_TRACK, "reached_late", latest, projected, None, path,
                          projection)
    if projected is None:
        return Assessment(Status.AT_RISK, "projection_misses", latest, None, None, path, [])
    if better_or_equal(projected, target.value, direction):
        return Assessment(Status.ON_TRACK, "projection_meets", latest, projected, None, path,
                          projection)
    start = series[0].value
    gap = target.value - start
    covered = (projected - start) / gap if gap else 0.0
    close = covered >= AT_RISK_SHARE
    return Assessment(Status.AT_RISK if close else Status.OFF_TRACK,
                      "projection_close" if close else "projection_misses", latest, projected,
                      None, path, projection)


def _assess_rate(target: Target, series: list[Point], latest: Point, path: list[Point],
                 today: dt.date) -> Assessment:
    first = series[0]
    rate = compound_rate(first, latest) if first is not latest else None
    if rate is None:
        return Assessment(Status.NO_DATA if len(series) < 2 else Status.AT_RISK, "no_data",
                          latest, None, None, path, [])
    horizon = target.date or dt.date(today.year + 1, 1, 1)
    projected = latest.value * (1 + rate) ** max(years_between(latest.date, horizon), 0.0)
    projection = [latest, Point(horizon, projected)]
    wanted = target.value
    meets = rate >= wanted if wanted >= 0 else rate <= wanted
    if meets:
        done = target.date is not None and today >= target.date
        return Assessment(Status.ACHIEVED if done else Status.ON_TRACK, "rate_meets", latest,
                          projected, rate, path, projection)
    close = (rate >= AT_RISK_SHARE * wanted) if wanted >= 0 else \
        (rate <= AT_RISK_SHARE * wanted)
    return Assessment(Status.AT_RISK if close else Status.OFF_TRACK,
                      "rate_close" if close else "rate_misses", latest, projected, rate, path,
                      projection)


def is_finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)
