"""End-of-life routes: what became of a device, read from its free-text status and comment.

Asset tools have no field for the route a retired device took (GLPI's statuses are free text:
« Donné à une association », « Vendu pour reconditionnement », « En attente de décision »…).
Rules turn the status, then the comment, into one of the routes below, with the rule that
matched kept on the row, as classification does for categories (classify.py): every route can
be explained, and an organisation can add its own rules before the shipped ones
(`data/reference/eol_routes.csv`, versioned, with source, year and licence per row).

Order of decision for a device:
1. an explicit disposal (the canonical `disposal` column, or a retirement recorded in Jalon):
   rule `disposal`;
2. the rules on the status, in order (the organisation's first, then the shipped ones);
3. the rules on the comment, in the same order, only for a device that has left service
   (a retirement date or a retired status): a comment such as « acheté chez un
   reconditionneur » on a device in service is about how it came, not how it left;
4. no rule: no route (""), counted as such, never guessed.

The reuse rate of retired equipment (décret n° 2023-266) is computed here too, on plain rows,
so that the command line and the web platform give the same figure.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Final

import polars as pl

from jalon.core.classify import fold
from jalon.core.model import RETIRED_STATUS


class Route(StrEnum):
    IN_USE = "in_use"
    STORED = "stored"
    AWAITING_DECISION = "awaiting_decision"
    REUSED_INTERNALLY = "reused_internally"
    DONATED = "donated"
    SOLD_REFURBISHED = "sold_refurbished"
    RETURNED_TO_LESSOR = "returned_to_lessor"
    RECYCLED = "recycled"
    DESTROYED = "destroyed"
    LOST_OR_STOLEN = "lost_or_stolen"


ROUTES: Final[tuple[str, ...]] = tuple(r.value for r in Route)
# Décret 2023-266: reuse (internal), donation and sale for reuse or refurbishment all count as
# "réemploi ou réutilisation".
REUSE_ROUTES: Final[frozenset[str]] = frozenset(
    {Route.REUSED_INTERNALLY, Route.DONATED, Route.SOLD_REFURBISHED})
# Routes that say where a retired device went (the route share indicator).
FINAL_ROUTES: Final[frozenset[str]] = frozenset(
    {*REUSE_ROUTES, Route.RECYCLED, Route.DESTROYED, Route.RETURNED_TO_LESSOR,
     Route.LOST_OR_STOLEN})
# Left out of the reuse rate's denominator, and said: no decision yet, still in the estate,
# not the authority's to dispose of (a leased device goes back to its owner), or gone
# without being disposed of.
LEFT_OUT_ROUTES: Final[tuple[str, ...]] = (
    Route.AWAITING_DECISION, Route.STORED, Route.IN_USE, Route.RETURNED_TO_LESSOR,
    Route.LOST_OR_STOLEN)

FIELDS: Final = ("status", "comment")
DISPOSAL_RULE: Final = "disposal"
# Décret 2023-266: equipment over ten years old when retired is left out of the rate.
MAX_AGE_YEARS: Final = 10
DAYS_PER_YEAR: Final = 365.25
REFERENCE_FILE: Final = "eol_routes.csv"


class RuleError(ValueError):
    """A rule that cannot be used (unknown field or route, pattern that does not compile)."""


@dataclass(frozen=True, slots=True)
class RouteRule:
    name: str
    field: str  # "status" or "comment"
    pattern: str  # a regular expression, matched on the folded text (no case, no accents)
    route: str
    note: str = ""
    source: str = ""
    year: str = ""
    licence: str = ""
    compiled: re.Pattern[str] = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.field not in FIELDS:
            raise RuleError(f"rule {self.name!r}: unknown field {self.field!r}; use "
                            + " or ".join(FIELDS))
        if self.route not in ROUTES:
            raise RuleError(f"rule {self.name!r}: unknown route {self.route!r}; use one of "
                            + ", ".join(ROUTES))
        object.__setattr__(self, "compiled", compile_pattern(self.pattern))


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """The pattern, folded like the texts it is matched on; an error names what is wrong."""
    if not pattern.strip():
        raise RuleError("the pattern is empty")
    try:
        return re.compile(fold(pattern.strip()))
    except re.error as exc:
        raise RuleError(f"the pattern does not compile: {exc}") from exc


@cache
def default_rules() -> tuple[RouteRule, ...]:
    """The shipped rules, in file order."""
    text = resources.files("jalon.data.reference").joinpath(REFERENCE_FILE).read_text(
        encoding="utf-8")
    return tuple(
        RouteRule(row["rule"], row["field"], row["pattern"], row["route"], row["note"],
                  row["source"], row["year"], row["licence"])
        for row in csv.DictReader(text.splitlines()))


_RETIRED = re.compile(RETIRED_STATUS)


def route_of(status: str | None, comment: str | None, disposal: str | None, retired: bool,
             rules: Sequence[RouteRule]) -> tuple[str, str]:
    """(route, rule) of one device; ("", "") when nothing says."""
    if disposal:
        return (disposal, DISPOSAL_RULE) if disposal in ROUTES else ("", "")
    folded_status = fold(status)
    if folded_status:
        for rule in rules:
            if rule.field == "status" and rule.compiled.search(folded_status):
                return rule.route, rule.name
    folded_comment = fold(comment)
    if folded_comment and (retired or _RETIRED.search(folded_status)):
        for rule in rules:
            if rule.field == "comment" and rule.compiled.search(folded_comment):
                return rule.route, rule.name
    return "", ""


class Lifecycle(StrEnum):
    """Where a device stands, from its free-text state: what the footprint and the import
    preview need (in service or not), whatever the route it took."""

    IN_SERVICE = "in_service"
    STORED = "stored"
    RETIRED = "retired"
    UNKNOWN = ""


def lifecycle_of(status: str | None, rules: Sequence[RouteRule] | None = None) -> Lifecycle:
    """The lifecycle of a device from its state as typed in a spreadsheet or an asset tool:
    « Réformé », « HS », « Hors service », « Donné », « Vendu », « Détruit »… are retired
    (RETIRED_STATUS, the pattern the engine uses to count a device out of service), « En
    stock » is stored, « En service » in service; anything else is unknown, never guessed.
    The route (where a retired device went) is `route_of`'s."""
    folded = fold(status)
    if not folded:
        return Lifecycle.UNKNOWN
    if _RETIRED.search(folded):
        return Lifecycle.RETIRED
    route, _rule = route_of(status, None, None, False, default_rules() if rules is None
                            else rules)
    if route == Route.STORED:
        return Lifecycle.STORED
    if route == Route.IN_USE:
        return Lifecycle.IN_SERVICE
    if route in FINAL_ROUTES:
        return Lifecycle.RETIRED
    return Lifecycle.UNKNOWN


