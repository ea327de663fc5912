"""Digital spending and its green-budget rating, without Django.

- the vocabularies: kinds of digital spending, the six axes of the EU taxonomy that the annex
  « Impact du budget pour la transition écologique » uses, the five ratings;
- the classification of a line into a kind by rules on its M57 account and its label (the
  organisation's own rules first, then Jalon's defaults, src/jalon/data/reference/budget/
  rules.csv), returning the rule that matched;
- the default rating of a kind on each axis, with its rationale and source (ratings.csv);
- the legal scope of the annex for a line (loi n° 2023-1322 de finances pour 2024, art. 191;
  décret du 16 juillet 2024, NOR ECOE2416708D);
- the reading of a finance software's export (CSV in UTF-8 or Windows-1252, comma or
  semicolon; or XLSX), all or nothing, with a header mapping the user may correct;
- summaries by axis and kind, and the AGEC purchase share per product category with the target
  that applies (décret n° 2024-134, which replaced décret n° 2021-254 on 1 July 2024:
  proportions of the annual amount excluding VAT spent on a category of products).

Messages are in French: they are shown as they are to the finance officer.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Final

from jalon.core.catalogue import decode, normalise, parse_date, sniff_delimiter

REFERENCE_DIR: Final = Path(__file__).resolve().parent.parent / "data" / "reference" / "budget"
REFERENCE_VERSION: Final = "jalon-budget-2026.2"

# --- Vocabularies ------------------------------------------------------------------------------

NEW_EQUIPMENT: Final = "new_equipment"
REFURBISHED_EQUIPMENT: Final = "refurbished_equipment"
REPAIR_MAINTENANCE: Final = "repair_maintenance"
SOFTWARE_LICENCES: Final = "software_licences"
CLOUD_HOSTING: Final = "cloud_hosting"
TELECOMS: Final = "telecoms"
SERVICES: Final = "services"
MACHINE_ROOM_ENERGY: Final = "machine_room_energy"
UNCLASSIFIED: Final = "unclassified"
KINDS: Final = (NEW_EQUIPMENT, REFURBISHED_EQUIPMENT, REPAIR_MAINTENANCE, SOFTWARE_LICENCES,
                CLOUD_HOSTING, TELECOMS, SERVICES, MACHINE_ROOM_ENERGY, UNCLASSIFIED)
# IT purchases for the AGEC share: equipment bought, new or from reuse.
EQUIPMENT_KINDS: Final = (NEW_EQUIPMENT, REFURBISHED_EQUIPMENT)

# Regulation (EU) 2020/852 art. 9, in the order and numbering of the annex (axes 1 to 6).
CLIMATE_MITIGATION: Final = "climate_mitigation"
CLIMATE_ADAPTATION: Final = "climate_adaptation"
WATER: Final = "water"
CIRCULAR_ECONOMY: Final = "circular_economy"
POLLUTION: Final = "pollution"
BIODIVERSITY: Final = "biodiversity"
AXES: Final = (CLIMATE_MITIGATION, CLIMATE_ADAPTATION, WATER, CIRCULAR_ECONOMY, POLLUTION,
               BIODIVERSITY)
AXIS_NUMBER: Final[Mapping[str, int]] = {axis: i + 1 for i, axis in enumerate(AXES)}

VERY_FAVOURABLE: Final = "very_favourable"
FAVOURABLE: Final = "favourable"
NEUTRAL: Final = "neutral"
UNFAVOURABLE: Final = "unfavourable"
TO_EXAMINE: Final = "to_examine"
RATINGS: Final = (VERY_FAVOURABLE, FAVOURABLE, NEUTRAL, UNFAVOURABLE, TO_EXAMINE)

M57: Final = "M57"
M4: Final = "M4"
NOMENCLATURES: Final = (M57, M4)  # the two the décret names; others are read but out of scope
INVESTMENT: Final = "investment"
OPERATING: Final = "operating"

# Chapters of order operations (not real spending) in M57 and M4.
ORDER_CHAPTERS: Final = ("040", "041", "042", "043")

MAX_ROWS: Final = 20_000
MAX_TEXT: Final = 300
MAX_AMOUNT: Final = Decimal("1000000000")


class InvalidValue(ValueError):
    """A value that cannot be used; the message (French) says what to write instead."""


# --- Reference data ----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Rule:
    """A classification rule: an account prefix or a pattern on the normalised label."""

    rule_id: str
    kind: str
    match: str  # "account" | "label"
    pattern: str
    priority: int = 100
    rationale: str = ""
    source: str = ""
    source_url: str = ""
    year: int | None = None
    licence: str = ""
    uncertainty: str = ""

    def matches(self, account: str, label: str) -> bool:
        if self.match == "account":
            return bool(account) and account.startswith(self.pattern)
        return re.search(self.pattern, label) is not None


@dataclass(frozen=True, slots=True)
class DefaultRating:
    kind: str
    axis: str
    rating: str
    rationale: str
    source: str
    source_url: str
    year: int
    licence: str
    uncertainty: str


def _read_csv(name: str) -> list[dict[str, str]]:
    with (REFERENCE_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def default_rules() -> tuple[Rule, ...]:
    """Jalon's rules (rules.csv), by priority."""
    rules = [Rule(r["rule_id"], r["kind"], r["match"], r["pattern"], int(r["priority"]),
                  r["rationale"], r["source"], r["source_url"], int(r["year"]), r["licence"],
                  r["uncertainty"]) for r in _read_csv("rules.csv")]
    return tuple(sorted(rules, key=lambda r: (r.priority, r.rule_id)))


