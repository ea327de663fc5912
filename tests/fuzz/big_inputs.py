"""Pathological large inputs, built at run time, and the peak memory of reading each one.

    python tests/fuzz/big_inputs.py [--only NAME] [--keep DIR]

Each input is at most the web upload limit (50 MB, JALON_MAX_UPLOAD_MB) on disk, and is read
by `read_path` in a subprocess of its own whose peak resident memory (ru_maxrss, from wait4)
is reported: the readers must stay under 1 GB whatever the input (issue 10: a 4.7 KB workbook
and a 14 MB single-line CSV each drove the process past 8 GB).

It runs with whatever `jalon` is importable, so that another checkout can be measured:
`PYTHONPATH=/work/main/src /work/main/.venv/bin/python tests/fuzz/big_inputs.py`.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_corpus import (
    FRENCH_HEADER,
    FRENCH_ROW,
    ZIP_DATE,
    sheet_xml,
    workbook_parts,
)

MB = 1024 * 1024
UPLOAD_LIMIT = 50 * MB
MEMORY_LIMIT_MB = 1024
TIMEOUT_SECONDS = 300
KILL_AT_MB = 3072

CHILD = """
import json, sys, time
from pathlib import Path
from jalon.core.readers import ReaderError, read_path
started = time.perf_counter()
try:
    result = read_path(Path(sys.argv[1]))
    outcome = {"outcome": "ok", "rows": result.report.read, "problems": len(result.problems)}
except ReaderError as exc:
    outcome = {"outcome": "internal" if getattr(exc, "internal", False) else "refused",
               "message": exc.problem.message[:200]}
except BaseException as exc:
    outcome = {"outcome": "crash", "message": f"{type(exc).__name__}: {exc}"[:200]}
