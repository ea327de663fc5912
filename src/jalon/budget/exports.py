"""The green-budget annex as the finance department hands it to the council (XLSX).

Sheets:
1. « Annexe » — the legal state « Impact du budget pour la transition écologique » for the
   digital spending of the exercise: real investment spending only (loi de finances pour 2024
   art. 191, décret du 16 juillet 2024), one row per account by nature, the executed amount and
   its split by rating on each compulsory axis of the exercise;
2. « Détail » — every line of the annex with its rating per axis and whether it was changed;
3. « Hors annexe » — operating spending, rated for the digital strategy, marked as beyond the
   legal annex;
4. « Méthode » — scope, sources of the default ratings, overridden ratings with their reason.

Every text cell goes through core.exports.safe_cell (no formula injection).
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from jalon.budget import selectors
from jalon.budget.models import Axis, Kind, Rating, RatingValue, SpendingLine
from jalon.core import budget as core
from jalon.core.exports import safe_cell
from jalon.tenancy.models import Organisation

BOLD = Font(bold=True)
EUR = '#,##0.00 "€"'


def _row(sheet: Any, values: Sequence[object], bold: bool = False, font: Font | None = None,
         wrap: bool = False) -> None:
    """One row of a write-only sheet (cells styled as they are made: far faster than styling
    a cell after appending it)."""
    cells: list[object] = []
    for value in values:
        if isinstance(value, Promise):  # lazy labels
            value = str(value)
        plain = safe_cell(value) if isinstance(value, str) else (
            float(value) if isinstance(value, Decimal) else value)
        money = isinstance(value, (Decimal, float))
        if not (money or bold or font or wrap):
            cells.append(plain)  # an unstyled cell costs less as a bare value
            continue
        cell = WriteOnlyCell(sheet, value=plain)
        if money:
            cell.number_format = EUR
        if font is not None or bold:
            cell.font = font or BOLD
        if wrap:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        cells.append(cell)
    sheet.append(cells)


def _widths(sheet: Any, widths: list[int]) -> None:
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width


def annex_xlsx(organisation: Organisation, year: int) -> bytes:
    rows = list(selectors.lines(organisation).filter(year=year).order_by("account", "id"))
    by_hand = selectors.override_rows(organisation, year)
    scope = core.year_scope(year)
    compulsory = list(scope.axes)
    # Labels translated once, not per cell.
    axis_labels = {k: str(v) for k, v in Axis.choices}
    rating_labels = {k: str(v) for k, v in RatingValue.choices}
    kind_labels = {k: str(v) for k, v in Kind.choices}
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Annexe")
    _widths(sheet, [13, 10, 10, 10, 18] + [16] * (len(compulsory) * len(core.RATINGS)))
    _row(sheet, [organisation.name], font=Font(bold=True, size=13))
    _row(sheet, [f"Impact du budget pour la transition écologique — exercice {year}"], True)
    _row(sheet, ["Dépenses numériques : dépenses réelles d'investissement des budgets M57 et M4 "
                 "(loi n° 2023-1322 de finances pour 2024, art. 191 ; décret du 16 juillet "
                 "2024)."])
    _row(sheet, [scope.reason])
    _row(sheet, [f"Édité par Jalon le {timezone.localdate():%d/%m/%Y} ; référentiel "
                 f"{core.REFERENCE_VERSION}."])
    _row(sheet, [])
    header: list[object] = ["Nomenclature", "Chapitre", "Compte", "Fonction",
                            "Montant exécuté TTC"]
    for axis in compulsory:
        for rating in core.RATINGS:
            header.append(f"Axe {core.AXIS_NUMBER[axis]} – {rating_labels[rating]}")
    _row(sheet, header, True, wrap=True)
    groups: dict[tuple[str, str, str, str], list[SpendingLine]] = defaultdict(list)
    for line in rows:
        if line.in_annex:
            groups[(line.nomenclature, line.chapter, line.account, line.function)].append(line)
    totals = [Decimal(0)] * (1 + len(compulsory) * len(core.RATINGS))
    for key in sorted(groups):
        members = groups[key]
        cells: list[Decimal] = [sum((m.amount_ttc for m in members), Decimal(0))]
        for axis in compulsory:
            split = dict.fromkeys(core.RATINGS, Decimal(0))
            for m in members:
                effective = core.effective_ratings(
                    m.kind, {a: r.rating for a, r in by_hand.get(m.pk, {}).items()})
                split[effective[axis]] += m.amount_ttc
            cells.extend(split[r] for r in core.RATINGS)
        totals = [a + b for a, b in zip(totals, cells, strict=True)]
        _row(sheet, [*key, *cells])
    _row(sheet, ["Total", "", "", "", *totals], True)

    detail = book.create_sheet("Détail")
    beyond = book.create_sheet("Hors annexe")
    for sh in (detail, beyond):
        _widths(sh, [9, 9, 44, 26, 26, 10, 14, 14, 12] + [14] * 6 + [18, 50])
    head = ["Compte", "Fonction", "Libellé", "Fournisseur", "Nature", "Règle",
            "Montant HT", "Montant TTC", "Date de mandatement"]
    head += [f"Axe {i}" for i in range(1, 7)] + ["Cotations modifiées"]
    _row(detail, head, True)
    _row(beyond, ["Dépenses de fonctionnement et autres dépenses hors du champ de l'annexe "
                  "légale, notées pour la stratégie numérique."], True)
    _row(beyond, [*head, "Motif hors annexe"], True)
    overrides: list[list[object]] = []
    for line in rows:
        changed_by_hand: dict[str, Rating] = by_hand.get(line.pk, {})
        rated = core.effective_ratings(line.kind, {a: r.rating for a, r in
                                                   changed_by_hand.items()})
        values: list[object] = [
            line.account, line.function, line.label, line.supplier, kind_labels[line.kind],
            line.kind_rule or ("manuelle" if line.kind_manual else ""),
            line.amount_ht if line.amount_ht is not None else "", line.amount_ttc,
            line.payment_date.strftime("%d/%m/%Y") if line.payment_date else ""]
        values += [rating_labels[rated[a]] for a in core.AXES]
        changed = [a for a in core.AXES if a in changed_by_hand]
        values.append(", ".join(f"axe {core.AXIS_NUMBER[a]}" for a in changed))
        if line.in_annex:
            _row(detail, values)
        else:
            _row(beyond, [*values, line.scope_reason])
        for a in changed:
            overrides.append([line.account, line.label, axis_labels[a],
                              rating_labels[rated[a]], changed_by_hand[a].reason])
    method = book.create_sheet("Méthode")
    _widths(method, [26, 40, 30, 50, 60, 8, 20, 30])
    _row(method, ["Périmètre et méthode"], True)
    for text in (
            "Annexe légale : dépenses réelles d'investissement (hors opérations d'ordre et "
            "remboursements d'emprunt) des budgets M57 (et M4 à partir de 2025).",
            "Axes obligatoires : axe 1 à partir de l'exercice 2024 (comptes listés par le "
            "décret), axe 6 à partir de 2025, les six axes à partir de 2027.",
            "Les six axes sont les objectifs environnementaux du règlement (UE) 2020/852 "
            "(taxonomie), art. 9.",
            "Les dépenses de fonctionnement (licences, cloud, télécoms, maintenance) sont notées "
            "pour la stratégie numérique, au-delà de l'annexe légale (feuille « Hors annexe »).",
            "Cotation par défaut : selon la nature de la dépense (référentiel Jalon, sources "
            "ci-dessous) ; toute modification porte un motif, ci-dessous et dans le journal."):
        _row(method, [text])
    _row(method, [])
    _row(method, ["Nature", "Axe", "Cotation par défaut", "Justification", "Source", "Année",
                  "Licence", "Incertitude"], True)
    for (kind, axis), ref in sorted(core.default_ratings().items()):
        _row(method, [kind_labels.get(kind, kind), f"Axe {core.AXIS_NUMBER[axis]}",
                      rating_labels[ref.rating], ref.rationale, ref.source, ref.year,
                      ref.licence, ref.uncertainty])
    if year == 2024:
        _row(method, [])
        _row(method, ["Comptes M57 de l'exercice 2024 (axe 1)", "", "", "", ""], True)
        _row(method, ["Compte", "Libellé", "Source", "Lu dans", "Incertitude"], True)
        for account in core.annex_accounts_2024():
            _row(method, [account.account, account.label, account.source,
                          account.checked_against, account.uncertainty])
    _row(method, [])
    _row(method, ["Cotations modifiées", "", "", "", ""], True)
    _row(method, ["Compte", "Libellé", "Axe", "Cotation retenue", "Motif"], True)
    for values in overrides:
        _row(method, values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