@cache
def default_ratings() -> Mapping[tuple[str, str], DefaultRating]:
    """(kind, axis) -> the default rating with its rationale and source (ratings.csv)."""
    return {(r["kind"], r["axis"]): DefaultRating(
        r["kind"], r["axis"], r["rating"], r["rationale"], r["source"], r["source_url"],
        int(r["year"]), r["licence"], r["uncertainty"]) for r in _read_csv("ratings.csv")}


@dataclass(frozen=True, slots=True)
class AnnexAccount:
    """An M57 account of the 2024 annex (décret du 16 juillet 2024), with where it was read."""

    account: str
    label: str
    source: str
    source_url: str
    checked_against: str
    uncertainty: str


@cache
def annex_accounts_2024() -> tuple[AnnexAccount, ...]:
    """The 2024 exercise's list of M57 accounts (annex_accounts_2024.csv)."""
    return tuple(AnnexAccount(r["account"], r["label"], r["source"], r["source_url"],
                              r["checked_against"], r["uncertainty"])
                 for r in _read_csv("annex_accounts_2024.csv"))


def accounts_2024() -> tuple[str, ...]:
    return tuple(a.account for a in annex_accounts_2024())


def effective_ratings(kind: str, overrides: Mapping[str, str] | None = None
                      ) -> dict[str, str]:
    """axis -> rating of a line: the overrides, else the default of its kind."""
    defaults = default_ratings()
    chosen = overrides or {}
    return {axis: chosen.get(axis) or defaults[(kind, axis)].rating for axis in AXES}


def check_pattern(match: str, pattern: str) -> str:
    """A rule's pattern, checked: digits for an account prefix, a valid expression on
    normalised text (lower case, no accents) for a label."""
    text = pattern.strip()
    if match == "account":
        if not re.fullmatch(r"\d{1,8}", text):
            raise InvalidValue("Un début de compte s'écrit en chiffres, par exemple 2183 ou 6156.")
        return text
    if match != "label":
        raise InvalidValue("Critère inconnu : « account » (compte) ou « label » (libellé).")
    if not text or len(text) > 200:
        raise InvalidValue("Écrivez un ou plusieurs mots du libellé (au plus 200 caractères).")
    try:
        re.compile(text)
    except re.error as exc:
        raise InvalidValue("Expression invalide ; séparez les mots par « | » "
                           f"(détail : {exc}).") from exc
    return normalise(text)


# --- Classification ----------------------------------------------------------------------------

