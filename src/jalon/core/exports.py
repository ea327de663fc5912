"""Spreadsheet-safe cells: exported text never runs as a formula (CSV/XLSX injection).

OWASP's "CSV Injection" page lists the first characters that make Excel, LibreOffice Calc or
Google Sheets read a cell as a formula: = + - @, tab (0x09) and carriage return (0x0D); its
advice is to prefix such a cell with a single quote, which every spreadsheet shows as text.
Spreadsheets are more lenient than that list:

- a line feed (0x0A) starts a formula in some importers as a carriage return does;
- LibreOffice and Excel skip leading spaces, so " =1+1" (or a no-break space, or any other
  Unicode space, or an invisible format character such as a zero-width space or a byte-order
  mark) before a dangerous character is still a formula;
- Excel with an East-Asian input (and LibreOffice's autocorrect) turns the full-width forms
  ＝ ＋ － ＠ (U+FF1D, U+FF0B, U+FF0D, U+FF20), the small forms ﹦ ﹢ ﹣ ﹫ and other
  compatibility forms of these signs into their ASCII counterparts;
- "|" and "%" open DDE links in old Excel only after "=", already covered.

Numbers are left alone: an int, float or Decimal is never a formula, and a string that is
exactly a decimal number ("-12.5", "+3", "1e-3") evaluates to itself, so open-data columns of
negative figures stay numbers (the same exception as the defusedcsv library).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Final

# OWASP's list and the line feed; then every character whose compatibility form (NFKC) is one
# of = + - @ (full-width ＝＋－＠, small ﹦﹢﹣﹫, super/subscript ⁺⁼₊₌, Hebrew ﬩) and the
# minus sign U+2212, all of which some spreadsheet or autocorrect turns into the ASCII sign.
# Spelled out rather than computed at import (the command line starts faster); a test checks
# the list against unicodedata over the whole of Unicode.
FORMULA_PREFIXES: Final = (
    "=", "+", "-", "@", "\t", "\r", "\n",
    "\u207a", "\u207c", "\u208a", "\u208c", "\u2212", "\ufb29",
    "\ufe62", "\ufe63", "\ufe66", "\ufe6b", "\uff0b", "\uff0d", "\uff1d", "\uff20",
)
_NUMBER: Final = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?", re.ASCII)


def _skipped(char: str) -> bool:
    """A leading character a spreadsheet ignores before looking for a formula: any Unicode
    whitespace (space, no-break space, ideographic space…), a control or an invisible format
    character (zero-width space, byte-order mark, word joiner…)."""
    return char.isspace() or unicodedata.category(char) in ("Cc", "Cf")


def is_dangerous(text: str) -> bool:
    """True when a spreadsheet could read this text as a formula."""
    rest = text
    if not text.startswith(FORMULA_PREFIXES):  # a tab, CR or LF first is itself dangerous
        start = 0
        while start < len(text) and _skipped(text[start]):
            start += 1
        rest = text[start:]
    return rest.startswith(FORMULA_PREFIXES) and _NUMBER.fullmatch(rest) is None


def safe_cell(value: object) -> object:
    """The value to write in a CSV or XLSX cell: text a spreadsheet would run as a formula gets
    a leading single quote (OWASP); numbers and other text are returned unchanged."""
    if isinstance(value, str) and is_dangerous(value):
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
