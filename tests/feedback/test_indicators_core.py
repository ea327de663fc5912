"""Table tests of jalon.core.feedback_indicators: the observatory's five indicators."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from jalon.core import feedback_indicators as fi

R = fi.AnswerRow


@pytest.mark.parametrize(("level", "expected"), [(1, 0.0), (2, 2.5), (3, 5.0), (4, 7.5),
                                                 (5, 10.0)])
def test_marks(level: int, expected: float) -> None:
    assert fi.mark(level) == expected


@pytest.mark.parametrize("level", [0, 6, -1])
def test_mark_out_of_range(level: int) -> None:
    with pytest.raises(ValueError, match=r"1\.\.5"):
        fi.mark(level)


CASES = [
    # rows, satisfaction, simplicity, reachable %, effective, autonomy %
    ([], None, None, None, None, None),
    ([R(5, None, None, None, None)], 10.0, None, None, None, None),
    ([R(5, 5, True, None, None, 3), R(1, 1, False, False, None, 1)],
     7.5, 7.5, 0.0, None, 75.0),
    # Reachable counts answers to the reached question only; effective the quality answers.
    ([R(3, 3, False, True, 4), R(3, None, False, True, 2), R(4, 4, False, False, None, 2)],
     6.25, 20 / 3, 50.0, 5.0, 0.0),
    # A respondent who skipped the help question counts in no autonomy figure.
    ([R(4, None, None, None, None, 10), R(2, None, True, None, None, 5)],
     5.833333333333333, None, None, None, 100.0),
]


@pytest.mark.parametrize(("rows", "satisfaction", "simplicity", "reachable", "effective",
                          "autonomy"), CASES)
def test_indicators(rows, satisfaction, simplicity, reachable, effective, autonomy) -> None:
    ind = fi.indicators(fi.tally(rows))
    assert ind.satisfaction == pytest.approx(satisfaction)
    assert ind.simplicity == pytest.approx(simplicity)
    assert ind.help_reachable == pytest.approx(reachable)
    assert ind.help_effective == pytest.approx(effective)
    assert ind.autonomy == pytest.approx(autonomy)
    assert ind.responses == sum(r.count for r in rows)


def test_counts_behind_each_indicator() -> None:
    ind = fi.indicators(fi.tally([R(5, 4, True, None, None, 2), R(4, None, False, True, 5)]))
    assert dict(ind.counts) == {"satisfaction": 3, "simplicity": 2, "help_reachable": 1,
                                "help_effective": 1, "autonomy": 3}


@pytest.mark.parametrize(("key", "value", "expected"), [
    ("satisfaction", None, None), ("satisfaction", 4.99, "bad"), ("satisfaction", 5.0, "medium"),
    ("satisfaction", 7.99, "medium"), ("satisfaction", 8.0, "good"),
    ("help_effective", 9.0, "good"), ("simplicity", 2.0, "bad"),
    ("help_reachable", 69.9, "bad"), ("help_reachable", 70.0, "medium"),
    ("help_reachable", 85.0, "good"), ("autonomy", 10.0, None),
])
def test_assessment(key: str, value: float | None, expected: str | None) -> None:
    assert fi.assessment(key, value) == expected


@pytest.mark.parametrize(("current", "previous", "expected"), [
    (7.5, 7.0, 0.5), (6.0, 7.0, -1.0), (None, 7.0, None), (7.0, None, None), (5.0, 5.0, 0.0)])
def test_change(current, previous, expected) -> None:
    assert fi.change(current, previous) == (pytest.approx(expected) if expected is not None
                                            else None)


@pytest.mark.parametrize(("last", "count", "expected"), [
    (dt.date(2026, 3, 14), 3, [(2026, 1), (2026, 2), (2026, 3)]),
    (dt.date(2026, 1, 31), 2, [(2025, 12), (2026, 1)]),
    (dt.date(2026, 12, 1), 1, [(2026, 12)]),
])
def test_months_ending(last: dt.date, count: int, expected: list[tuple[int, int]]) -> None:
    assert fi.months_ending(last, count) == expected


def test_series_gives_each_month_its_change_and_gaps_for_empty_months() -> None:
    by_month = {(2026, 1): fi.tally([R(5, None, None, None, None)]),
                (2026, 3): fi.tally([R(3, None, None, None, None)])}
    before = fi.tally([R(4, None, None, None, None)])
    points = fi.series(by_month, [(2026, 1), (2026, 2), (2026, 3)], before=before)
    assert [p.indicators.satisfaction for p in points] == [10.0, None, 5.0]
    assert points[0].changes["satisfaction"] == pytest.approx(2.5)
    assert points[1].changes["satisfaction"] is None
    assert points[2].changes["satisfaction"] is None  # no value the month before


def test_tallies_add_up() -> None:
    a = fi.tally([R(5, 5, True, True, 5)])
    b = fi.tally([R(1, None, False, False, None, 2)])
    total = fi.total([a, b])
    assert total.responses == 3
    assert total.satisfaction == Counter({5: 1, 1: 2})
    assert (total.reached_yes, total.reached_no, total.help_answered) == (1, 2, 3)


def test_unknown_key_is_refused() -> None:
    with pytest.raises(KeyError):
        fi.indicators(fi.Tally()).value("nps")
