"""Turning a delimited text file, as authorities really have it, into a table of strings.

Asset-tool exports reach us in many shapes: UTF-8 with or without a byte-order mark, or cp1252
once a French Excel has re-saved them; `;` (French Excel's list separator) or `,`; CRLF line
endings; sometimes a title line above the header. This module finds all of that out and keeps,
for every record, the physical line it starts on (header = line 1 when it is the first line), so
that problems can be located by a person with the file open in a text editor or a spreadsheet.
"""

from __future__ import annotations

import csv
import io
import mmap
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from jalon.core.model import Problem
from jalon.core.readers.base import MAX_COLUMNS, MAX_TABULAR_BYTES, ReaderError

CANDIDATE_DELIMITERS = (";", ",", "\t", "|")
HEADER_SCAN_LINES = 15


@dataclass(frozen=True, slots=True)
class TextTable:
    """A delimited file parsed into strings; `lines[i]` is the physical line of record i."""

    source: str
    encoding: str
    delimiter: str
    header_line: int
    headers: list[str]
    frame: pl.DataFrame  # one Utf8 column per header, in file order, named c0, c1, ...
    lines: pl.Series


def decode(data: bytes, source: str, encoding: str | None = None) -> tuple[str, str]:
    """Decode bytes; without an explicit encoding, try UTF-8 (BOM or not) then cp1252.

    cp1252 rather than latin-1 because Windows Excel in French saves "CSV (séparateur:
    point-virgule)" in cp1252, where the euro sign is 0x80 (latin-1 has no euro sign).
    """
    if encoding:
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            raise ReaderError(Problem.of(source, 0, "", encoding,
                                         "cannot decode the file as {encoding}: {error}; "
                                         "check the encoding in the mapping file",
                                         encoding=encoding, error=exc)) from exc
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's « Texte Unicode » (tab-separated UTF-16 with a byte-order mark).
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; latin-1 decodes anything, and a stray byte
        # then shows up in the value where a person can see it rather than failing the file.
        return data.decode("latin-1"), "latin-1"


def normalise_header(header: str) -> str:
    """Compare headers without case, accents, BOM, surrounding quotes or repeated spaces."""
    text = header.replace("\ufeff", "").strip().strip('"').strip()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("\u2019", "'")
    return " ".join(text.lower().split())


def sniff_delimiter(sample_lines: list[str]) -> str:
    """The candidate that splits the most sample lines into the same number (>1) of fields."""
    best, best_score = ",", -1
    for delimiter in CANDIDATE_DELIMITERS:
        counts = [len(row) for row in csv.reader(sample_lines, delimiter=delimiter)]
        counts = [c for c in counts if c > 1]
        if not counts:
            continue
        most_common = max(set(counts), key=counts.count)
        score = counts.count(most_common) * 1000 + most_common
        if score > best_score:
            best, best_score = delimiter, score
    return best


def find_header(rows: list[list[str]], score: Callable[[list[str]], int]) -> int:
    """Index of the row, among the first ones, that looks most like a header."""
    best_index, best_score = 0, 0
    for index, row in enumerate(rows[:HEADER_SCAN_LINES]):
        value = score(row)
        if value > best_score:
            best_index, best_score = index, value
    return best_index


UTF8_NAMES = frozenset({"utf-8", "utf8", "utf-8-sig", "utf_8", "utf_8_sig"})
HEAD_BYTES = 65536
BOM = b"\xef\xbb\xbf"


