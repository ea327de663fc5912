"""Spreadsheet-safe cells: exported text never runs as a formula (CSV/XLSX injection).

A cell starting with =, +, -, @, a tab or a carriage return is read as a formula by Excel and
LibreOffice; OWASP's advice is to prefix it with a single quote. Numbers are left alone.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

FORMULA_PREFIXES: Final = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def number_cell(value: object) -> object:
    """A number as an open-data CSV writes it: empty when unknown, a Decimal as a float."""
    if value is None:
        return ""
    return value if isinstance(value, int) else float(value)  # type: ignore[arg-type]


def date_cell(value: dt.date | None) -> str:
    """A date as ISO 8601, empty when unknown."""
    return value.isoformat() if value else ""
