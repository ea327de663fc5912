"""Spreadsheet-safe cells (jalon.core.exports.safe_cell): tables of known attacks, then
properties checked by hypothesis against an independent model of what a spreadsheet reads."""

from __future__ import annotations

import csv
import io
import sys
import unicodedata
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jalon.core.exports import FORMULA_PREFIXES, is_dangerous, safe_cell

SIGNS = "=+-@"


def spreadsheet_sees_formula(text: str) -> bool:
    """Independent model of a lenient spreadsheet: skip leading blanks and invisible characters,
    fold compatibility forms (NFKC), then look for = + - @ or a tab / CR / LF in first place."""
    if text[:1] in ("\t", "\r", "\n"):
        return True
    stripped = text.lstrip("".join(c for c in set(text) if c.isspace()
                                   or unicodedata.category(c) in ("Cc", "Cf")))
    first = stripped[:1]
    return bool(first) and (first in ("\t", "\r", "\n", "\u2212")
                            or unicodedata.normalize("NFKC", first)[:1] in SIGNS)


def leading_skipped(text: str) -> str:
    """The text from its first character that is not blank or invisible."""
    for index, char in enumerate(text):
        if not (char.isspace() or unicodedata.category(char) in ("Cc", "Cf")):
            return text[index:]
    return ""


def plain_number(text: str) -> bool:
    """A decimal number in ASCII, nothing around it (what a spreadsheet evaluates to itself)."""
    if not text or not all(c in "0123456789+-.,eE" for c in text):
        return False
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("text", [
    "=HYPERLINK(\"http://evil.example\",\"x\")",
    "+1+1", "-1+1", "@SUM(A1:A2)", "\t=1", "\r=1", "\n=1", "\n", "\t", "-", "+", "@",
    " =1+1", "   @SUM(A1)", "\xa0=1", "\u2007=1", "\u202f=1", "\u3000=1", "\u200b=1", "\ufeff=1",
    "\u2060+1+1", " \t=1", "\xa0\n=1",
    "＝1+1", "＋1", "－1+1", "＠SUM(A1)", "\xa0＝1", "﹦1", "﹢1", "﹣1+1", "﹫x", "⁼1", "₊1",
    "\u22121+1", "=cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@cmd|'/c calc'!_xlbgnm.A1",
    "-12.5 ", "+33 6 12 34 56 78", "-1e3+1", "--1",
])
def test_dangerous_text_is_quoted(text: str) -> None:
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", [
    "", " ", "\xa0", "Mairie de Lyon", " espace devant", "1+1", "a=b", "e-mail",
    "Saint-Étienne", "'=déjà protégé", "100 %", "|x", "%x", "é=1",
    "-12.5", "+3", "-0", "-1,5", "-.5", "1e-3", "-1E+6", " -3", "\xa0-3",
    0, -1, -12.5, 3.0, Decimal("-4.20"), None, True,
])
def test_safe_values_are_unchanged(value: object) -> None:
    assert safe_cell(value) is value or safe_cell(value) == value


def test_prefix_list_covers_every_compatibility_form_of_a_sign() -> None:
    """The spelled-out list equals what Unicode says (NFKC) plus OWASP's controls and U+2212."""
    folded = {chr(c) for c in range(0x80, sys.maxunicode + 1)
              if unicodedata.normalize("NFKC", chr(c)) in SIGNS}
    assert set(FORMULA_PREFIXES) == set(SIGNS) | {"\t", "\r", "\n", "\u2212"} | folded


blank = st.sampled_from([" ", "\xa0", "\u2000", "\u2009", "\u202f", "\u3000", "\u200b",
                         "\ufeff", "\u2060", "\u00ad", "\x0b", "\x0c"])
sign = st.sampled_from([p for p in FORMULA_PREFIXES if p not in "\t\r\n"])


@given(st.lists(blank, max_size=4).map("".join), sign, st.text(max_size=30))
def test_any_blank_run_then_sign_is_quoted_unless_a_plain_number(
        lead: str, first: str, tail: str) -> None:
    text = lead + first + tail
    assert spreadsheet_sees_formula(text)
    expected = text if plain_number(first + tail) else "'" + text
    assert safe_cell(text) == expected


@given(st.text(max_size=40))
def test_output_never_reads_as_a_formula_and_loses_nothing(text: str) -> None:
    result = safe_cell(text)
    start = text if text[:1] in ("\t", "\r", "\n") else leading_skipped(text)
    harmless = not spreadsheet_sees_formula(text) or plain_number(start)
    assert result == (text if harmless else "'" + text)
    assert is_dangerous(text) == (not harmless)


@given(st.one_of(st.integers(), st.floats(allow_nan=False, allow_infinity=False),
                 st.decimals(allow_nan=False, allow_infinity=False)))
def test_numbers_are_never_touched(number: object) -> None:
    assert safe_cell(number) is number


@given(st.lists(st.text(max_size=20), min_size=1, max_size=5))
def test_csv_round_trip_keeps_every_cell(cells: list[str]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([safe_cell(c) for c in cells])
    (row,) = list(csv.reader(io.StringIO(buffer.getvalue(), newline="")))
    assert row == [safe_cell(c) for c in cells]
    assert not any(is_dangerous(c) for c in row)  # the quote makes every cell text


def test_xlsx_keeps_numbers_as_numbers_and_formulas_as_text(tmp_path: object) -> None:
    values: list[object] = [-12.5, -3, Decimal("-4.2"), "=1+1", "-1+1", "＝1", "\xa0@SUM(A1)",
                            "-12.5", "Lyon"]
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([safe_cell(float(v) if isinstance(v, Decimal) else v) for v in values])
    buffer = io.BytesIO()
    book.save(buffer)
    read = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active
    assert read is not None
    cells = next(read.iter_rows(max_row=1))
    assert [c.data_type for c in cells] == ["n", "n", "n", "s", "s", "s", "s", "s", "s"]
    assert [c.value for c in cells[:3]] == [-12.5, -3, -4.2]
    assert cells[3].value == "'=1+1" and cells[5].value == "'＝1"
