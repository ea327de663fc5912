"""Legal clocks of the GDPR, as pure functions (no Django): the one-month deadline to answer a
data subject's request, its extension, its pauses, and the 72-hour clock of a breach.

Sources, cited where each rule is applied:

- GDPR art. 12(3): answer "without undue delay and in any event within one month of receipt of
  the request"; "may be extended by two further months where necessary, taking into account the
  complexity and number of the requests"; the person must be informed of the extension "within
  one month of receipt of the request, together with the reasons for the delay".
- Regulation (EEC, Euratom) No 1182/71 determining the rules applicable to periods, dates and
  time limits (applies to EU acts, hence to the GDPR's periods; EDPB guidelines 01/2022 on the
  right of access, section 5.3 "Timing for the provision of access", refer to it):
  * art. 3(1) second subparagraph: the day of the event from which the period runs is not
    counted;
  * art. 3(2)(c): a period expressed in months ends with the expiry of the last hour of the day
    in the last month which is the same day-number as the day of the event; when that month has
    no such day, with the expiry of the last hour of its last day;
  * art. 3(4): when the last day of a period (other than one expressed in hours) is a public
    holiday, a Saturday or a Sunday, the period ends with the last hour of the following working
    day. Public holidays are those of the Member State of the authority: France's, given by the
    `holidays` package (metropolitan calendar; Alsace-Moselle adds Good Friday and 26 December,
    `subdivision="57"` or `"6AE"`). For 2015-2060 they are read from a table generated
    from that package (data/reference/gdpr/french_public_holidays.csv, checked against it by
    the tests): importing the package loads every country's calendar, which costs seconds.
    Other years and subdivisions (overseas departments) ask the package itself.
- EDPB guidelines 01/2022 on data subject rights - right of access (version 2.1), section 3.3
  "Identification and authentication" and section 5.3 "Timing": when the controller has
  reasonable doubts about the identity and asks for additional information (art. 12(6)), and
  when it asks the person to specify a request concerning a large quantity of data (recital 63),
  the time to answer does not run while it waits for the answer. Jalon models both as a pause:
  the calendar days between the controller's question and the person's answer are added to the
  deadline (a pause still open counts up to `today`, so the date moves while it lasts); the date
  reached is then moved to a working day by art. 3(4). This is a reading of the guidelines, and
  it is said so in the interface.
- GDPR art. 33(1): notify the supervisory authority "without undue delay and, where feasible,
  not later than 72 hours after having become aware of it"; art. 33(1) in fine: a notification
  later than that is accompanied by the reasons for the delay. Hours run continuously (art. 3(2)
  (a) and 3(4) of Regulation 1182/71 exclude periods in hours from the working-day rule).
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

ANSWER_MONTHS: Final = 1  # GDPR art. 12(3)
EXTENSION_MONTHS: Final = 2  # GDPR art. 12(3): "two further months"
NOTIFY_HOURS: Final = 72  # GDPR art. 33(1)
REMINDER_DAYS: Final = 7  # Jalon's reminder: seven days before the due date, and on it
DUE_SOON_DAYS: Final = 7

PauseKind = Literal["identity", "clarification"]
PAUSE_KINDS: Final = ("identity", "clarification")
State = Literal["answered_on_time", "answered_late", "late", "due_today", "due_soon",
                "paused", "running"]


def add_months(day: dt.date, months: int) -> dt.date:
    """The day `months` months after `day` with the same day-number, or the last day of that
    month when it has none (Regulation 1182/71 art. 3(2)(c)). 31 January + 1 month = 28 (or 29)
    February; 29 February + 12 months = 28 February."""
    if months < 0:
        raise ValueError("months must be positive")
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


HOLIDAYS_TABLE: Final = (Path(__file__).resolve().parent.parent / "data" / "reference" / "gdpr"
                         / "french_public_holidays.csv")
TABLE_YEARS: Final = range(2015, 2061)
ALSACE_MOSELLE: Final = frozenset({"57", "6AE"})  # Moselle; Alsace (European Collectivity)


@functools.lru_cache(maxsize=1)
def _table() -> dict[str, frozenset[dt.date]]:
    scopes: dict[str, set[dt.date]] = {"national": set(), "alsace-moselle": set()}
    with HOLIDAYS_TABLE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            scopes[row["scope"]].add(dt.date.fromisoformat(row["date"]))
    return {scope: frozenset(days) for scope, days in scopes.items()}


@functools.lru_cache(maxsize=64)
def _holidays(year: int, subdivision: str | None) -> frozenset[dt.date]:
    if year in TABLE_YEARS and (subdivision is None or subdivision in ALSACE_MOSELLE):
        table = _table()
        days = table["national"] | (table["alsace-moselle"] if subdivision else frozenset())
        return frozenset(d for d in days if d.year == year)
    import holidays  # slow to import (every country): only when needed

    return frozenset(holidays.country_holidays("FR", subdiv=subdivision, years=year))


def is_public_holiday(day: dt.date, subdivision: str | None = None) -> bool:
    return day in _holidays(day.year, subdivision)


def is_working_day(day: dt.date, subdivision: str | None = None) -> bool:
    """Not a Saturday, a Sunday or a French public holiday (Regulation 1182/71 art. 3(4))."""
    return day.weekday() < 5 and not is_public_holiday(day, subdivision)


def next_working_day(day: dt.date, subdivision: str | None = None) -> dt.date:
    """`day` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day, subdivision):
        day += dt.timedelta(days=1)
    return day