def label_stem(label: str) -> str:
    """A label rule learnt from one line: its normalised words before any parenthesis, the
    numbers and signs between them allowed to vary (« PC portables agents (lot de 20) » →
    « pc portables agents », « Licences 2025-2026 : Ciril » → « licences.*ciril »)."""
    text = normalise(label).split("(")[0]
    chunks = [c.strip(" '") for c in re.split(r"[^a-z' ]+", text)]
    chunks = [re.escape(c).replace("\\ ", " ") for c in chunks if c]
    stem = ".*".join(chunks)
    return stem if len(stem.replace(".*", "")) >= 3 else ""


@dataclass(frozen=True, slots=True)
class Match:
    kind: str
    rule_id: str  # "" when no rule matched
    explanation: str


def classify(account: str, label: str, rules: Sequence[Rule] = ()) -> Match:
    """The kind of a line: the first matching rule among `rules` (the organisation's, in
    their order), then Jalon's defaults (label rules before account rules: « PC portable
    reconditionné » on account 2183 is refurbished, not new)."""
    text = normalise(label)
    account = account.strip()
    for rule in (*rules, *default_rules()):
        if rule.kind in KINDS and rule.matches(account, text):
            return Match(rule.kind, rule.rule_id, rule.rationale)
    return Match(UNCLASSIFIED, "", "Aucune règle ne correspond au compte ni au libellé.")


# --- Legal scope -------------------------------------------------------------------------------

def section(account: str) -> str:
    """Investment for class 1 and 2 accounts of M57/M4, operating otherwise."""
    return INVESTMENT if account[:1] in ("1", "2") else OPERATING


def is_real(account: str, chapter: str = "") -> bool:
    """Real spending: not an order operation (chapters 040 to 043) nor a loan repayment
    (account 16), which the décret leaves out (except partnership contracts, not handled)."""
    return chapter.strip() not in ORDER_CHAPTERS and not account.startswith("16")


@dataclass(frozen=True, slots=True)
class Scope:
    in_annex: bool
    axes: tuple[str, ...]  # the axes the annex must show for this line
    reason: str


def year_scope(year: int) -> Scope:
    """What the annex of an exercise covers, whatever the line (décret du 16 juillet 2024)."""
    if year < 2024:
        return Scope(False, (), f"Exercice {year} : antérieur à l'annexe (créée pour 2024).")
    if year == 2024:
        return Scope(True, (CLIMATE_MITIGATION,), "Exercice 2024 : axe 1 obligatoire, pour les "
                                                 "dépenses réelles d'investissement des budgets "
                                                 "M57 sur les comptes listés par le décret.")
    if year < 2027:
        return Scope(True, (CLIMATE_MITIGATION, BIODIVERSITY),
                     f"Exercice {year} : axes 1 et 6 obligatoires, pour toutes les dépenses "
                     "réelles d'investissement des budgets M57 et M4.")
    return Scope(True, AXES, f"Exercice {year} : les six axes, pour toutes les dépenses réelles "
                             "d'investissement des budgets M57 et M4 (sous réserve de la méthode "
                             "annoncée par le décret).")


def legal_scope(year: int, nomenclature: str, account: str, chapter: str = "") -> Scope:
    """What the annex of `year` requires for a line (loi de finances pour 2024 art. 191,
    décret du 16 juillet 2024): real investment spending of M57 budgets (and M4 from 2025);
    axis 1 from 2024, axis 6 from 2025, every axis from 2027 (the décret makes this last step
    subject to the methodology being available)."""
    if section(account) != INVESTMENT:
        return Scope(False, (), "Dépense de fonctionnement : notée pour la stratégie numérique, "
                                "au-delà de l'annexe légale (qui ne vise que l'investissement).")
    if not is_real(account, chapter):
        return Scope(False, (), "Opération d'ordre ou remboursement d'emprunt : hors de "
                                "l'annexe (dépenses réelles seulement).")
    if year < 2024:
        return Scope(False, (), "Exercice antérieur à 2024 : l'annexe n'existait pas.")
    if nomenclature not in NOMENCLATURES:
        return Scope(False, (), f"Budget {nomenclature or 'sans nomenclature'} : l'annexe vise "
                                "les budgets M57 et M4.")
    if year == 2024:
        if nomenclature != M57:
            return Scope(False, (), "Exercice 2024 : seuls les budgets M57 sont concernés.")
        if not account.startswith(accounts_2024()):
            return Scope(False, (), "Exercice 2024 : ce compte n'est pas dans la liste du "
                                    "décret (axe 1 pour certains comptes seulement).")
        return Scope(True, (CLIMATE_MITIGATION,), "Exercice 2024 : axe 1 obligatoire pour "
                                                 "les comptes listés par le décret.")
    if year < 2027:
        return Scope(True, (CLIMATE_MITIGATION, BIODIVERSITY),
                     f"Exercice {year} : dépense réelle d'investissement ; axes 1 et 6 "
                     "obligatoires.")
    return Scope(True, AXES, f"Exercice {year} : dépense réelle d'investissement ; les six axes "
                             "(sous réserve de la méthode annoncée par le décret).")


