"""Spreadsheet-safe cells: exported text never runs as a formula (CSV/XLSX injection).

A cell starting with =, +, -, @, a tab or a carriage return is read as a formula by Excel and
LibreOffice; OWASP's advice is to prefix it with a single quote. Numbers are left alone.
"""

from __future__ import annotations

from typing import Final

FORMULA_PREFIXES: Final = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
