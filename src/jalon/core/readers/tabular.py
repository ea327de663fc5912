"""Readers for tabular inventories: Jalon's canonical CSV/XLSX, GLPI exports, NumEcoEval.

The three share one pipeline: decode and split the file (text.py), recognise the header with a
format profile (which header means which canonical column), apply the user's mapping file on
top, then parse every column vectorised (values.py) and turn bad values into located problems.
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import polars as pl

from jalon.core.model import RETIRED_STATUS, Problem, ReadReport
from jalon.core.readers.base import (
    CANONICAL_COLUMNS,
    ReaderError,
    ReadResult,
    conform,
)
from jalon.core.readers.text import TextTable, normalise_header, read_delimited
from jalon.core.readers.values import DATE_FORMATS, PARSERS, RANGE_RULES, parse_column

# A column the engine does not keep but a profile reads to derive canonical values.
COMMENT: Final = "comment"
IGNORE: Final = "ignore"



PREFIXABLE: Final = frozenset({"purchase_date", "commissioning_date", "retirement_date",
                               "purchase_price_eur"})


@dataclass(frozen=True, slots=True)
class Profile:
    name: str
    aliases: dict[str, str]
    date_formats: tuple[str, ...] = DATE_FORMATS
    derive: Callable[[pl.DataFrame], pl.DataFrame] | None = None

    def canonical_for(self, header: str) -> str | None:
        key = normalise_header(header)
        if key in self.aliases:
            return self.aliases[key]
        # GLPI prefixes the options of a linked group: "Informations financières et
        # administratives - Date d'achat". Only those financial fields are taken this way:
        # "Système d'exploitation - Nom" is the OS name, not the device's.
        if " - " in key:
            target = self.aliases.get(key.rsplit(" - ", 1)[1])
            return target if target in PREFIXABLE else None
        return None


@dataclass(frozen=True, slots=True)
class Mapping:
    """A user's override of the detected column mapping, read from a small TOML file."""

    columns: dict[str, str] = field(default_factory=dict)
    format: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    date_format: str | None = None

    @classmethod
    def load(cls, path: Path) -> Mapping:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ReaderError(Problem(str(path), 0, "", "", f"cannot read the mapping file: {exc}"
                                      )) from exc
        columns = data.get("columns", {})
        options = data.get("options", {})
        unknown = sorted(set(options) - MAPPING_OPTIONS)
        if unknown:
            raise ReaderError(Problem(str(path), 0, "[options]", ", ".join(unknown),
                                      "unknown option; use " + ", ".join(sorted(MAPPING_OPTIONS))))
        allowed = set(CANONICAL_COLUMNS) | {COMMENT, IGNORE, ""}
        for header, target in columns.items():
            if target not in allowed:
                raise ReaderError(Problem(str(path), 0, header, str(target),
                                          f"unknown canonical column {target!r}; use one of "
                                          f"{', '.join(CANONICAL_COLUMNS)} or 'ignore'"))
        return cls(
            columns={normalise_header(k): (v or IGNORE) for k, v in columns.items()},
            format=options.get("format"),
            encoding=options.get("encoding"),
            delimiter=options.get("delimiter"),
            date_format=options.get("date_format"),
        )


# `decimal` is accepted for readability: amounts are recognised with either separator.
MAPPING_OPTIONS: Final = frozenset({"format", "encoding", "delimiter", "date_format", "decimal"})


def _aliases(pairs: dict[str, str]) -> dict[str, str]:
    return {normalise_header(k): v for k, v in pairs.items()}


def _derive_glpi(frame: pl.DataFrame) -> pl.DataFrame:
    """GLPI has no field for refurbished devices; agents write it in the comments."""
    if COMMENT not in frame.columns:
        return frame
    comment = pl.col(COMMENT).str.to_lowercase()
    existing = pl.col("condition") if "condition" in frame.columns else pl.lit(None, pl.Utf8)
    derived = (
        pl.when(comment.str.contains("reconditionn|refurbish")).then(pl.lit("refurbished"))
        .when(comment.str.contains("réemploi|reemploi|réutilis|reutilis")).then(pl.lit("reused"))
        .otherwise(None)
    )
    return frame.with_columns(pl.coalesce(existing, derived).alias("condition"))


GLPI: Final = Profile(
    "glpi",
    _aliases({
        "Nom": "name", "Entité": "entity", "Statut": "status", "Fabricant": "manufacturer",
        "Type": "type", "Type d'élément": "item_type", "Élément": "item_type",
        "Type d'objet": "item_type", "Modèle": "model",
        "Numéro d'inventaire": "inventory_number", "Lieu": "site", "Usager": "user",
        "Utilisateur": "user", "Date d'achat": "purchase_date",
        "Date de mise en service": "commissioning_date", "Valeur": "purchase_price_eur",
        "Date de réforme": "retirement_date", "Commentaires": COMMENT,
        "Commentaire": COMMENT, "Date de livraison": IGNORE,
    }),
    date_formats=("%d/%m/%Y", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%Y-%m-%d",
                  "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"),
    derive=_derive_glpi,
)

