"""Rendering results to the JSON contract of docs/json-output.md (a stable interface).

Only plain dicts, lists, strings and numbers come out of here: the CLI prints them, the web
platform and the API will serve them.
"""

from __future__ import annotations

from typing import Any, Final

import polars as pl

from jalon.core.engine import Footprint
from jalon.core.factors import FactorSet
from jalon.core.model import CATEGORIES, CRITERIA, PHASES, UNITS
from jalon.core.servers import BOAVIZTA_CRITERIA

SCHEMA_VERSION: Final = "1.0"


Triple = tuple[float, float, float]
ZERO: Final[Triple] = (0.0, 0.0, 0.0)


def _triple(values: Triple, criterion: str) -> dict[str, Any]:
    value, low, high = values
    return {"value": value, "min": low, "max": high, "unit": UNITS[criterion]}


def _sums(impacts: pl.DataFrame, by: list[str]) -> dict[tuple[Any, ...], Triple]:
    grouped = impacts.group_by(by).agg(pl.col("value").sum(), pl.col("min").sum(),
                                       pl.col("max").sum())
    n = len(by)
    return {tuple(row[:n]): (float(row[n]), float(row[n + 1]), float(row[n + 2]))
            for row in grouped.iter_rows()}


def criteria_coverage(factors: FactorSet) -> dict[str, Any]:
    """Which phases each criterion is assessed for: a 0 must not read as 'no impact'."""
    embodied = factors.embodied.filter(pl.col("value") != 0)
    coverage: dict[str, Any] = {}
    for criterion in CRITERIA:
        phases = set(embodied.filter(pl.col("criterion") == criterion)
                     .get_column("phase").to_list())
        if criterion in BOAVIZTA_CRITERIA:
            phases.add("manufacture")
        if factors.electricity.filter(pl.col("criterion") == criterion).height:
            phases.add("use")
        coverage[criterion] = {"unit": UNITS[criterion],
                               "phases_assessed": [p for p in PHASES if p in phases]}
    return coverage


def footprint_to_dict(result: Footprint) -> dict[str, Any]:
    impacts = result.impacts
    totals = _sums(impacts, ["criterion"])
    by_phase = _sums(impacts, ["phase", "criterion"])
    by_cat = _sums(impacts, ["category", "criterion"])
    counts = {row["category"]: row for row in result.categories.iter_rows(named=True)}
    by_category: dict[str, Any] = {}
    for category in CATEGORIES:
        if category not in counts:
            continue
        entry: dict[str, Any] = {
            "count": int(counts[category]["count"]),
            "lifespan_years": (None if counts[category]["lifespan_years"] is None
                               else round(float(counts[category]["lifespan_years"]), 3)),
        }
        for criterion in CRITERIA:
            entry[criterion] = _triple(by_cat.get((category, criterion), ZERO), criterion)
        by_category[category] = entry
    report = result.report
    return {
        "schema_version": SCHEMA_VERSION,
        "year": result.year,
        "method": result.method,
        "lifespan_rule": result.lifespan_rule,
        "factor_set": {"name": result.factor_set.name, "version": result.factor_set.version},
        "criteria": criteria_coverage(result.factor_set),
        "totals": {c: _triple(totals.get((c,), ZERO), c) for c in CRITERIA},
        "by_category": by_category,
        "by_phase": {p: {c: _triple(by_phase.get((p, c), ZERO), c) for c in CRITERIA}
                     for p in PHASES},
        "rows": {
            "read": report.read,
            "used": result.rows_used,
            "unclassified": result.rows_unclassified,
            "unclassified_types": [_plain(u) for u in result.unclassified],
            "problems": [p.as_dict() for p in report.problems],
        },
        "formats": report.formats,
        **{f"by_{dim}": _by_dimension(table) for dim, table in result.by_dimension.items()},
    }


def _by_dimension(table: pl.DataFrame) -> dict[str, Any]:
    """Totals per value of a dimension (entity, site); "" for devices without one."""
    key = table.columns[0]
    sums = _sums(table, [key, "criterion"])
    values = sorted({k for k, _ in sums})
    return {value: {c: _triple(sums.get((value, c), ZERO), c) for c in CRITERIA}
            for value in values}


def _plain(row: dict[str, object]) -> dict[str, object]:
    return {k: (list(v) if isinstance(v, pl.Series) else v) for k, v in row.items()}


def _side_to_dict(steady: pl.DataFrame, years: pl.DataFrame) -> dict[str, Any]:
    steady_totals = _sums(steady, ["criterion"])
    steady_cat = _sums(steady, ["category", "criterion"])
    categories = sorted(set(steady.get_column("category").to_list()))
    counts = (years.group_by("year", "category").agg(pl.col("count").first())
              if years.height else years)
    year_totals = _sums(years, ["year", "criterion"])
    year_count = dict(counts.group_by("year").agg(pl.col("count").sum()).iter_rows())
    first_year = min(year_count) if year_count else None
    first_counts = {c: n for y, c, n in counts.iter_rows() if y == first_year}
    return {
        "steady_state": {
            "count": round(sum(first_counts.values())),
            "totals": {c: _triple(steady_totals.get((c,), ZERO), c) for c in CRITERIA},
            "by_category": {
                cat: {crit: _triple(steady_cat.get((cat, crit), ZERO), crit)
                      for crit in CRITERIA}
                for cat in categories
            },
        },
        "years": [
            {"year": year, "count": round(float(year_count[year]), 1),
             "totals": {c: _triple(year_totals.get((year, c), ZERO), c) for c in CRITERIA}}
            for year in sorted(year_count)
        ],
    }


def scenario_to_dict(result: Any) -> dict[str, Any]:
    params = result.params
    report = result.report
    return {
        "schema_version": SCHEMA_VERSION,
        "start_year": result.start_year,
        "until": result.until,
        "factor_set": {"name": result.factor_set.name, "version": result.factor_set.version},
        "parameters": {
            "lifespans": params.lifespans,
            "refurbished": params.refurbished,
            "reduction": params.reduction,
            "mix": params.country,
        },
        "baseline": _side_to_dict(result.baseline.steady_state, result.baseline.years),
        "scenario": _side_to_dict(result.scenario.steady_state, result.scenario.years),
        "rows": {
            "read": report.read,
            "used": result.rows_used,
            "unclassified": result.rows_unclassified,
            "problems": [p.as_dict() for p in report.problems],
        },
    }