@dataclass(frozen=True, slots=True)
class Pause:
    """The clock stopped: the controller asked the person on `start` (for proof of identity,
    or to specify the request) and got the answer on `end` (None: still waiting)."""

    kind: PauseKind
    start: dt.date
    end: dt.date | None = None

    def days(self, today: dt.date) -> int:
        """Calendar days stopped: from the question to the answer (today when still open)."""
        last = self.end if self.end is not None else max(today, self.start)
        return max(0, (last - self.start).days)


def paused_days(pauses: Iterable[Pause], today: dt.date) -> int:
    """Days stopped, overlapping pauses counted once."""
    spans = sorted((p.start, p.start + dt.timedelta(days=p.days(today))) for p in pauses)
    total, reached = 0, None
    for start, end in spans:
        if reached is not None and start < reached:
            start = reached
        if end > start:
            total += (end - start).days
            reached = end if reached is None else max(reached, end)
    return total


@dataclass(frozen=True, slots=True)
class Deadline:
    received_on: dt.date
    due_on: dt.date  # one month, pauses added, moved to a working day
    extended_due_on: dt.date | None  # three months in all, when extended
    paused_days: int
    paused_now: bool
    # The person must be told of an extension by this day: the one-month date (art. 12(3)).
    inform_extension_by: dt.date

    @property
    def final_due_on(self) -> dt.date:
        return self.extended_due_on or self.due_on


def _period_end(received_on: dt.date, months: int, stopped: int,
                subdivision: str | None) -> dt.date:
    # The day of receipt is not counted (art. 3(1)); with the day-number rule of art. 3(2)(c)
    # that gives the same day-number `months` later. The stopped days are added before the
    # working-day rule, which applies to the period's last day (art. 3(4)).
    end = add_months(received_on, months) + dt.timedelta(days=stopped)
    return next_working_day(end, subdivision)


def deadline(received_on: dt.date, *, pauses: Sequence[Pause] = (), extended: bool = False,
             today: dt.date | None = None, subdivision: str | None = None) -> Deadline:
    """The request's due date (and, when extended, its extended due date)."""
    today = today or received_on
    stopped = paused_days(pauses, today)
    due = _period_end(received_on, ANSWER_MONTHS, stopped, subdivision)
    extended_due = (_period_end(received_on, ANSWER_MONTHS + EXTENSION_MONTHS, stopped,
                                subdivision) if extended else None)
    return Deadline(received_on=received_on, due_on=due, extended_due_on=extended_due,
                    paused_days=stopped, paused_now=any(p.end is None for p in pauses),
                    inform_extension_by=due)


