"""The annual KPI report of a site (Directive 2023/1791 art. 12, Delegated Regulation 2024/1364
Annexes I to III): built from the site and one year's figures by the pure
`core.datacentres.kpi_report`, shown on a page and exported as CSV, XLSX and JSON.

The European database on data centres is filled through national reporting schemes or the
Commission's interface, which publish no file format: the export lists every field with the
regulation's symbol and English wording, its value and unit, so that it can be keyed in or
mapped to a national template; missing values are listed, never guessed.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any, Final

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook

from jalon.core import datacentres as core
from jalon.core.exports import safe_cell
from jalon.datacentres.models import Site, SiteKind, SiteYear, Structure
from jalon.kit.formatting import fr_number, utc_stamp

REGULATION: Final = ("Directive (EU) 2023/1791, Article 12 and Annex VII; Commission Delegated "
                     "Regulation (EU) 2024/1364, Annexes I to III")
# Delegated Regulation 2024/1364 art. 2: the types of data centre, in its words.
KIND_NAMES: Final = {SiteKind.SERVER_ROOM: "enterprise data centre",
                     SiteKind.ENTERPRISE: "enterprise data centre",
                     SiteKind.COLOCATION: "colocation data centre",
                     SiteKind.COHOSTING: "co-hosting data centre"}
SITE_CODES: Final = ("name", "owner", "owner_email", "owner_phone", "operator",
                     "operator_email", "operator_phone", "lau_code", "municipality", "kind",
                     "structure", "mixed_services", "commissioned_on", "electrical_redundancy",
                     "cooling_redundancy", "it_power_kw", "total_floor_m2", "computer_room_m2")
# Annex I 1(d), in its words.
STRUCTURE_NAMES: Final = {Structure.SINGLE: "structure", Structure.GROUP: "group of structures"}
CSV_HEADER: Final = ("annex", "reference", "code", "name", "libelle", "value", "unit")


def values_of(target: Site, row: SiteYear) -> dict[str, object]:
    energy = row.energy()
    values: dict[str, object] = {code: getattr(target, code) for code in SITE_CODES}
    values["kind"] = KIND_NAMES.get(target.kind, target.kind)  # type: ignore[call-overload]
    values["structure"] = STRUCTURE_NAMES.get(target.structure)  # type: ignore[call-overload]
    values["mixed_services"] = "yes" if target.mixed_services else "no"
    # Annex I 1(e): year and month only.
    values["commissioned_on"] = core.year_month(target.commissioned_on)
    values["refrigerants"] = target.refrigerants
    for code in core.KPI_CODES - set(SITE_CODES) - {"refrigerants", "pue", "wue", "erf", "ref"}:
        values[code] = getattr(row, code)
    values["it_kwh"], values["total_kwh"] = energy.it_kwh, energy.total_kwh
    return values


def kpi_report(target: Site, row: SiteYear) -> core.KpiReport:
    return core.kpi_report(row.year, values_of(target, row),
                           estimated_energy=row.energy().estimated)


def labels() -> dict[str, str]:
    """French labels of the report's lines (the model fields' names where they exist)."""
    out = {f.name: str(f.verbose_name)[:1].upper() + str(f.verbose_name)[1:]
           for f in [*Site._meta.get_fields(), *SiteYear._meta.get_fields()]
           if hasattr(f, "verbose_name")}
    out.update({
        "name": _("Nom du centre de données"), "kind": _("Type de centre de données"),
        "pue": _("PUE (efficacité énergétique)"), "wue": _("WUE (litres d'eau par kWh "
                                                          "informatique)"),
        "erf": _("ERF (part de l'énergie réutilisée)"),
        "ref": _("REF (part d'énergie renouvelable)"),
        "commissioned_on": _("Mise en service (année et mois)"),
        "municipality": _("Commune"),
    })
    return out


def _display(value: object, code: str) -> str:
    if value is None or value == "":
        return ""
    if code == "mixed_services":
        return _("oui") if value == "yes" else _("non")
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, (int, float)):
        decimals = 2 if code in ("pue", "wue") or abs(value) < 10 else 0
        if code in ("erf", "ref"):
            return fr_number(100 * value, 1) + " %"
        return fr_number(value, decimals)
    return str(value)


def display_lines(report: core.KpiReport) -> list[dict[str, Any]]:
    names = labels()
    return [{"line": line, "label": names.get(line.field.code, line.field.name),
             "display": _display(line.value, line.field.code)} for line in report.lines]


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 6)
    return value


def csv_rows(report: core.KpiReport) -> list[list[object]]:
    names = labels()
    return [[line.field.annex, line.field.reference, line.field.code, line.field.name,
             names.get(line.field.code, ""), _cell(line.value), line.field.unit]
            for line in report.lines]


def as_json(target: Site, report: core.KpiReport) -> dict[str, Any]:
    return {
        "regulation": REGULATION,
        "reporting_year": report.year,
        "data_centre": target.name,
        "in_scope": report.in_scope,
        "threshold_kw": core.EED_THRESHOLD_KW,
        "energy_estimated": report.estimated_energy,
        "complete": report.complete,
        "missing": [line.field.code for line in report.missing],
        "generated_at": utc_stamp(timezone.now()),
        "fields": [{"annex": line.field.annex, "reference": line.field.reference,
                    "code": line.field.code, "name": line.field.name,
                    "value": _cell(line.value), "unit": line.field.unit}
                   for line in report.lines],
    }


def to_xlsx(target: Site, report: core.KpiReport) -> bytes:
    """The report as a workbook: the fields (numbers as numbers, formulas neutralised) and a
    sheet saying what it is, for whom and what is missing."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("indicateurs")
    sheet.append(list(CSV_HEADER))
    for cells in csv_rows(report):
        sheet.append([safe_cell(c) for c in cells])
    about = book.create_sheet("rapport")
    for key, value in (("regulation", REGULATION), ("data_centre", target.name),
                       ("reporting_year", report.year), ("in_scope", str(report.in_scope)),
                       ("energy_estimated", str(report.estimated_energy)),
                       ("missing", ", ".join(line.field.code for line in report.missing)),
                       ("generated_at", utc_stamp(timezone.now()))):
        about.append([key, safe_cell(value)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def file_stem(target: Site, year: int) -> str:
    return f"rapport-kpi-{slugify(target.name) or target.pk}-{year}"