def _derive_numecoeval(frame: pl.DataFrame) -> pl.DataFrame:
    """NumEcoEval's nbCoeur is a device's total number of cores: one 'socket' of that many."""
    if "cpu_cores" not in frame.columns:
        return frame
    return frame.with_columns(
        pl.when(pl.col("cpu_cores").is_not_null()).then(pl.lit(1)).otherwise(None)
        .cast(pl.Int64).alias("cpu_units"))


NUMECOEVAL: Final = Profile(
    "numecoeval",
    _aliases({
        "nomEquipementPhysique": "inventory_number", "modele": "model", "quantite": "quantity",
        "nomCourtDatacenter": "site", "dateAchat": "purchase_date",
        "dateRetrait": "retirement_date", "dureeUsageInterne": "lifespan_years", "type": "type",
        "statut": "status", "paysDUtilisation": "country", "consoElecAnnuelle": "annual_kwh",
        "utilisateur": "user", "nomEntite": "entity", "nbCoeur": "cpu_cores",
    }),
    date_formats=("%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%dT%H:%M:%S"),
    derive=_derive_numecoeval,
)

CANONICAL: Final = Profile("jalon", {name: name for name in CANONICAL_COLUMNS})

PROFILES: Final[dict[str, Profile]] = {p.name: p for p in (CANONICAL, GLPI, NUMECOEVAL)}


def detect_profile(headers: list[str]) -> Profile:
    """The profile that recognises the most headers; the canonical format wins ties."""
    best = max(PROFILES.values(),
               key=lambda p: sum(p.canonical_for(h) is not None for h in headers))
    return best


def _score_any_profile(row: list[str]) -> int:
    return max(sum(p.canonical_for(cell) is not None for cell in row) for p in PROFILES.values())


def read_tabular(path: Path, mapping: Mapping | None = None) -> ReadResult:
    mapping = mapping or Mapping()
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        table = read_xlsx_table(path)
    else:
        table = read_delimited(path, _score_any_profile, mapping.encoding, mapping.delimiter)
    if mapping.format:
        if mapping.format not in PROFILES:
            raise ReaderError(Problem(str(path), 0, "", mapping.format,
                                      f"unknown format; use one of {', '.join(PROFILES)}"))
        profile = PROFILES[mapping.format]
    else:
        profile = detect_profile(table.headers)
    return parse_table(table, profile, mapping)


def parse_table(table: TextTable, profile: Profile, mapping: Mapping) -> ReadResult:
    report = ReadReport(read=table.frame.height, formats=[profile.name])
    # Header -> canonical column; the first header mapped to a column wins.
    chosen: dict[str, tuple[str, str]] = {}  # canonical -> (raw column, original header)
    for index, header in enumerate(table.headers):
        target = mapping.columns.get(normalise_header(header)) or profile.canonical_for(header)
        if target is None or target == IGNORE:
            report.mapping[header] = IGNORE
            continue
        if target in chosen:
            report.mapping[header] = IGNORE
            report.problems.append(Problem(table.source, table.header_line, header, header,
                                           f"a second column maps to {target}; it is ignored "
                                           "(fix it in the mapping file)"))
            continue
        chosen[target] = (f"c{index}", header)
        report.mapping[header] = target
    if not any(c in chosen for c in ("category", "type", "model", "item_type")):
        raise ReaderError(Problem(
            table.source, table.header_line, "", ", ".join(table.headers[:8]),
            f"no column says what the devices are (read as {profile.name}); give a mapping "
            "file with a [columns] table naming the type, model or category column"))

    raw = table.frame.select([pl.col(src).alias(dst) for dst, (src, _) in chosen.items()])
    raw = raw.with_columns(table.lines.alias("line"))
    date_formats = profile.date_formats
    if mapping.date_format:
        date_formats = (mapping.date_format, *date_formats)

    parsed_columns = [c for c in chosen if c != COMMENT]
    # Columns parse independently and Polars releases the GIL: one thread per core.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        parsed = dict(zip(parsed_columns, pool.map(
            lambda c: parse_column(raw.get_column(c), c, date_formats), parsed_columns),
            strict=True))
    lines = raw.get_column("line")
    columns: dict[str, pl.Series] = {}
    for column, (value, bad) in parsed.items():
        header = chosen[column][1]
        if bad.any():
            report.problems.extend(_located(table.source, header, lines, raw.get_column(column),
                                            bad, PARSERS[column][1]))
        rule = RANGE_BY_COLUMN.get(column)
        if rule is not None and value.null_count() < value.len():
            out_of_range = value.to_frame().select((~rule[0]).fill_null(False)).to_series()
            if out_of_range.any():
                report.problems.extend(_located(table.source, header, lines,
                                                raw.get_column(column), out_of_range, rule[1]))
                value = pl.select(pl.when(pl.lit(out_of_range)).then(None)
                                  .otherwise(pl.lit(value))).to_series().alias(column)
        columns[column] = value
    report.problems.sort(key=lambda p: (p.line, p.column))
    frame = pl.DataFrame([lines, *columns.values()])
    if COMMENT in chosen:
        frame = frame.with_columns(raw.get_column(COMMENT))
    if profile.derive is not None:
        frame = profile.derive(frame)
    frame = frame.with_columns(pl.lit(table.source).alias("source"))
    report.problems.extend(_retired_without_date(frame, chosen, table.source))
    report.problems.extend(_consistency(frame, chosen, table.source))
    return ReadResult(conform(frame), report)


