"""The per-device hypotheses behind a footprint, in the open (issue: numbers people can trust).

For a device category the footprint rests on a handful of hypotheses: its lifespan, its yearly
electricity (power × hours of its usage profile), the grid's emission factor, and for servers and
storage the PUE of their room. Each comes from a row of the factor set with its source; an
organisation can replace some of them with its own value (`Override`, applied by the footprint
to its devices that do not carry their own value). Boavizta's defaults for the same kind of
device, read from the installed boaviztapi package, are compared with Jalon's: when they differ
by more than half, the reader is told why and how to change the hypothesis.

Pure: plain data in, plain data out (the factor set is read by jalon.core.factors).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Final

import polars as pl

from jalon.core.factors import FactorSet

# Hypotheses an organisation may replace, with the engine's column they fill.
OVERRIDABLE: Final = ("lifespan_years", "annual_kwh", "pue")
# Categories whose energy is multiplied by the PUE of their room.
DATA_CENTRE: Final = frozenset({"server", "storage"})
# Bounds a replaced value must respect (a typo must not produce an absurd footprint).
BOUNDS: Final = {"lifespan_years": (0.5, 30.0), "annual_kwh": (0.0, 100_000.0),
                 "pue": (1.0, 4.0)}
# The difference from Boavizta beyond which the page explains it (ratio > 1.5 or < 1/1.5).
NOTABLE_RATIO: Final = 1.5
HOURS_PER_YEAR: Final = 8760.0
# Jalon category -> Boavizta user-terminal archetype (boaviztapi data/archetypes).
BOAVIZTA_ARCHETYPES: Final = {
    "laptop": "laptop-pro", "desktop": "desktop-pro", "monitor": "monitor-default",
    "smartphone": "smartphone-default", "tablet": "tablet-default", "router": "box-default",
}


@dataclass(frozen=True, slots=True)
class Hypothesis:
    key: str  # lifespan_years, annual_kwh, grid_factor, pue
    value: float
    unit: str
    source: str
    note: str = ""
    default: float | None = None  # the factor set's value when an override replaces it
    reason: str = ""  # the override's reason


@dataclass(frozen=True, slots=True)
class Override:
    category: str
    key: str  # one of OVERRIDABLE
    value: float
    reason: str


@dataclass(frozen=True, slots=True)
class BoaviztaDefaults:
    archetype: str
    annual_kwh: float
    lifespan_years: float
    avg_power_w: float
    use_time_ratio: float


@dataclass(frozen=True, slots=True)
class Comparison:
    key: str  # annual_kwh or lifespan_years
    jalon: float
    boavizta: float
    ratio: float  # boavizta / jalon


def check_override(key: str, value: float) -> str | None:
    """Why a replaced value is refused (None: accepted)."""
    if key not in OVERRIDABLE:
        return f"unknown hypothesis {key!r}: expected one of {', '.join(OVERRIDABLE)}"
    low, high = BOUNDS[key]
    if not low <= value <= high:
        return f"{key} must lie between {low:g} and {high:g}"
    return None


def _row(frame: pl.DataFrame, **where: str) -> dict[str, object] | None:
    for column, wanted in where.items():
        frame = frame.filter(pl.col(column) == wanted)
    return frame.row(0, named=True) if frame.height else None


def category_hypotheses(factor_set: FactorSet, category: str, country: str = "FRA",
                        overrides: dict[str, Override] | None = None) -> list[Hypothesis]:
    """The hypotheses behind one category's footprint, in the factor set's words, with the
    organisation's overrides (by key) in their place."""
    overrides = overrides or {}
    out: list[Hypothesis] = []
    lifespan = _row(factor_set.lifespans, category=category)
    if lifespan is not None:
        out.append(Hypothesis("lifespan_years", float(str(lifespan["lifespan_years"])), "ans",
                              str(lifespan["source"]), str(lifespan.get("notes") or "")))
    usage = _row(factor_set.usage, category=category)
    if usage is not None:
        profile = _row(factor_set.profiles, profile=str(usage["profile"]))
        hours = float(str(profile["hours_per_year"])) if profile else 0.0
        power = float(str(usage["power_w"]))
        out.append(Hypothesis(
            "annual_kwh", power * hours / 1000, "kWh/an", str(usage["source"]),
            f"{power:g} W × {hours:g} h ({usage['profile']}). {usage.get('notes') or ''}".strip()))
        if category in DATA_CENTRE and profile is not None:
            out.append(Hypothesis("pue", float(str(profile["pue"] or 1.0)), "",
                                  str(profile["source"]), str(profile.get("notes") or "")))
    grid = _row(factor_set.electricity, country=country, criterion="gwp")
    if grid is not None:
        out.append(Hypothesis("grid_factor", float(str(grid["value"])), str(grid["unit"]),
                              str(grid["source"]), str(grid.get("notes") or "")))
    replaced: list[Hypothesis] = []
    for item in out:
        override = overrides.get(item.key)
        replaced.append(item if override is None else Hypothesis(
            item.key, override.value, item.unit, item.source, item.note, default=item.value,
            reason=override.reason))
    return replaced


def boavizta_archetypes_file() -> Path:
    return Path(str(resources.files("boaviztapi").joinpath(
        "data", "archetypes", "user_terminal.csv")))


def boavizta_defaults(category: str, path: Path | None = None) -> BoaviztaDefaults | None:
    """Boavizta's default use of a device of the category (its archetype's average power ×
    use-time ratio × 8,760 h, and its lifetime), from the installed boaviztapi's data."""
    archetype = BOAVIZTA_ARCHETYPES.get(category)
    if archetype is None:
        return None
    with (path or boavizta_archetypes_file()).open(encoding="utf-8", newline="") as handle:
        row = next((r for r in csv.DictReader(handle) if r["id"] == archetype), None)
    if row is None or not row.get("USAGE.avg_power"):
        return None
    power = float(row["USAGE.avg_power"].split(";")[0])  # "default;min;max"
    ratio = float(row["USAGE.use_time_ratio"])
    hours_life = float(row["USAGE.hours_life_time"] or 0)
    return BoaviztaDefaults(archetype, power * ratio * HOURS_PER_YEAR / 1000,
                            hours_life / HOURS_PER_YEAR, power, ratio)


def notable_differences(hypotheses: list[Hypothesis], boavizta: BoaviztaDefaults | None
                        ) -> list[Comparison]:
    """The hypotheses where Boavizta's default differs from Jalon's by more than half."""
    if boavizta is None:
        return []
    theirs = {"annual_kwh": boavizta.annual_kwh, "lifespan_years": boavizta.lifespan_years}
    out = []
    for item in hypotheses:
        other = theirs.get(item.key)
        if other is None or not item.value or not other:
            continue
        ratio = other / item.value
        if ratio > NOTABLE_RATIO or ratio < 1 / NOTABLE_RATIO:
            out.append(Comparison(item.key, item.value, other, ratio))
    return out


def apply_overrides(frame: pl.DataFrame, overrides: list[Override]) -> pl.DataFrame:
    """The engine's frame with the organisation's values where a device has none of its own:
    a value written on the device in the inventory stays the most specific."""
    for override in overrides:
        if override.key not in frame.columns:
            continue
        frame = frame.with_columns(
            pl.when((pl.col("category") == override.category) & pl.col(override.key).is_null())
            .then(pl.lit(override.value, dtype=pl.Float64))
            .otherwise(pl.col(override.key).cast(pl.Float64)).alias(override.key))
    return frame
