"""Readers for tabular inventories: Jalon's canonical CSV/XLSX, GLPI exports, NumEcoEval.

The three share one pipeline: decode and split the file (text.py), recognise the header with a
format profile (which header means which canonical column), apply the user's mapping file on
top, then parse every column vectorised (values.py) and turn bad values into located problems.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
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
from jalon.core.readers.text import (
    HEADER_SCAN_LINES,
    TextTable,
    normalise_header,
    read_delimited,
)
from jalon.core.readers.values import (
    DATE_FORMATS,
    PARSERS,
    RANGE_RULES,
    parse_column,
)
from jalon.core.readers.workbook import read_first_sheet

# The free-text comment: a canonical column that profiles also read to derive the condition.
COMMENT: Final = "comment"
IGNORE: Final = "ignore"
# A price including VAT: used as the price excl. VAT (÷ 1 + VAT_RATE) when the file has no
# price excl. VAT, reported as not used otherwise. Not a canonical column.
PRICE_INCL_VAT: Final = "purchase_price_incl_vat_eur"
# The standard French VAT rate (CGI art. 278), which IT equipment bears.
VAT_RATE: Final = 0.20

PREFIXABLE: Final = frozenset({"purchase_date", "commissioning_date", "retirement_date",
                               "purchase_price_eur", PRICE_INCL_VAT, "condition"})

# Columns Jalon recognises but does not use: key -> what it is (the command line's wording;
# the web interface has its own, translated). They are reported by name, never dropped in
# silence. Warranty dates are not lifespans, a net book value is not a price.
UNUSED_COLUMNS: Final[dict[str, str]] = {
    "warranty_end": "warranty end date",
    "warranty_start": "warranty start date",
    "warranty_duration": "warranty duration",
    "delivery_date": "delivery date",
    "order_date": "order date",
    "order_number": "order number",
    "invoice": "invoice",
    "supplier": "supplier",
    "budget": "budget line",
    "fixed_asset": "fixed-asset number",
    "book_value": "net book value",
    "depreciation": "depreciation",
    "serial_number": "serial number",
    "operating_system": "operating system",
    "network": "network address",
    "last_update": "last update",
    "technician": "technician or group in charge",
    "contact": "contact",
}

_UNUSED_HEADERS: Final[dict[str, tuple[str, ...]]] = {
    "warranty_end": ("Date de fin de garantie", "Fin de garantie", "Date fin de garantie",
                     "Date fin garantie", "Garantie jusqu'au", "Fin garantie",
                     "Warranty end", "Warranty end date", "Warranty expiration date",
                     "Warranty expiry", "Warranty expiry date", "End of warranty"),
    "warranty_start": ("Date de début de garantie", "Début de garantie",
                       "Warranty start", "Warranty start date"),
    "warranty_duration": ("Durée de garantie", "Garantie", "Warranty", "Warranty duration",
                          "Warranty period"),
    "delivery_date": ("Date de livraison", "Livré le", "Delivery date"),
    "order_date": ("Date de commande", "Commandé le", "Order date"),
    "order_number": ("Numéro de commande", "N° de commande", "N° commande", "Bon de commande",
                     "Order number", "PO number", "Purchase order"),
    "invoice": ("Numéro de facture", "N° de facture", "N° facture", "Facture",
                "Invoice number", "Invoice"),
    "supplier": ("Fournisseur", "Titulaire du marché", "Supplier", "Vendor"),
    "budget": ("Budget", "Imputation budgétaire", "Imputation", "Compte d'imputation",
               "Budget line"),
    "fixed_asset": ("Numéro d'immobilisation", "N° d'immobilisation", "Immobilisation",
                    "Fixed asset number", "Fixed asset"),
    "book_value": ("Valeur nette comptable", "VNC", "Net book value", "Book value"),
    "depreciation": ("Durée d'amortissement", "Amortissement", "Type d'amortissement",
                     "Depreciation", "Depreciation period"),
    "serial_number": ("Numéro de série", "N° de série", "N° série", "Serial number", "Serial",
                      "S/N"),
    "operating_system": ("Système d'exploitation - Nom", "Système d'exploitation", "OS",
                         "Operating system"),
    "network": ("Adresse IP", "Adresse MAC", "Adresses IP", "IP", "IP address", "MAC address",
                "Nom de domaine", "Domaine", "Domain"),
    "last_update": ("Dernière modification", "Date de dernière modification",
                    "Dernier inventaire", "Last update", "Last modified", "Last inventory"),
    "technician": ("Technicien", "Technicien en charge du matériel", "Groupe en charge",
                   "Groupe en charge du matériel", "Responsable technique", "Technician",
                   "Group in charge"),
    "contact": ("Contact", "Numéro de contact", "Contact number"),
}


# What spreadsheets add around a header's words: a unit or a hint in brackets ("Prix HT (€)",
# "Date d'achat (jj/mm/aaaa)"), a trailing colon or euro sign, and the many ways of writing
# "numéro" ("N°", "Nº", "No", "Num.", "N°" glued to the word).
_BRACKETS = re.compile(r"\s*[(\[][^)\]]*[)\]]")
_NUMERO = re.compile(r"^(?:n\s*°|n[o°]\.|no(?=\s)|num(?=[\s.])\.?|nro\.?)\s*(?=\S)")


def loosen_header(key: str) -> str:
    """A normalised header without brackets, trailing units or punctuation, and with "N°"
    written one way, for headers no alias matches as they are."""
    text = _BRACKETS.sub("", key)
    text = text.replace("€", " ").replace("*", " ").strip(" :.-_")
    text = _NUMERO.sub("n° ", text)
    return " ".join(text.split())


def _unused_aliases() -> dict[str, str]:
    table = {normalise_header(h): key for key, headers in _UNUSED_HEADERS.items()
             for h in headers}
    if set(table.values()) != set(UNUSED_COLUMNS):
        raise ValueError("every unused column needs headers and a description")
    return table


UNUSED_ALIASES: Final = _unused_aliases()


def recognised_unused(header: str) -> str | None:
    """What an unused column is (a key of UNUSED_COLUMNS), or None; a GLPI group prefix
    ("Informations financières et administratives - Date de fin de garantie") is understood."""
    key = normalise_header(header)
    if key in UNUSED_ALIASES:
        return UNUSED_ALIASES[key]
    if loosen_header(key) in UNUSED_ALIASES:
        return UNUSED_ALIASES[loosen_header(key)]
    if " - " in key:
        return UNUSED_ALIASES.get(key.rsplit(" - ", 1)[1])
    return None


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
        loose = loosen_header(key)
        if loose != key and loose in self.aliases:
            return self.aliases[loose]
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
        allowed = set(CANONICAL_COLUMNS) | {COMMENT, IGNORE, PRICE_INCL_VAT, ""}
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
        # "reconditionné(e)(s)", not "reconditionneur" or "vendu pour reconditionnement":
        # those say how a device left, not how it came.
        pl.when(comment.str.contains(r"reconditionn[ée]e?s?\b|refurbished"))
        .then(pl.lit("refurbished"))
        .when(comment.str.contains("réemploi|reemploi|réutilis|reutilis")).then(pl.lit("reused"))
        .otherwise(None)
    )
    return frame.with_columns(pl.coalesce(existing, derived).alias("condition"))


# The French and English names that GLPI, spreadsheet-kept inventories and asset tools give
# the columns Jalon uses (docs/formats.md lists them). Compared without case or accents.
ASSET_TOOL_HEADERS: Final[dict[str, tuple[str, ...]]] = {
    "name": ("Nom", "Désignation", "Nom de l'équipement", "Nom du matériel", "Hostname",
             "Name", "Device name", "Asset name"),
    "entity": ("Entité", "Service", "Direction", "Service affectataire", "Affectation",
               "Service utilisateur", "Direction / Service", "Pôle", "Entity", "Department"),
    "status": ("Statut", "État", "Statut du matériel", "État du matériel", "Situation",
               "Status", "State", "Lifecycle status", "Asset status"),
    "manufacturer": ("Fabricant", "Marque", "Constructeur", "Manufacturer", "Brand", "Make"),
    "type": ("Type", "Type de matériel", "Type d'équipement", "Type équipement",
             "Type d'appareil", "Type de poste", "Équipement", "Matériel", "Famille",
             "Famille de matériel", "Nature", "Catégorie de matériel", "Catégorie",
             "Device type", "Asset type", "Equipment type"),
    "item_type": ("Type d'élément", "Élément", "Type d'objet", "Item type"),
    "model": ("Modèle", "Référence", "Référence du modèle", "Model"),
    "inventory_number": ("Numéro d'inventaire", "N° d'inventaire", "N° inventaire",
                         "Numéro inventaire", "N° d'inv", "N° inv", "Réf. inventaire",
                         "Référence inventaire", "Code inventaire", "N° de parc",
                         "Numéro de parc", "Inventory number", "Asset tag",
                         "Asset number"),
    "site": ("Lieu", "Localisation", "Emplacement", "Site", "Bâtiment", "Implantation",
             "Bureau", "Salle", "Location", "Building"),
    "user": ("Usager", "Utilisateur", "Affecté à", "User", "Assigned to"),
    "quantity": ("Quantité", "Qté", "Nombre", "Quantity", "Qty"),
    "purchase_date": ("Date d'achat", "Date achat", "Date d'acquisition", "Date acquisition",
                      "Acheté le", "Purchase date", "Acquisition date", "Date of purchase"),
    "commissioning_date": ("Date de mise en service", "Mise en service",
                           "Date mise en service", "Date d'installation",
                           "Date de déploiement", "Commissioning date", "In service date",
                           "In-service date", "Installation date", "Deployment date"),
    "retirement_date": ("Date de réforme", "Date réforme", "Réformé le", "Date de sortie",
                        "Date sortie", "Date de sortie d'inventaire", "Date de sortie du parc",
                        "Sortie du parc", "Sortie d'inventaire", "Date de mise au rebut",
                        "Mise au rebut", "Date de rebut", "Date de fin de vie",
                        "Date de retrait", "Date retrait", "Date de décommissionnement",
                        "Date de déclassement", "Date de cession", "Retirement date",
                        "Retired on", "Decommission date", "Decommissioning date",
                        "Disposal date", "End of life date", "EOL date"),
    "purchase_price_eur": ("Valeur", "Prix d'achat HT", "Prix achat HT", "Prix HT",
                           "Montant HT", "Prix unitaire HT", "Coût HT", "Coût d'acquisition HT",
                           "Valeur d'achat HT", "Valeur HT", "Valeur d'achat", "Prix d'achat",
                           "Coût d'acquisition", "Purchase price", "Price excl. VAT",
                           "Price excluding VAT", "Price (excl. VAT)", "Net price",
                           "Unit price", "Cost", "Price"),
    PRICE_INCL_VAT: ("Prix TTC", "Prix d'achat TTC", "Prix achat TTC", "Montant TTC",
                     "Valeur TTC", "Valeur d'achat TTC", "Coût TTC", "Prix unitaire TTC",
                     "Price incl. VAT", "Price including VAT", "Price (incl. VAT)",
                     "Gross price"),
    "condition": ("Origine", "Provenance", "Mode d'acquisition", "Type d'acquisition",
                  "Mode d'achat", "Mode d'approvisionnement", "Source d'approvisionnement",
                  "Neuf ou reconditionné", "Neuf / reconditionné", "État à l'achat",
                  "Acquisition", "Acquisition mode", "Acquisition type", "Origin",
                  "Condition"),
    COMMENT: ("Commentaires", "Commentaire", "Remarques", "Observations", "Notes",
              "Comments", "Comment", "Note"),
}

_FRENCH_DATES: Final = ("%d/%m/%Y", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%Y-%m-%d",
                        "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%y", "%d-%m-%Y",
                        "%d.%m.%Y")

GLPI: Final = Profile(
    "glpi",
    _aliases({header: target for target, headers in ASSET_TOOL_HEADERS.items()
              for header in headers}),
    date_formats=_FRENCH_DATES,
    derive=_derive_glpi,
)

# An inventory kept in a spreadsheet, or exported by another asset tool: the same headers as
# GLPI's, but it is not a GLPI export and is not named one (issue 10: a town hall's table was
# announced as "glpi").
SPREADSHEET: Final = Profile("spreadsheet", GLPI.aliases, date_formats=_FRENCH_DATES,
                             derive=_derive_glpi)

# Headers only GLPI's search-result exports have together: the entity tree ("Entité racine >
# …") with its usual companions. A group prefix ("Informations financières et administratives
# - …", "Système d'exploitation - Nom", "Composants - Processeur") is GLPI's alone.
_GLPI_ENTITY: Final = "entite"
_GLPI_COMPANIONS: Final = frozenset({
    "statut", "numero de serie", "derniere modification", "usager", "type d'element", "lieu",
    "nom", "id", "technicien en charge du materiel", "groupe en charge du materiel",
    "date de creation", "fabricant", "modele", "type", "numero d'inventaire"})
_GLPI_GROUPS: Final = ("informations financieres et administratives - ",
                       "systeme d'exploitation - ", "composants - ", "reseau - ",
                       "logiciels - ", "peripheriques - ")


def looks_like_glpi(headers: list[str]) -> bool:
    """Whether the headers are a GLPI export's (its signature columns), not just a table
    with French asset-tool headers."""
    keys = {normalise_header(h) for h in headers}
    if any(key.startswith(_GLPI_GROUPS) for key in keys):
        return True
    return _GLPI_ENTITY in keys and len(keys & _GLPI_COMPANIONS) >= 3

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

PROFILES: Final[dict[str, Profile]] = {
    p.name: p for p in (CANONICAL, GLPI, NUMECOEVAL, SPREADSHEET)}


def detect_profile(headers: list[str]) -> Profile:
    """The profile that recognises the most headers; the canonical format wins ties. GLPI's
    headers are also a spreadsheet's: GLPI is named only when its signature is there."""
    best = max(PROFILES.values(),
               key=lambda p: sum(p.canonical_for(h) is not None for h in headers))
    if best in (GLPI, SPREADSHEET):
        return GLPI if looks_like_glpi(headers) else SPREADSHEET
    return best


