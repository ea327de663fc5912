"""Table tests of the legal clocks (jalon.core.gdpr_deadlines): Regulation 1182/71 month rule,
month ends, leap years, French public holidays, weekends, extension, pauses; the 72-hour clock.
Expected dates are worked out by hand (weekdays and holidays of the calendar), not by the code."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jalon.core import gdpr_deadlines as clock

D = dt.date.fromisoformat


@pytest.mark.parametrize(("day", "months", "expected"), [
    ("2025-01-15", 1, "2025-02-15"),
    ("2025-01-31", 1, "2025-02-28"),  # no 31 February: the month's last day
    ("2024-01-31", 1, "2024-02-29"),  # leap year
    ("2024-01-30", 1, "2024-02-29"),
    ("2024-02-29", 12, "2025-02-28"),  # from a 29 February to a common year
    ("2024-02-29", 48, "2028-02-29"),
    ("2026-03-31", 1, "2026-04-30"),
    ("2026-05-31", 1, "2026-06-30"),
    ("2026-12-31", 1, "2027-01-31"),  # year rollover
    ("2026-11-30", 3, "2027-02-28"),
    ("2025-11-30", 3, "2026-02-28"),
    ("2026-08-31", 0, "2026-08-31"),
])
def test_add_months_day_number_rule(day, months, expected):
    assert clock.add_months(D(day), months) == D(expected)


@pytest.mark.parametrize(("received", "due", "why"), [
    ("2025-12-14", "2026-01-14", "a Wednesday"),
    ("2025-01-31", "2025-02-28", "month end, a Friday"),
    ("2024-01-31", "2024-02-29", "leap year, a Thursday"),
    ("2026-01-15", "2026-02-16", "15 February 2026 is a Sunday"),
    ("2026-04-14", "2026-05-15", "14 May 2026 is Ascension Day"),
    ("2026-04-01", "2026-05-04", "1 May (Labour Day) a Friday, then the weekend"),
    ("2026-06-14", "2026-07-15", "14 July, national day"),
    ("2026-10-11", "2026-11-12", "11 November, Armistice Day"),
    ("2025-11-25", "2025-12-26", "Christmas Day; 26 December is worked in most of France"),
    ("2026-12-31", "2027-02-01", "31 January 2027 is a Sunday"),
    ("2026-07-15", "2026-08-17", "15 August (Assumption) a Saturday, then Sunday"),
])
def test_due_date_one_month_then_working_day(received, due, why):
    assert clock.deadline(D(received)).due_on == D(due), why


def test_alsace_moselle_holidays():
    # 26 December is a public holiday in Moselle and Alsace (local law): next working day is
    # Monday 29 December 2025.
    assert clock.deadline(D("2025-11-25"), subdivision="57").due_on == D("2025-12-29")
    assert clock.deadline(D("2025-11-25")).due_on == D("2025-12-26")


@pytest.mark.parametrize(("received", "extended_due"), [
    ("2026-01-31", "2026-04-30"),  # 30 April 2026, a Thursday
    ("2025-11-30", "2026-03-02"),  # 28 February 2026 a Saturday → Monday 2 March
    ("2023-11-29", "2024-02-29"),  # leap year
    ("2026-02-01", "2026-05-04"),  # 1 May a Friday, weekend → Monday 4 May
])
def test_extension_two_further_months(received, extended_due):
    deadline = clock.deadline(D(received), extended=True)
    assert deadline.extended_due_on == D(extended_due)
    assert deadline.final_due_on == D(extended_due)
    assert deadline.due_on < deadline.extended_due_on


def test_extension_needs_reasons_and_information_within_the_first_month():
    deadline = clock.deadline(D("2026-03-02"))  # due 2 April 2026
    assert deadline.inform_extension_by == D("2026-04-02")
    clock.check_extension(deadline, reasons="Volume", informed_on=D("2026-04-02"))
    with pytest.raises(clock.ExtensionRefused, match="raisons"):
        clock.check_extension(deadline, reasons="  ", informed_on=D("2026-03-10"))
    with pytest.raises(clock.ExtensionRefused, match="informée"):
        clock.check_extension(deadline, reasons="Volume", informed_on=None)
    with pytest.raises(clock.ExtensionRefused, match="Trop tard"):
        clock.check_extension(deadline, reasons="Volume", informed_on=D("2026-04-03"))
    with pytest.raises(clock.ExtensionRefused, match="avant la réception"):
        clock.check_extension(deadline, reasons="Volume", informed_on=D("2026-03-01"))


@pytest.mark.parametrize(("pauses", "today", "due", "stopped"), [
    # 10 days waiting for proof of identity: 2 April + 10 = Sunday 12 April → Monday 13.
    ([("identity", "2026-03-05", "2026-03-15")], "2026-03-20", "2026-04-13", 10),
    # still open: counted up to today (4 days): 6 April 2026 is Easter Monday → 7 April.
    ([("identity", "2026-03-05", None)], "2026-03-09", "2026-04-07", 4),
    # two pauses, identity then clarification: 3 + 5 days.
    ([("identity", "2026-03-03", "2026-03-06"), ("clarification", "2026-03-10", "2026-03-15")],
     "2026-03-20", "2026-04-10", 8),
    # overlapping pauses are counted once: 5 March → 15 March.
    ([("identity", "2026-03-05", "2026-03-12"), ("clarification", "2026-03-10", "2026-03-15")],
     "2026-03-20", "2026-04-13", 10),
    # a pause answered the same day stops nothing.
    ([("clarification", "2026-03-05", "2026-03-05")], "2026-03-20", "2026-04-02", 0),
])
def test_pauses_add_the_days_stopped(pauses, today, due, stopped):
    items = [clock.Pause(kind, D(start), D(end) if end else None) for kind, start, end in pauses]
    deadline = clock.deadline(D("2026-03-02"), pauses=items, today=D(today))
    assert deadline.paused_days == stopped
    assert deadline.due_on == D(due)
    assert deadline.paused_now == any(end is None for _k, _s, end in pauses)


def test_pauses_also_move_the_extended_date():
    items = [clock.Pause("identity", D("2026-01-05"), D("2026-01-12"))]
    deadline = clock.deadline(D("2026-01-02"), pauses=items, extended=True, today=D("2026-02-01"))
    # 2 April 2026 + 7 days = Thursday 9 April.
    assert deadline.extended_due_on == D("2026-04-09")


@pytest.mark.parametrize(("answered", "today", "extended", "expected"), [
    (None, "2026-03-10", False, "running"),
    (None, "2026-03-27", False, "due_soon"),
    (None, "2026-04-02", False, "due_today"),
    (None, "2026-04-03", False, "late"),
    (None, "2026-04-03", True, "running"),
    ("2026-04-02", "2026-05-01", False, "answered_on_time"),
    ("2026-04-03", "2026-05-01", False, "answered_late"),
    ("2026-05-20", "2026-06-01", True, "answered_on_time"),
])
def test_state(answered, today, extended, expected):
    deadline = clock.deadline(D("2026-03-02"), extended=extended)
    assert clock.state(deadline, D(answered) if answered else None, D(today)) == expected


def test_state_paused():
    deadline = clock.deadline(D("2026-03-02"), pauses=[clock.Pause("identity", D("2026-03-05"))],
                              today=D("2026-03-09"))
    assert clock.state(deadline, None, D("2026-03-09")) == "paused"


def test_reminders_seven_days_before_and_on_the_day():
    assert clock.reminder_dates(D("2026-04-02")) == (D("2026-03-26"), D("2026-04-02"))


@settings(deadline=None)  # years outside the shipped table import the holidays package
@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31)))
def test_due_date_properties(received):
    deadline = clock.deadline(received)
    month_later = clock.add_months(received, 1)
    # never before the day-number date, at most a long weekend (with holidays) after it
    assert month_later <= deadline.due_on <= month_later + dt.timedelta(days=5)
    assert clock.is_working_day(deadline.due_on)
    # the day before the due date, if after the month date, was not a working day
    if deadline.due_on > month_later:
        assert not clock.is_working_day(deadline.due_on - dt.timedelta(days=1))
    extended = clock.deadline(received, extended=True)
    assert extended.extended_due_on is not None
    assert extended.extended_due_on >= clock.add_months(received, 3)
    assert extended.due_on == deadline.due_on


@settings(deadline=None)
@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31)),
       st.integers(min_value=0, max_value=60))
def test_a_longer_pause_never_brings_the_date_forward(received, days):
    shorter = clock.deadline(received, pauses=[clock.Pause("identity", received, received)])
    longer = clock.deadline(received, pauses=[clock.Pause(
        "identity", received, received + dt.timedelta(days=days))])
    assert longer.due_on >= shorter.due_on
    assert longer.paused_days == days


def test_breach_72_hours():
    aware = dt.datetime(2026, 5, 1, 18, 0, tzinfo=dt.UTC)  # a Friday evening and a holiday
    assert clock.notification_deadline(aware) == dt.datetime(2026, 5, 4, 18, 0, tzinfo=dt.UTC)
    later = aware + dt.timedelta(hours=71, minutes=59)
    assert clock.breach_clock(aware, None, later) == "running"
    assert clock.breach_clock(aware, None, aware + dt.timedelta(hours=73)) == "overdue"
    assert clock.breach_clock(aware, later, later) == "notified_on_time"
    assert clock.breach_clock(aware, aware + dt.timedelta(hours=80), later) == "notified_late"
    assert clock.breach_clock(aware, None, later, notification_required=False) == "not_required"
    assert clock.hours_left(aware, aware + dt.timedelta(hours=70)) == pytest.approx(2)


@pytest.mark.parametrize(("start", "value", "unit", "end"), [
    ("2026-01-31", 30, "days", "2026-03-02"),
    ("2026-01-31", 1, "months", "2026-02-28"),
    ("2024-02-29", 1, "years", "2025-02-28"),
    ("2020-06-15", 5, "years", "2025-06-15"),
])
def test_retention_end(start, value, unit, end):
    assert clock.retention_end(D(start), value, unit) == D(end)


def test_next_purge_due():
    assert clock.next_purge_due(D("2025-12-31"), 2) == D("2026-02-28")
    assert clock.next_purge_due(D("2025-12-31"), 0) == D("2026-01-31")  # at least a month
