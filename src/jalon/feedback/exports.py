"""Exports of the responses: CSV (semicolons, UTF-8 with BOM: what French Excel opens) and XLSX.
Every text cell goes through core.exports.safe_cell, so that a comment starting with "=" never
runs as a formula (CSV/XLSX injection, OWASP)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any, Final

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from jalon.core.exports import safe_cell
from jalon.feedback import questions as q
from jalon.feedback.models import Response, Source

CONTENT_TYPES: Final = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MAX_ROWS: Final = 100_000


def _table(rows: QuerySet[Response]) -> tuple[list[str], list[list[Any]]]:
    rows = rows.select_related("form__service", "version").order_by("received_at", "id")
    items = list(rows[:MAX_ROWS])
    # Columns: the standard questions, then every organisation question met, by version order.
    custom: dict[tuple[int, str], str] = {}
    for response in items:
        for question in response.version.questions:
            if not question.get("standard"):
                custom.setdefault((response.form_id, question["code"]),
                                  f"{response.form.service.name} — {question['label']}")
    headers = [_("Date"), _("Service"), _("Version du formulaire"), _("Provenance"),
               *(str(q.STANDARD_BY_CODE[code]["label"]) for code in q.STANDARD_CODES
                 if code != q.VERBATIM),
               _("Commentaire"), *custom.values()]
    sources = dict(Source.choices)
    table = []
    for response in items:
        by_code = {question["code"]: question for question in response.version.questions}
        standard = []
        for code in q.STANDARD_CODES:
            if code == q.VERBATIM:
                continue
            question = by_code.get(code) or {**q.STANDARD_BY_CODE[code], "standard": True}
            standard.append(q.answer_label(question, response.answers.get(code)))
        extra = []
        for form_id, code in custom:
            question = by_code.get(code)
            extra.append(q.answer_label(question, response.answers.get(code))
                         if form_id == response.form_id and question else "")
        table.append([timezone.localtime(response.received_at).strftime("%Y-%m-%d %H:%M"),
                      response.form.service.name, response.version.number,
                      str(sources.get(response.source, response.source)), *standard,
                      response.comment, *extra])
    return headers, table


def _safe(row: Iterable[Any]) -> list[Any]:
    return [safe_cell(cell) for cell in row]


def to_csv(rows: QuerySet[Response]) -> bytes:
    headers, table = _table(rows)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(_safe(headers))
    for row in table:
        writer.writerow(_safe(row))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(rows: QuerySet[Response]) -> bytes:
    headers, table = _table(rows)
    book = Workbook()
    sheet = book.active
    if sheet is None:  # a new workbook has its sheet
        sheet = book.create_sheet()
    sheet.title = _("Avis")
    sheet.append(_safe(headers))
    for row in table:
        sheet.append(_safe(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def export(rows: QuerySet[Response], fmt: str) -> bytes:
    return to_xlsx(rows) if fmt == "xlsx" else to_csv(rows)
