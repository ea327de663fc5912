"""Reference data: the factor set the engine computes with, loaded from versioned data files.

A factor set is a folder with a `factor_set.json` manifest and tidy CSV files, each described by
a Table Schema in `schemas/` and carrying source, year, licence and min/max on every row
(docs/reference-data.md). The shipped set is `jalon-fr`; another folder can be passed to use
an authority's own factors.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Final

import polars as pl

from jalon.core.model import CRITERIA, EMBODIED_PHASES

DEFAULT_SET: Final = "jalon-fr"
STATS: Final = ("value", "min", "max")


class FactorSetError(Exception):
    pass


@dataclass(frozen=True)
class FactorSet:
    name: str
    version: str
    description: str
    embodied: pl.DataFrame  # category, criterion, phase, value, min, max, unit, source, ...
    lifespans: pl.DataFrame  # category, lifespan_years, min, max, source, ...
    usage: pl.DataFrame  # category, profile, power_w, power_min_w, power_max_w, source, ...
    profiles: pl.DataFrame  # profile, hours_per_year, pue, min_hours, max_hours, source, ...
    electricity: pl.DataFrame  # country, criterion, value, min, max, unit, source, ...
    refurbishment: pl.DataFrame  # category, condition, avoided_share, min, max, source, ...

    def lifespan(self, category: str) -> float:
        row = self.lifespans.filter(pl.col("category") == category)
        if row.height == 0:
            raise FactorSetError(f"{self.name}: no reference lifespan for {category}")
        return float(row.get_column("lifespan_years")[0])

    def lifespan_table(self) -> dict[str, float]:
        return dict(zip(self.lifespans.get_column("category").to_list(),
                        self.lifespans.get_column("lifespan_years").cast(pl.Float64).to_list(),
                        strict=True))

    def countries(self) -> set[str]:
        return set(self.electricity.get_column("country").to_list())

    def wide_embodied(self) -> pl.DataFrame:
        """One row per category: columns `<criterion>__<phase>__<stat>` for the embodied phases."""
        long = self.embodied.select("category", "criterion", "phase", *STATS)
        columns = [f"{c}__{p}__{s}" for c in CRITERIA for p in EMBODIED_PHASES for s in STATS]
        melted = long.unpivot(index=["category", "criterion", "phase"], on=list(STATS),
                              variable_name="stat", value_name="amount")
        melted = melted.with_columns(
            (pl.col("criterion") + "__" + pl.col("phase") + "__" + pl.col("stat")).alias("key"))
        wide = melted.pivot(on="key", index="category", values="amount",
                            aggregate_function="sum")
        missing = [pl.lit(0.0).alias(c) for c in columns if c not in wide.columns]
        return wide.with_columns(missing).select("category", *columns)

    def wide_electricity(self) -> pl.DataFrame:
        """One row per country: columns `elec__<criterion>__<stat>` per kWh."""
        melted = self.electricity.select("country", "criterion", *STATS).unpivot(
            index=["country", "criterion"], on=list(STATS), variable_name="stat",
            value_name="amount")
        melted = melted.with_columns(
            ("elec__" + pl.col("criterion") + "__" + pl.col("stat")).alias("key"))
        wide = melted.pivot(on="key", index="country", values="amount", aggregate_function="sum")
        columns = [f"elec__{c}__{s}" for c in CRITERIA for s in STATS]
        missing = [pl.lit(0.0).alias(c) for c in columns if c not in wide.columns]
        return wide.with_columns(missing).select("country", *columns)

    def annual_kwh_table(self) -> pl.DataFrame:
        """Per category: yearly kWh (value, min, max) from power × profile hours × PUE."""
        joined = self.usage.join(self.profiles, on="profile", how="left")
        hours = pl.col("hours_per_year").cast(pl.Float64)
        pue = pl.col("pue").cast(pl.Float64).fill_null(1.0)
        return joined.select(
            "category", "profile",
            (pl.col("power_w") * hours / 1000).alias("kwh__value"),
            (pl.col("power_min_w") * pl.col("min_hours").cast(pl.Float64).fill_null(hours)
             / 1000).alias("kwh__min"),
            (pl.col("power_max_w") * pl.col("max_hours").cast(pl.Float64).fill_null(hours)
             / 1000).alias("kwh__max"),
            pue.alias("pue_default"),
        )

    def avoided_shares(self) -> pl.DataFrame:
        """Per category and condition: share of a new device's manufacture impact avoided."""
        return self.refurbishment.select(
            "category", "condition",
            pl.col("avoided_share").alias("avoided__value"),
            pl.col("min").alias("avoided__min"),
            pl.col("max").alias("avoided__max"),
        )

    def sources(self) -> list[dict[str, object]]:
        """Every distinct source the set cites, for 'where do these figures come from'."""
        frames = [
            df.select(
                pl.lit(name).alias("file"),
                pl.col("source").cast(pl.Utf8),
                pl.col("year").cast(pl.Utf8),
                pl.col("licence").cast(pl.Utf8),
                (pl.col("source_url").cast(pl.Utf8) if "source_url" in df.columns
                 else pl.lit(None, pl.Utf8)).alias("source_url"),
            )
            for name, df in self.tables().items()
        ]
        return pl.concat(frames).unique(maintain_order=True).to_dicts()

    def tables(self) -> dict[str, pl.DataFrame]:
        return {
            "embodied": self.embodied, "lifespans": self.lifespans, "usage": self.usage,
            "profiles": self.profiles, "electricity": self.electricity,
            "refurbishment": self.refurbishment,
        }


def builtin_sets_dir() -> Path:
    return Path(str(resources.files("jalon.data").joinpath("reference")))


def available_sets() -> dict[str, Path]:
    root = builtin_sets_dir()
    manifest = json.loads((root / "factor_set.json").read_text(encoding="utf-8"))
    return {str(manifest["name"]): root}


@cache
def load_factor_set(name_or_path: str = DEFAULT_SET) -> FactorSet:
    sets = available_sets()
    folder = sets.get(name_or_path) or Path(name_or_path)
    manifest_path = folder / "factor_set.json"
    if not manifest_path.is_file():
        raise FactorSetError(
            f"unknown factor set {name_or_path!r}: use one of {', '.join(sets)} "
            "or a folder holding a factor_set.json")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    files: dict[str, str] = manifest["files"]
    tables = {key: pl.read_csv(folder / filename, infer_schema_length=None)
              for key, filename in files.items()}
    for key in ("embodied", "lifespans", "usage", "profiles", "electricity", "refurbishment"):
        if key not in tables:
            raise FactorSetError(f"{manifest_path}: the manifest lists no {key!r} file")
    float_columns = ("value", "min", "max", "lifespan_years", "power_w", "power_min_w",
                     "power_max_w", "hours_per_year", "pue", "min_hours", "max_hours",
                     "avoided_share")
    for key, table in tables.items():
        tables[key] = table.with_columns(
            [pl.col(c).cast(pl.Float64) for c in float_columns if c in table.columns])
    return FactorSet(
        name=str(manifest["name"]),
        version=str(manifest["version"]),
        description=str(manifest.get("description", "")),
        **tables,
    )
