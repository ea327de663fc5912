"""Reads of the operator's dashboard (/operator/dashboard/): its members with their inventory
size, footprint per agent, where their strategy stands and their last activity, and the
consolidated footprint of the members shown.

Performance: an operator may serve hundreds of members (a département's agency, a région).
Every read is aggregate, so that the page costs the same number of SQL queries whatever the
member count (tests assert it with django_assert_max_num_queries; benchmarks/
bench_operator_scale.py measures 400 members of 10,000 devices):
1. the members, filtered, with their device count, last finished import and last audit event
   as correlated subqueries (annotate + Subquery); the device count is the one stored for the
   member's current inventory version (operators.models.InventorySize), recounted in one
   aggregate query and one upsert for the members whose inventory changed since;
2. the stored footprints of the current year (stock method): their ids, then the total and
   per-category footprint kept for each id (operators.models.FootprintSummary); only for a
   result not summarised yet are its total and `data -> 'by_category'` read, never the whole;
3. the members' strategies; 4.–5. the indicators of their current strategies, with their
   definitions and values (plain tuples), assessed in Python by the strategy's own rules
   (`strategy.status.target_of`, `core.trajectory.assess`: as `assess_indicator` does).

What the operator sees: its administrators hold every capability on its members
(`tenancy.scope.access_in`), so the dashboard may show their figures; it still shows only
aggregates (no asset, no person's name, no audit detail: the date of the last event only).

Reads the inventory and footprint models (a declared dependency, pyproject.toml: models only);
the footprint is the one `footprint.services` stored — the dashboard never computes one, a
member whose footprint is missing or older than its inventory is shown as such.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Final, NamedTuple

from django.db.models import (
    Count,
    DateTimeField,
    F,
    FloatField,
    IntegerField,
    JSONField,
    Max,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.fields.json import KT, KeyTransform
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from jalon.core.trajectory import Direction, Point, Status, assess
from jalon.footprint.models import FootprintResult
from jalon.inventory.models import Asset, ImportStatus, InventoryImport
from jalon.kit.labels import category_label
from jalon.operators.models import FootprintSummary, InventorySize
from jalon.operators.peers import POPULATION_BANDS, band_label, population_band
from jalon.strategy import status as strategy_status
from jalon.strategy.models import Indicator, IndicatorValue, Strategy
from jalon.tenancy.models import AuditEvent, Operator, Organisation, OrganisationKind

# The footprint the dashboard reads: the stock method (the footprint page's and the public
# page's default, footprint.publishing.METHOD) of the current calendar year.
METHOD: Final = "stock"
# Statuses grouped as an operator reads them: on track, late, no target, no data.
ON_TRACK: Final = frozenset({Status.ACHIEVED, Status.ON_TRACK})
LATE: Final = frozenset({Status.AT_RISK, Status.OFF_TRACK})
SORTS: Final = ("name", "-devices", "-per_agent", "-activity", "kind")
PAGE_SIZE: Final = 50
# Indicator statuses remembered per process (a few hundred bytes each).
STATUS_MEMO: Final = 50_000


@dataclass(frozen=True)
class Filters:
    kind: str = ""
    band: int | None = None
    operator: int | None = None
    sort: str = "name"
    page: int = 1

    @property
    def shows_all(self) -> bool:
        """No filter narrows the members (sorting and paging do not)."""
        return not self.kind and self.band is None and self.operator is None

    def query(self, **changes: Any) -> str:
        """The query string of these filters (with `changes`), for links and exports."""
        from urllib.parse import urlencode

        values = {"kind": self.kind, "band": "" if self.band is None else self.band,
                  "operator": self.operator or "", "sort": self.sort, "page": self.page}
        values.update(changes)
        return urlencode({k: v for k, v in values.items()
                          if v not in ("", None) and not (k == "sort" and v == "name")
                          and not (k == "page" and v == 1)})


def parse_filters(params: Mapping[str, str], operators: QuerySet[Operator]) -> Filters:
    """Filters from a query string; an unknown value is ignored (the whole list is shown)."""
    kind = params.get("kind", "")
    kind = kind if kind in OrganisationKind.values else ""
    band: int | None = None
    raw = params.get("band", "")
    if raw.isdigit() and int(raw) < len(POPULATION_BANDS):
        band = int(raw)
    operator: int | None = None
    raw = params.get("operator", "")
    if raw.isdigit() and any(o.pk == int(raw) for o in operators):
        operator = int(raw)
    sort = params.get("sort", "name")
    sort = sort if sort in SORTS else "name"
    raw = params.get("page", "1")
    page = int(raw) if raw.isdigit() and int(raw) > 0 else 1
    return Filters(kind=kind, band=band, operator=operator, sort=sort, page=page)


@dataclass
class StrategySummary:
    title: str
    adopted_on: dt.date | None
    period: str
    on_track: int = 0
    late: int = 0
    no_target: int = 0
    no_data: int = 0

    @property
    def indicators(self) -> int:
        return self.on_track + self.late + self.no_target + self.no_data


@dataclass
class Member:
    id: int
    name: str
    slug: str
    operator: str
    kind: str
    population: int | None
    agents: int | None
    devices: int
    last_import: dt.datetime | None
    last_event: dt.datetime | None
    gwp_kg: float | None = None
    footprint_stale: bool = False
    strategy: StrategySummary | None = None

    @property
    def kind_label(self) -> str:
        return str(OrganisationKind(self.kind).label) if self.kind in OrganisationKind.values \
            else self.kind

    @property
    def band_label(self) -> str:
        return band_label(population_band(self.population))

    @property
    def per_agent(self) -> float | None:
        """kgCO2e per agent (the built-in indicator footprint_per_agent: the stock footprint of
        the year over Organisation.agents)."""
        if self.gwp_kg is None or not self.agents:
            return None
        return self.gwp_kg / self.agents

    @property
    def last_activity(self) -> dt.datetime | None:
        dates = [d for d in (self.last_import, self.last_event) if d is not None]
        return max(dates) if dates else None


@dataclass
class Totals:
    members: int = 0
    devices: int = 0
    agents: int = 0
    gwp_kg: float = 0.0
    agents_with_footprint: int = 0
    gwp_with_agents: float = 0.0
    with_footprint: int = 0
    stale: int = 0
    adopted: int = 0
    draft: int = 0
    without_strategy: int = 0
    on_track: int = 0
    late: int = 0
    no_target: int = 0
    no_data: int = 0

    @property
    def per_agent(self) -> float | None:
        """The consolidated footprint per agent: members with both a footprint and an agent
        count only (a member without agents would inflate it)."""
        gwp = self.gwp_with_agents
        return gwp / self.agents_with_footprint if self.agents_with_footprint else None


@dataclass
class Dashboard:
    filters: Filters
    members: list[Member]
    totals: Totals
    by_category: list[tuple[str, str, float]] = field(default_factory=list)  # key, label, kg
    year: int = 0


# --------------------------------------------------------------------------- queries


def members(operators: QuerySet[Operator], filters: Filters) -> QuerySet[Organisation, Any]:
    """The members of the administered operators, filtered, as rows (dicts) with their
    operator's name, stored device count (None when not counted for its current inventory
    version), last finished import and last audit event (one query)."""
    rows = Organisation.objects.filter(operator__in=operators)
    if filters.operator is not None:
        rows = rows.filter(operator_id=filters.operator)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.band is not None:
        low, high, _label = POPULATION_BANDS[filters.band]
        rows = rows.filter(population__gte=low)
        if high is not None:
            rows = rows.filter(population__lt=high)
    devices = (InventorySize.objects.filter(organisation=OuterRef("pk"),
                                            inventory_version=OuterRef("inventory_version"))
               .values("devices"))
    last_import = (InventoryImport.objects
                   .filter(organisation=OuterRef("pk"), status=ImportStatus.DONE)
                   .order_by().values("organisation")
                   .annotate(at=Max(Coalesce("finished_at", "created_at"))).values("at"))
    # The latest event through the (organisation, at) index: one index entry per member,
    # however long its audit trail (tenancy migration auditevent_organisation_at).
    last_event = (AuditEvent.objects.filter(organisation=OuterRef("pk")).order_by("-at")
                  .values("at")[:1])
    return (rows.order_by("name", "pk")
            .values("pk", "name", "slug", "kind", "population", "agents", "inventory_version",
                    operator_name=F("operator__name"),
                    devices=Subquery(devices, output_field=IntegerField()),
                    last_import=Subquery(last_import, output_field=DateTimeField()),
                    last_event=Subquery(last_event, output_field=DateTimeField())))


def inventory_sizes(versions: Mapping[int, int]) -> dict[int, int]:
    """Count the devices (sum of quantities) of the organisations {id: inventory version}
    whose stored count is missing or older, in one aggregate query, and store the counts
    (one upsert): later loads read them (InventorySize)."""
    if not versions:
        return {}
    counted = dict(Asset.objects.filter(organisation_id__in=list(versions)).order_by()
                   .values_list("organisation_id").annotate(n=Sum("quantity"))
                   .values_list("organisation_id", "n"))
    sizes = {org: int(counted.get(org) or 0) for org in versions}
    InventorySize.objects.bulk_create(
        [InventorySize(organisation_id=org, inventory_version=versions[org], devices=n)
         for org, n in sizes.items()],
        update_conflicts=True, unique_fields=["organisation"],
        update_fields=["inventory_version", "devices", "counted_at"])
    return sizes


def footprints(organisation_ids: QuerySet[Any], year: int
               ) -> dict[int, tuple[int, float, dict[str, float]]]:
    """{organisation id: (inventory version, total kgCO2e, {category: kgCO2e})} of the latest
    stored stock footprint of `year` (older versions are deleted when a new one is stored,
    footprint.services.footprint_result). One query (the latest results' ids with the
    summary stored for each member), two more when some summaries are missing or older: only
    the total and `data -> 'by_category'` of those results are read, and their summaries
    stored."""
    summary = FootprintSummary.objects.filter(organisation_id=OuterRef("organisation_id"))
    latest: dict[int, tuple[int, int]] = {}  # organisation id: (result id, inventory version)
    summaries: dict[int, tuple[int, float, dict[str, float]]] = {}
    for organisation_id, result_id, version, summary_of, gwp, by_category in (
            FootprintResult.objects
            .filter(organisation_id__in=organisation_ids, year=year, method=METHOD)
            .order_by("organisation_id", "-inventory_version", "-id")
            .values_list("organisation_id", "id", "inventory_version",
                         Subquery(summary.values("result_id")),
                         Subquery(summary.values("gwp_kg")),
                         Subquery(summary.values("by_category"), output_field=JSONField()))):
        if organisation_id in latest:
            continue
        latest[organisation_id] = (result_id, version)
        if summary_of is not None:
            summaries[organisation_id] = (summary_of, gwp, by_category)
    stale = [result_id for org, (result_id, _v) in latest.items()
             if org not in summaries or summaries[org][0] != result_id]
    if stale:
        fresh = []
        for result_id, organisation_id, gwp, by_category in (
                FootprintResult.objects.filter(id__in=stale)
                .values_list("id", "organisation_id",
                             Cast(KT("data__totals__gwp__value"), FloatField()),
                             KeyTransform("by_category", "data"))):
            categories = {}
            for key, criteria in (by_category or {}).items():
                value = (criteria or {}).get("gwp", {}).get("value")
                if isinstance(value, (int, float)):
                    categories[key] = float(value)
            summaries[organisation_id] = (result_id, float(gwp or 0.0), categories)
            fresh.append(FootprintSummary(organisation_id=organisation_id, result_id=result_id,
                                          gwp_kg=float(gwp or 0.0), by_category=categories))
        FootprintSummary.objects.bulk_create(
            fresh, update_conflicts=True, unique_fields=["organisation"],
            update_fields=["result_id", "gwp_kg", "by_category"])
    return {org: (version, summaries[org][1], summaries[org][2])
            for org, (_result_id, version) in latest.items() if org in summaries}


class IndicatorRow(NamedTuple):
    """What the dashboard reads of an indicator: its target (strategy.status.TargetFields) and
    its definition's direction, as a plain row (2,000 model instances with their definitions
    cost a third of the page at 400 members, bench_operator_scale.py)."""

    id: int
    strategy_id: int
    target_kind: str
    target_value: float
    target_date: dt.date | None
    baseline_date: dt.date | None
    baseline_value: float | None
    target_defined: bool
    direction: str


def indicator_rows(indicators: QuerySet[Indicator]) -> list[IndicatorRow]:
    return [IndicatorRow(*row) for row in indicators.order_by().values_list(
        "id", "strategy_id", "target_kind", "target_value", "target_date", "baseline_date",
        "baseline_value", "target_defined", "definition__direction")]


def indicator_status(indicator: IndicatorRow, points: list[Point], today: dt.date) -> Status:
    """The status `strategy.status.assess_indicator` gives the indicator (its rules: the
    strategy's target through `status.target_of` and `core.trajectory.assess`; a value without
    a target is « sans cible », nothing at all « pas de données »), without the sentence
    explaining it, which the dashboard does not show and which costs a millisecond each."""
    return _status(indicator, tuple((p.date, p.value) for p in points), today)


@lru_cache(maxsize=STATUS_MEMO)
def _status(indicator: IndicatorRow, values: tuple[tuple[dt.date, float], ...],
            today: dt.date) -> Status:
    """The status of `indicator` given its values as (date, value), oldest first."""
    # Memoised on everything the status depends on (the indicator's target and direction, its
    # values, the day): the trajectory is a pure function of them, so a change of any of them
    # is a new key, never a stale status. The next load of the dashboard assesses only the
    # indicators that changed (2,000 at 400 members: most of the page's Python).
    if indicator.target_defined:
        return assess(strategy_status.target_of(indicator), [Point(d, v) for d, v in values],
                      Direction(indicator.direction), today).status
    return Status.NO_TARGET if values else Status.NO_DATA


def strategies(organisation_ids: QuerySet[Any], today: dt.date) -> dict[int, StrategySummary]:
    """{organisation id: where its current strategy stands} (three queries: strategies,
    indicators with their definition's direction, values; plain rows, the organisations as a
    subquery, never a list of thousands of ids)."""
    rows = (Strategy.objects.filter(organisation_id__in=organisation_ids)
            .values_list("id", "organisation_id", "title", "adopted_on", "period_start",
                         "period_end"))
    # Each organisation's current strategy, by the rule of strategy.selectors.current_strategy
    # (the one whose period covers this year, else the first in Strategy.Meta.ordering).
    covering: dict[int, tuple[Any, ...]] = {}
    first: dict[int, tuple[Any, ...]] = {}
    for row in rows:  # in Strategy.Meta.ordering
        first.setdefault(row[1], row)
        if row[4] <= today.year <= row[5]:
            covering.setdefault(row[1], row)
    current = {**first, **covering}
    summaries = {org: StrategySummary(title, adopted_on, f"{start}–{end}")
                 for org, (_id, _org, title, adopted_on, start, end) in current.items()}
    by_strategy = {row[0]: summaries[org] for org, row in current.items()}
    of_members = Indicator.objects.filter(strategy__organisation_id__in=organisation_ids)
    indicators = [i for i in indicator_rows(of_members) if i.strategy_id in by_strategy]
    values: dict[int, list[tuple[dt.date, float]]] = defaultdict(list)
    for indicator_id, date, value in (IndicatorValue.objects
                                      .filter(indicator__in=of_members)
                                      .order_by("date", "id")
                                      .values_list("indicator_id", "date", "value")):
        values[indicator_id].append((date, value))
    for indicator in indicators:
        found = _status(indicator, tuple(values[indicator.id]), today)
        summary = by_strategy[indicator.strategy_id]
        if found in ON_TRACK:
            summary.on_track += 1
        elif found in LATE:
            summary.late += 1
        elif found == Status.NO_TARGET:
            summary.no_target += 1
        else:
            summary.no_data += 1
    return summaries


def _sort_key(sort: str) -> Any:
    far = dt.datetime.min.replace(tzinfo=dt.UTC)
    keys = {
        "name": lambda m: (m.name.casefold(), m.id),
        "-devices": lambda m: (-m.devices, m.name.casefold()),
        "-per_agent": lambda m: (m.per_agent is None, -(m.per_agent or 0), m.name.casefold()),
        "-activity": lambda m: (m.last_activity is None, -(m.last_activity or far).timestamp(),
                                m.name.casefold()),
        "kind": lambda m: (m.kind, m.name.casefold()),
    }
    return keys[sort]


def dashboard(operators: QuerySet[Operator], filters: Filters,
              today: dt.date | None = None) -> Dashboard:
    """Everything the dashboard shows, for every filtered member (the view pages the rows)."""
    today = today or timezone.localdate()
    rows = members(operators, filters)
    ids = rows.values("pk")
    found = footprints(ids, today.year)
    summaries = strategies(ids, today)
    totals = Totals()
    categories: dict[str, float] = defaultdict(float)
    out = []
    listed = list(rows)
    recounted = inventory_sizes({org["pk"]: org["inventory_version"] for org in listed
                                 if org["devices"] is None})
    for org in listed:
        devices = org["devices"] if org["devices"] is not None else recounted[org["pk"]]
        member = Member(id=org["pk"], name=org["name"], slug=org["slug"],
                        operator=org["operator_name"], kind=org["kind"],
                        population=org["population"], agents=org["agents"],
                        devices=int(devices), last_import=org["last_import"],
                        last_event=org["last_event"], strategy=summaries.get(org["pk"]))
        totals.members += 1
        totals.devices += member.devices
        totals.agents += member.agents or 0
        if org["pk"] in found:
            version, gwp, by_category = found[org["pk"]]
            member.gwp_kg = gwp
            member.footprint_stale = version < org["inventory_version"]
            totals.gwp_kg += gwp
            totals.with_footprint += 1
            totals.stale += member.footprint_stale
            if member.agents:
                totals.agents_with_footprint += member.agents
                totals.gwp_with_agents += gwp
            for key, value in by_category.items():
                categories[key] += value
        summary = member.strategy
        if summary is None:
            totals.without_strategy += 1
        else:
            if summary.adopted_on is not None:
                totals.adopted += 1
            else:
                totals.draft += 1
            totals.on_track += summary.on_track
            totals.late += summary.late
            totals.no_target += summary.no_target
            totals.no_data += summary.no_data
        out.append(member)
    out.sort(key=_sort_key(filters.sort))
    ordered = sorted(((key, category_label(key), value) for key, value in categories.items()),
                     key=lambda item: -item[2])
    return Dashboard(filters=filters, members=out, totals=totals, by_category=ordered,
                     year=today.year)


def kind_counts(operators: QuerySet[Operator], board: Dashboard | None = None
                ) -> dict[str, int]:
    """Members per kind (for the filter's options): counted on the board when it shows every
    member, else one query."""
    if board is not None and board.filters.shows_all:
        counts: dict[str, int] = defaultdict(int)
        for member in board.members:
            counts[member.kind] += 1
        return dict(counts)
    return dict(Organisation.objects.filter(operator__in=operators).order_by()
                .values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
