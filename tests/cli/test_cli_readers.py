"""The command line on messy and damaged inventories (issue 10): a messy town-hall file is
understood, a damaged file gives a located message and no traceback."""

from __future__ import annotations

import json

import pytest
from tests import paths
from typer.testing import CliRunner

from jalon.cli import app

TOWN_HALL = paths.FIXTURES / "town_hall_messy.csv"
CORPUS = paths.ROOT / "tests" / "fuzz" / "corpus"


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("JALON_CACHE_DIR", str(tmp_path / "cache"))


def invoke(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_inventory_reads_the_town_hall_file():
    result = invoke("inventory", TOWN_HALL, "--year", "2025", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    mapping = data["columns"]["mapping"]
    assert len(mapping) == 9 and "ignore" not in mapping.values()
    assert data["rows"]["read"] == 40
    skipped = {p["line"]: p for p in data["rows"]["problems"] if "not a device" in p["message"]}
    assert sorted(skipped) == [24, 46, 47]
    assert skipped[47]["value"].startswith("TOTAL")
    retired = [p for p in data["rows"]["problems"] if p["line"] == 11]
    assert retired and retired[0]["value"] == "Réformé"


def test_inventory_table_output_says_what_was_left_out():
    result = invoke("inventory", TOWN_HALL, "--year", "2025")
    assert result.exit_code == 0, result.stderr
    assert "columns read: 9" in result.stderr
    assert "town_hall_messy.csv:47 [] 'TOTAL" in " ".join(result.stderr.split())


def test_footprint_names_the_spreadsheet_format():
    result = invoke("footprint", TOWN_HALL, "--year", "2025", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["formats"] == ["spreadsheet"]


@pytest.mark.parametrize("name", [
    "xlsx/0006-sheetless.xlsx", "xlsx/0003-not-a-zip.xlsx", "csv/0000-empty.csv",
    "csv/0006-no-type-column.csv", "xml/0000-encoding-x-unknown.xml",
    "json/0000-big-int-5000.json",
])
def test_a_damaged_file_is_a_located_message_not_a_traceback(name):
    path = CORPUS / name
    result = invoke("footprint", path, "--year", "2025")
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    flat = " ".join(result.stderr.split())
    assert str(path) in flat
    assert "no device could be read from the input" in flat


def test_brackets_in_a_message_are_printed():
    result = invoke("footprint", CORPUS / "csv" / "0006-no-type-column.csv")
    assert "[columns]" in " ".join(result.stderr.split())
