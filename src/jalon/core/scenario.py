"""Scenarios: "what if our laptops lived 7 years, a third of purchases were refurbished, one
screen per agent, another electricity mix?" — baseline versus scenario.

Both sides are computed by the same function with different parameters:
- the steady state: a constant fleet where each device is replaced at the end of its lifespan,
  so that a category of n devices costs n × (E/L + yearly use) per year;
- the trajectory year by year up to 2030, starting from the inventory's real age pyramid. Each
  device in service is a "slot": its own embodied impact is amortised over [start, start + L);
  it is replaced at r0 = max(start + L, first year of the trajectory) — a device already past
  its lifespan is replaced at once — and from r0 on, the slot bears E_mix / L per year, where
  E_mix mixes new and refurbished purchases. A fleet reduction f removes a share f of the slots
  at their replacement. Closed forms, computed on groups: no simulation loop per device.
See docs/methodology.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Final

import polars as pl

from jalon.core.engine import DAYS_PER_YEAR, Options, prepare, with_stats
from jalon.core.factors import STATS, FactorSet
from jalon.core.model import CRITERIA, EMBODIED_PHASES, ReadReport

HORIZON: Final = 2030


@dataclass(frozen=True, slots=True)
class ScenarioParams:
    lifespans: dict[str, float] = field(default_factory=dict)  # category -> years
    refurbished: dict[str, float] = field(default_factory=dict)  # category -> share of purchases
    reduction: dict[str, float] = field(default_factory=dict)  # category -> share of fleet removed
    country: str | None = None  # electricity mix of the use phase


@dataclass(slots=True)
class Side:
    steady_state: pl.DataFrame  # category, criterion, value, min, max (per year)
    years: pl.DataFrame  # year, category, criterion, value, min, max, count


@dataclass(slots=True)
class ScenarioResult:
    start_year: int
    until: int
    factor_set: FactorSet
    params: ScenarioParams
    baseline: Side
    scenario: Side
    report: ReadReport
    rows_used: int
    rows_unclassified: int


def _year_float(column: pl.Expr) -> pl.Expr:
    """A date as a fractional year (2020-07-02 -> 2020.5), for interval arithmetic."""
    return column.dt.year().cast(pl.Float64) + (column.dt.ordinal_day().cast(pl.Float64) - 1) / (
        DAYS_PER_YEAR)


def _overlap(a0: pl.Expr, a1: pl.Expr, b0: float, b1: float) -> pl.Expr:
    return pl.max_horizontal(pl.min_horizontal(a1, pl.lit(b1)) - pl.max_horizontal(a0, pl.lit(b0)),
                             pl.lit(0.0))


def _slots(groups: pl.DataFrame, start_year: int) -> pl.DataFrame:
    """Devices in service at the start of the trajectory, with their start as a fractional year.
    A device without a date is taken at mid-life (documented assumption)."""
    t0 = dt.date(start_year, 1, 1)
    alive = groups.filter(~pl.col("retired_undated")
                          & (pl.col("end").is_null() | (pl.col("end") > pl.lit(t0))))
    return alive.with_columns(
        pl.coalesce(_year_float(pl.col("start")),
                    pl.lit(float(start_year)) - pl.col("lifespan") / 2).alias("s"))


def _side(slots: pl.DataFrame, factors: FactorSet, params: ScenarioParams,
          start_year: int, until: int, baseline_share: dict[str, float]) -> Side:
    lifespan = (pl.col("category").replace_strict(params.lifespans, default=None,
                                                  return_dtype=pl.Float64)
                .fill_null(pl.col("lifespan")))
    share = pl.col("category").replace_strict({**baseline_share, **params.refurbished},
                                              default=0.0, return_dtype=pl.Float64)
    reduction = pl.col("category").replace_strict(params.reduction, default=0.0,
                                                  return_dtype=pl.Float64)
    df = slots.with_columns(lifespan.alias("L"), share.alias("r"), reduction.alias("f"))
    if params.country:
        df = df.with_columns(pl.lit(params.country).alias("country"))
    df = df.join(factors.wide_electricity(), on="country", how="left")
    # Per-unit embodied of the device in place (E_orig, its own condition) and of a purchase
    # (E_mix = (1 - r) new + r refurbished), for each criterion and stat.
    new = _new_device_embodied(df, factors)
    df = df.with_columns(new)
    df = df.with_columns(pl.max_horizontal(pl.col("s") + pl.col("L"), pl.lit(float(start_year)))
                         .alias("r0"))
    q = pl.col("quantity").cast(pl.Float64)
    rows = []
    for year in range(start_year, until + 1):
        y0, y1 = float(year), float(year + 1)
        orig = _overlap(pl.col("s"), pl.col("s") + pl.col("L"), y0, y1)
        before = _overlap(pl.col("s"), pl.col("r0"), y0, y1)
        after = _overlap(pl.col("r0"), pl.lit(1e9), y0, y1)
        kept = 1 - pl.col("f")
        exprs = [pl.lit(year).alias("year"), pl.col("category"),
                 (q * pl.when(pl.col("r0") >= y1).then(pl.lit(1.0)).otherwise(kept)
                  * pl.when(pl.col("s") < y1).then(1.0).otherwise(0.0)).alias("count")]
        for c in CRITERIA:
            for stat in STATS:
                embodied = (pl.col(f"orig__{c}__{stat}") / pl.col("L") * orig
                            + kept * pl.col(f"mix__{c}__{stat}") / pl.col("L") * after)
                use = (pl.col(f"kwh__{stat}") * pl.col("pue")
                       * pl.col(f"elec__{c}__{stat}").fill_null(0.0) * (before + kept * after))
                exprs.append((q * embodied).alias(f"{c}__embodied__{stat}"))
                exprs.append((q * use).alias(f"{c}__use__{stat}"))
        rows.append(df.select(exprs))
    yearly = _long(pl.concat(rows), ["year", "category"])
    steady_exprs = [pl.col("category")]
    for c in CRITERIA:
        for stat in STATS:
            kept = q * (1 - pl.col("f"))
            steady_exprs.append((kept * pl.col(f"mix__{c}__{stat}") / pl.col("L"))
                                .alias(f"{c}__embodied__{stat}"))
            steady_exprs.append((kept * pl.col(f"kwh__{stat}") * pl.col("pue")
                                 * pl.col(f"elec__{c}__{stat}").fill_null(0.0))
                                .alias(f"{c}__use__{stat}"))
    steady = _long(df.select(steady_exprs), ["category"])
    return Side(steady, yearly)


def _new_device_embodied(df: pl.DataFrame, factors: FactorSet) -> list[pl.Expr]:
    """orig__: the device's embodied as prepared (already adjusted for its own condition);
    mix__: a purchase, new or refurbished in proportion r."""
    exprs = []
    for c in CRITERIA:
        for stat, avoided_stat in (("value", "value"), ("min", "max"), ("max", "min")):
            orig = sum((pl.col(f"{c}__{p}__{stat}") for p in EMBODIED_PHASES), pl.lit(0.0))
            # Rebuild a new device's manufacture from the prepared (possibly refurbished) one.
            manufacture_prepared = pl.col(f"{c}__manufacture__{stat}")
            own_avoided = pl.col(f"avoided__{avoided_stat}")
            manufacture_new = pl.when(own_avoided < 1).then(
                manufacture_prepared / (1 - own_avoided)).otherwise(0.0)
            others = orig - manufacture_prepared
            refurb_avoided = pl.col(f"refurb_avoided__{avoided_stat}")
            mix = (others + manufacture_new
                   * (1 - pl.col("r") * refurb_avoided))
            exprs.append(orig.alias(f"orig__{c}__{stat}"))
            exprs.append(mix.alias(f"mix__{c}__{stat}"))
    return exprs


def _long(wide: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    value_columns = [c for c in wide.columns if "__" in c]
    summed = wide.group_by(keys).agg([pl.col(c).sum() for c in value_columns]
                                     + ([pl.col("count").sum()] if "count" in wide.columns
                                        else []))
    index = keys + (["count"] if "count" in wide.columns else [])
    long = summed.unpivot(index=index, on=value_columns, variable_name="key")
    parts = pl.col("key").str.split("__")
    long = long.with_columns(parts.list.get(0).alias("criterion"), parts.list.get(1).alias("phase"),
                             parts.list.get(2).alias("stat"))
    pivoted = long.pivot(on="stat", index=[*index, "phase", "criterion"], values="value")
    return with_stats(pivoted).sort([*keys, "phase", "criterion"])


def run_scenario(frame: pl.DataFrame, factors: FactorSet, params: ScenarioParams,
                 start_year: int, until: int = HORIZON,
                 report: ReadReport | None = None) -> ScenarioResult:
    report = report if report is not None else ReadReport(read=frame.height)
    options = Options(year=start_year)
    groups, used, unclassified_rows, _ = prepare(frame, factors, options, report)
    refurb = factors.avoided_shares().filter(pl.col("condition") == "refurbished").select(
        "category", *[pl.col(f"avoided__{s}").alias(f"refurb_avoided__{s}") for s in STATS])
    groups = groups.join(refurb, on="category", how="left").with_columns(
        [pl.col(f"refurb_avoided__{s}").fill_null(0.0) for s in STATS])
    slots = _slots(groups, start_year)
    # Baseline share of refurbished or reused devices, per category, as the fleet has it today.
    shares = slots.group_by("category").agg(
        (pl.col("quantity").filter(pl.col("condition") != "new").sum()
         / pl.col("quantity").sum()).alias("share"))
    baseline_share = dict(shares.iter_rows())
    baseline = _side(slots, factors, ScenarioParams(), start_year, until, baseline_share)
    scenario = _side(slots, factors, params, start_year, until, baseline_share)
    return ScenarioResult(start_year, until, factors, params, baseline, scenario, report, used,
                          unclassified_rows)


@dataclass(frozen=True, slots=True)
class CurrentValues:
    """What a category's devices in service at the start of the trajectory are today: the
    values a scenario changes, shown beside its inputs."""

    count: int  # units in service on 1 January of the start year
    lifespan: float  # mean lifespan used by the footprint (years), weighted by quantity
    refurbished: float  # share of refurbished or reused units (0–1)


def current_values(frame: pl.DataFrame, factors: FactorSet, start_year: int
                   ) -> dict[str, CurrentValues]:
    """Per category, the units in service at the start, their mean lifespan (the device's own,
    else the organisation's hypothesis, else the reference) and their refurbished share — the
    same slots and shares the reference side of `run_scenario` uses."""
    if frame.height == 0:
        return {}
    groups, _used, _unclassified, _ = prepare(frame, factors, Options(year=start_year),
                                              ReadReport(read=frame.height))
    slots = _slots(groups, start_year)
    q = pl.col("quantity").cast(pl.Float64)
    rows = slots.group_by("category").agg(
        q.sum().alias("units"),
        ((pl.col("lifespan") * q).sum() / q.sum()).alias("lifespan"),
        (q.filter(pl.col("condition") != "new").sum() / q.sum()).alias("refurbished"))
    return {str(r["category"]): CurrentValues(int(r["units"]), float(r["lifespan"]),
                                              float(r["refurbished"] or 0.0))
            for r in rows.iter_rows(named=True) if r["units"]}