RANGE_BY_COLUMN: Final = {column: (rule, message) for column, rule, message in RANGE_RULES}


def _located(source: str, header: str, lines: pl.Series, raw: pl.Series, rows: pl.Series,
             message: str) -> list[Problem]:
    """One problem per flagged row, with its physical line and the value as written."""
    return [Problem(source, int(line), header, str(value), message)
            for line, value in zip(lines.filter(rows).to_list(), raw.filter(rows).to_list(),
                                   strict=True)]


def _consistency(frame: pl.DataFrame, chosen: dict[str, tuple[str, str]],
                 source: str) -> list[Problem]:
    """Checks across columns: dates in order, inventory numbers unique."""
    problems: list[Problem] = []
    if "retirement_date" in chosen and ("purchase_date" in chosen
                                        or "commissioning_date" in chosen):
        start = pl.coalesce([pl.col(c) for c in ("commissioning_date", "purchase_date")
                             if c in chosen])
        rows = frame.filter(pl.col("retirement_date") < start)
        header = chosen["retirement_date"][1]
        problems.extend(
            Problem(source, int(line), header, str(value),
                    "the retirement date is before the purchase or commissioning date; "
                    "the device is counted for no day in service; correct one of the dates")
            for line, value in rows.select("line", "retirement_date").iter_rows())
    numbers = frame.get_column("inventory_number").drop_nulls() \
        if "inventory_number" in chosen else pl.Series(dtype=pl.Utf8)
    # The cheap test first: most files have no duplicate, and this runs on every import.
    # Hashes first (a cheap integer count); a collision only costs the exact check below.
    if numbers.hash().n_unique() < numbers.len():
        numbered = frame.filter(pl.col("inventory_number").is_not_null()).select(
            "line", "inventory_number")
        first = numbered.group_by("inventory_number").agg(pl.col("line").min().alias("first"))
        dupes = numbered.join(first, on="inventory_number").filter(pl.col("line") > pl.col("first"))
        header = chosen["inventory_number"][1]
        problems.extend(
            Problem(source, int(line), header, str(number),
                    f"this inventory number is already on line {first_line}; both devices are "
                    "counted, but a merged re-import uses it as the key: make it unique")
            for line, number, first_line in dupes.sort("line").iter_rows())
    return problems


def _retired_without_date(frame: pl.DataFrame, chosen: dict[str, tuple[str, str]],
                          source: str) -> list[Problem]:
    if "status" not in chosen:
        return []
    retired = pl.col("status").str.to_lowercase().str.contains(RETIRED_STATUS)
    missing = (pl.col("retirement_date").is_null() if "retirement_date" in frame.columns
               else pl.lit(True))
    rows = frame.filter(retired & missing)
    header = chosen["status"][1]
    return [Problem(source, int(line), header, str(value),
                    "the status says retired but there is no retirement date; the device is "
                    "counted as out of service for the whole year; add its retirement date")
            for line, value in rows.select("line", "status").iter_rows()]


def read_xlsx_table(path: Path) -> TextTable:
    """The first sheet of a workbook, as strings; lines are the spreadsheet's row numbers."""
    from openpyxl import load_workbook  # imported here: only XLSX inputs pay for it

    source = str(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise ReaderError(Problem(source, 0, "", "", f"cannot open the workbook: {exc}")) from exc
    sheet = workbook.worksheets[0]
    rows = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    if not rows:
        raise ReaderError(Problem(source, 0, "", "", "the first sheet is empty"))
    scan = [[c or "" for c in r] for r in rows[:15]]
    header_index = max(range(len(scan)), key=lambda i: (_score_any_profile(scan[i]), -i))
    headers = [c or f"column {i + 1}" for i, c in enumerate(rows[header_index])]
    body = [(index + 1, r) for index, r in enumerate(rows) if index > header_index
            and any(c not in (None, "") for c in r)]
    width = len(headers)
    data = {f"c{i}": [(r[i] if i < len(r) else None) for _, r in body] for i in range(width)}
    frame = pl.DataFrame(data, schema={f"c{i}": pl.Utf8 for i in range(width)})
    lines = pl.Series("line", [n for n, _ in body], dtype=pl.Int64)
    return TextTable(source, "xlsx", "", header_index + 1, headers, frame, lines)


def _cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
