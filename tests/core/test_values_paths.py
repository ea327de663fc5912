"""Large columns are parsed on their distinct or filled values only: same result as cell by cell.

`parse_column` takes shortcuts from 10,000 rows (make bench); every parser works value by value,
so the shortcuts must give exactly what parsing every cell gives, problems included.
"""

from __future__ import annotations

import random

import polars as pl
import pytest

from jalon.core.readers.values import PARSERS, parse_column

MESSY: dict[str, list[str | None]] = {
    "purchase_date": ["2019-03-01", "01/03/2019", " 15/06/2021 ", "31/02/2019", "inconnue", "",
                      "  ", None, "2020-02-29", "12/12/2012 10:30"],
    "quantity": ["1", " 2 ", "1,0", "1,5", "-3", "deux", "", None, "1 000"],
    "purchase_price_eur": ["1 234,56 €", "12,3,4", "899", "1.234,56", "", None, "abc", "0,5"],
    "category": ["laptop", " Laptop ", "LAPTOP", "portable", "", None, "server", "monitor"],
    "condition": ["new", "Refurbished", "reconditionné", None, "reused", " "],
    "country": ["FRA", "fra", " France ", "Allemagne", "XX", "", None, "deu"],
    "is_virtual": ["oui", "Non", "true", "0", "peut-être", None, "x"],
    "entity": ["Direction A", " Direction B ", "", None, "=HYPERLINK(1)"],
    "ram_gb": ["16", "8,5", "-4", "beaucoup", None],
    "inventory_number": ["PC-1", " PC-2", "", None, "PC-3 "],
}


def _column(values: list[str | None], n: int, fill: float, seed: int) -> pl.Series:
    rng = random.Random(seed)
    cells = [rng.choice(values) if rng.random() < fill else None for _ in range(n)]
    return pl.Series("raw", cells, dtype=pl.Utf8)


def _cell_by_cell(raw: pl.Series, column: str) -> tuple[pl.Series, pl.Series]:
    """The reference: the same parser run on chunks too small for any shortcut."""
    values, bads = [], []
    for start in range(0, raw.len(), 5_000):
        value, bad = parse_column(raw.slice(start, 5_000), column)
        values.append(value)
        bads.append(bad)
    return pl.concat(values), pl.concat(bads)


@pytest.mark.parametrize("fill", [1.0, 0.3, 0.01])
@pytest.mark.parametrize("column", sorted(MESSY))
def test_large_columns_parse_as_cell_by_cell(column: str, fill: float) -> None:
    raw = _column(MESSY[column], 20_000, fill, seed=len(column))
    value, bad = parse_column(raw, column)
    expected_value, expected_bad = _cell_by_cell(raw, column)
    assert value.dtype == expected_value.dtype
    assert value.equals(expected_value, check_names=False), column
    assert bad.equals(expected_bad, check_names=False), column
    assert bad.null_count() == 0


def test_the_shortcut_is_taken_and_gives_problems_on_the_right_rows() -> None:
    raw = pl.Series("raw", ["2019-03-01"] * 15_000 + ["31/02/2019"] + ["01/03/2019"] * 4_999)
    value, bad = parse_column(raw, "purchase_date")
    assert bad.arg_true().to_list() == [15_000]
    assert value[15_000] is None
    assert value.null_count() == 1
    assert str(value[0]) == "2019-03-01" and str(value[-1]) == "2019-03-01"


def test_every_parsed_column_is_covered() -> None:
    kinds = {PARSERS[c][0] for c in MESSY if c in PARSERS}
    assert kinds >= {"date", "int", "float", "category", "condition", "country", "bool"}