class ExtensionRefused(ValueError):
    """An extension the GDPR does not allow; the message (French) says why."""


def check_extension(deadline_: Deadline, *, reasons: str, informed_on: dt.date | None) -> None:
    """GDPR art. 12(3): reasons recorded, and the person informed within the first month."""
    if not reasons.strip():
        raise ExtensionRefused("Indiquez les raisons de la prolongation (complexité ou nombre "
                               "des demandes) : le RGPD (art. 12.3) exige de les communiquer "
                               "à la personne.")
    if informed_on is None:
        raise ExtensionRefused("Indiquez la date à laquelle la personne a été informée de la "
                               "prolongation.")
    if informed_on < deadline_.received_on:
        raise ExtensionRefused("La personne ne peut pas avoir été informée avant la réception "
                               "de la demande.")
    if informed_on > deadline_.inform_extension_by:
        raise ExtensionRefused(
            "Trop tard pour prolonger : la personne doit être informée dans le mois suivant la "
            f"réception (au plus tard le {deadline_.inform_extension_by:%d/%m/%Y}), art. 12.3 "
            "du RGPD.")


def state(deadline_: Deadline, answered_on: dt.date | None, today: dt.date,
          soon_days: int = DUE_SOON_DAYS) -> State:
    """Where the request stands against its (final) due date."""
    due = deadline_.final_due_on
    if answered_on is not None:
        return "answered_on_time" if answered_on <= due else "answered_late"
    if deadline_.paused_now:
        return "paused"
    if today > due:
        return "late"
    if today == due:
        return "due_today"
    if (due - today).days <= soon_days:
        return "due_soon"
    return "running"


def reminder_dates(due_on: dt.date, days_before: int = REMINDER_DAYS) -> tuple[dt.date, dt.date]:
    """When to remind the person in charge: seven days before the due date, and on it."""
    return due_on - dt.timedelta(days=days_before), due_on


def answered_within_deadline(deadline_: Deadline, answered_on: dt.date | None) -> bool | None:
    """True/False for an answered request, None while it is open."""
    if answered_on is None:
        return None
    return answered_on <= deadline_.final_due_on


# --- Breaches (GDPR art. 33) --------------------------------------------------------------------

def notification_deadline(aware_at: dt.datetime) -> dt.datetime:
    """72 hours after the controller became aware of the breach (art. 33(1)); hours run
    continuously, weekends and holidays included."""
    return aware_at + dt.timedelta(hours=NOTIFY_HOURS)


BreachClock = Literal["notified_on_time", "notified_late", "overdue", "running",
                      "not_required"]


def breach_clock(aware_at: dt.datetime, notified_at: dt.datetime | None, now: dt.datetime,
                 *, notification_required: bool = True) -> BreachClock:
    if not notification_required:
        return "not_required"
    limit = notification_deadline(aware_at)
    if notified_at is not None:
        return "notified_on_time" if notified_at <= limit else "notified_late"
    return "overdue" if now > limit else "running"


def hours_left(aware_at: dt.datetime, now: dt.datetime) -> float:
    """Hours left before the 72-hour limit (negative once past)."""
    return (notification_deadline(aware_at) - now).total_seconds() / 3600


# --- Retention ----------------------------------------------------------------------------------

RetentionUnit = Literal["days", "months", "years"]


def retention_end(start: dt.date, value: int, unit: RetentionUnit) -> dt.date:
    """The day a retention of `value` `unit` that runs from `start` ends; months and years by
    the day-number rule of Regulation 1182/71 art. 3(2)(c) (no working-day shift: a purge is
    not a procedural time limit)."""
    if value < 0:
        raise ValueError("negative retention")
    if unit == "days":
        return start + dt.timedelta(days=value)
    if unit == "months":
        return add_months(start, value)
    return add_months(start, 12 * value)


def next_purge_due(last_done: dt.date, every_months: int) -> dt.date:
    """The next due date of a periodic purge of another system: `every_months` after the last
    one confirmed (or the register's entry date)."""
    return add_months(last_done, max(1, every_months))
