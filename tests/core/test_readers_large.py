"""Large delimited files (over 64 KB) are read by Polars straight from disk when they are UTF-8.

That path must give what the small-file path gives: the same encodings recognised, the same
physical line for every record (blank lines, title lines, quoted fields spanning lines), and a
file that turns out not to be UTF-8 far from its beginning still read as cp1252.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from jalon.core.readers import read_inventory
from jalon.core.readers.text import HEAD_BYTES

HEADER = "inventory_number,category,quantity,purchase_date,entity,site"
ROWS = 2_000  # about 110 kB: well over the sample read to sniff the format


def row(i: int) -> str:
    return f"PC-{i:05d},laptop,1,2021-03-{1 + i % 28:02d},Direction des systèmes,Hôtel de ville"


def write(path: Path, lines: list[str], encoding: str = "utf-8", newline: str = "\n") -> Path:
    path.write_bytes(newline.join(lines).encode(encoding) + newline.encode())
    assert path.stat().st_size > HEAD_BYTES
    return path


def read(path: Path):
    result = read_inventory([path])
    return result.frame, result.report


def line_of(frame: pl.DataFrame, number: str) -> int:
    return int(frame.filter(pl.col("inventory_number") == number).get_column("line")[0])


def test_plain_utf8_lines_and_problems(tmp_path: Path) -> None:
    lines = [HEADER] + [row(i) for i in range(ROWS)]
    lines[1501] = "PC-01500,laptop,1,31/02/2019,Direction des systèmes,Hôtel de ville"
    frame, report = read(write(tmp_path / "big.csv", lines))
    assert frame.height == ROWS
    assert line_of(frame, "PC-00000") == 2
    assert line_of(frame, "PC-01999") == ROWS + 1
    assert [(p.line, p.column, p.value) for p in report.problems] == [
        (1502, "purchase_date", "31/02/2019")]
    assert frame.get_column("site")[0] == "Hôtel de ville"


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_blank_lines_keep_physical_numbers(tmp_path: Path, newline: str) -> None:
    lines = [HEADER] + [row(i) for i in range(ROWS)]
    lines[1000:1000] = ["", ""]  # two blank lines before PC-00999
    frame, _ = read(write(tmp_path / "blank.csv", lines, newline=newline))
    assert frame.height == ROWS
    assert line_of(frame, "PC-00998") == 1000
    assert line_of(frame, "PC-00999") == 1003


def test_bom_and_title_line(tmp_path: Path) -> None:
    lines = ["\ufeffInventaire du parc au 31/12/2025", HEADER] + [row(i) for i in range(ROWS)]
    frame, report = read(write(tmp_path / "bom.csv", lines))
    assert frame.height == ROWS
    assert line_of(frame, "PC-00000") == 3
    assert report.mapping["inventory_number"] == "inventory_number"


def test_quoted_field_spanning_lines(tmp_path: Path) -> None:
    lines = [HEADER] + [row(i) for i in range(ROWS)]
    lines[10] = 'PC-00009,laptop,1,2021-03-10,"Direction\nsur deux lignes",Hôtel de ville'
    frame, _ = read(write(tmp_path / "quoted.csv", lines))
    assert frame.height == ROWS
    assert line_of(frame, "PC-00009") == 11
    assert line_of(frame, "PC-00010") == 13
    assert frame.filter(pl.col("inventory_number") == "PC-00009").get_column("entity")[0] \
        == "Direction\nsur deux lignes"


def test_cp1252_far_from_the_beginning_is_still_read(tmp_path: Path) -> None:
    """Only ASCII in the sample, then a French Excel's é and € further down."""
    lines = [HEADER] + [f"PC-{i:05d},laptop,1,2021-03-01,DSI,Mairie" for i in range(ROWS * 2)]
    lines[-1] = "PC-99999,laptop,1,2021-03-01,Régie à 5 €,Mairie"
    path = tmp_path / "excel.csv"
    path.write_bytes("\r\n".join(lines).encode("cp1252") + b"\r\n")
    assert b"\xe9" in path.read_bytes()[HEAD_BYTES:]
    frame, report = read(path)
    assert frame.height == ROWS * 2
    assert frame.filter(pl.col("inventory_number") == "PC-99999").get_column("entity")[0] \
        == "Régie à 5 €"
    assert line_of(frame, "PC-99999") == ROWS * 2 + 1
    assert report.problems == []


def test_semicolon_glpi_export_saved_by_excel(tmp_path: Path) -> None:
    header = "Nom;Entité;Statut;Type;Modèle;Date d'achat;Valeur"
    lines = [header] + [f"PC{i};Mairie > DSI;En service;Portable;Latitude 5420;15/03/2021;"
                        f"1 234,56 €" for i in range(ROWS)]
    lines[700] = "PC699;Mairie > DSI;En service;Portable;Latitude 5420;15/03/2021;12,3,4"
    path = write(tmp_path / "glpi.csv", lines, encoding="cp1252", newline="\r\n")
    frame, report = read(path)
    assert frame.height == ROWS
    assert frame.get_column("purchase_price_eur")[0] == pytest.approx(1234.56)
    assert [(p.line, p.value) for p in report.problems] == [(701, "12,3,4")]
    assert set(frame.get_column("type").to_list()) == {"Portable"}
    assert frame.get_column("entity")[0] == "Mairie > DSI"


@pytest.mark.parametrize("rows", [50, ROWS])
def test_excel_unicode_text_utf16_with_tabs(tmp_path: Path, rows: int) -> None:
    """Excel's « Texte Unicode (*.txt) »: UTF-16 LE with a byte-order mark, tab-separated."""
    lines = [HEADER.replace(",", "\t")] + [row(i).replace(",", "\t") for i in range(rows)]
    path = tmp_path / "export.txt"
    path.write_bytes("\r\n".join(lines).encode("utf-16") + "\r\n".encode("utf-16-le"))
    frame, report = read(path)
    assert frame.height == rows
    assert frame.get_column("site")[0] == "Hôtel de ville"
    assert line_of(frame, "PC-00001") == 3
    assert report.problems == []
