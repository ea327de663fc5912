"""The operator's dashboard as a spreadsheet (CSV and XLSX): one row per member shown, with the
filters of the page. Every text cell goes through core.exports.safe_cell (a member's name
starting with "=" never runs as a formula); numbers stay numbers."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from typing import Any

from django.utils.translation import gettext as _

from jalon.core.exports import date_cell, number_cell, safe_cell
from jalon.operators.dashboard import Dashboard, Member


def headers(year: int) -> list[str]:
    return [_("Organisation"), _("Identifiant"), _("Opérateur"), _("Type"), _("Population"),
            _("Tranche de population"), _("Agents"), _("Équipements inventoriés"),
            _("Empreinte carbone %(year)s (kgCO2e, méthode stock)") % {"year": year},
            _("Empreinte par agent (kgCO2e)"), _("Empreinte à recalculer"),
            _("Stratégie"), _("Adoptée le"), _("Indicateurs en bonne voie ou atteints"),
            _("Indicateurs en retard"), _("Indicateurs sans cible"),
            _("Indicateurs sans données"), _("Dernier import"), _("Dernier événement")]


def _row(member: Member) -> list[Any]:
    strategy = member.strategy
    return [
        member.name, member.slug, member.operator, member.kind_label, member.population,
        member.band_label, member.agents, member.devices,
        None if member.gwp_kg is None else round(member.gwp_kg, 1),
        None if member.per_agent is None else round(member.per_agent, 1),
        _("oui") if member.footprint_stale else "",
        strategy.title if strategy else "",
        date_cell(strategy.adopted_on) if strategy else "",
        strategy.on_track if strategy else None, strategy.late if strategy else None,
        strategy.no_target if strategy else None, strategy.no_data if strategy else None,
        date_cell(member.last_import.date()) if member.last_import else "",
        date_cell(member.last_event.date()) if member.last_event else "",
    ]


def rows(board: Dashboard) -> Iterator[list[Any]]:
    yield headers(board.year)
    for member in board.members:
        yield _row(member)


def _cells(values: Sequence[Any], csv_numbers: bool) -> list[Any]:
    out = []
    for value in values:
        if isinstance(value, str):
            out.append(safe_cell(value))
        elif csv_numbers:
            out.append(number_cell(value))
        else:
            out.append(value)
    return out


def to_csv(board: Dashboard) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for values in rows(board):
        writer.writerow(_cells(values, csv_numbers=True))
    return buffer.getvalue()


def to_xlsx(board: Dashboard) -> bytes:
    # Imported here: openpyxl takes about a second to import, paid by the XLSX export only
    # rather than by every process loading the URL map.
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Membres"))
    for values in rows(board):
        sheet.append(_cells(values, csv_numbers=False))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
