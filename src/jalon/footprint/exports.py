"""Footprint downloads: CSV, XLSX and JSON of the same cached result as the page.

Entity and site names come from the authorities' own files: any of them may start with `=`,
so every text cell goes through core.exports.safe_cell (formula injection) — in CSV and XLSX.
The JSON is the contract itself (docs/json-output.md), not meant for a spreadsheet.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any, Final

from openpyxl import Workbook

from jalon.core.exports import safe_cell
from jalon.core.model import CRITERIA

HEADER: Final = ("scope", "key", "criterion", "value", "min", "max", "unit", "count")
PROBLEM_HEADER: Final = ("source", "line", "column", "value", "message")
CONTENT_TYPES: Final = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def rows(data: dict[str, Any]) -> Iterator[tuple[object, ...]]:
    """Tidy rows as `jalon footprint --format csv`, plus scopes entity and site."""
    def triple(scope: str, key: str, entry: dict[str, Any], count: object = None
               ) -> Iterator[tuple[object, ...]]:
        for c in CRITERIA:
            t = entry[c]
            yield (scope, key, c, t["value"], t["min"], t["max"], t["unit"], count)

    yield from triple("total", "", data["totals"])
    for phase, entry in data["by_phase"].items():
        yield from triple("phase", phase, entry)
    for category, entry in data["by_category"].items():
        yield from triple("category", category, entry, entry["count"])
    for dim in ("entity", "site"):
        for key, entry in data.get(f"by_{dim}", {}).items():
            yield from triple(dim, key, entry)


def _safe(row: tuple[object, ...]) -> list[object]:
    return [safe_cell(v) for v in row]


def to_csv(data: dict[str, Any]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(_safe(r) for r in rows(data))
    # UTF-8 with BOM: the French Excel opens it with the right accents.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(data: dict[str, Any], sources: tuple[dict[str, Any], ...] = ()) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("empreinte")
    sheet.append(list(HEADER))
    for r in rows(data):
        sheet.append(_safe(r))
    problems = book.create_sheet("problemes")
    problems.append(list(PROBLEM_HEADER))
    for p in data["rows"]["problems"]:
        problems.append(_safe(tuple(p.get(k) for k in PROBLEM_HEADER)))
    about = book.create_sheet("sources")
    about.append(["factor_set", "version", "year", "method", "source", "url", "years",
                  "licence"])
    fs = data["factor_set"]
    for s in sources:
        about.append(_safe((fs["name"], fs["version"], data["year"], data["method"],
                            s["source"], " ; ".join(s["urls"]), ", ".join(s["years"]),
                            s["licence"])))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


def render(fmt: str, data: dict[str, Any], sources: tuple[dict[str, Any], ...] = ()) -> bytes:
    if fmt == "csv":
        return to_csv(data)
    if fmt == "xlsx":
        return to_xlsx(data, sources)
    return to_json(data)
