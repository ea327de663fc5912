"""A town hall's hand-kept inventory (issue 10): every column understood, what is not a
device reported with its line, the format named honestly, hand-typed states understood."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from tests import paths

from jalon.core.eol import Lifecycle, lifecycle_of
from jalon.core.readers import read_path
from jalon.core.readers.tabular import (
    COMMENT_ROW,
    GLPI,
    HEADER_ROW,
    SPREADSHEET,
    SUMMARY_ROW,
    detect_profile,
    loosen_header,
)
from jalon.core.readers.text import normalise_header

TOWN_HALL = paths.FIXTURES / "town_hall_messy.csv"
HEADERS = ["N° inventaire", "Type d'équipement", "Fabricant", "Modèle", "Date d'achat",
           "Prix HT (€)", "Service", "État", "Observations"]


@pytest.fixture(scope="module")
def town_hall():
    return read_path(TOWN_HALL)


def test_the_fixture_is_what_its_script_writes(tmp_path):
    from tests.fixtures.make_town_hall import write

    assert write(tmp_path / "out.csv").read_bytes() == TOWN_HALL.read_bytes()


def test_nine_of_nine_columns_are_understood(town_hall):
    assert list(town_hall.report.mapping) == HEADERS
    assert town_hall.report.mapping == {
        "N° inventaire": "inventory_number", "Type d'équipement": "type",
        "Fabricant": "manufacturer", "Modèle": "model", "Date d'achat": "purchase_date",
        "Prix HT (€)": "purchase_price_eur", "Service": "entity", "État": "status",
        "Observations": "comment"}
    assert town_hall.report.unused == {}


def test_a_spreadsheet_is_not_called_glpi(town_hall):
    assert town_hall.report.formats == ["spreadsheet"]


def test_forty_devices_and_the_rows_that_are_not_devices_reported(town_hall):
    frame = town_hall.frame
    assert town_hall.report.read == 40 and frame.height == 40
    skipped = {p.line: p for p in town_hall.problems if p.template == SUMMARY_ROW
               or p.message in (COMMENT_ROW, HEADER_ROW)}
    assert sorted(skipped) == [24, 46, 47]  # the comment line, the subtotal, the TOTAL
    assert skipped[24].message == COMMENT_ROW
    assert skipped[24].value.startswith("Les postes de l'école")
    assert skipped[46].message.startswith("a summary row (Sous-total école)")
    assert skipped[47].message.startswith("a summary row (TOTAL)")
    assert not frame.filter(pl.col("inventory_number").is_null()).height
    assert 24 not in frame.get_column("line").to_list()
    assert frame.get_column("line").max() == 44


def test_values_are_typed_from_french_cells(town_hall):
    first = town_hall.frame.row(0, named=True)
    assert first["line"] == 4  # title line, blank line, header
    assert first["inventory_number"] == "MAIRIE-2016-001"
    assert first["purchase_price_eur"] == 1089.0
    assert first["purchase_date"] == dt.date(2022, 5, 29)
    assert first["entity"] == "Comptabilité"
    typed = [p for p in town_hall.problems if "expected" in p.message]
    assert typed == []


def test_the_retired_device_is_retired(town_hall):
    row = town_hall.frame.filter(pl.col("status") == "Réformé").row(0, named=True)
    assert row["line"] == 11
    assert lifecycle_of(row["status"]) is Lifecycle.RETIRED
    undated = [p for p in town_hall.problems if p.line == 11]
    assert undated and "retired" in undated[0].message


def test_the_engine_counts_the_retired_states_out_of_service(town_hall):
    """The engine's own test (engine.py: status matching RETIRED_STATUS, no retirement date:
    out of service for the whole year)."""
    from jalon.core.model import RETIRED_STATUS

    retired = town_hall.frame.filter(
        pl.col("status").str.to_lowercase().str.contains(RETIRED_STATUS))
    states = set(retired.get_column("status").to_list())
    assert "Réformé" in states and "HS" in states and "Hors service" in states
    assert not {"En service", "En stock"} & states


@pytest.mark.parametrize(("state", "lifecycle"), [
    ("En service", Lifecycle.IN_SERVICE), ("EN SERVICE", Lifecycle.IN_SERVICE),
    ("En stock", Lifecycle.STORED), ("Réformé", Lifecycle.RETIRED),
    ("REFORME", Lifecycle.RETIRED), ("HS", Lifecycle.RETIRED), ("H.S.", Lifecycle.RETIRED),
    ("Hors service", Lifecycle.RETIRED), ("Hors-service", Lifecycle.RETIRED),
    ("Donné", Lifecycle.RETIRED), ("Vendu", Lifecycle.RETIRED),
    ("Détruit", Lifecycle.RETIRED), ("Au rebut", Lifecycle.RETIRED),
    ("", Lifecycle.UNKNOWN), (None, Lifecycle.UNKNOWN), ("Bleu", Lifecycle.UNKNOWN),
    ("Chaise", Lifecycle.UNKNOWN),
])
def test_states_map_to_the_lifecycle(state, lifecycle):
    assert lifecycle_of(state) is lifecycle


@pytest.mark.parametrize(("header", "target"), [
    ("Type d'équipement", "type"), ("TYPE D'EQUIPEMENT", "type"), ("Type d’équipement", "type"),
    ("N° inventaire", "inventory_number"), ("Nº inventaire", "inventory_number"),
    ("No inventaire", "inventory_number"), ("N°inventaire", "inventory_number"),
    ("Numéro d'inventaire", "inventory_number"), ("N° d'inventaire", "inventory_number"),
    ("Prix HT", "purchase_price_eur"), ("Prix HT (€)", "purchase_price_eur"),
    ("Prix HT €", "purchase_price_eur"), ("Prix TTC", "purchase_price_incl_vat_eur"),
    ("Service", "entity"), ("État", "status"), ("ETAT", "status"),
    ("Date d'achat", "purchase_date"), ("Date d'achat (jj/mm/aaaa)", "purchase_date"),
    ("Fabricant", "manufacturer"), ("Marque", "manufacturer"), ("Modèle", "model"),
    ("Observations :", "comment"),
])
def test_french_headers_and_their_variants(header, target):
    assert SPREADSHEET.canonical_for(header) == target


def test_loosen_header_keeps_plain_headers():
    assert loosen_header(normalise_header("Nom")) == "nom"
    assert loosen_header(normalise_header("Prix HT (en €)")) == "prix ht"


@pytest.mark.parametrize(("headers", "profile"), [
    (["Nom", "Entité", "Statut", "Fabricant", "Numéro de série", "Type", "Modèle"], GLPI),
    (["Nom", "Type", "Informations financières et administratives - Date d'achat"], GLPI),
    (HEADERS, SPREADSHEET),
    (["Nom", "Entité", "Type"], SPREADSHEET),  # an entity column alone is not GLPI's mark
    (["N° inventaire", "Désignation", "Famille", "Marque", "Référence", "Prix HT",
      "Service"], SPREADSHEET),
])
def test_glpi_only_with_its_signature(headers, profile):
    assert detect_profile(headers) is profile


def _write(tmp_path, text: str, name: str = "in.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode("cp1252"))
    return path


def test_summary_rows_in_any_wording(tmp_path):
    rows = ["Type;Modèle;Prix HT;Service", "Portable;Latitude;800;DSI",
            "Total général;;800;", "TOTAL DSI;;800;", "Sous-total;;800;", "Totaux :;;800;",
            "Totem;Écran tactile;900;Accueil"]
    result = read_path(_write(tmp_path, "\r\n".join(rows)))
    assert result.frame.get_column("type").to_list() == ["Portable", "Totem"]
    assert sorted(p.line for p in result.problems if p.template == SUMMARY_ROW) == [3, 4, 5, 6]


def test_comment_rows_and_repeated_headers(tmp_path):
    rows = ["Type;Modèle;Prix HT;Service", "Portable;Latitude;800;DSI",
            "NB : les prix sont indicatifs;;;", ";;;Voir le tableau de la DSI pour les écrans",
            "Type;Modèle;Prix HT;Service", "Écran;P2422H;189;DSI", "Imprimante;;;"]
    result = read_path(_write(tmp_path, "\r\n".join(rows)))
    assert result.frame.get_column("type").to_list() == ["Portable", "Écran", "Imprimante"]
    by_line = {p.line: p.message for p in result.problems}
    assert by_line[3] == COMMENT_ROW and by_line[4] == COMMENT_ROW
    assert by_line[5] == HEADER_ROW
    assert 7 not in by_line  # a device with only its type is a device


def test_a_workbook_gets_the_same_treatment(tmp_path):
    from tests.fuzz.make_corpus import sheet_xml, workbook_parts, xlsx_bytes

    sheet = sheet_xml([["Inventaire 2025"], [], HEADERS,
                       ["INV-1", "Portable", "Dell", "Latitude", "14/03/2023", "1089",
                        "DSI", "Réformé", ""],
                       ["TOTAL", None, None, None, None, "1089"]])
    path = tmp_path / "parc.xlsx"
    path.write_bytes(xlsx_bytes(workbook_parts(sheet)))
    result = read_path(path)
    assert len([h for h, t in result.report.mapping.items() if t != "ignore"]) == 9
    assert result.report.formats == ["spreadsheet"]
    assert result.frame.height == 1 and result.frame.get_column("line").to_list() == [4]
    assert [p.line for p in result.problems if p.template == SUMMARY_ROW] == [5]