def read_delimited(
    path: Path,
    score_header: Callable[[list[str]], int],
    encoding: str | None = None,
    delimiter: str | None = None,
) -> TextTable:
    source = str(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
            whole = len(head) < HEAD_BYTES
    except OSError as exc:
        raise ReaderError(Problem.of(source, 0, "", "", "cannot read the file: {error}",
                                     error=exc)) from exc
    if whole and not head.strip():
        raise ReaderError(Problem(source, 0, "", "", "the file is empty"))
    size = path.stat().st_size
    if size > MAX_TABULAR_BYTES:
        raise ReaderError(Problem.of(
            source, 0, "", "", "the file holds {size} MB, more than the {limit} MB accepted; "
            "split it into several files", size=f"{size / 1_048_576:.0f}",
            limit=MAX_TABULAR_BYTES // 1_048_576))
    head_text = None if whole else _utf8_head(head, encoding)
    if head_text is not None:
        # A large UTF-8 file: Polars reads it from disk (memory-mapped, in parallel) and checks
        # the UTF-8 itself; only a file that turns out not to be UTF-8 is decoded in Python.
        table = _read_utf8_file(path, head, head_text, score_header, delimiter)
        if table is not None:
            return table
    data = path.read_bytes()
    text, used_encoding = decode(data, source, encoding)
    if not text or text.isspace():
        raise ReaderError(Problem(source, 0, "", "", "the file is empty"))
    delim, header_index = _sniff(text[:HEAD_BYTES], score_header, delimiter, source,
                                 complete=len(text) <= HEAD_BYTES)

    # Valid UTF-8 goes to Polars as it is; only re-encode what was decoded from another charset.
    utf8 = data[3:] if used_encoding == "utf-8-sig" else data
    payload = utf8 if used_encoding in ("utf-8", "utf-8-sig") else text.encode("utf-8")
    frame = _parse_with_polars(payload, delim, header_index, source)
    lines, frame = _record_lines(frame, delim, header_index, text.count("\n"),
                                 text.endswith("\n"), lambda: text, source)
    return _table(source, used_encoding, delim, header_index, frame, lines)


def _utf8_head(head: bytes, encoding: str | None) -> str | None:
    """The beginning of a file as text, when the file claims or seems to be UTF-8."""
    if encoding is not None and encoding.lower() not in UTF8_NAMES:
        return None
    try:
        return head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # not a character cut at the end of the sample
            return None
        return head[:exc.start].decode("utf-8-sig")


def _read_utf8_file(path: Path, head: bytes, head_text: str,
                    score_header: Callable[[list[str]], int],
                    delimiter: str | None) -> TextTable | None:
    """A large file read by Polars from disk; None when it turns out not to be UTF-8."""
    source = str(path)
    delim, header_index = _sniff(head_text, score_header, delimiter, source, complete=False)
    try:
        frame = _parse_with_polars(path, delim, header_index, source)
    except NotUtf8:
        return None  # decoded in Python instead (cp1252...)
    encoding = "utf-8-sig" if head.startswith(BOM) else "utf-8"
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        quoted = mm.find(b'"') != -1
    if not quoted:
        # No field can span lines and Polars keeps blank lines as empty records: record i is
        # on physical line header + 1 + i.
        return _table(source, encoding, delim, header_index, frame,
                      _consecutive_lines(header_index, frame.height))
    data = path.read_bytes()
    lines, frame = _record_lines(frame, delim, header_index, data.count(b"\n"),
                                 data.endswith(b"\n"), lambda: data.decode("utf-8-sig"),
                                 source)
    return _table(source, encoding, delim, header_index, frame, lines)


def _record_lines(frame: pl.DataFrame, delim: str, header_index: int, newlines: int,
                  ends_with_newline: bool, text: Callable[[], str], source: str
                  ) -> tuple[pl.Series, pl.DataFrame]:
    """Physical line of each record. The fast path holds when no field spans several lines,
    which is true of almost every export; otherwise the csv module counts."""
    physical_lines = newlines + (0 if ends_with_newline else 1)
    if physical_lines == header_index + 1 + frame.height:
        return _consecutive_lines(header_index, frame.height), frame
    return _count_lines(text(), delim, header_index, frame, source)


def _sniff(head_text: str, score_header: Callable[[list[str]], int],
           delimiter: str | None, source: str, *, complete: bool) -> tuple[str, int]:
    """Delimiter and header row, from the beginning of the file; `complete` when that
    beginning is the whole file. The header is checked here, before Polars reads anything:
    Polars makes one column per header field, and a 14 MB line of semicolons made it build
    millions of columns and use gigabytes (issue 10)."""
    head = head_text.splitlines()[:HEADER_SCAN_LINES + 5]
    try:
        delim = delimiter or sniff_delimiter(head)
        rows = list(csv.reader(head, delimiter=delim))
    except csv.Error as exc:
        raise ReaderError(Problem.of(
            source, 0, "", "", "cannot parse the file as delimited text ({delimiter}): {error}",
            delimiter=repr(delimiter or ","), error=exc)) from exc
    header_index = find_header(rows, score_header)
    if not complete and head_text.count("\n") <= header_index:
        raise ReaderError(Problem.of(
            source, header_index + 1, "", "",
            "line {line} is longer than {limit} KB, which no header of an inventory is; check "
            "that the file is a table with one device per line (a CSV export)",
            line=header_index + 1, limit=HEAD_BYTES // 1024))
    width = len(rows[header_index]) if header_index < len(rows) else 0
    if width > MAX_COLUMNS:
        raise ReaderError(Problem.of(
            source, header_index + 1, "", "",
            "the header (line {line}) has {columns} columns, more than the {limit} Jalon reads; "
            "check the delimiter, or delete the empty columns after the table",
            line=header_index + 1, columns=width, limit=MAX_COLUMNS))
    return delim, header_index


def _consecutive_lines(header_index: int, n: int) -> pl.Series:
    first = header_index + 2  # header on line header_index + 1, records right after it
    return pl.Series("line", range(first, first + n), dtype=pl.Int64)


def _table(source: str, encoding: str, delim: str, header_index: int, frame: pl.DataFrame,
           lines: pl.Series) -> TextTable:
    # Blank lines are not devices (polars keeps them as empty records).
    empty = frame.select(pl.all_horizontal(pl.all().is_null())).to_series() if frame.width \
        else pl.Series(dtype=pl.Boolean)
    if empty.any():
        frame, lines = frame.filter(~empty), lines.filter(~empty)
    headers = list(frame.columns)
    frame = frame.rename({name: f"c{i}" for i, name in enumerate(headers)})
    return TextTable(source, encoding, delim, header_index + 1, headers, frame, lines)


class NotUtf8(ReaderError):
    """Polars found bytes that are not UTF-8 in a file it was given as such."""


def _parse_with_polars(payload: bytes | Path, delim: str, header_index: int,
                       source: str) -> pl.DataFrame:
    try:
        return pl.read_csv(
            io.BytesIO(payload) if isinstance(payload, bytes) else payload,
            separator=delim,
            skip_rows=header_index,
            infer_schema=False,
            truncate_ragged_lines=True,
            raise_if_empty=False,
        )
    except pl.exceptions.PolarsError as exc:
        problem = Problem.of(source, 0, "", "",
                             "cannot parse the file as delimited text ({delimiter}): {error}",
                             delimiter=repr(delim), error=exc)
        if isinstance(exc, pl.exceptions.ComputeError) and "utf-8" in str(exc).lower():
            raise NotUtf8(problem) from exc
        raise ReaderError(problem) from exc


def _count_lines(
    text: str, delim: str, header_index: int, frame: pl.DataFrame, source: str
) -> tuple[pl.Series, pl.DataFrame]:
    """Re-read with the csv module, which knows where multi-line records start.

    Only the start lines are kept when the csv module finds as many records as Polars (the
    usual case: Polars and the csv module both follow RFC 4180); the table is rebuilt from the
    csv module's rows only when they disagree. Keeping every row of a 50 MB file as Python
    lists took 1.7 GB (tests/fuzz/big_inputs.py).
    """
    starts = _record_starts(text, delim, header_index, source)
    if len(starts) == frame.height:
        return pl.Series("line", starts, dtype=pl.Int64), frame
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    kept: list[int] = []
    rows: list[list[str]] = []
    previous_end = 0
    try:
        for index, row in enumerate(reader):
            start = previous_end + 1
            previous_end = reader.line_num
            if index <= header_index or not any(cell.strip() for cell in row):
                continue
            kept.append(start)
            rows.append(row)
    except csv.Error as exc:
        raise _csv_problem(source, previous_end + 1, exc) from exc
    columns = frame.columns
    data = {
        name: [(row[i] if i < len(row) and row[i] != "" else None) for row in rows]
        for i, name in enumerate(columns)
    }
    rebuilt = pl.DataFrame(data, schema={c: pl.Utf8 for c in columns}) if frame.width else frame
    return pl.Series("line", kept, dtype=pl.Int64), rebuilt


def _csv_problem(source: str, line: int, error: csv.Error) -> ReaderError:
    return ReaderError(Problem.of(
        source, line, "", "",
        "the record starting on line {line} cannot be read ({error}); check the quotes around "
        "it: a quote opened and never closed makes the rest of the file one value",
        line=line, error=error))


def _record_starts(text: str, delim: str, header_index: int, source: str) -> list[int]:
    """Physical start line of every record after the header, as Polars counts records
    (a blank line is an empty record: `_table` drops it with Polars' empty records)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    starts: list[int] = []
    previous_end = 0
    try:
        for index, _row in enumerate(reader):
            if index > header_index:
                starts.append(previous_end + 1)
            previous_end = reader.line_num
    except csv.Error as exc:
        raise _csv_problem(source, previous_end + 1, exc) from exc
    return starts
