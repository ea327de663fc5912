"""Table tests of typed targets: statuses, projections, paths."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from jalon.core.trajectory import (
    Direction,
    Point,
    Status,
    Target,
    TargetKind,
    assess,
    compound_rate,
    linear_fit,
    target_path,
)

D = dt.date
TODAY = D(2025, 6, 1)
BASE = Point(D(2023, 1, 1), 40.0)
LEVEL_100_2027 = Target(TargetKind.LEVEL, 100.0, D(2027, 12, 31), BASE)
RATE_10 = Target(TargetKind.RATE, 0.10, D(2030, 1, 1), Point(D(2022, 1, 1), 100.0))


def pts(*pairs):
    return [Point(D(year, 1, 1), value) for year, value in pairs]


CASES = [
    ("level: fast progress meets the target", LEVEL_100_2027, pts((2024, 55), (2025, 70)),
     Direction.UP, TODAY, Status.ON_TRACK, "projection_meets"),
    ("level: slow progress misses it", LEVEL_100_2027, pts((2024, 45), (2025, 50)),
     Direction.UP, TODAY, Status.OFF_TRACK, "projection_misses"),
    ("level: most of the way is at risk", LEVEL_100_2027, pts((2024, 51), (2025, 62)),
     Direction.UP, TODAY, Status.AT_RISK, "projection_close"),
    ("level: reached", LEVEL_100_2027, pts((2024, 80), (2025, 100)),
     Direction.UP, TODAY, Status.ACHIEVED, "reached"),
    ("level: date passed, not reached", LEVEL_100_2027, pts((2024, 80), (2028, 90)),
     Direction.UP, D(2028, 6, 1), Status.OFF_TRACK, "reached_late"),
    ("level down: emissions halved", Target(TargetKind.LEVEL, 50.0, D(2030, 1, 1),
                                            Point(D(2022, 1, 1), 100.0)),
     pts((2023, 90), (2024, 80), (2025, 70)), Direction.DOWN, TODAY, Status.ON_TRACK,
     "projection_meets"),
    ("rate: +10 %/yr observed", RATE_10, pts((2024, 121.1)), Direction.UP, TODAY,
     Status.ON_TRACK, "rate_meets"),
    ("rate: +8.2 %/yr is close", RATE_10, pts((2024, 117.0)), Direction.UP, TODAY,
     Status.AT_RISK, "rate_close"),
    ("rate: +7.2 %/yr misses", RATE_10, pts((2024, 115.0)), Direction.UP, TODAY,
     Status.OFF_TRACK, "rate_misses"),
    ("floor kept", Target(TargetKind.FLOOR, 20.0), pts((2024, 18), (2025, 22)),
     Direction.UP, TODAY, Status.ACHIEVED, "bound_kept"),
    ("floor broken, returning", Target(TargetKind.FLOOR, 20.0), pts((2024, 10), (2025, 17)),
     Direction.UP, TODAY, Status.AT_RISK, "bound_returning"),
    ("floor broken", Target(TargetKind.FLOOR, 20.0), pts((2024, 16), (2025, 15)),
     Direction.UP, TODAY, Status.OFF_TRACK, "bound_broken"),
    ("ceiling kept", Target(TargetKind.CEILING, 1.5), pts((2025, 1.4)), Direction.DOWN, TODAY,
     Status.ACHIEVED, "bound_kept"),
    ("one month for GDPR requests: kept", Target(TargetKind.MAX_DURATION, 30.0),
     pts((2024, 35), (2025, 24)), Direction.DOWN, TODAY, Status.ACHIEVED, "bound_kept"),
    ("one month for GDPR requests: broken", Target(TargetKind.MAX_DURATION, 30.0),
     pts((2024, 38), (2025, 41)), Direction.DOWN, TODAY, Status.OFF_TRACK, "bound_broken"),
    ("no value yet", LEVEL_100_2027, [], Direction.UP, TODAY, Status.NO_DATA, "no_data"),
]


@pytest.mark.parametrize(("case", "target", "values", "direction", "today", "status", "reason"),
                         CASES, ids=[c[0] for c in CASES])
def test_assess(case, target, values, direction, today, status, reason):
    result = assess(target, values, direction, today)
    assert (result.status, result.reason) == (status, reason)


def test_linear_fit_is_least_squares():
    intercept, slope = linear_fit(pts((2020, 1), (2021, 3), (2022, 5)))
    assert intercept == pytest.approx(1, abs=0.01)
    assert slope == pytest.approx(2, rel=0.01)


def test_compound_rate():
    assert compound_rate(Point(D(2020, 1, 1), 100), Point(D(2022, 1, 1), 121)) == \
        pytest.approx(0.10, abs=0.001)
    assert compound_rate(Point(D(2020, 1, 1), 0), Point(D(2022, 1, 1), 121)) is None


def test_rate_path_compounds_and_level_path_is_linear():
    rate = target_path(RATE_10, D(2030, 1, 1))
    assert rate[0].value == 100 and rate[2].value == pytest.approx(121, rel=0.01)
    level = target_path(LEVEL_100_2027, D(2027, 12, 31))
    assert level[-1] == Point(D(2027, 12, 31), 100.0)
    assert all(a.value <= b.value for a, b in itertools.pairwise(level))


def test_rate_projection_uses_the_observed_rate():
    result = assess(RATE_10, pts((2024, 121.0)), Direction.UP, TODAY)
    assert result.observed_rate == pytest.approx(0.10, abs=0.001)
    assert result.projected == pytest.approx(121 * 1.1 ** 6, rel=0.01)


# Period-end evaluation (issue 9 item 6): a yearly path is read on 31 December of each year.
BASE_75 = Point(D(2024, 12, 31), 75.0)
LEVEL_60_2030 = Target(TargetKind.LEVEL, 60.0, D(2030, 12, 31), BASE_75)


@pytest.mark.parametrize(("target", "until", "expected"), [
    (LEVEL_60_2030, D(2030, 12, 31),
     [(D(2024, 12, 31), 75.0), (D(2025, 12, 31), 72.5), (D(2026, 12, 31), 70.0),
      (D(2027, 12, 31), 67.5), (D(2028, 12, 31), 65.0), (D(2029, 12, 31), 62.5),
      (D(2030, 12, 31), 60.0)]),
    # A target date that is not a period end is its own last point.
    (Target(TargetKind.LEVEL, 100.0, D(2026, 6, 30), Point(D(2024, 12, 31), 50.0)),
     D(2026, 6, 30),
     [(D(2024, 12, 31), 50.0), (D(2025, 12, 31), 50.0 + 50.0 / 1.4958904109589042),
      (D(2026, 6, 30), 100.0)]),
    # A baseline on 1 January: its own year's end is the first period end.
    (Target(TargetKind.LEVEL, 10.0, D(2026, 12, 31), Point(D(2025, 1, 1), 0.0)),
     D(2026, 12, 31), [(D(2025, 1, 1), 0.0),
                       (D(2025, 12, 31), 10.0 * (1 - 1 / 365) / (2 - 1 / 365)),
                       (D(2026, 12, 31), 10.0)]),
    # A rate compounds over whole calendar years.
    (Target(TargetKind.RATE, 0.10, D(2027, 12, 31), Point(D(2024, 12, 31), 100.0)),
     D(2027, 12, 31), [(D(2024, 12, 31), 100.0), (D(2025, 12, 31), 110.0),
                       (D(2026, 12, 31), 121.0), (D(2027, 12, 31), 133.1)]),
    # A floor from a baseline: the bound at every period end.
    (Target(TargetKind.FLOOR, 20.0, None, Point(D(2024, 12, 31), 12.0)), D(2026, 12, 31),
     [(D(2024, 12, 31), 12.0), (D(2025, 12, 31), 20.0), (D(2026, 12, 31), 20.0)]),
    # No baseline, no path (and so nothing drawn before a baseline).
    (Target(TargetKind.LEVEL, 60.0, D(2030, 12, 31), None), D(2030, 12, 31), []),
])
def test_target_path_is_evaluated_at_period_ends(target, until, expected):
    path = target_path(target, until)
    assert [p.date for p in path] == [d for d, _ in expected]
    assert [p.value for p in path] == pytest.approx([v for _, v in expected])
    base = target.baseline
    assert all(p.date >= base.date for p in path) if base else True


@pytest.mark.parametrize(("start", "end", "years"), [
    (D(2024, 12, 31), D(2030, 12, 31), 6.0),
    (D(2024, 12, 31), D(2025, 12, 31), 1.0),
    (D(2023, 12, 31), D(2024, 12, 31), 1.0),  # a leap year is one year too
    (D(2025, 1, 1), D(2025, 12, 31), 364 / 365),
])
def test_calendar_years(start, end, years):
    from jalon.core.trajectory import calendar_years
    assert calendar_years(start, end) == pytest.approx(years)
