"""Tabular inventories (GLPI, NumEcoEval, canonical CSV/XLSX, mapped home-made lists) through
the public reading interface: `read_inventory`, `read_path`, `Mapping.load` and `classify`.

Line numbers are physical, header = line 1, as documented in tests/fixtures/README.md.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from tests import paths

from jalon.core.classify import classify, classify_one
from jalon.core.model import CATEGORIES
from jalon.core.readers import Mapping, ReaderError, read_inventory, read_path
from jalon.core.readers.base import CANONICAL_COLUMNS

FIXTURES = paths.FIXTURES
GLPI_EXCEL = FIXTURES / "glpi_computers_excel_cp1252.csv"
GLPI_GLOBAL = FIXTURES / "glpi_global_utf8bom.csv"
NUMECOEVAL = FIXTURES / "numecoeval_equipement_physique.csv"
CANONICAL_CSV = FIXTURES / "canonical.csv"
CANONICAL_XLSX = FIXTURES / "canonical.xlsx"
CANONICAL_BAD = FIXTURES / "canonical_bad_values.csv"
CUSTOM = FIXTURES / "custom_export.csv"
MAPPING = FIXTURES / "mapping_example.toml"
SCHEMA = (paths.ROOT / "src" / "jalon" / "data" / "schemas"
          / "inventory.schema.json")


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def row_at(frame: pl.DataFrame, line: int) -> dict[str, object]:
    rows = frame.filter(pl.col("line") == line)
    assert rows.height == 1, f"expected one record on line {line}, got {rows.height}"
    return rows.row(0, named=True)


def triples(problems) -> set[tuple[int, str, str]]:
    return {(p.line, p.column, p.value) for p in problems}


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


# --------------------------------------------------------------------------------------------
# Every fixture format: detected profile, record count, canonical frame
# --------------------------------------------------------------------------------------------

FORMATS = [
    # (fixture, formats, records read, source headers)
    (GLPI_EXCEL, ["glpi"], 40, 17),
    (GLPI_GLOBAL, ["glpi"], 50, 18),  # 17 + the empty column after the trailing ';'
    (NUMECOEVAL, ["numecoeval"], 16, 22),
    (CANONICAL_CSV, ["jalon"], 21, 32),
    (CANONICAL_XLSX, ["jalon"], 21, 31),
    (CANONICAL_BAD, ["jalon"], 9, 32),
]


@pytest.mark.parametrize(("path", "formats", "read", "headers"), FORMATS,
                         ids=[f[0].name for f in FORMATS])
def test_fixture_reads_with_format_and_count(path, formats, read, headers):
    result = read_inventory([path])
    assert result.report.formats == formats
    assert result.report.read == read
    assert result.frame.height == read
    assert list(result.frame.columns) == ["source", "line", *CANONICAL_COLUMNS]
    assert result.frame.get_column("source").unique().to_list() == [str(path)]
    assert len(result.report.mapping) == headers
    # header excluded: records start on line 2 and lines are strictly increasing
    lines = result.frame.get_column("line").to_list()
    assert lines[0] == 2
    assert lines == sorted(set(lines))


def test_read_path_and_read_inventory_agree_on_one_file():
    single = read_path(NUMECOEVAL)
    many = read_inventory([NUMECOEVAL])
    assert_frame_equal(single.frame, many.frame)
    assert triples(single.problems) == triples(many.problems)


def test_several_files_concatenate_and_a_missing_one_is_a_problem(tmp_path):
    missing = tmp_path / "absent.csv"
    result = read_inventory([GLPI_EXCEL, missing, NUMECOEVAL, CANONICAL_CSV])
    assert result.report.read == 40 + 16 + 21
    assert result.frame.height == 40 + 16 + 21
    assert result.report.formats == ["glpi", "numecoeval", "jalon"]
    absent = [p for p in result.problems if p.source == str(missing)]
    assert len(absent) == 1
    assert absent[0].line == 0
    assert absent[0].message


# --------------------------------------------------------------------------------------------
# GLPI computers, re-saved by a French Excel: cp1252, CRLF, `;`, dd/mm/yyyy, "1 089,00 €"
# --------------------------------------------------------------------------------------------

GLPI_EXCEL_BAD = {
    (9, "Date d'achat", "31/02/2019"),
    (15, "Date d'achat", "inconnue"),
    (22, "Valeur", "12,3,4"),
}

GLPI_EXCEL_VALUES = [
    # (line, column, expected)
    (2, "purchase_date", d("2023-03-14")),
    (2, "commissioning_date", d("2023-03-20")),
    (2, "purchase_price_eur", 1089.0),  # "1 089,00 €" with no-break spaces (0xA0)
    (4, "purchase_price_eur", 1249.9),  # "1 249,90 €" with ordinary spaces
    (5, "purchase_price_eur", 1249.9),  # plain "1249,9"
    (2, "entity", "Entité racine > Agglo > DSI"),
    (2, "site", "Hôtel d'agglomération > 2e étage"),
    (2, "type", "Portable"),
    (2, "model", "Latitude 5440"),
    (2, "manufacturer", "Dell Inc."),
    (2, "inventory_number", "INV-2023-0012"),
    (2, "user", "m.bernard"),
    (6, "type", "Unité centrale"),
    (11, "type", "Client léger"),
    (13, "type", "Terminal léger"),
    (9, "purchase_date", None),  # 31/02/2019: the row is kept, the date is null
    (9, "purchase_price_eur", 734.0),  # ... and the rest of the row still reads
    (15, "purchase_date", None),  # inconnue
    (22, "purchase_price_eur", None),  # 12,3,4
    (22, "purchase_date", d("2019-08-30")),
    (17, "status", "En réparation"),
    (24, "status", "Au rebut"),
    (24, "retirement_date", d("2024-06-30")),
    (37, "status", "Réformé"),
    (26, "type", "Rack Mount Chassis"),
    (27, "model", "ProLiant DL380 Gen10"),
    (28, "model", "VMware Virtual Platform"),
    (28, "purchase_price_eur", None),
    (29, "condition", "refurbished"),  # Commentaires = Reconditionné
    (2, "condition", None),
    (30, "type", "Divers"),
    (30, "model", "Boîtier X"),
    (30, "manufacturer", None),
    (41, "model", "ProDesk 400 G9 SFF"),
]


@pytest.fixture(scope="module")
def glpi_excel():
    return read_inventory([GLPI_EXCEL])


@pytest.mark.parametrize(("line", "column", "expected"), GLPI_EXCEL_VALUES)
def test_glpi_excel_values(glpi_excel, line, column, expected):
    assert row_at(glpi_excel.frame, line)[column] == expected


@pytest.mark.parametrize(("line", "column", "value"), sorted(GLPI_EXCEL_BAD))
def test_glpi_excel_problem_at_documented_place(glpi_excel, line, column, value):
    found = [p for p in glpi_excel.problems if (p.line, p.column, p.value) == (line, column, value)]
    assert len(found) == 1
    assert found[0].source == str(GLPI_EXCEL)
    assert found[0].message


def test_glpi_excel_no_problem_on_good_rows(glpi_excel):
    data_problems = {t for t in triples(glpi_excel.problems) if t[0] > 1}
    assert data_problems == GLPI_EXCEL_BAD


def test_glpi_excel_problems_are_exactly_the_documented_ones(glpi_excel):
    assert triples(glpi_excel.problems) == GLPI_EXCEL_BAD


def test_glpi_excel_semicolon_inside_quoted_field_stays_one_field(tmp_path):
    # Commentaires is not a canonical column; a mapping puts it in a free text one to see it.
    mapping_file = write(tmp_path / "m.toml", '[columns]\n"Commentaires" = "item_type"\n')
    result = read_inventory([GLPI_EXCEL], Mapping.load(mapping_file))
    assert result.report.read == 40
    row = row_at(result.frame, 18)
    assert row["item_type"] == "Poste partagé; salle du conseil communautaire"
    assert row["name"] == "PC-DSI-005"
    assert row["inventory_number"] == "INV-2024-0008"  # the column after the comment's left
    assert row_at(result.frame, 29)["item_type"] == "Reconditionné"


def test_glpi_excel_classifies_all_but_the_unclassifiable_row(glpi_excel):
    frame = classify(glpi_excel.frame)
    unclassified = frame.filter(pl.col("category").is_null())
    assert unclassified.get_column("line").to_list() == [30]
    counts = dict(frame.group_by("category").len().iter_rows())
    assert counts["server"] == 2
    assert counts["virtual_machine"] == 1


# --------------------------------------------------------------------------------------------
# GLPI multi-itemtype export, UTF-8 with BOM, everything quoted, trailing `;`
# --------------------------------------------------------------------------------------------

README_GLOBAL_MAP: dict[str, list[int]] = {
    "laptop": [2, 3, 4, 48],
    "desktop": [5, 6, 7, 49],
    "thin_client": [8, 9],
    "workstation": [10],
    "server": [11, 12],
    "virtual_machine": [13, 14],
    "monitor": [15, 16, 17, 18, 50],
    "display": [19, 20],
    "smartphone": [21, 22, 23],
    "tablet": [24, 25],
    "ip_phone": [26, 27, 28],
    "printer": [29, 30],
    "copier": [31, 32],
    "scanner": [33, 34],
    "projector": [35, 36, 37],
    "switch": [38, 39, 47, 51],
    "router": [40],
    "wifi_ap": [41, 42],
    "firewall": [43, 44],
    "storage": [45, 46],
}
README_GLOBAL_LINES = sorted(
    (line, category) for category, lines in README_GLOBAL_MAP.items() for line in lines)


@pytest.fixture(scope="module")
def glpi_global():
    result = read_inventory([GLPI_GLOBAL])
    return result, classify(result.frame)


def test_readme_map_covers_every_line_once():
    assert [line for line, _ in README_GLOBAL_LINES] == list(range(2, 52))
    assert set(README_GLOBAL_MAP) == set(CATEGORIES)


def test_glpi_global_reads_without_problems(glpi_global):
    result, _ = glpi_global
    assert result.problems == []
    assert result.report.mapping[""] == "ignore"
    assert result.report.mapping["Type d'élément"] == "item_type"


def test_glpi_global_every_category_appears_and_every_row_has_a_rule(glpi_global):
    _, frame = glpi_global
    assert set(frame.get_column("category").drop_nulls().to_list()) == set(CATEGORIES)
    assert frame.get_column("category").null_count() == 0
    assert frame.get_column("rule").null_count() == 0


def test_glpi_global_item_type_counts(glpi_global):
    _, frame = glpi_global
    counts = dict(frame.group_by("item_type").len().iter_rows())
    assert counts == {"Ordinateur": 15, "Matériel réseau": 11, "Téléphone": 8, "Moniteur": 7,
                      "Périphérique": 5, "Imprimante": 4}


@pytest.mark.parametrize(("line", "category"), README_GLOBAL_LINES)
def test_glpi_global_line_category(glpi_global, line, category):
    _, frame = glpi_global
    assert row_at(frame, line)["category"] == category


@pytest.mark.parametrize(("line", "column", "expected"), [
    (2, "purchase_date", d("2023-03-14")),  # ISO dates
    (2, "purchase_price_eur", 1089.0),  # "1 089,00" without a currency sign
    (2, "item_type", "Ordinateur"),
    (2, "name", "PC-DSI-101"),
    (3, "commissioning_date", None),  # "" is an empty value, not a problem
    (7, "status", "Au rebut"),
    (18, "model", "S27R650FDU"),  # the line whose comment holds `''`
    (18, "type", "Écran"),
    (23, "condition", "refurbished"),
    (51, "model", "Catalyst 1000-24P-4G-L"),
])
def test_glpi_global_values(glpi_global, line, column, expected):
    _, frame = glpi_global
    assert row_at(frame, line)[column] == expected


# --------------------------------------------------------------------------------------------
# Classification of free text
# --------------------------------------------------------------------------------------------

CLASSIFY_CASES = [
    # (item_type, type, model, category)
    (None, "Portable", None, "laptop"),
    (None, "Ordinateur portable", None, "laptop"),
    (None, "Notebook", None, "laptop"),
    (None, "Laptop", None, "laptop"),
    (None, None, "Latitude 5440", "laptop"),
    (None, None, "ThinkPad T14 Gen 3", "laptop"),
    (None, "Unité centrale", None, "desktop"),
    (None, "UNITE CENTRALE", None, "desktop"),
    (None, "PC fixe", None, "desktop"),
    (None, "Desktop", None, "desktop"),
    (None, None, "OptiPlex 7010", "desktop"),
    (None, "Client léger", None, "thin_client"),
    (None, "Terminal léger", None, "thin_client"),
    (None, "Thin client", None, "thin_client"),
    (None, None, "Futro S7010", "thin_client"),
    (None, "Station de travail", None, "workstation"),
    (None, "Workstation", None, "workstation"),
    (None, "Écran", None, "monitor"),
    (None, "Ecran", None, "monitor"),
    (None, "Moniteur", None, "monitor"),
    (None, "Monitor", None, "monitor"),
    ("Moniteur", None, None, "monitor"),
    (None, "Écran interactif", None, "display"),
    (None, "Écran d'affichage", None, "display"),
    (None, "Téléphone portable", None, "smartphone"),
    (None, "Téléphone mobile", None, "smartphone"),
    (None, "Smartphone", None, "smartphone"),
    ("Téléphone", "Smartphone", None, "smartphone"),
    (None, None, "Galaxy A54 5G", "smartphone"),
    (None, "Tablette", None, "tablet"),
    (None, "Tablet", None, "tablet"),
    (None, None, "iPad Air", "tablet"),
    (None, "Téléphone IP", None, "ip_phone"),
    (None, "Téléphone fixe", None, "ip_phone"),
    ("Téléphone", None, None, "ip_phone"),
    (None, None, "SIP-T54W", "ip_phone"),
    (None, "Imprimante", None, "printer"),
    (None, "Printer", None, "printer"),
    ("Imprimante", None, None, "printer"),
    (None, "Multifonction", None, "copier"),
    (None, "Copieur", None, "copier"),
    (None, "Photocopieur", None, "copier"),
    (None, "Scanner", None, "scanner"),
    (None, "Numériseur", None, "scanner"),
    (None, "Vidéoprojecteur", None, "projector"),
    (None, "VPI", None, "projector"),
    (None, "Serveur", None, "server"),
    (None, "Server", None, "server"),
    (None, None, "PowerEdge R740", "server"),
    (None, "Rack Mount Chassis", "PowerEdge R650", "server"),
    (None, "Baie de stockage", None, "storage"),
    (None, "NAS", None, "storage"),
    (None, "Switch", None, "switch"),
    (None, "Commutateur", None, "switch"),
    (None, None, "Catalyst 9200-48P", "switch"),
    (None, "Routeur", None, "router"),
    (None, "Router", None, "router"),
    (None, "Borne WiFi", None, "wifi_ap"),
    (None, "Point d'accès WiFi", None, "wifi_ap"),
    (None, "Réseau", "UniFi U6 Pro", "wifi_ap"),
    (None, "Pare-feu", None, "firewall"),
    (None, "Firewall", None, "firewall"),
    (None, None, "FortiGate 100F", "firewall"),
    (None, "Machine virtuelle", None, "virtual_machine"),
    (None, "Virtual Machine", None, "virtual_machine"),
    (None, None, "VMware Virtual Platform", "virtual_machine"),
    (None, "Virtual Machine", "VMware Virtual Platform", "virtual_machine"),
]


@pytest.mark.parametrize(("item_type", "type_", "model", "category"), CLASSIFY_CASES)
def test_classify_one(item_type, type_, model, category):
    found, rule = classify_one(item_type, type_, model)
    assert found == category
    assert rule


@pytest.mark.parametrize(("item_type", "type_", "model"), [
    (None, "Divers", "Boîtier X"),
    (None, "Divers", None),
    (None, None, "Boîtier X"),
    ("Ordinateur", None, None),
    (None, None, None),
    (None, "", ""),
])
def test_classify_one_unclassifiable(item_type, type_, model):
    assert classify_one(item_type, type_, model) == (None, None)


def test_classify_one_desk_phone_under_telephone_item_type():
    assert classify_one("Téléphone", "Poste fixe", "8028s Premium DeskPhone")[0] == "ip_phone"


def test_classify_keeps_explicit_category_and_virtual_flag(tmp_path):
    path = write(tmp_path / "inv.csv",
                 "category,type,model,is_virtual\n"
                 "monitor,Portable,Latitude 5440,\n"
                 ",Serveur,PowerEdge R650,oui\n"
                 ",Divers,Boîtier X,\n")
    frame = classify(read_inventory([path]).frame)
    assert frame.select("line", "category", "rule").rows() == [
        (2, "monitor", "explicit"),
        (3, "virtual_machine", "virtual-flag"),
        (4, None, None),
    ]


# --------------------------------------------------------------------------------------------
# NumEcoEval équipements physiques
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def numecoeval():
    return read_inventory([NUMECOEVAL])


def test_numecoeval_bad_date_at_documented_line(numecoeval):
    assert triples(numecoeval.problems) == {(7, "dateAchat", "2022-13-05")}
    assert numecoeval.problems[0].message
    assert row_at(numecoeval.frame, 7)["purchase_date"] is None
    assert row_at(numecoeval.frame, 7)["model"] == "Dell P2423D"


def test_numecoeval_country_name_becomes_iso_code(numecoeval):
    assert numecoeval.frame.get_column("country").unique().to_list() == ["FRA"]


@pytest.mark.parametrize(("line", "column", "expected"), [
    (2, "inventory_number", "PC-DSI-001"),
    (2, "type", "Laptop"),
    (2, "purchase_date", d("2023-03-14")),
    (6, "quantity", 25),
    (8, "quantity", 40),
    (10, "annual_kwh", 42.5),
    (12, "cpu_cores", 32),
    (14, "retirement_date", d("2023-06-16")),
    (14, "status", "inactif"),
    (15, "retirement_date", d("2024-06-30")),
    (17, "type", "Videoprojecteur"),
])
def test_numecoeval_values(numecoeval, line, column, expected):
    assert row_at(numecoeval.frame, line)[column] == expected


def test_numecoeval_types_classify(numecoeval):
    frame = classify(numecoeval.frame)
    assert frame.get_column("category").null_count() == 0


# --------------------------------------------------------------------------------------------
# Canonical CSV and XLSX
# --------------------------------------------------------------------------------------------

def test_canonical_csv_and_xlsx_give_the_same_frame():
    csv_result = read_inventory([CANONICAL_CSV])
    xlsx_result = read_inventory([CANONICAL_XLSX])
    assert csv_result.problems == []
    assert xlsx_result.problems == []
    assert_frame_equal(csv_result.frame.drop("source"), xlsx_result.frame.drop("source"))
    assert csv_result.frame.get_column("line").to_list() == list(range(2, 23))


@pytest.mark.parametrize("path", [CANONICAL_CSV, CANONICAL_XLSX], ids=["csv", "xlsx"])
@pytest.mark.parametrize(("line", "column", "expected"), [
    (2, "category", "laptop"),
    (2, "condition", "new"),
    (2, "commissioning_date", d("2023-03-20")),
    (2, "purchase_price_eur", 1089.0),
    (2, "site", "Hôtel d'agglomération"),
    (3, "quantity", None),  # no quantity: the engine counts 1
    (3, "category", None),
    (4, "condition", "refurbished"),
    (4, "lifespan_years", 4.0),
    (6, "condition", "reused"),
    (6, "lifespan_years", 8.0),
    (8, "annual_kwh", 210.0),
    (9, "quantity", 25),
    (9, "weight_kg", 4.9),
    (11, "condition", "refurbished"),
    (12, "item_type", "Téléphone"),
    (19, "item_type", "Matériel réseau"),
    (16, "cpu_units", 2),
    (16, "cpu_cores", 16),
    (16, "ram_gb", 512.0),
    (16, "ssd_count", 4),
    (16, "ssd_capacity_gb", 960.0),
    (16, "pue", 1.8),
    (17, "hdd_count", 8),
    (17, "hdd_capacity_gb", 8000.0),
    (20, "retirement_date", d("2024-06-30")),
    (20, "disposal", "donated"),
    (21, "is_virtual", True),
    (21, "category", "virtual_machine"),
    (22, "quantity", 2),
    (22, "country", "FRA"),
])
def test_canonical_values(path, line, column, expected):
    assert row_at(read_inventory([path]).frame, line)[column] == expected


CANONICAL_BAD_TABLE = {
    (3, "purchase_date", "2023-02-30"),
    (4, "quantity", "-3"),
    (5, "purchase_price_eur", "environ 600"),
    (6, "category", "toaster"),
    (7, "condition", "en panne"),
    (8, "country", "XX"),
    (9, "lifespan_years", "0"),
}


@pytest.fixture(scope="module")
def canonical_bad():
    return read_inventory([CANONICAL_BAD])


def test_canonical_bad_values_one_problem_each(canonical_bad):
    assert triples(canonical_bad.problems) == CANONICAL_BAD_TABLE
    assert len(canonical_bad.problems) == len(CANONICAL_BAD_TABLE)


@pytest.mark.parametrize(("line", "column", "value"), sorted(CANONICAL_BAD_TABLE))
def test_canonical_bad_value_is_null_with_a_message(canonical_bad, line, column, value):
    problem = next(p for p in canonical_bad.problems if p.line == line)
    assert (problem.column, problem.value) == (column, value)
    assert problem.message.strip()
    assert problem.source == str(CANONICAL_BAD)
    assert row_at(canonical_bad.frame, line)[column] is None


def test_canonical_bad_values_keeps_the_valid_rows(canonical_bad):
    assert row_at(canonical_bad.frame, 2)["category"] == "laptop"
    assert row_at(canonical_bad.frame, 10)["category"] == "switch"
    assert not [p for p in canonical_bad.problems if p.line in (2, 10)]


# --------------------------------------------------------------------------------------------
# Mapping files
# --------------------------------------------------------------------------------------------

def test_mapping_example_loads():
    mapping = Mapping.load(MAPPING)
    assert mapping.delimiter == ";"
    assert mapping.encoding == "cp1252"
    assert mapping.date_format == "%d/%m/%Y"
    assert set(mapping.columns.values()) == {
        "inventory_number", "name", "type", "manufacturer", "model", "purchase_date",
        "purchase_price_eur", "entity"}


def test_custom_export_with_the_mapping():
    result = read_inventory([CUSTOM], Mapping.load(MAPPING))
    assert result.problems == []
    assert result.report.read == 12
    assert result.report.mapping == {
        "N° inventaire": "inventory_number", "Désignation": "name", "Famille": "type",
        "Marque": "manufacturer", "Référence": "model", "Date acquisition": "purchase_date",
        "Prix HT": "purchase_price_eur", "Service": "entity", "Observations": "comment"}
    frame = result.frame
    first = row_at(frame, 2)
    assert first["inventory_number"] == "2019/0042"
    assert first["name"] == "Poste accueil mairie annexe"
    assert first["type"] == "Unité centrale"
    assert first["manufacturer"] == "Dell"
    assert first["model"] == "OptiPlex 5070"
    assert first["purchase_date"] == d("2019-03-12")
    assert first["purchase_price_eur"] == pytest.approx(712.40)
    assert first["entity"] == "Accueil"
    assert row_at(frame, 3)["purchase_price_eur"] == pytest.approx(1180.0)
    tablet = row_at(frame, 7)
    assert tablet["name"] == "Tablette élus"
    assert tablet["condition"] == "refurbished"  # "Reconditionnée" in the Observations
    assert frame.get_column("line").to_list() == list(range(2, 14))


def test_custom_export_is_read_without_a_mapping_now():
    """Its French headers (Désignation, Famille, Marque, Référence, Date acquisition, Prix HT,
    Service, Observations) are names asset tools use: no mapping file is needed any more."""
    result = read_path(CUSTOM)
    assert result.problems == []
    assert result.report.mapping["Date acquisition"] == "purchase_date"
    assert result.report.mapping["Prix HT"] == "purchase_price_eur"


def test_a_file_naming_no_device_column_asks_for_a_mapping(tmp_path):
    path = write(tmp_path / "odd.csv", "Truc;Machin\n1;2\n")
    with pytest.raises(ReaderError, match="mapping file"):
        read_path(path)


def test_unknown_target_column_in_mapping_is_named(tmp_path):
    path = write(tmp_path / "bad.toml", '[columns]\n"Famille" = "colour"\n')
    with pytest.raises(ReaderError, match="colour") as info:
        Mapping.load(path)
    assert info.value.problem.source == str(path)
    assert "Famille" in (info.value.problem.column, info.value.problem.value)


def test_unreadable_mapping_file(tmp_path):
    path = write(tmp_path / "broken.toml", "[columns\n")
    with pytest.raises(ReaderError, match="mapping file"):
        Mapping.load(path)


def test_mapping_unknown_format_is_an_error(tmp_path):
    path = write(tmp_path / "m.toml", '[options]\nformat = "excel97"\n')
    with pytest.raises(ReaderError, match="unknown format"):
        read_path(CANONICAL_CSV, Mapping.load(path))


# --------------------------------------------------------------------------------------------
# Detection: encodings, delimiters, title lines, multi-line records, empty and missing files
# --------------------------------------------------------------------------------------------

HEADER = "name;type;model;purchase_date;purchase_price_eur;site\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_encoding_detection(tmp_path, encoding):
    path = write(tmp_path / "inv.csv",
                 HEADER + "Poste élu 5 €;Portable;Latitude 5440;2023-01-02;1 234,56 €;Hôtel\n",
                 encoding)
    result = read_inventory([path])
    assert result.problems == []
    row = row_at(result.frame, 2)
    assert row["name"] == "Poste élu 5 €"
    assert row["site"] == "Hôtel"
    assert row["purchase_price_eur"] == pytest.approx(1234.56)


@pytest.mark.parametrize(("delimiter", "price"), [(";", "12,5"), (",", '"12,5"'),
                                                  ("\t", "12,5"), ("|", "12,5")])
def test_delimiter_detection(tmp_path, delimiter, price):
    head = HEADER.replace(";", delimiter)
    body = delimiter.join(["a", "Portable", "X", "2023-01-02", price, "s"]) + "\n"
    body += delimiter.join(["b", "Serveur", "Y", "bad", "3", "t"]) + "\n"
    result = read_inventory([write(tmp_path / "inv.csv", head + body)])
    assert result.frame.select("line", "type", "purchase_price_eur", "site").rows() == [
        (2, "Portable", 12.5, "s"), (3, "Serveur", 3.0, "t")]
    assert triples(result.problems) == {(3, "purchase_date", "bad")}


@pytest.mark.parametrize("title", ["Inventaire du parc 2025\n", "Inventaire;;;;;\n",
                                   "Export du parc\n\n"])
def test_title_line_above_header_keeps_physical_lines(tmp_path, title):
    path = write(tmp_path / "inv.csv", title + HEADER + "a;Portable;X;2023-01-02;12;s\n"
                 "b;Portable;X;bad;12;s\n")
    result = read_inventory([path])
    first = title.count("\n") + 2
    assert result.frame.get_column("line").to_list() == [first, first + 1]
    assert triples(result.problems) == {(first + 1, "purchase_date", "bad")}


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_quoted_multiline_field_keeps_later_lines_physical(tmp_path, newline):
    text = (HEADER + 'a;Portable;X;2023-01-02;12;"salle\ndu\nconseil"\n'
            "b;Portable;X;2023-01-02;12;s\n"
            "c;Portable;X;bad;oops;s\n").replace("\n", newline)
    result = read_inventory([write(tmp_path / "inv.csv", text)])
    assert result.frame.get_column("line").to_list() == [2, 5, 6]
    assert row_at(result.frame, 2)["site"] == f"salle{newline}du{newline}conseil"
    assert triples(result.problems) == {(6, "purchase_date", "bad"),
                                        (6, "purchase_price_eur", "oops")}


def test_multiline_field_after_a_title_line(tmp_path):
    path = write(tmp_path / "inv.csv", "Parc;;;;;\n" + HEADER
                 + 'a;Portable;X;2023-01-02;12;"l1\nl2"\nb;Portable;X;bad;12;s\n')
    result = read_inventory([path])
    assert result.frame.get_column("line").to_list() == [3, 5]
    assert triples(result.problems) == {(5, "purchase_date", "bad")}


def test_file_without_final_newline(tmp_path):
    path = write(tmp_path / "inv.csv", HEADER + "a;Portable;X;2023-01-02;12;s\n"
                 "b;Portable;X;bad;12;s")
    result = read_inventory([path])
    assert result.frame.get_column("line").to_list() == [2, 3]
    assert triples(result.problems) == {(3, "purchase_date", "bad")}


def test_trailing_blank_lines_are_not_devices(tmp_path):
    path = write(tmp_path / "inv.csv", HEADER + "a;Portable;X;2023-01-02;12;s\n\n\n")
    result = read_inventory([path])
    assert result.report.read == 1
    assert result.frame.get_column("line").to_list() == [2]


def test_blank_line_between_records_is_not_a_device(tmp_path):
    path = write(tmp_path / "inv.csv", HEADER + "a;Portable;X;2023-01-02;12;s\n\n"
                 "b;Portable;X;bad;12;s\n")
    result = read_inventory([path])
    assert result.report.read == 2
    assert result.frame.get_column("line").to_list() == [2, 4]


def test_blank_line_between_records_keeps_physical_lines(tmp_path):
    path = write(tmp_path / "inv.csv", HEADER + "a;Portable;X;2023-01-02;12;s\n\n"
                 "b;Portable;X;bad;12;s\n")
    result = read_inventory([path])
    assert triples(result.problems) == {(4, "purchase_date", "bad")}
    assert row_at(result.frame, 4)["name"] == "b"


@pytest.mark.parametrize("content", [b"", b"\n\n", b"   \r\n"])
def test_empty_file(tmp_path, content):
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    with pytest.raises(ReaderError, match="empty"):
        read_path(path)
    result = read_inventory([path])
    assert result.report.read == 0
    assert result.frame.height == 0
    assert list(result.frame.columns) == ["source", "line", *CANONICAL_COLUMNS]
    assert [(p.source, p.line) for p in result.problems] == [(str(path), 0)]
    assert "empty" in result.problems[0].message


def test_nonexistent_path(tmp_path):
    path = tmp_path / "nowhere" / "inv.csv"
    with pytest.raises(ReaderError):
        read_path(path)
    result = read_inventory([path])
    assert result.report.read == 0
    assert len(result.problems) == 1
    assert result.problems[0].source == str(path)
    assert result.problems[0].message


def test_no_column_says_what_the_devices_are(tmp_path):
    path = write(tmp_path / "inv.csv", "foo;bar;prix\n1;2;3\n")
    with pytest.raises(ReaderError) as info:
        read_path(path)
    assert "mapping file" in str(info.value)
    assert str(path) in str(info.value)
    result = read_inventory([path])
    assert result.report.read == 0
    assert "mapping file" in result.problems[0].message


def test_xlsx_title_row_keeps_sheet_row_numbers(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Inventaire du parc"])
    sheet.append([])
    sheet.append(["name", "type", "model", "purchase_date", "purchase_price_eur"])
    # An Excel cell has no time zone: openpyxl reads and writes naive datetimes.
    sheet.append(["a", "Portable", "Latitude 5440", dt.datetime(2023, 1, 2), 1234.56])  # noqa: DTZ001
    sheet.append(["b", "Écran", "P2423D", "31/02/2019", "1 234,56 €"])
    path = tmp_path / "inv.xlsx"
    workbook.save(path)
    result = read_inventory([path])
    assert result.frame.select("line", "type", "purchase_date", "purchase_price_eur").rows() == [
        (4, "Portable", d("2023-01-02"), 1234.56), (5, "Écran", None, 1234.56)]
    assert triples(result.problems) == {(5, "purchase_date", "31/02/2019")}


# --------------------------------------------------------------------------------------------
# Values: amounts and dates as exports write them
# --------------------------------------------------------------------------------------------

AMOUNTS = [
    # (raw, parsed or None when it is a problem)
    ("1 234,56 €", 1234.56),
    ("1\u00a0234,56", 1234.56),
    ("1\u00a0234,56\u00a0€", 1234.56),
    ("1\u202f234,56 €", 1234.56),
    ("1.234,56", 1234.56),
    ("12.5", 12.5),
    ("12,5", 12.5),
    ("1249,9", 1249.9),
    ("600", 600.0),
    ("600 EUR", 600.0),
    ("0", 0.0),
    ("12,3,4", None),
    ("NC", None),
    ("environ 600", None),
    ("-5", None),  # a price cannot be negative
]


@pytest.mark.parametrize(("raw", "expected"), AMOUNTS)
def test_amounts(tmp_path, raw, expected):
    path = write(tmp_path / "inv.csv", f"category;purchase_price_eur\nlaptop;{raw}\n")
    result = read_inventory([path])
    value = row_at(result.frame, 2)["purchase_price_eur"]
    if expected is None:
        assert value is None
        assert [(p.line, p.column, p.value) for p in result.problems] == [
            (2, "purchase_price_eur", raw)]
        assert result.problems[0].message
    else:
        assert value == pytest.approx(expected)
        assert result.problems == []


DATES = [
    ("2020-12-31", d("2020-12-31")),
    ("31/12/2020", d("2020-12-31")),
    ("31/12/2020 10:15", d("2020-12-31")),
    ("31/12/2020 10:15:42", d("2020-12-31")),
    ("2020-12-31 10:15:42", d("2020-12-31")),
    ("2020-12-31T10:15:42", d("2020-12-31")),
    ("31.12.2020", d("2020-12-31")),
    ("31-12-2020", d("2020-12-31")),
    ("29/02/2024", d("2024-02-29")),
    ("31/02/2019", None),
    ("2023-02-30", None),
    ("2022-13-05", None),
    ("29/02/2023", None),
    ("inconnue", None),
]


@pytest.mark.parametrize(("raw", "expected"), DATES)
def test_dates(tmp_path, raw, expected):
    path = write(tmp_path / "inv.csv", f"category;purchase_date\nlaptop;{raw}\n")
    result = read_inventory([path])
    assert row_at(result.frame, 2)["purchase_date"] == expected
    expected_problems = set() if expected else {(2, "purchase_date", raw)}
    assert triples(result.problems) == expected_problems


# --------------------------------------------------------------------------------------------
# The schema twin: inventory.schema.json (for people) and CANONICAL_COLUMNS (for the engine)
# --------------------------------------------------------------------------------------------

def test_schema_fields_are_the_canonical_columns():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert tuple(field["name"] for field in schema["fields"]) == CANONICAL_COLUMNS


def test_schema_category_enum_is_the_categories():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    category = next(f for f in schema["fields"] if f["name"] == "category")
    assert tuple(category["constraints"]["enum"]) == CATEGORIES


def test_canonical_csv_validates_against_the_table_schema():
    # frictionless refuses absolute paths as "not safe": give it names and a basepath.
    from frictionless import Resource, Schema

    schema = Schema.from_descriptor(SCHEMA.name, basepath=str(SCHEMA.parent))
    resource = Resource(CANONICAL_CSV.name, basepath=str(FIXTURES), schema=schema)
    report = resource.validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_canonical_bad_values_fail_the_table_schema_where_jalon_reports_them():
    from frictionless import Resource, Schema

    schema = Schema.from_descriptor(SCHEMA.name, basepath=str(SCHEMA.parent))
    resource = Resource(CANONICAL_BAD.name, basepath=str(FIXTURES), schema=schema)
    report = resource.validate()
    assert not report.valid
    located = {(row, field) for row, field in report.flatten(["rowNumber", "fieldName"])}
    assert located == {(line, column) for line, column, _ in CANONICAL_BAD_TABLE}


@pytest.mark.parametrize(("column", "raw"), [
    ("annual_kwh", "1000000000000"),  # Wh typed for kWh, a thousand times over
    ("lifespan_years", "500"),
    ("quantity", "5000000"),
    ("pue", "150"),  # a percentage typed as a ratio
])
def test_a_value_beyond_the_shared_bounds_is_a_problem_on_its_cell(tmp_path, column, raw):
    """The upper bounds of jalon.core.bounds, which the database enforces, are read as a
    located problem: the device is kept, the value left empty (the reference value applies),
    rather than the whole import refused by a CHECK constraint."""
    path = write(tmp_path / "inv.csv", f"category;{column}\nlaptop;{raw}\nlaptop;2\n")
    result = read_inventory([path])
    assert row_at(result.frame, 2)[column] is None
    assert row_at(result.frame, 3)[column] == 2
    assert [(p.line, p.column, p.value) for p in result.problems] == [(2, column, raw)]
    assert "maximum" in result.problems[0].message