# --- Reading an export -------------------------------------------------------------------------

FIELDS: Final = ("account", "function", "label", "supplier", "amount_ht", "amount_ttc",
                 "commitment_date", "payment_date", "chapter", "nomenclature", "reference")
REQUIRED: Final = ("account", "label", "amount_ttc")
HEADERS: Final[Mapping[str, tuple[str, ...]]] = {
    "account": ("compte", "compte nature", "nature", "article", "imputation", "compte m57",
                "article nature", "account"),
    "function": ("fonction", "sous-fonction", "code fonction", "fonctionnel", "function"),
    "label": ("libelle", "objet", "libelle de la depense", "libelle mandat", "designation",
              "objet de la depense", "label"),
    "supplier": ("fournisseur", "tiers", "titulaire", "beneficiaire", "nom du tiers", "supplier"),
    "amount_ht": ("montant ht", "montant hors taxes", "ht", "montant h.t.", "amount_ht"),
    "amount_ttc": ("montant ttc", "montant", "ttc", "montant mandate", "montant toutes taxes "
                   "comprises", "montant t.t.c.", "amount_ttc"),
    "commitment_date": ("date d'engagement", "date engagement", "engagement",
                        "commitment_date"),
    "payment_date": ("date de mandatement", "date de paiement", "date mandat", "date paiement",
                     "mandatement", "payment_date"),
    "chapter": ("chapitre", "chap", "chapter"),
    "nomenclature": ("nomenclature", "instruction", "instruction budgetaire", "budget",
                     "nomenclature"),
    "reference": ("n° mandat", "numero de mandat", "mandat", "n° engagement", "reference",
                  "numero", "piece"),
}
HEADER_FIELDS: Final[Mapping[str, str]] = {
    normalise(s): name for name, spellings in HEADERS.items() for s in spellings}
TEMPLATE_HEADERS: Final = ("Compte", "Fonction", "Libellé", "Fournisseur", "Montant HT",
                           "Montant TTC", "Date d'engagement", "Date de mandatement",
                           "Chapitre", "Nomenclature", "N° mandat")
TEMPLATE_EXAMPLE: Final = ("2183", "020", "PC portables reconditionnés (lot de 20)",
                           "Recyclerie numérique", "8 000,00", "9 600,00", "15/02/2025",
                           "20/03/2025", "21", "M57", "2025-000123")
FIELD_LABELS: Final[Mapping[str, str]] = dict(zip(FIELDS, TEMPLATE_HEADERS, strict=True))


@dataclass(frozen=True, slots=True)
class CellError:
    """Where and what: row as the spreadsheet numbers it (1 = headers), column as written."""

    line: int
    column: str
    value: str
    message: str


@dataclass(frozen=True, slots=True)
class SpendingRow:
    line: int
    account: str
    label: str
    amount_ttc: Decimal
    amount_ht: Decimal | None = None
    function: str = ""
    supplier: str = ""
    commitment_date: dt.date | None = None
    payment_date: dt.date | None = None
    chapter: str = ""
    nomenclature: str = M57
    reference: str = ""


