"""The footprint engine: an inventory and a factor set in, impacts by category and phase out.

Everything is computed on groups of identical devices (same factors, dates, lifespan, condition,
country and consumption) with Polars expressions: no Python loop per device. The methods are
described, with their reasons and sources, in docs/methodology.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Final, Literal

import polars as pl

from jalon.core.bounds import BOUNDS, COMPUTED
from jalon.core.classify import classify, unclassified_summary
from jalon.core.factors import STATS, FactorSet
from jalon.core.model import (
    CRITERIA,
    DATA_CENTRE_CATEGORIES,
    EMBODIED_PHASES,
    PHASES,
    RETIRED_STATUS,
    Problem,
    ReadReport,
)
from jalon.core.servers import CONFIG_COLUMNS, config_key, resolve_servers

Method = Literal["stock", "flux"]
LifespanRule = Literal["reference", "real"]
DAYS_PER_YEAR: Final = 365.25
DEFAULT_COUNTRY: Final = "FRA"
UNKNOWN_SERVER: Final = "server:" + "/".join("-" for _ in CONFIG_COLUMNS)
GROUP_KEYS: Final = ("factor_key", "category", "start", "end", "retired_undated", "lifespan",
                     "condition", "country", "annual_kwh", "pue")
# What decides a device's per-unit factors (embodied, consumption, electricity mix).
FACTOR_GROUP_KEYS: Final = ("factor_key", "category", "condition", "country", "annual_kwh", "pue")


@dataclass(frozen=True, slots=True)
class Options:
    year: int
    method: Method = "stock"
    lifespan_rule: LifespanRule = "reference"
    country: str = DEFAULT_COUNTRY
    lifespans: dict[str, float] = field(default_factory=dict)  # scenario overrides
    # Extra breakdowns beside categories, e.g. ("entity", "site"): kept in the groups.
    dimensions: tuple[str, ...] = ()


@dataclass(slots=True)
class Footprint:
    """Impacts of one year, long format: one row per (category, phase, criterion)."""

    year: int
    method: Method
    lifespan_rule: LifespanRule
    factor_set: FactorSet
    impacts: pl.DataFrame  # category, phase, criterion, value, min, max
    categories: pl.DataFrame  # category, count, lifespan_years
    report: ReadReport
    rows_used: int
    rows_unclassified: int
    unclassified: list[dict[str, object]]
    by_dimension: dict[str, pl.DataFrame] = field(default_factory=dict)


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year + 1, 1, 1)


# --- preparation: one table of device groups with their per-unit factors -------------------

@dataclass(slots=True)
class Devices:
    """The classified devices of an inventory, one row per record, ready to be grouped."""

    frame: pl.DataFrame  # canonical columns + start, end, lifespan, factor_key, ...
    server_rows: pl.DataFrame  # the physical servers, with their configuration columns
    unclassified_rows: int
    unclassified: list[dict[str, object]]


def prepare_devices(frame: pl.DataFrame, factors: FactorSet, options: Options,
                    report: ReadReport) -> Devices:
    """Classify, and attach lifespans, countries and factor keys to every device record."""
    classified = classify(computable(frame, report))
    unclassified = classified.filter(pl.col("category").is_null())
    devices = classified.filter(pl.col("category").is_not_null()) if unclassified.height \
        else classified

    reference = factors.lifespan_table()
    override = {k: float(v) for k, v in options.lifespans.items()}
    known_countries = factors.countries()
    unknown_countries = _unknown_countries(devices, known_countries, options.country)
    report.problems.extend(unknown_countries)

    scenario_lifespan = pl.col("category").replace_strict(override, default=None,
                                                          return_dtype=pl.Float64)
    reference_lifespan = pl.col("category").replace_strict(reference, default=None,
                                                           return_dtype=pl.Float64)
    # The status column is free text in asset tools and empty in most canonical files.
    status_retired = (pl.col("status").str.to_lowercase().str.contains(RETIRED_STATUS)
                      if devices.get_column("status").null_count() < devices.height
                      else pl.lit(False))
    country = pl.col("country")
    if unknown_countries or devices.get_column("country").null_count():
        country = (pl.when(country.is_in(list(known_countries))).then(country)
                   .otherwise(pl.lit(options.country)))
    # A server flagged virtual is a virtual machine: its host carries the embodied impact.
    virtual_server = (pl.col("category") == "server") & pl.col("is_virtual").fill_null(False)
    devices = devices.with_columns(
        pl.col("quantity").fill_null(1),
        pl.coalesce("commissioning_date", "purchase_date").alias("start"),
        pl.col("retirement_date").alias("end"),
        (status_retired.fill_null(False) & pl.col("retirement_date").is_null())
        .alias("retired_undated"),
        pl.coalesce(scenario_lifespan, pl.col("lifespan_years"), reference_lifespan)
        .alias("lifespan"),
        country.alias("country"),
        pl.col("condition").fill_null("new"),
        pl.when(virtual_server).then(pl.lit("virtual_machine")).otherwise(pl.col("category"))
        .alias("category"),
    ).with_columns(pl.col("category").alias("factor_key"))
    is_server_row = devices.get_column("category") == "server"
    server_rows = devices.filter(is_server_row)
    if server_rows.height:
        # Only the servers (a few percent of an estate) need their configuration's key: it is
        # computed once per distinct configuration and written back in place, rows kept in order.
        keys = server_rows.select(CONFIG_COLUMNS).unique()
        mapping = pl.DataFrame({
            **{c: keys.get_column(c) for c in CONFIG_COLUMNS},
            "factor_key": [config_key(r) for r in keys.iter_rows(named=True)],
        })
        server_keys = server_rows.select(CONFIG_COLUMNS).join(
            mapping, on=list(CONFIG_COLUMNS), how="left", nulls_equal=True,
            maintain_order="left").get_column("factor_key")
        factor_key = devices.get_column("factor_key").scatter(is_server_row.arg_true(),
                                                              server_keys)
        devices = devices.with_columns(factor_key)
    return Devices(devices, server_rows, unclassified.height,
                   unclassified_summary(unclassified))


def prepare(frame: pl.DataFrame, factors: FactorSet, options: Options,
            report: ReadReport) -> tuple[pl.DataFrame, int, int, list[dict[str, object]]]:
    """Groups of identical devices (same factors, dates, lifespan...) with per-unit factors.

    Used by scenarios, which follow each group's dates over the years. Returns (groups, rows
    used, rows unclassified, unclassified list).
    """
    devices = prepare_devices(frame, factors, options, report)
    groups = (
        devices.frame.group_by([*GROUP_KEYS, *options.dimensions])
        .agg(pl.col("quantity").sum().alias("quantity"))
    )
    groups = attach_factors(groups, devices.server_rows, factors, report)
    return groups, devices.frame.height, devices.unclassified_rows, devices.unclassified


def attach_factors(groups: pl.DataFrame, server_rows: pl.DataFrame,
                   factors: FactorSet, report: ReadReport) -> pl.DataFrame:
    """Per-unit embodied factors (adjusted for refurbished/reused), yearly kWh and PUE."""
    embodied = factors.wide_embodied().rename({"category": "factor_key"})
    kwh = factors.annual_kwh_table().rename({"category": "factor_key"}).drop("profile")
    table = embodied.join(kwh, on="factor_key", how="full", coalesce=True)
    if server_rows.height:
        servers, failures = resolve_servers(server_rows)
        report.problems.extend(
            Problem("boaviztapi", 0, "server configuration", key,
                    f"Boavizta's model refused this configuration ({message}); its generic "
                    "server is used instead; check the CPU, memory and disk figures")
            for key, message in failures)
        hours = 8760.0
        pue = float(factors.profiles.filter(pl.col("profile") == "data_centre")
                    .get_column("pue")[0])
        servers = servers.select(
            "factor_key",
            *[pl.col(c) if c in servers.columns else pl.lit(0.0).alias(c)
              for c in embodied.columns if c != "factor_key"],
            *[(pl.col(f"power__{s}") * hours / 1000).alias(f"kwh__{s}") for s in STATS],
            pl.lit(pue).alias("pue_default"),
        )
        # A server whose configuration is unknown gets Boavizta's generic embodied impact but
        # the measured average power of usage.csv (a PCF), not a power modelled for no config.
        generic = kwh.filter(pl.col("factor_key") == "server")
        if generic.height:
            unknown = pl.col("factor_key") == UNKNOWN_SERVER
            servers = servers.with_columns(
                [pl.when(unknown).then(pl.lit(float(generic.get_column(f"kwh__{s}")[0])))
                 .otherwise(pl.col(f"kwh__{s}")).alias(f"kwh__{s}") for s in STATS])
        table = pl.concat([table, servers], how="diagonal_relaxed")
    joined = groups.join(table, on="factor_key", how="left")
    avoided = factors.avoided_shares()
    joined = joined.join(avoided, on=["category", "condition"], how="left").with_columns(
        [pl.col(f"avoided__{s}").fill_null(0.0) for s in STATS])
    # A refurbished or reused device does not carry the manufacture of a new one: the share
    # avoided comes from refurbishment.csv (ADEME 2022). Its min uses the largest share avoided.
    adjust = []
    for criterion in CRITERIA:
        for stat, avoided_stat in (("value", "value"), ("min", "max"), ("max", "min")):
            col = f"{criterion}__manufacture__{stat}"
            adjust.append((pl.col(col).fill_null(0.0)
                           * (1 - pl.col(f"avoided__{avoided_stat}"))).alias(col))
    virtual = pl.col("category") == "virtual_machine"
    data_centre = pl.col("category").is_in(list(DATA_CENTRE_CATEGORIES))
    return joined.with_columns(adjust).with_columns(
        # A VM's electricity is its host's: only a declared consumption is counted for it.
        [pl.when(virtual).then(pl.col("annual_kwh").fill_null(0.0))
         .otherwise(pl.coalesce(pl.col("annual_kwh"), pl.col(f"kwh__{s}"), pl.lit(0.0)))
         .alias(f"kwh__{s}") for s in STATS]
        + [pl.when(data_centre).then(pl.coalesce("pue", "pue_default", pl.lit(1.0)))
           .otherwise(pl.lit(1.0)).alias("pue")]
        + [pl.col(c).fill_null(0.0) for c in _embodied_columns()]
    )


def _embodied_columns() -> list[str]:
    return [f"{c}__{p}__{s}" for c in CRITERIA for p in EMBODIED_PHASES for s in STATS]


def _unknown_countries(devices: pl.DataFrame, known: set[str], default: str) -> list[Problem]:
    bad = devices.filter(pl.col("country").is_not_null() & ~pl.col("country").is_in(list(known)))
    # A device entered by hand (API, form) has no file line: 0, as for a whole-file problem.
    return [Problem(str(src), int(line or 0), "country", str(value),
                    f"no electricity mix for this country in the factor set; {default} is used")
            for src, line, value in bad.select("source", "line", "country").iter_rows()]


def computable(frame: pl.DataFrame, report: ReadReport) -> pl.DataFrame:
    """The records the engine can compute; each other one becomes a problem, left out.

    Readers and the database refuse values out of bounds (jalon.core.bounds), but a frame may
    come from anywhere (a legacy row, a script, a file read by an older version): a negative
    lifespan or an infinite consumption would turn the whole footprint negative or infinite,
    so such a device is named and not counted, rather than failing or corrupting the total.
    """
    checks = [(name, pl.col(name)) for name in COMPUTED if name in frame.columns]
    if not checks or frame.height == 0:
        return frame
    wrong = []
    for name, column in checks:
        bound = BOUNDS[name]
        number = column.cast(pl.Float64, strict=False)
        low = number > bound.minimum if bound.exclusive_minimum else number >= bound.minimum
        within = number.is_finite() & low & (number <= bound.maximum)
        wrong.append((name, column.is_not_null() & ~within.fill_null(False)))
    bad = pl.any_horizontal([flag for _name, flag in wrong])
    flagged = frame.with_columns([flag.alias(f"__bad_{name}") for name, flag in wrong])
    rejected = flagged.filter(bad)
    if rejected.height == 0:
        return frame
    for row in rejected.iter_rows(named=True):
        for name, _flag in wrong:
            if row[f"__bad_{name}"]:
                report.problems.append(Problem.of(
                    str(row.get("source") or "inventory"), int(row.get("line") or 0), name,
                    str(row[name]),
                    "value out of bounds (expected {expected}); the device cannot be computed "
                    "and is left out of the footprint; correct it in the inventory",
                    expected=BOUNDS[name].describe()))
    return frame.filter(~bad)


# --- fractions of a year: how much of each group's impact falls in year N -------------------

def _days(later: pl.Expr, earlier: pl.Expr) -> pl.Expr:
    return (later - earlier).dt.total_days().cast(pl.Float64)


def year_fractions(groups: pl.DataFrame, options: Options) -> pl.DataFrame:
    """Add `embodied_fraction` (share of a unit's embodied impact charged to year N) and
    `use_fraction` (share of the year in service) per the chosen method."""
    ys, ye = year_bounds(options.year)
    days_in_year = float((ye - ys).days)
    start, end = pl.col("start"), pl.col("end")
    lit_ys, lit_ye = pl.lit(ys), pl.lit(ye)
    service_end = pl.min_horizontal(end.fill_null(lit_ye), lit_ye)
    service_start = pl.max_horizontal(start.fill_null(lit_ys), lit_ys)
    in_days = pl.max_horizontal(_days(service_end, service_start), pl.lit(0.0))
    in_days = pl.when(pl.col("retired_undated")).then(0.0).otherwise(in_days)
    use_fraction = in_days / days_in_year
    lifespan_days = pl.col("lifespan") * DAYS_PER_YEAR

    if options.method == "flux":
        bought = pl.coalesce("purchase_date", "commissioning_date").dt.year() == options.year
        embodied = pl.when(bought).then(1.0).otherwise(0.0)
    elif options.lifespan_rule == "real":
        # NumEcoEval's dureeUsage=REEL: lifespan = retirement (or the end of year N) minus the
        # purchase date, never under one year; every year in service bears 1/lifespan.
        real_days = _days(pl.min_horizontal(end.fill_null(lit_ye), lit_ye), start)
        real_years = pl.max_horizontal(real_days / DAYS_PER_YEAR, pl.lit(1.0))
        embodied = pl.when(start.is_null()).then(use_fraction / pl.col("lifespan")).otherwise(
            use_fraction / real_years)
    else:
        amortised_end = start + pl.duration(days=lifespan_days.round(0).cast(pl.Int64))
        amortised_days = pl.max_horizontal(
            _days(pl.min_horizontal(service_end, amortised_end), service_start), pl.lit(0.0))
        amortised_days = pl.when(pl.col("retired_undated")).then(0.0).otherwise(amortised_days)
        # Undated devices: in service and not yet amortised (the cautious reading).
        embodied = pl.when(start.is_null()).then(use_fraction / pl.col("lifespan")).otherwise(
            amortised_days / lifespan_days)
    counted_at_end = (
        (start.is_null() | (start < lit_ye)) & (end.is_null() | (end >= lit_ye))
        & ~pl.col("retired_undated")
    )
    return groups.with_columns(
        embodied.alias("embodied_fraction"),
        use_fraction.alias("use_fraction"),
        pl.when(counted_at_end).then(pl.col("quantity")).otherwise(0).alias("in_service_end"),
    )


def impact_columns(groups: pl.DataFrame, elec: pl.DataFrame) -> pl.DataFrame:
    """Multiply the groups' device-years by per-unit factors: `<criterion>__<phase>__<stat>`.

    `embodied_units` is the number of units' embodied impact charged to the year (sum of
    quantity × embodied fraction), `use_units` the number of unit-years in service.
    """
    with_elec = groups.join(elec, on="country", how="left")
    exprs = []
    for criterion in CRITERIA:
        for phase in EMBODIED_PHASES:
            for stat in STATS:
                col = f"{criterion}__{phase}__{stat}"
                exprs.append((pl.col("embodied_units") * pl.col(col)).alias(col))
        for stat in STATS:
            exprs.append(
                (pl.col("use_units") * pl.col(f"kwh__{stat}") * pl.col("pue")
                 * pl.col(f"elec__{criterion}__{stat}").fill_null(0.0))
                .alias(f"{criterion}__use__{stat}"))
    return with_elec.with_columns(exprs)


def to_long(wide: pl.DataFrame, by: str = "category") -> pl.DataFrame:
    """Sum the wide impact columns by `by` and reshape to (by, phase, criterion, stats)."""
    columns = [f"{c}__{p}__{s}" for c in CRITERIA for p in PHASES for s in STATS]
    summed = wide.group_by(by).agg([pl.col(c).sum() for c in columns])
    long = summed.unpivot(index=by, on=columns, variable_name="key")
    parts = pl.col("key").str.split("__")
    long = long.with_columns(parts.list.get(0).alias("criterion"), parts.list.get(1).alias("phase"),
                             parts.list.get(2).alias("stat"))
    wide_stats = long.pivot(on="stat", index=[by, "phase", "criterion"], values="value")
    return with_stats(wide_stats).sort(by, "phase", "criterion")


def with_stats(frame: pl.DataFrame) -> pl.DataFrame:
    """An empty inventory pivots to no stat column at all: add them, empty, in Float64."""
    missing = [pl.lit(None, pl.Float64).alias(s) for s in STATS if s not in frame.columns]
    return frame.with_columns(missing) if missing else frame


def compute(frame: pl.DataFrame, factors: FactorSet, options: Options,
            report: ReadReport | None = None) -> Footprint:
    report = report if report is not None else ReadReport(read=frame.height)
    devices = prepare_devices(frame, factors, options, report)
    # Each device's share of the year is computed on its own row (a few vectorised operations),
    # then devices that share every per-unit factor are summed: a few hundred groups, whatever
    # the dates, so the factors are joined and multiplied once per group.
    fractions = year_fractions(devices.frame, options)
    quantity = pl.col("quantity").cast(pl.Float64)
    groups = fractions.group_by([*FACTOR_GROUP_KEYS, *options.dimensions]).agg(
        (quantity * pl.col("embodied_fraction")).sum().alias("embodied_units"),
        (quantity * pl.col("use_fraction")).sum().alias("use_units"),
        pl.col("in_service_end").sum(),
        pl.col("quantity").sum(),
        (quantity * pl.col("lifespan")).sum().alias("lifespan_units"),
    )
    groups = attach_factors(groups, devices.server_rows, factors, report)
    wide = impact_columns(groups, factors.wide_electricity())
    impacts = to_long(wide)
    categories = wide.group_by("category").agg(
        pl.col("in_service_end").sum().alias("count"),
        (pl.col("lifespan_units").sum() / pl.col("quantity").sum()).alias("lifespan_years"),
    ).sort("category")
    by_dimension = {dim: to_long(wide.with_columns(pl.col(dim).fill_null("")), by=dim)
                    for dim in options.dimensions}
    return Footprint(options.year, options.method, options.lifespan_rule, factors, impacts,
                     categories, report, devices.frame.height, devices.unclassified_rows,
                     devices.unclassified, by_dimension)
