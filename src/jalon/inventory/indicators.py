"""Indicators computed from the inventory (formulas in docs/strategy-indicators.md).

The inventory declares these formulas as `IndicatorSource`s (inventory/publishing.py); an
indicator whose definition has `computed = "<key>"` gets its values from one of them, through
the publishing registry (the strategy never imports this module). One value per year with data
among the last five years (31 December of a past year, a result; today for the current year, an
estimate since the year is not over), with the figures behind it in `detail`; the strategy
stores each with the inventory version and the latest applied import (`provenance`).

Every function takes the organisation (obtained through tenancy.scope) and reads only its assets.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any, Final

from django.db.models import DecimalField, F, Q, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from jalon.core import eol
from jalon.inventory.models import Asset, Disposal, EventKind, LifecycleEvent
from jalon.inventory.selectors import last_import
from jalon.publishing.indicators import yearly_value, years
from jalon.publishing.registry import ComputedValue, Provenance
from jalon.tenancy.models import Organisation

DAYS_PER_YEAR: Final = 365.25
REUSE_CONDITIONS: Final = ("refurbished", "reused")


def _age_years(start: dt.date | None, end: dt.date) -> float | None:
    if start is None or start > end:
        return None
    return (end - start).days / DAYS_PER_YEAR


def _share(part: float, whole: float) -> float:
    return 100.0 * part / whole


def _routed(routes: Iterable[str]) -> Q:
    """Assets whose route is one of `routes`; an asset written without one (through the ORM,
    before routes existed) is taken at its disposal."""
    wanted = list(routes)
    return Q(route__in=wanted) | Q(route="", disposal__in=wanted)


# --------------------------------------------------------------------------- formulas


def avg_lifespan_retired(organisation: Organisation, today: dt.date) -> list[ComputedValue]:
    """Average years between commissioning (else purchase) and retirement of the devices
    retired in year N, weighted by quantity; per category in the detail."""
    span = years(today)
    rows = (Asset.objects.filter(organisation=organisation, retirement_date__year__gte=span[0],
                                 retirement_date__lte=today)
            .values_list("category", "quantity", "purchase_date", "commissioning_date",
                         "retirement_date"))
    sums: dict[int, dict[str, list[float]]] = defaultdict(lambda: defaultdict(lambda: [0.0, 0]))
    undated: dict[int, int] = defaultdict(int)
    for category, quantity, bought, commissioned, retired in rows:
        if retired is None:  # not returned: retirement_date__lte leaves them out
            continue
        age = _age_years(commissioned or bought, retired)
        if age is None:
            undated[retired.year] += quantity
            continue
        cell = sums[retired.year][category or "unclassified"]
        cell[0] += age * quantity
        cell[1] += quantity
    out = []
    for year in span:
        by_category = sums.get(year, {})
        units = sum(int(c[1]) for c in by_category.values())
        if not units:
            continue
        total = sum(c[0] for c in by_category.values())
        detail = {"units": units, "units_without_date": undated.get(year, 0),
                  "by_category": {cat: {"years": round(c[0] / c[1], 2), "units": int(c[1])}
                                  for cat, c in sorted(by_category.items())}}
        out.append(yearly_value(year, total / units, detail, today))
    return out


def _purchases(organisation: Organisation, today: dt.date) -> dict[int, dict[str, Any]]:
    """Per purchase year: units and priced spend, overall and for refurbished/reused devices."""
    span = years(today)
    rows = (Asset.objects.filter(organisation=organisation, purchase_date__year__gte=span[0],
                                 purchase_date__lte=today)
            .annotate(year=ExtractYear("purchase_date")).values("year", "condition")
            .annotate(units=Sum("quantity"),
                      spend=Sum(F("purchase_price_eur") * F("quantity"),
                                output_field=DecimalField(max_digits=20, decimal_places=2)),
                      priced=Sum("quantity", filter=Q(purchase_price_eur__isnull=False)))
            .order_by())
    table: dict[int, dict[str, Any]] = defaultdict(lambda: {
        "units": 0, "reuse_units": 0, "spend": Decimal(0), "reuse_spend": Decimal(0),
        "priced_units": 0})
    for row in rows:
        cell = table[row["year"]]
        reuse = row["condition"] in REUSE_CONDITIONS
        cell["units"] += row["units"] or 0
        cell["priced_units"] += row["priced"] or 0
        cell["spend"] += row["spend"] or Decimal(0)
        if reuse:
            cell["reuse_units"] += row["units"] or 0
            cell["reuse_spend"] += row["spend"] or Decimal(0)
    return table


def reuse_spend_share(organisation: Organisation, today: dt.date) -> list[ComputedValue]:
    """Share of the year's IT spend (price × quantity of devices bought in N, priced ones only)
    that went to refurbished or reused devices (AGEC art. 58)."""
    out = []
    for year, cell in sorted(_purchases(organisation, today).items()):
        if cell["spend"] <= 0:
            continue
        detail = {"spend_eur": float(cell["spend"]), "reuse_spend_eur": float(cell["reuse_spend"]),
                  "units": cell["units"], "units_without_price": cell["units"]
                  - cell["priced_units"]}
        out.append(yearly_value(year, _share(float(cell["reuse_spend"]), float(cell["spend"])),
                          detail, today))
    return out


def refurbished_purchase_share(organisation: Organisation, today: dt.date
                               ) -> list[ComputedValue]:
    """Share of the units bought in N that are refurbished or reused."""
    out = []
    for year, cell in sorted(_purchases(organisation, today).items()):
        if not cell["units"]:
            continue
        detail = {"units": cell["units"], "reuse_units": cell["reuse_units"]}
        out.append(yearly_value(year, _share(cell["reuse_units"], cell["units"]), detail, today))
    return out


def reuse_rate_retired(organisation: Organisation, today: dt.date) -> list[ComputedValue]:
    """Décret 2023-266: A / B × 100 (jalon.core.eol.reuse_rate, the command line's formula).
    A: units retired in N whose route is reuse: reused internally, donated, sold for reuse or
    refurbishment. B: units retired in N plus units retired before N still without any route
    (the decree's stock of retired devices). Left out, and listed in the detail: units
    awaiting a decision, stored, in use, returned to the lessor, lost or stolen, and devices
    over ten years old at retirement; devices of unknown age are kept."""
    span = years(today)
    first = dt.date(span[0], 1, 1)
    rows = [eol.RetiredRow(quantity, commissioned or bought, when, route or disposal)
            for quantity, bought, commissioned, when, route, disposal in (
                Asset.objects.filter(organisation=organisation, retirement_date__lte=today)
                .filter(Q(retirement_date__gte=first) | Q(route=""))
                .values_list("quantity", "purchase_date", "commissioning_date",
                             "retirement_date", "route", "disposal"))
            if when is not None]  # None is not returned: retirement_date__lte leaves it out
    out = []
    for year in span:
        rate = eol.reuse_rate(rows, year)
        if rate.value is None:
            continue
        detail = {"reused_units": rate.reused, "retired_units": rate.retired,
                  "without_route_units": rate.without_route, "waiting_units": rate.waiting,
                  "by_route": rate.by_route, "left_out": rate.left_out,
                  "excluded_over_10_years": rate.left_out.get("over_10_years", 0),
                  "awaiting_decision_units": rate.left_out.get(eol.Route.AWAITING_DECISION, 0)}
        out.append(yearly_value(year, rate.value, detail, today))
    return out


def end_of_life_route_share(organisation: Organisation, today: dt.date) -> list[ComputedValue]:
    """Share of the units retired in N whose route is known: reuse, donation, sale for reuse,
    WEEE recycling, destruction, return to the lessor, loss or theft."""
    span = years(today)
    rows = (Asset.objects.filter(organisation=organisation, retirement_date__year__gte=span[0],
                                 retirement_date__lte=today)
            .annotate(year=ExtractYear("retirement_date")).values("year")
            .annotate(units=Sum("quantity"),
                      routed=Sum("quantity", filter=_routed(eol.FINAL_ROUTES)))
            .order_by("year"))
    return [yearly_value(r["year"], _share(r["routed"] or 0, r["units"]),
                   {"units": r["units"], "routed_units": r["routed"] or 0}, today)
            for r in rows if r["units"]]


def weee_recycled_kg(organisation: Organisation, today: dt.date) -> list[ComputedValue]:
    """WEEE weight sent to recycling in N: per asset, the weight recorded on its recycling
    retirement event of year N, else the asset's weight × quantity. Assets retired to recycling
    by an import (no event) count with their own weight."""
    span = years(today)
    events = (LifecycleEvent.objects
              .filter(asset__organisation=organisation, kind=EventKind.RETIRED,
                      disposal=Disposal.RECYCLED, date__year__gte=span[0], date__lte=today)
              .order_by("date", "id").values_list("asset_id", "date", "weee_weight_kg"))
    recorded: dict[tuple[int, int], float | None] = {}
    for asset_id, when, weight in events:
        key = (asset_id, when.year)
        if weight is not None or key not in recorded:
            recorded[key] = weight
    for pk, retired_on in Asset.objects.filter(
            organisation=organisation, retirement_date__year__gte=span[0],
            retirement_date__lte=today).filter(_routed({eol.Route.RECYCLED})).values_list(
                "pk", "retirement_date"):
        if retired_on is None:  # not returned: retirement_date__lte leaves them out
            continue
        recorded.setdefault((pk, retired_on.year), None)
    assets = {pk: (quantity, weight) for pk, quantity, weight in Asset.objects.filter(
        organisation=organisation, pk__in={k[0] for k in recorded}).values_list(
            "pk", "quantity", "weight_kg")}
    totals: dict[int, list[float]] = defaultdict(lambda: [0.0, 0, 0])
    for (pk, year), weight in recorded.items():
        if year not in span or pk not in assets:
            continue
        quantity, asset_weight = assets[pk]
        cell = totals[year]
        cell[1] += quantity
        if weight is None and asset_weight is not None:
            weight = asset_weight * quantity
        if weight is None:
            cell[2] += quantity
        else:
            cell[0] += weight
    return [yearly_value(year, cell[0],
                         {"units": int(cell[1]), "units_without_weight": int(cell[2])}, today)
            for year, cell in sorted(totals.items()) if cell[1] > cell[2]]


def provenance(organisation: Organisation) -> Provenance:
    """Where computed values come from: the inventory version and its latest applied import."""
    source = last_import(organisation)
    version = organisation.inventory_version
    label = f"Calculé depuis l'inventaire (version {version}"
    if source is not None:
        when = source.finished_at or source.created_at
        label += f", import « {source.file_name} » du {timezone.localtime(when):%d/%m/%Y}"
    return Provenance(label + ")", source.pk if source is not None else None)


FORMULAS: Final[dict[str, Callable[[Organisation, dt.date], list[ComputedValue]]]] = {
    "avg_lifespan_retired": avg_lifespan_retired,
    "reuse_spend_share": reuse_spend_share,
    "reuse_rate_retired": reuse_rate_retired,
    "weee_recycled_kg": weee_recycled_kg,
    "refurbished_purchase_share": refurbished_purchase_share,
    "end_of_life_route_share": end_of_life_route_share,
}