def _score_any_profile(row: list[str]) -> int:
    return max(sum(p.canonical_for(cell) is not None for cell in row) for p in PROFILES.values()
               ) + sum(recognised_unused(cell) is not None for cell in row)


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
            unused = recognised_unused(header)
            if unused is not None and target is None:
                report.unused[header] = unused
            continue
        if target in chosen:
            report.mapping[header] = IGNORE
            report.problems.append(Problem.of(
                table.source, table.header_line, header, header,
                "a second column maps to {target}; it is ignored (fix it in the mapping file)",
                target=target))
            continue
        chosen[target] = (f"c{index}", header)
        report.mapping[header] = target
    if PRICE_INCL_VAT in chosen and "purchase_price_eur" in chosen:
        # The price excl. VAT is the one used; the other is said, not dropped in silence.
        header = chosen.pop(PRICE_INCL_VAT)[1]
        report.mapping[header] = IGNORE
        report.unused[header] = PRICE_INCL_VAT
    if not any(c in chosen for c in ("category", "type", "model", "item_type")):
        raise ReaderError(Problem.of(
            table.source, table.header_line, "", ", ".join(table.headers[:8]),
            "no column says what the devices are (read as {format}); give a mapping file "
            "with a [columns] table naming the type, model or category column",
            format=profile.name))

    table, skipped = _drop_non_device_rows(table, chosen)
    report.read = table.frame.height
    report.problems.extend(skipped)
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
        for rule, message in RANGE_BY_COLUMN.get(column, ()):
            if value.null_count() == value.len():
                break
            out_of_range = value.to_frame().select((~rule).fill_null(False)).to_series()
            if out_of_range.any():
                report.problems.extend(_located(table.source, header, lines,
                                                raw.get_column(column), out_of_range, message))
                value = pl.select(pl.when(pl.lit(out_of_range)).then(None)
                                  .otherwise(pl.lit(value))).to_series().alias(column)
        columns[column] = value
    if PRICE_INCL_VAT in columns:
        columns["purchase_price_eur"] = (columns.pop(PRICE_INCL_VAT) / (1 + VAT_RATE)).round(
            2).alias("purchase_price_eur")
    report.problems.sort(key=lambda p: (p.line, p.column))
    frame = pl.DataFrame([lines, *columns.values()])
    if COMMENT in chosen:
        frame = frame.with_columns(parse_column(raw.get_column(COMMENT), COMMENT)[0])
    if profile.derive is not None:
        frame = profile.derive(frame)
    frame = frame.with_columns(pl.lit(table.source).alias("source"))
    report.problems.extend(_retired_without_date(frame, chosen, table.source))
    report.problems.extend(_consistency(frame, chosen, table.source))
    return ReadResult(conform(frame), report)


