"""What every reader returns: one table in the canonical inventory schema, plus a report.

The canonical columns are documented for people in `jalon/data/schemas/inventory.schema.json`
(a Table Schema); this module is their typed twin for the engine. A test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

import polars as pl

from jalon.core.model import Problem, ReadReport

CANONICAL_DTYPES: Final[dict[str, Any]] = {
    "inventory_number": pl.Utf8,
    "name": pl.Utf8,
    "category": pl.Utf8,
    "item_type": pl.Utf8,
    "type": pl.Utf8,
    "manufacturer": pl.Utf8,
    "model": pl.Utf8,
    "quantity": pl.Int64,
    "purchase_date": pl.Date,
    "commissioning_date": pl.Date,
    "retirement_date": pl.Date,
    "lifespan_years": pl.Float64,
    "purchase_price_eur": pl.Float64,
    "condition": pl.Utf8,
    "status": pl.Utf8,
    "entity": pl.Utf8,
    "site": pl.Utf8,
    "user": pl.Utf8,
    "country": pl.Utf8,
    "annual_kwh": pl.Float64,
    "is_virtual": pl.Boolean,
    "cpu_units": pl.Int64,
    "cpu_cores": pl.Int64,
    "ram_gb": pl.Float64,
    "ssd_count": pl.Int64,
    "ssd_capacity_gb": pl.Float64,
    "hdd_count": pl.Int64,
    "hdd_capacity_gb": pl.Float64,
    "pue": pl.Float64,
    "disposal": pl.Utf8,
    "weight_kg": pl.Float64,
    "comment": pl.Utf8,
}

# Where each row came from, so that every figure can be traced back to a line of a file.
PROVENANCE_DTYPES: Final[dict[str, Any]] = {"source": pl.Utf8, "line": pl.Int64}

CANONICAL_COLUMNS: Final[tuple[str, ...]] = tuple(CANONICAL_DTYPES)


def empty_frame() -> pl.DataFrame:
    return pl.DataFrame(schema={**PROVENANCE_DTYPES, **CANONICAL_DTYPES})


def conform(frame: pl.DataFrame) -> pl.DataFrame:
    """Add the missing canonical columns as nulls, cast, and order the columns."""
    schema = {**PROVENANCE_DTYPES, **CANONICAL_DTYPES}
    missing = [pl.lit(None, dtype=dtype).alias(name) for name, dtype in schema.items()
               if name not in frame.columns]
    if missing:
        frame = frame.with_columns(missing)
    return frame.select([pl.col(name).cast(dtype) for name, dtype in schema.items()])


def clean_text(value: object) -> object:
    """A string Polars can store: lone surrogates (a JSON "\\ud800", a damaged file) become
    U+FFFD where a person sees them, instead of failing the whole file."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return value


def frame_from_records(records: list[dict[str, object]]) -> pl.DataFrame:
    """Build a canonical frame from already-typed Python records (small inputs only)."""
    if not records:
        return empty_frame()
    schema = {**PROVENANCE_DTYPES, **CANONICAL_DTYPES}
    columns = {name: [clean_text(r.get(name)) for r in records] for name in schema}
    return pl.DataFrame(columns, schema=schema)


@dataclass(slots=True)
class ReadResult:
    frame: pl.DataFrame
    report: ReadReport = field(default_factory=ReadReport)

    @property
    def problems(self) -> list[Problem]:
        return self.report.problems


class ReaderError(Exception):
    """The file cannot be read at all (wrong format, empty, unreadable, over a limit).

    Carries a Problem so the message names the file, the line or cell, and what to do. It is
    the only exception the readers let out (`read_path` turns anything unforeseen into one,
    with `internal` set: the fuzz suite counts those as bugs, tests/fuzz/).
    """

    def __init__(self, problem: Problem, *, internal: bool = False) -> None:
        super().__init__(f"{problem.source}: {problem.message}")
        self.problem = problem
        self.internal = internal


# Limits checked before any work, so that a small hostile file cannot make a reader use
# gigabytes (issue 10: a 4.7 KB workbook declaring a huge sheet, a 14 MB single-line CSV).
# They are far above any real inventory: the largest estates hold a few hundred thousand
# devices, with a few dozen columns.
MAX_TABULAR_BYTES: Final = 512 * 1024 * 1024  # a delimited file or a workbook, on disk
MAX_INFLATED_BYTES: Final = 1024 * 1024 * 1024  # all the parts of a workbook, inflated
MAX_INFLATE_RATIO: Final = 200  # a sheet's part that inflates more than this is a zip bomb
MAX_COLUMNS: Final = 1024  # header fields (Excel allows 16,384; an inventory has ~40)
MAX_HEADER_LINE_BYTES: Final = 64 * 1024  # the header line (and the title lines above it)
MAX_CELLS: Final = 8_000_000  # cells of a workbook's sheet, declared or read
MAX_SHEET_ROWS: Final = 1_048_576  # Excel's own limit: a row beyond is a damaged file