@dataclass(frozen=True, slots=True)
class Table:
    """A file as text cells: headers, then (spreadsheet row number, cells)."""

    headers: list[str]
    rows: list[tuple[int, list[str]]]
    file_format: str  # "csv" | "xlsx"
    encoding: str = ""
    delimiter: str = ""


@dataclass(frozen=True, slots=True)
class ParseResult:
    rows: list[SpendingRow] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)  # header -> field ("" ignored)
    headers: list[str] = field(default_factory=list)
    file_format: str = "csv"
    encoding: str = ""
    delimiter: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value))
    return str(value).strip()


def read_table(data: bytes, file_name: str = "") -> Table:
    """The file's cells: XLSX (by its signature or name) or CSV. Raises InvalidValue."""
    if data[:2] == b"PK" or file_name.lower().endswith((".xlsx", ".xlsm")):
        return _read_xlsx(data)
    try:
        text, encoding = decode(data)
    except ValueError as exc:
        raise InvalidValue(str(exc)) from exc
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise InvalidValue("Le fichier est vide ou sa première ligne (les en-têtes) est vide.")
    delimiter = sniff_delimiter(lines[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers = [h.strip() for h in next(reader)]
    rows = [(n, [c.strip() for c in cells]) for n, cells in enumerate(reader, start=2)]
    return Table(headers, rows, "csv", encoding, delimiter)


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook  # imported here: only XLSX uploads pay for it

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise InvalidValue("Classeur XLSX illisible ; enregistrez-le à nouveau depuis votre "
                           "tableur, ou exportez-le en CSV.") from exc
    sheet = book.worksheets[0]
    cells = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    book.close()
    # The header row is the first of the first ten that names a known column (finance
    # exports often start with a title and the exercise).
    header_index = next((i for i, row in enumerate(cells[:10])
                         if sum(1 for c in row if normalise(c) in HEADER_FIELDS) >= 2), 0)
    if not cells or not any(cells[header_index]):
        raise InvalidValue("La première feuille du classeur est vide.")
    headers = cells[header_index]
    rows = [(i + 1, row) for i, row in enumerate(cells) if i > header_index]
    return Table(headers, rows, "xlsx")


def guess_mapping(headers: Sequence[str]) -> dict[str, str]:
    """Header -> field for the headers Jalon recognises, "" for the others (ignored)."""
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for header in headers:
        name = HEADER_FIELDS.get(normalise(header), "")
        if name in used:
            name = ""
        if name:
            used.add(name)
        mapping[header] = name
    return mapping


def parse_amount(value: str) -> Decimal | None:
    """French (1 234,56 or 1.234,56 or 1 234,56 €) or plain (1234.56) amounts; "" is None."""
    text = value.replace("\u00a0", " ").replace("\u202f", " ").replace("€", "").strip()
    text = text.replace("EUR", "").strip()
    if not text:
        return None
    negative = text.startswith("(") and text.endswith(")")
    text = text.strip("()").replace(" ", "")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        amount = Decimal(text)
    except InvalidOperation as exc:
        raise InvalidValue("Montant illisible ; écrivez-le en euros, par exemple 1 234,56.") \
            from exc
    if not amount.is_finite():
        raise InvalidValue("Montant illisible ; écrivez-le en euros, par exemple 1 234,56.")
    amount = -amount if negative else amount
    if abs(amount) >= MAX_AMOUNT:
        raise InvalidValue("Montant hors limites (un milliard d'euros ou plus) ; vérifiez la "
                           "colonne et le séparateur décimal.")
    return amount.quantize(Decimal("0.01"))


def parse_account(value: str) -> str:
    text = value.strip().replace(" ", "")
    text = text.split("-")[0].split("/")[0]  # « 2183-020 » or « 2183/020 »: nature first
    if text.endswith(".0"):
        text = text[:-2]
    if not re.fullmatch(r"\d{2,10}", text):
        raise InvalidValue("Compte illisible : écrivez le numéro du compte par nature M57 "
                           "(chiffres seulement), par exemple 2183 ou 6156.")
    return text


def parse_nomenclature(value: str) -> str:
    text = normalise(value).upper().replace(" ", "")
    if not text:
        return M57
    for code in ("M57", "M4", "M14", "M52", "M71", "M22"):
        if text.startswith(code) or text.endswith(code):
            return "M4" if code == "M4" or text.startswith(("M41", "M43", "M49")) else code
    raise InvalidValue("Nomenclature inconnue ; écrivez M57 ou M4 (M14, M52, M71, M22 sont "
                       "lues mais hors du champ de l'annexe).")


def parse_table(table: Table, mapping: Mapping[str, str] | None = None,
                year: int | None = None, max_rows: int = MAX_ROWS) -> ParseResult:
    """Every line, or the errors; never a part. `mapping` (header -> field, "" to ignore)
    replaces the guessed one; `year`, when given, is the exercise the payment dates must
    fall in (a line of another exercise is an error)."""
    chosen = dict(mapping) if mapping is not None else guess_mapping(table.headers)

    def result(errors: list[CellError], rows: list[SpendingRow] | None = None) -> ParseResult:
        return ParseResult(rows=rows or [], errors=errors, mapping=chosen,
                           headers=table.headers, file_format=table.file_format,
                           encoding=table.encoding, delimiter=table.delimiter)

    errors: list[CellError] = []
    columns: dict[str, int] = {}
    for index, header in enumerate(table.headers):
        name = chosen.get(header, "")
        if not name:
            continue
        if name not in FIELDS:
            errors.append(CellError(1, header, name, "Champ inconnu dans la correspondance des "
                                                     "colonnes."))
        elif name in columns:
            errors.append(CellError(1, header, header, (
                f"Deux colonnes vont dans « {FIELD_LABELS[name]} » (« "
                f"{table.headers[columns[name]]} » et « {header} ») ; gardez-en une seule.")))
        else:
            columns[name] = index
    for name in REQUIRED:
        if name not in columns:
            errors.append(CellError(1, FIELD_LABELS[name], "", (
                f"Colonne obligatoire absente : « {FIELD_LABELS[name]} » (en-têtes reconnus : "
                + ", ".join(HEADERS[name][:4]) + ") ; choisissez-la dans la correspondance.")))
    if errors:
        return result(errors)
    rows: list[SpendingRow] = []
    count = 0
    for line, cells in table.rows:
        if not any(c.strip() for c in cells):
            continue
        count += 1
        if count > max_rows:
            return result([CellError(line, "", "", (
                f"Trop de lignes : au plus {max_rows} par fichier ; découpez-le par "
                "budget."))])
        row, row_errors = _row(line, cells, columns, table.headers, year)
        errors.extend(row_errors)
        if row is not None:
            rows.append(row)
        if len(errors) > 200:
            errors.append(CellError(line, "", "", "Plus de 200 erreurs : la lecture s'arrête "
                                                  "ici ; vérifiez la correspondance des "
                                                  "colonnes."))
            break
    if not errors and not rows:
        errors.append(CellError(1, "", "", "Le fichier ne contient aucune ligne de dépense."))
    return result(errors) if errors else result([], rows)


def _row(line: int, cells: list[str], columns: Mapping[str, int], headers: list[str],
         year: int | None) -> tuple[SpendingRow | None, list[CellError]]:
    errors: list[CellError] = []
    values: dict[str, object] = {}

    def cell(name: str) -> str:
        index = columns.get(name)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    for name in sorted(columns, key=columns.__getitem__):
        raw = cell(name)
        try:
            values[name] = _field(name, raw)
        except InvalidValue as exc:
            errors.append(CellError(line, headers[columns[name]], raw, str(exc)))
    if errors:
        return None, errors
    ht, ttc = values.get("amount_ht"), values["amount_ttc"]
    if not isinstance(ttc, Decimal) or not (ht is None or isinstance(ht, Decimal)):
        raise TypeError("amounts are parsed before they are checked")
    if ht is not None and ttc >= 0 and ht > ttc:
        errors.append(CellError(line, headers[columns["amount_ht"]], cell("amount_ht"), (
            "Le montant HT dépasse le montant TTC ; les deux colonnes sont-elles inversées ?")))
    commitment = values.get("commitment_date")
    payment = values.get("payment_date")
    if isinstance(commitment, dt.date) and isinstance(payment, dt.date) and payment < commitment:
        errors.append(CellError(line, headers[columns["payment_date"]], cell("payment_date"), (
            "Le mandatement précède l'engagement ; vérifiez les deux dates.")))
    when = payment if isinstance(payment, dt.date) else commitment
    if year is not None and isinstance(when, dt.date) and when.year not in (year, year + 1):
        column = "payment_date" if isinstance(payment, dt.date) else "commitment_date"
        # Payments of year N may run into January of N+1 (journée complémentaire).
        errors.append(CellError(line, headers[columns[column]], cell(column), (
            f"Date hors de l'exercice {year} ; retirez la ligne ou importez-la avec son "
            "exercice.")))
    if errors:
        return None, errors
    return SpendingRow(
        line=line, account=str(values["account"]), label=str(values["label"]), amount_ttc=ttc,
        amount_ht=ht, function=str(values.get("function", "")),
        supplier=str(values.get("supplier", "")),
        commitment_date=commitment if isinstance(commitment, dt.date) else None,
        payment_date=payment if isinstance(payment, dt.date) else None,
        chapter=str(values.get("chapter", "")),
        nomenclature=str(values.get("nomenclature", M57)),
        reference=str(values.get("reference", ""))), []


def _text(value: str, limit: int = MAX_TEXT) -> str:
    if len(value) > limit:
        raise InvalidValue(f"Texte trop long ({len(value)} caractères) ; au plus {limit}.")
    return value


def _field(name: str, raw: str) -> object:
    if name == "account":
        if not raw:
            raise InvalidValue("Compte manquant ; chaque ligne doit porter son compte par "
                               "nature (par exemple 2183).")
        return parse_account(raw)
    if name == "label":
        if not raw:
            raise InvalidValue("Libellé manquant ; il sert à classer la dépense.")
        return _text(raw)
    if name in ("amount_ht", "amount_ttc"):
        amount = parse_amount(raw)
        if amount is None and name == "amount_ttc":
            raise InvalidValue("Montant TTC manquant.")
        return amount
    if name in ("commitment_date", "payment_date"):
        try:
            return parse_date(raw[:10] if re.match(r"\d{4}-\d{2}-\d{2}[ T]", raw) else raw)
        except ValueError as exc:
            raise InvalidValue(str(exc)) from exc
    if name == "nomenclature":
        return parse_nomenclature(raw)
    if name == "chapter":
        return _text(raw.removesuffix(".0"), 10)
    if name == "function":
        return _text(raw.removesuffix(".0"), 20)
    return _text(raw)


# --- Summaries ---------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class RatedLine:
    """What the summaries need of a line: its kind, amounts, scope and rating per axis."""

    kind: str
    amount_ttc: Decimal
    amount_ht: Decimal | None
    in_annex: bool
    ratings: Mapping[str, str]


def by_axis(lines: Iterable[RatedLine], annex_only: bool = False
            ) -> dict[str, dict[str, Decimal]]:
    """axis -> rating -> amount TTC (every line, or the annex's lines only)."""
    table: dict[str, dict[str, Decimal]] = {a: {r: Decimal(0) for r in RATINGS} for a in AXES}
    for line in lines:
        if annex_only and not line.in_annex:
            continue
        for axis, rating in line.ratings.items():
            if axis in table and rating in RATINGS:
                table[axis][rating] += line.amount_ttc
    return table


def by_kind(lines: Iterable[RatedLine]) -> dict[str, dict[str, Decimal | int]]:
    """kind -> lines, amount TTC, amount TTC in the annex."""
    table: dict[str, dict[str, Decimal | int]] = defaultdict(
        lambda: {"lines": 0, "amount_ttc": Decimal(0), "annex_ttc": Decimal(0)})
    for line in lines:
        cell = table[line.kind]
        cell["lines"] = int(cell["lines"]) + 1
        cell["amount_ttc"] = Decimal(cell["amount_ttc"]) + line.amount_ttc
        if line.in_annex:
            cell["annex_ttc"] = Decimal(cell["annex_ttc"]) + line.amount_ttc
    return {k: table[k] for k in KINDS if k in table}


# Décret n° 2024-134, annex: the product categories digital equipment falls in. Printers and
# copiers have a category of their own; every other IT or telephony purchase is in the first.
AGEC_IT: Final = "Matériel informatique et téléphonie"
AGEC_PRINTING: Final = "Matériel de reprographie et d'impression"
AGEC_CATEGORIES: Final = (AGEC_IT, AGEC_PRINTING)
_PRINTING_LABEL: Final = re.compile(r"imprimante|copieur|multifonction|photocopi|traceur|"
                                    r"reprographie|scanner")


def agec_category(label: str) -> str:
    """The décret's category of an equipment line, from its label (normalised or not)."""
    return AGEC_PRINTING if _PRINTING_LABEL.search(normalise(label or "")) else AGEC_IT


@dataclass(frozen=True, slots=True)
class AgecTarget:
    category: str
    period_start: int
    period_end: int | None
    basis: str
    share: float | None  # percent; None when the figure could not be found
    source: str
    source_url: str
    checked_against: str
    uncertainty: str

    @property
    def period(self) -> str:
        return (f"{self.period_start}–{self.period_end}" if self.period_end
                else f"{self.period_start} et après")


@cache
def agec_targets() -> tuple[AgecTarget, ...]:
    """The décret n° 2024-134 targets Jalon holds (agec_targets.csv)."""
    return tuple(AgecTarget(
        r["category"], int(r["period_start"]), int(r["period_end"]) if r["period_end"] else None,
        r["basis"], float(r["share"]) if r["share"] else None, r["source"], r["source_url"],
        r["checked_against"], r["uncertainty"]) for r in _read_csv("agec_targets.csv"))


def agec_target(category: str, year: int) -> AgecTarget | None:
    """The target of a category for a year (the décret applies from 1 July 2024: none before
    2024)."""
    for target in agec_targets():
        if (target.category == category and target.period_start <= year
                and (target.period_end is None or year <= target.period_end)):
            return target
    return None


@dataclass(frozen=True, slots=True)
class AgecShare:
    share: float  # percent
    reuse_ht: Decimal
    equipment_ht: Decimal
    lines_without_ht: int


def agec_share(lines: Iterable[tuple[str, Decimal | None, Decimal]]) -> AgecShare | None:
    """Share (%) of the year's IT equipment purchases (new + refurbished/reused) that went to
    refurbished or reused equipment, on amounts excluding VAT as the AGEC décrets count them
    (n° 2021-254 art. 2, n° 2024-134); a line without its HT amount counts its TTC amount
    divided by 1.2 (standard VAT rate, CGI art. 278) and is counted in `lines_without_ht`. None
    without purchases.
    `lines`: (kind, amount HT or None, amount TTC)."""
    reuse = total = Decimal(0)
    estimated = 0
    for kind, ht, ttc in lines:
        if kind not in EQUIPMENT_KINDS:
            continue
        if ht is None:
            estimated += 1
            ht = (ttc / Decimal("1.2")).quantize(Decimal("0.01"))
        total += ht
        if kind == REFURBISHED_EQUIPMENT:
            reuse += ht
    if total <= 0:
        return None
    return AgecShare(float(100 * reuse / total), reuse, total, estimated)


def agec_shares(lines: Iterable[tuple[str, Decimal | None, Decimal, str]]
                ) -> dict[str, AgecShare]:
    """agec_share per décret category; `lines`: (kind, amount HT or None, amount TTC, label).
    Categories without purchases are left out."""
    grouped: dict[str, list[tuple[str, Decimal | None, Decimal]]] = defaultdict(list)
    for kind, ht, ttc, label in lines:
        if kind in EQUIPMENT_KINDS:
            grouped[agec_category(label)].append((kind, ht, ttc))
    out = {}
    for category in AGEC_CATEGORIES:
        share = agec_share(grouped.get(category, ()))
        if share is not None:
            out[category] = share
    return out