# Rows of a spreadsheet that are not devices (issue 10): a total or subtotal, and a line of
# free text typed between the rows. "Total" must be a word of its own: "Totem" is a device.
_SUMMARY = r"(?i)^\s*(sous[- ]?totaux|sous[- ]?total|totaux|total|grand total|subtotal|somme)\b"
_COMMENT_MARK = (r"(?i)^\s*(n\.?\s?b\.?\s*:|remarques?\s*:|notes?\s*:|attention\s*:|important"
                 r"\s*:|commentaires?\s*:|observations?\s*:|source\s*:|mise [àa] jour|\*|#|//|--)")
# Columns that name a device: a lone cell there is a device with little said about it.
_IDENTITY: Final = ("category", "type", "item_type", "model", "inventory_number", "name")
SUMMARY_ROW: Final = ("a summary row ({label}), not a device: it is left out so that its "
                      "figures are not counted as devices; nothing to do")
COMMENT_ROW: Final = ("a line of free text, not a device: it is left out; if it is about a "
                      "device, move it to the comments column of that device's row")
HEADER_ROW: Final = "the header repeated, not a device: it is left out; nothing to do"


def _drop_non_device_rows(table: TextTable, chosen: dict[str, tuple[str, str]]
                          ) -> tuple[TextTable, list[Problem]]:
    """The table without its summary, free-text and repeated-header rows, and one problem
    per row left out (its line and what it holds), so that nothing disappears unsaid.

    Cheap on a large export, which has none of them: one coalesce, one count of filled cells
    and one regular expression over the rows; the finer tests run only on the rows with a
    single filled cell, or when the first column holds the first header again."""
    frame = table.frame
    if frame.height == 0 or frame.width == 0:
        return table, []
    filled = frame.select(pl.sum_horizontal(pl.all().is_not_null())).to_series()
    # The first filled cell of each row: the first column's, and a coalesce only over the
    # rows where it is empty (a coalesce of every row took 1.3 s on 1,000,000 rows).
    first = frame.get_column(frame.columns[0])
    gaps = first.is_null() & (filled > 0)
    if gaps.any():
        rows = gaps.arg_true()
        first = first.scatter(rows, frame[rows].select(pl.coalesce(pl.all())).to_series())
    summary = first.str.contains(_SUMMARY).fill_null(False)
    comment = pl.repeat(False, frame.height, dtype=pl.Boolean, eager=True)
    single = (filled == 1) & ~summary
    if frame.width >= 3 and single.any():
        rows = single.arg_true()
        subset = frame[rows]
        identity = [pl.col(chosen[c][0]).str.strip_chars().replace("", None).is_not_null()
                    for c in _IDENTITY if c in chosen]
        lone = first.gather(rows)
        free = subset.select(
            ~(pl.any_horizontal(identity) if identity else pl.lit(False))
            | pl.lit(lone).str.contains(_COMMENT_MARK).fill_null(False)
            | (pl.lit(lone).str.count_matches(r"\S+") >= 5).fill_null(False)).to_series()
        comment = comment.scatter(rows, free)
    header_again = pl.repeat(False, frame.height, dtype=pl.Boolean, eager=True)
    if frame.width >= 2 and table.headers[0] and \
            (frame.get_column(frame.columns[0]) == table.headers[0]).any():
        header_again = frame.select(pl.all_horizontal([
            pl.col(c).eq_missing(pl.lit(h or None, pl.Utf8))
            for c, h in zip(frame.columns, table.headers, strict=True)])).to_series()
    comment = comment & ~header_again
    skip = summary | comment | header_again
    if not skip.any():
        return table, []
    problems: list[Problem] = []
    shown = frame.filter(skip).select(
        pl.concat_str([pl.col(c).str.strip_chars() for c in frame.columns], separator=" ; ",
                      ignore_nulls=True)).to_series().to_list()
    kinds = pl.DataFrame({"s": summary, "c": comment}).filter(skip).iter_rows()
    for line, value, (summary_row, comment_row) in zip(
            table.lines.filter(skip).to_list(), shown, kinds, strict=True):
        text = (value or "")[:200]
        if summary_row:
            label = text.split(" ; ")[0][:40]
            problems.append(Problem.of(table.source, int(line), "", text, SUMMARY_ROW,
                                       label=label))
        elif comment_row:
            problems.append(Problem(table.source, int(line), "", text, COMMENT_ROW))
        else:
            problems.append(Problem(table.source, int(line), "", text, HEADER_ROW))
    return replace(table, frame=frame.filter(~skip), lines=table.lines.filter(~skip)), problems


