"""Reading an attendance sheet of a training session (pure, no Django).

A CSV as French Excel saves it (Windows-1252 or UTF-8, semicolons or commas): one line per
agent present, with an identifier (matricule, or e-mail address) and optionally the date and
a status. Headers are matched without regard to case and accents:

- agent: "matricule", "identifiant", "agent", "courriel", "email", "e-mail";
- date: "date", "date de formation", "date de session";
- status (optional): "présence", "statut", "present"; a line whose status says absent
  ("absent", "non", "0", "excusé") is not counted.

The identifier is never stored in clear by Jalon: the caller hashes it (see gdpr.services), so
that the coverage counts distinct agents without keeping a list of names.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Final

from jalon.core.catalogue import (
    CellError,
    InvalidValue,
    decode,
    normalise,
    parse_date,
    sniff_delimiter,
)

MAX_ROWS: Final = 20000
AGENT_HEADERS: Final = ("matricule", "identifiant", "agent", "courriel", "email", "e-mail",
                        "mail", "adresse electronique")
DATE_HEADERS: Final = ("date", "date de formation", "date de session", "date de la session")
STATUS_HEADERS: Final = ("presence", "statut", "present", "presente")
ABSENT: Final = ("absent", "absente", "non", "0", "excuse", "excusee", "no")


@dataclass(frozen=True, slots=True)
class Attendance:
    line: int
    agent: str
    date: dt.date | None


@dataclass(frozen=True, slots=True)
class AttendanceSheet:
    rows: list[Attendance] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    absent: int = 0
    encoding: str = "utf-8"
    delimiter: str = ","

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def distinct_agents(self) -> int:
        return len({row.agent for row in self.rows})


def _find(headers: list[str], names: tuple[str, ...]) -> int | None:
    normalised = [normalise(h) for h in headers]
    for name in names:
        if normalise(name) in normalised:
            return normalised.index(normalise(name))
    return None


def parse_attendance(data: bytes, *, first_day: dt.date | None = None,
                     last_day: dt.date | None = None) -> AttendanceSheet:
    """The agents present, or every error (line, column, value, what to do) and no row."""
    try:
        text, encoding = decode(data)
    except InvalidValue as exc:
        return AttendanceSheet(errors=[CellError(1, "", "", str(exc))])
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        return AttendanceSheet(errors=[CellError(1, "", "", "Le fichier est vide : la première "
                                                 "ligne doit donner les en-têtes, par exemple "
                                                 "« matricule;date ».")])
    delimiter = sniff_delimiter(lines[0])
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    headers = [h.strip() for h in next(reader)]
    agent_col = _find(headers, AGENT_HEADERS)
    if agent_col is None:
        return AttendanceSheet(errors=[CellError(
            1, "", ";".join(headers)[:200],
            "Aucune colonne d'identifiant d'agent : ajoutez une colonne « matricule » (ou "
            "« courriel »).")], encoding=encoding, delimiter=delimiter)
    date_col = _find(headers, DATE_HEADERS)
    status_col = _find(headers, STATUS_HEADERS)
    rows: list[Attendance] = []
    errors: list[CellError] = []
    absent = 0
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if number - 1 > MAX_ROWS:
            errors.append(CellError(number, "", "", f"Plus de {MAX_ROWS} lignes : découpez le "
                                                     "fichier."))
            break

        def cell(index: int | None, cells: list[str] = cells) -> str:
            return cells[index].strip() if index is not None and index < len(cells) else ""

        if status_col is not None and normalise(cell(status_col)) in ABSENT:
            absent += 1
            continue
        agent = cell(agent_col)
        if not agent:
            errors.append(CellError(number, headers[agent_col], "",
                                    "Identifiant de l'agent manquant : renseignez-le ou "
                                    "supprimez la ligne."))
            continue
        day = None
        if date_col is not None:
            try:
                day = parse_date(cell(date_col))
            except InvalidValue as exc:
                errors.append(CellError(number, headers[date_col], cell(date_col), str(exc)))
                continue
            if day and ((first_day and day < first_day) or (last_day and day > last_day)):
                errors.append(CellError(
                    number, headers[date_col], cell(date_col),
                    "Date hors de la période de la campagne : vérifiez la date ou la campagne "
                    "choisie."))
                continue
        rows.append(Attendance(number, agent.casefold(), day))
    if errors:
        return AttendanceSheet(errors=errors, encoding=encoding, delimiter=delimiter)
    return AttendanceSheet(rows=rows, absent=absent, encoding=encoding, delimiter=delimiter)