def assign_routes(frame: pl.DataFrame, rules: Sequence[RouteRule] | None = None
                  ) -> pl.DataFrame:
    """Add `route` and `route_rule` to a canonical frame; rules run once per distinct
    (status, comment, disposal, retired) combination, not once per device."""
    rules = default_rules() if rules is None else rules
    keys = frame.select(
        pl.col("status"), pl.col("comment"), pl.col("disposal"),
        pl.col("retirement_date").is_not_null().alias("__retired"))
    distinct = keys.unique()
    decided = [route_of(s, c, d, r, rules) for s, c, d, r in distinct.iter_rows()]
    table = distinct.with_columns(
        pl.Series("route", [d[0] for d in decided], dtype=pl.Utf8),
        pl.Series("route_rule", [d[1] for d in decided], dtype=pl.Utf8))
    joined = keys.with_row_index("__row").join(
        table, on=["status", "comment", "disposal", "__retired"], how="left", nulls_equal=True
    ).sort("__row")
    return frame.with_columns(joined.get_column("route"), joined.get_column("route_rule"))


def route_summary(frame: pl.DataFrame) -> list[dict[str, object]]:
    """Rows and devices per (route, rule), the routes first, "no route" last."""
    if "route" not in frame.columns:
        return []
    return (frame.group_by("route", "route_rule")
            .agg(pl.len().alias("rows"), pl.col("quantity").fill_null(1).sum().alias("devices"))
            .sort(pl.col("route") == "", "route", "route_rule")
            .to_dicts())


# --------------------------------------------------------------------------- reuse rate


@dataclass(frozen=True, slots=True)
class RetiredRow:
    quantity: int
    start: dt.date | None  # commissioning, else purchase
    retired_on: dt.date
    route: str


@dataclass(slots=True)
class ReuseRate:
    """Décret 2023-266: reused / (retired in N + retired before N without any route) × 100,
    with what was left out said."""

    year: int
    reused: int = 0  # A: reused internally, donated, sold for reuse or refurbishment
    retired: int = 0  # retired in N and counted
    without_route: int = 0  # of which: no route said (counted, not as reuse)
    waiting: int = 0  # retired before N, still without any route
    by_route: dict[str, int] = dataclasses.field(default_factory=dict)
    # route or "over_10_years" -> units
    left_out: dict[str, int] = dataclasses.field(default_factory=dict)

    @property
    def denominator(self) -> int:
        return self.retired + self.waiting

    @property
    def value(self) -> float | None:
        return 100.0 * self.reused / self.denominator if self.denominator else None


def _age_years(start: dt.date | None, end: dt.date) -> float | None:
    if start is None or start > end:
        return None
    return (end - start).days / DAYS_PER_YEAR


def reuse_rate(rows: Iterable[RetiredRow], year: int) -> ReuseRate:
    """The rate of year N on retired devices (rows without a retirement date are not given).

    Counted: units retired in N (A if their route is a reuse route); units retired before N
    with no route at all (they still wait for one: the decree's stock of retired devices).
    Left out, and said: units whose route is awaiting decision, stored, in use, returned to
    the lessor, lost or stolen; units over ten years old at retirement."""
    rate = ReuseRate(year)
    start = dt.date(year, 1, 1)
    for row in rows:
        in_year = row.retired_on.year == year
        pending = row.retired_on < start and not row.route
        if not (in_year or pending):
            continue
        age = _age_years(row.start, row.retired_on)
        if row.route in LEFT_OUT_ROUTES:
            rate.left_out[row.route] = rate.left_out.get(row.route, 0) + row.quantity
            continue
        if age is not None and age > MAX_AGE_YEARS:
            rate.left_out["over_10_years"] = rate.left_out.get("over_10_years", 0) + row.quantity
            continue
        if in_year:
            rate.retired += row.quantity
            key = row.route or "none"
            rate.by_route[key] = rate.by_route.get(key, 0) + row.quantity
            if row.route in REUSE_ROUTES:
                rate.reused += row.quantity
            elif not row.route:
                rate.without_route += row.quantity
        else:
            rate.waiting += row.quantity
    return rate


def retired_rows(frame: pl.DataFrame) -> list[RetiredRow]:
    """The retired devices of a frame with routes (assign_routes), for reuse_rate."""
    retired = frame.filter(pl.col("retirement_date").is_not_null()).select(
        pl.col("quantity").fill_null(1),
        pl.coalesce("commissioning_date", "purchase_date"),
        "retirement_date", pl.col("route").fill_null(""))
    return [RetiredRow(int(q), s, r, route) for q, s, r, route in retired.iter_rows()]
