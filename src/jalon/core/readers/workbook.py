"""The first sheet of an XLSX workbook as rows of strings, with limits checked before work.

openpyxl alone trusts the file: in read-only mode it pads every row to the sheet's declared
dimension and fills the gaps between rows, so a 4.7 KB workbook declaring `A1:XFD1048576`
made it build 17 billion cells (issue 10); and a cell it cannot convert (a number beyond
floats, a shared string that does not exist, a date out of range) stops the whole sheet with
a bare ValueError or IndexError. Here:

1. the archive is inspected first (zipfile's directory, nothing inflated): total inflated size
   and each part's compression ratio (zip bombs);
2. the sheet's declared dimension is read (openpyxl's own `parse_dimensions`, which stops at
   the first rows) and refused when it is beyond the limits;
3. cells are read from openpyxl's streaming sheet parser directly, never padded: a row holds
   the cells the file has, a cell beyond the column limit or a row beyond Excel's is refused
   with its reference, and a cell openpyxl cannot convert is kept as the text the file holds,
   so that typed parsing reports it as a problem located at its row and column, like any bad
   value of a CSV file.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any

from jalon.core.model import Problem
from jalon.core.readers.base import (
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_INFLATE_RATIO,
    MAX_INFLATED_BYTES,
    MAX_SHEET_ROWS,
    MAX_TABULAR_BYTES,
    ReaderError,
)

# Parts this small cannot be a bomb whatever their ratio (a sheet of one repeated style).
_RATIO_FLOOR_BYTES = 16 * 1024 * 1024


def _fail(source: str, template: str, /, **params: object) -> ReaderError:
    return ReaderError(Problem.of(source, 0, "", "", template, **params))


def _mb(size: int) -> str:
    return f"{size / 1_048_576:.0f}"


def check_archive(path: Path) -> None:
    """Refuse a workbook whose archive is damaged or inflates beyond the limits."""
    source = str(path)
    size = path.stat().st_size
    if size == 0:
        raise ReaderError(Problem(source, 0, "", "", "the file is empty"))
    if size > MAX_TABULAR_BYTES:
        raise _fail(source, "the file holds {size} MB, more than the {limit} MB accepted; "
                    "split it into several files", size=_mb(size), limit=_mb(MAX_TABULAR_BYTES))
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise _fail(source, "this is not an Excel workbook (.xlsx) or it is damaged ({error}); "
                    "open it in Excel or LibreOffice Calc, save it as .xlsx again, or export "
                    "it as CSV", error=exc) from exc
    total = sum(part.file_size for part in parts)
    if total > MAX_INFLATED_BYTES:
        raise _fail(source, "the workbook inflates to {size} MB, more than the {limit} MB "
                    "accepted; save the inventory sheet alone, or export it as CSV",
                    size=_mb(total), limit=_mb(MAX_INFLATED_BYTES))
    for part in parts:
        if part.file_size > _RATIO_FLOOR_BYTES and \
                part.file_size > MAX_INFLATE_RATIO * max(part.compress_size, 1):
            raise _fail(source, "the part {part} of the workbook inflates {ratio} times, which "
                        "no spreadsheet does (a zip bomb?); export the sheet as CSV instead",
                        part=part.filename, ratio=part.file_size // max(part.compress_size, 1))


def _boundaries(sheet: Any) -> tuple[int, int] | None:
    """(rows, columns) the sheet declares, or None when it declares nothing."""
    if sheet.max_row is None or sheet.max_column is None:
        return None
    return int(sheet.max_row), int(sheet.max_column)


def read_first_sheet(path: Path) -> tuple[list[int], list[list[str | None]]]:
    """(row numbers, rows of cell texts) of the first sheet; empty rows left out."""
    from openpyxl import load_workbook  # imported here: only XLSX inputs pay for it

    source = str(path)
    check_archive(path)
    # The file is opened here, not by openpyxl: a workbook it fails to load would leave its
    # own handle open until the garbage collector finds it.
    with path.open("rb") as handle:
        try:
            workbook = load_workbook(handle, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for a damaged file
            raise _fail(source, "cannot open the workbook: {error}", error=exc) from exc
        return _first_sheet(workbook, source)


def _first_sheet(workbook: Any, source: str) -> tuple[list[int], list[list[str | None]]]:
    try:
        if not workbook.worksheets:
            raise _fail(source, "the workbook has no sheet of cells (only charts, or none); "
                        "put the inventory in the first sheet")
        sheet = workbook.worksheets[0]
        declared = _boundaries(sheet)
        if declared is not None:
            rows, columns = declared
            # Rows declared but empty cost nothing here (rows are never padded): a sheet
            # formatted down to row 1,048,576 is read. Columns beyond the limit are refused.
            if columns > MAX_COLUMNS or rows > MAX_SHEET_ROWS:
                raise _fail(
                    source, "the sheet « {sheet} » declares {rows} rows and {columns} columns, "
                    "beyond what Jalon reads ({max_columns} columns, {max_rows} rows); delete "
                    "the empty columns after the table, or copy the table into a new "
                    "workbook", sheet=sheet.title, rows=rows, columns=columns,
                    max_columns=MAX_COLUMNS, max_rows=MAX_SHEET_ROWS)
        return _rows(workbook, sheet, source)
    finally:
        workbook.close()


def _rows(workbook: Any, sheet: Any, source: str
          ) -> tuple[list[int], list[list[str | None]]]:
    from xml.etree.ElementTree import ParseError

    numbers: list[int] = []
    rows: list[list[str | None]] = []
    cells = 0
    last_row = 0
    with workbook._archive.open(sheet._worksheet_path) as stream:
        parser = _lenient_parser(workbook, sheet, stream)
        try:
            for index, raw_cells in parser.parse():
                last_row = index
                if index > MAX_SHEET_ROWS or index < 1:
                    raise _fail(source, "the sheet « {sheet} » has a row numbered {row}, beyond "
                                "Excel's {limit}: the file is damaged; save it again from "
                                "Excel or LibreOffice Calc", sheet=sheet.title, row=index,
                                limit=MAX_SHEET_ROWS)
                row: list[str | None] = []
                for cell in raw_cells:
                    column = int(cell["column"])
                    if column > MAX_COLUMNS or column < 1:
                        raise ReaderError(Problem.of(
                            source, index, f"column {column}", "",
                            "a cell is in column {column}, beyond the {limit} columns Jalon "
                            "reads; delete the cells to the right of the table",
                            column=column, limit=MAX_COLUMNS))
                    text = _cell_text(cell["value"])
                    if text is None:
                        continue
                    if column > len(row):
                        row.extend([None] * (column - len(row)))
                    row[column - 1] = text
                if not row:
                    continue
                cells += len(row)
                if cells > MAX_CELLS:
                    raise _fail(source, "the sheet « {sheet} » holds more than {limit} cells; "
                                "split the inventory into several files",
                                sheet=sheet.title, limit=MAX_CELLS)
                numbers.append(index)
                rows.append(row)
        except ParseError as exc:
            raise ReaderError(Problem.of(
                source, last_row, "", "",
                "the sheet « {sheet} » is damaged after row {row} ({error}); open the "
                "workbook in Excel or LibreOffice Calc, save it again and import it again",
                sheet=sheet.title, row=last_row, error=exc)) from exc
        except (ValueError, TypeError, KeyError, IndexError, OverflowError) as exc:
            raise ReaderError(Problem.of(
                source, last_row + 1, "", "",
                "the sheet « {sheet} » cannot be read at row {row} ({error}); open the "
                "workbook in Excel or LibreOffice Calc, save it again and import it again",
                sheet=sheet.title, row=last_row + 1, error=exc)) from exc
    return numbers, rows


def _lenient_parser(workbook: Any, sheet: Any, stream: Any) -> Any:
    """openpyxl's streaming sheet parser, keeping as text the cells it cannot convert.

    It is openpyxl's own (`worksheet._reader`, the one its read-only mode uses), so cell types,
    shared strings and date styles are read exactly as openpyxl reads them.
    """
    from openpyxl.utils.cell import coordinate_to_tuple
    from openpyxl.worksheet._reader import VALUE_TAG, WorkSheetParser

    class Lenient(WorkSheetParser):  # type: ignore[misc]
        def parse_cell(self, element: Any) -> dict[str, Any]:
            try:
                return super().parse_cell(element)  # type: ignore[no-any-return]
            except (ValueError, TypeError, KeyError, IndexError, OverflowError):
                # A number beyond floats, a shared string that does not exist, a date out of
                # range: the value as the file holds it, for typed parsing to report.
                column: int
                try:
                    _row, column = coordinate_to_tuple(element.get("r") or "")
                except (ValueError, TypeError, KeyError, IndexError):
                    column = int(getattr(self, "col_counter", 0)) + 1
                self.col_counter = column
                return {"row": getattr(self, "row_counter", 0), "column": column,
                        "value": element.findtext(VALUE_TAG), "data_type": "s", "style_id": 0}

    return Lenient(stream, sheet._shared_strings, data_only=True, epoch=workbook.epoch,
                   date_formats=workbook._date_formats,
                   timedelta_formats=workbook._timedelta_formats)


def _cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text if text.strip() else None
