"""What an inventory says about circularity in year N, from its rows alone (no Django).

The command line's `jalon inventory` shows these figures; the web platform computes the same
formulas from its assets (inventory/indicators.py), with the same reuse rate (eol.reuse_rate):
- the share of the units bought in N that are refurbished or reused;
- the AGEC art. 58 spend share: price × quantity of the devices bought in N that are
  refurbished or reused, over that of all priced devices bought in N;
- the reuse rate of the equipment retired in N (décret n° 2023-266), with what it left out.
"""

from __future__ import annotations

from typing import Any, Final

import polars as pl

from jalon.core.eol import ROUTES, assign_routes, retired_rows, reuse_rate, route_summary

REUSE_CONDITIONS: Final = ("refurbished", "reused")


def purchase_shares(frame: pl.DataFrame, year: int) -> dict[str, Any]:
    """Units and spend of the devices bought in N, overall and refurbished or reused."""
    bought = frame.filter(pl.col("purchase_date").dt.year() == year).with_columns(
        pl.col("quantity").fill_null(1).alias("__q"),
        pl.col("condition").is_in(list(REUSE_CONDITIONS)).fill_null(False).alias("__reuse"))
    priced = bought.filter(pl.col("purchase_price_eur").is_not_null())
    spend = priced.select((pl.col("purchase_price_eur") * pl.col("__q")).sum()).item() or 0.0
    reuse_spend = priced.filter(pl.col("__reuse")).select(
        (pl.col("purchase_price_eur") * pl.col("__q")).sum()).item() or 0.0
    units = int(bought.get_column("__q").sum() or 0)
    reuse_units = int(bought.filter(pl.col("__reuse")).get_column("__q").sum() or 0)
    return {
        "units": units,
        "reuse_units": reuse_units,
        "refurbished_purchase_share": 100.0 * reuse_units / units if units else None,
        "spend_eur": round(float(spend), 2),
        "reuse_spend_eur": round(float(reuse_spend), 2),
        "units_without_price": units - int(priced.get_column("__q").sum() or 0),
        "reuse_spend_share": 100.0 * reuse_spend / spend if spend else None,
    }


def summary(frame: pl.DataFrame, year: int) -> dict[str, Any]:
    """Purchases, routes and the reuse rate of year N (the frame gets its routes here when
    it has none yet)."""
    if "route" not in frame.columns:
        frame = assign_routes(frame)
    rate = reuse_rate(retired_rows(frame), year)
    return {
        "year": year,
        "purchases": purchase_shares(frame, year),
        "routes": route_summary(frame),
        "reuse_rate_retired": {
            "value": rate.value,
            "reused_units": rate.reused,
            "retired_units": rate.retired,
            "without_route_units": rate.without_route,
            "waiting_units": rate.waiting,
            "by_route": dict(sorted(rate.by_route.items(),
                                    key=lambda kv: ROUTES.index(kv[0]) if kv[0] in ROUTES
                                    else len(ROUTES))),
            "left_out": rate.left_out,
        },
    }