RANGE_BY_COLUMN: Final[dict[str, list[tuple[pl.Expr, str]]]] = {}
for _column, _rule, _message in RANGE_RULES:
    RANGE_BY_COLUMN.setdefault(_column, []).append((_rule, _message))


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
            Problem.of(source, int(line), header, str(number),
                       "this inventory number is already on line {first_line}; both devices "
                       "are counted, but a merged re-import uses it as the key: make it unique",
                       first_line=first_line)
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
    source = str(path)
    numbers, rows = read_first_sheet(path)
    if not rows:
        raise ReaderError(Problem(source, 0, "", "", "the first sheet is empty"))
    scan = [[c or "" for c in r] for r in rows[:HEADER_SCAN_LINES]]
    header_index = max(range(len(scan)), key=lambda i: (_score_any_profile(scan[i]), -i))
    headers = [c or f"column {i + 1}" for i, c in enumerate(rows[header_index])]
    body = rows[header_index + 1:]
    width = len(headers)
    data = {f"c{i}": [(r[i] if i < len(r) else None) for r in body] for i in range(width)}
    frame = pl.DataFrame(data, schema={f"c{i}": pl.Utf8 for i in range(width)})
    lines = pl.Series("line", numbers[header_index + 1:], dtype=pl.Int64)
    return TextTable(source, "xlsx", "", numbers[header_index], headers, frame, lines)