outcome["seconds"] = round(time.perf_counter() - started, 1)
print(json.dumps(outcome, ensure_ascii=False))
"""


def _zip(path: Path, parts: dict[str, bytes | str]) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, content in parts.items():
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, content)


def _deflated(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def single_line_delimiters(path: Path) -> None:
    path.write_bytes(b"category;" + b";" * (14 * MB))


def single_line_fields(path: Path) -> None:
    path.write_bytes(b"a;" * (7 * MB))


def single_line_no_delimiter(path: Path) -> None:
    path.write_bytes(b"x" * (UPLOAD_LIMIT - 1))


def huge_cell(path: Path) -> None:
    path.write_bytes(b"category;model\nlaptop;" + b"y" * (UPLOAD_LIMIT - 100) + b"\n")


def huge_quoted_cell(path: Path) -> None:
    path.write_bytes(b'category;model\nlaptop;"' + b"y\n" * ((UPLOAD_LIMIT - 100) // 2) + b'"\n')


def many_short_rows(path: Path) -> None:
    path.write_bytes(b"category\n" + b"laptop\n" * ((UPLOAD_LIMIT - 10) // 7))


def many_rows_quoted(path: Path) -> None:
    # A quote somewhere and a record spanning two lines: the csv module counts the lines.
    row = b'laptop;"a\nb"\n'
    path.write_bytes(b"category;comment\n" + row * ((UPLOAD_LIMIT - 20) // len(row)))


def many_rows_cp1252(path: Path) -> None:
    row = "Portable;INV-1;Dell;Latitude;14/03/2023;1 089,00 €;DSI;En service\r\n"
    head = "Type d'équipement;N° inventaire;Fabricant;Modèle;Date d'achat;Prix HT;Service;" \
           "État\r\n"
    body = (row * ((UPLOAD_LIMIT - 200) // len(row))).encode("cp1252")
    path.write_bytes(head.encode("cp1252") + body)


def wide_rows(path: Path) -> None:
    header = ";".join(["category"] + [f"c{i}" for i in range(1000)]) + "\n"
    row = ";".join(["laptop"] + ["1"] * 1000) + "\n"
    path.write_bytes((header + row * ((UPLOAD_LIMIT - len(header)) // len(row))).encode())


def xlsx_declared_huge(path: Path) -> None:
    _zip(path, workbook_parts(sheet_xml([FRENCH_HEADER, FRENCH_ROW],
                                        dimension="A1:XFD1048576")))


def xlsx_far_cells_no_dimension(path: Path) -> None:
    rows = "".join(f'<row r="{r}"><c r="XFD{r}" t="inlineStr"><is><t>x</t></is></c></row>'
                   for r in range(2, 20000))
    sheet = sheet_xml([FRENCH_HEADER]).replace('<dimension ref="A1:I1"/>', "").replace(
        "</sheetData>", rows + "</sheetData>")
    _zip(path, workbook_parts(sheet))


def xlsx_far_row(path: Path) -> None:
    sheet = sheet_xml([FRENCH_HEADER, FRENCH_ROW]).replace('<dimension ref="A1:I2"/>', "") \
        .replace("</sheetData>", '<row r="1048576"><c r="I1048576" t="inlineStr"><is><t>x</t>'
                 "</is></c></row></sheetData>")
    _zip(path, workbook_parts(sheet))


def xlsx_declared_huge_far_row(path: Path) -> None:
    # The 4.7 KB workbook of issue 10: a declared A1:XFD1048576 and one cell on the last row,
    # which openpyxl's read-only mode fills in as a million rows of 16,384 cells.
    _zip(path, workbook_parts(sheet_xml([FRENCH_HEADER, FRENCH_ROW], dimension="A1:XFD1048576")
                              .replace("</sheetData>", '<row r="1048576"><c r="A1048576" '
                                       't="inlineStr"><is><t>x</t></is></c></row></sheetData>')))


def xlsx_bomb(path: Path) -> None:
    # A sheet part that inflates to 2 GB of spaces, from a few MB: written in chunks.
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, content in workbook_parts("").items():
            if name != "xl/worksheets/sheet1.xml":
                z.writestr(zipfile.ZipInfo(name, ZIP_DATE), content)
        with z.open(_deflated("xl/worksheets/sheet1.xml"), "w", force_zip64=True) as sheet:
            sheet.write(sheet_xml([FRENCH_HEADER]).split("</sheetData>")[0].encode())
            chunk = b" " * MB
            for _ in range(2048):
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")


def xlsx_many_cells(path: Path) -> None:
    # About 3 million real cells (the limit is 8 million): what a big estate's export holds.
    width = len(FRENCH_HEADER)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name, content in workbook_parts("").items():
            if name != "xl/worksheets/sheet1.xml":
                z.writestr(zipfile.ZipInfo(name, ZIP_DATE), content)
        with z.open(_deflated("xl/worksheets/sheet1.xml"), "w", force_zip64=True) as sheet:
            rows = 330_000
            head = sheet_xml([FRENCH_HEADER], dimension=f"A1:I{rows + 1}")
            sheet.write(head.split("</sheetData>")[0].encode())
            cells = "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in FRENCH_ROW)
            for r in range(2, rows + 2):
                sheet.write(f'<row r="{r}">{cells}</row>'.encode())
            sheet.write(b"</sheetData></worksheet>")
    assert width == 9


def json_agent_big(path: Path) -> None:
    software = [{"name": f"paquet-{i}", "version": "1.0", "publisher": "x" * 40}
                for i in range(150_000)]
    document = {"action": "inventory", "deviceid": "x",
                "content": {"hardware": {"name": "pc"}, "bios": {"smodel": "m"},
                            "softwares": software}}
    path.write_text(json.dumps(document))


def xml_agent_big(path: Path) -> None:
    soft = "<SOFTWARES><NAME>paquet</NAME><VERSION>1.0</VERSION></SOFTWARES>" * 280_000
    path.write_text(f"<REQUEST><CONTENT><HARDWARE><NAME>pc</NAME></HARDWARE>{soft}"
                    "</CONTENT><QUERY>INVENTORY</QUERY></REQUEST>")


INPUTS: dict[str, tuple[str, Callable[[Path], None]]] = {
    "single-line-14MB-delimiters": (".csv", single_line_delimiters),
    "single-line-14MB-fields": (".csv", single_line_fields),
    "single-line-50MB-no-delimiter": (".csv", single_line_no_delimiter),
    "one-cell-50MB": (".csv", huge_cell),
    "one-quoted-cell-50MB-of-lines": (".csv", huge_quoted_cell),
    "7M-short-rows": (".csv", many_short_rows),
    "3.8M-rows-quoted-newlines": (".csv", many_rows_quoted),
    "50MB-cp1252-french": (".csv", many_rows_cp1252),
    "1000-columns-50MB": (".csv", wide_rows),
    "xlsx-declares-A1-XFD1048576": (".xlsx", xlsx_declared_huge),
    "xlsx-declares-XFD1048576-row-1048576": (".xlsx", xlsx_declared_huge_far_row),
    "xlsx-cells-in-column-XFD": (".xlsx", xlsx_far_cells_no_dimension),
    "xlsx-cell-on-row-1048576": (".xlsx", xlsx_far_row),
    "xlsx-bomb-2GB-inflated": (".xlsx", xlsx_bomb),
    "xlsx-3M-cells": (".xlsx", xlsx_many_cells),
    "agent-json-20MB": (".json", json_agent_big),
    "agent-xml-20MB": (".xml", xml_agent_big),
}


def _rss_mb(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) // 1024
    return 0


def measure(path: Path) -> dict[str, object]:
    """Read `path` in a subprocess; its outcome, seconds and peak memory in MB."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", CHILD, str(path)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = started + TIMEOUT_SECONDS
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline or _rss_mb(process.pid) > KILL_AT_MB:
            # Killed rather than let run: the machine is shared, and over 1 GB is a failure.
            outcome = "timeout" if time.perf_counter() > deadline else f"killed at {KILL_AT_MB} MB"
            process.kill()
            pid, status, usage = os.wait4(process.pid, 0)
            process.returncode = os.waitstatus_to_exitcode(status)
            for stream in (process.stdout, process.stderr):
                if stream:
                    stream.close()
            return {"outcome": outcome, "peak_mb": round(usage.ru_maxrss / 1024),
                    "size_mb": round(path.stat().st_size / MB, 2)}
        time.sleep(0.02)
    out = process.stdout.read().decode() if process.stdout else ""
    err = process.stderr.read().decode() if process.stderr else ""
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped by wait4, not by Popen
    for stream in (process.stdout, process.stderr):
        if stream:
            stream.close()
    try:
        result: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    except (ValueError, IndexError):
        result = {"outcome": "died", "message": (err or f"status {status}")[-300:]}
    result["peak_mb"] = round(usage.ru_maxrss / 1024)
    result["size_mb"] = round(path.stat().st_size / MB, 2)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", help="an input's name (repeatable)")
    parser.add_argument("--keep", type=Path, help="write the inputs there and keep them")
    args = parser.parse_args()
    failures = 0
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        for name, (suffix, make) in INPUTS.items():
            if args.only and name not in args.only:
                continue
            path = folder / f"{name}{suffix}"
            make(path)
            result = measure(path)
            bad = result["outcome"] not in ("ok", "refused") or \
                int(str(result["peak_mb"])) > MEMORY_LIMIT_MB
            failures += bad
            print(f"{'FAIL' if bad else 'ok  '} {name:34s} {result.get('size_mb', '?'):>6} MB  "
                  f"peak {result['peak_mb']:>5} MB  {result.get('seconds', '?'):>5} s  "
                  f"{result['outcome']}: {result.get('message', '')}"
                  f"{result.get('rows', '')}", flush=True)
            if not args.keep:
                path.unlink()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
