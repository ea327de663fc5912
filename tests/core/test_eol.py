"""Readers that take what the file has, and end-of-life routes (issue 16), in the pure core."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import re

import polars as pl
import pytest
from tests import paths

from jalon.core import eol
from jalon.core.circularity import summary
from jalon.core.classify import classify
from jalon.core.readers import read_inventory, read_path
from jalon.core.readers.tabular import UNUSED_COLUMNS, recognised_unused

FIXTURES = paths.ROOT / "tests" / "fixtures"
REFERENCE = paths.ROOT / "src" / "jalon" / "data" / "reference" / "eol_routes.csv"
SAMPLE = FIXTURES / "glpi_agglomeration_sample.csv"


def generator():
    spec = importlib.util.spec_from_file_location(
        "make_glpi_agglomeration", FIXTURES / "make_glpi_agglomeration.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write(tmp_path, text: str, name: str = "export.csv", encoding: str = "cp1252"):
    path = tmp_path / name
    path.write_bytes(text.replace("\n", "\r\n").encode(encoding))
    return path


# -------------------------------------------------------------------------- header names


@pytest.mark.parametrize(("header", "target"), [
    ("Date de sortie du parc", "retirement_date"),
    ("Date de mise au rebut", "retirement_date"),
    ("Date de décommissionnement", "retirement_date"),
    ("Decommissioning date", "retirement_date"),
    ("Date d'acquisition", "purchase_date"),
    ("Purchase date", "purchase_date"),
    ("Date d'installation", "commissioning_date"),
    ("In service date", "commissioning_date"),
    ("Prix d'achat HT", "purchase_price_eur"),
    ("Price excl. VAT", "purchase_price_eur"),
    ("Mode d'acquisition", "condition"),
    ("Origine", "condition"),
    ("Acquisition mode", "condition"),
    ("État", "status"),
    ("Status", "status"),
    ("Localisation", "site"),
    ("Location", "site"),
    ("Informations financières et administratives - Date de réforme", "retirement_date"),
])
def test_asset_tool_headers_are_read(tmp_path, header, target):
    path = write(tmp_path, f"Type;{header}\nPortable;x\n")
    assert read_path(path).report.mapping[header] == target


def test_unused_columns_are_named_not_dropped(tmp_path):
    path = write(tmp_path, "Type;Date de fin de garantie;Numéro de série;Fournisseur;"
                           "Informations financières et administratives - Durée de garantie;"
                           "Couleur\nPortable;01/01/2027;SN1;UGAP;36;bleu\n")
    report = read_path(path).report
    assert report.unused == {
        "Date de fin de garantie": "warranty_end", "Numéro de série": "serial_number",
        "Fournisseur": "supplier",
        "Informations financières et administratives - Durée de garantie":
            "warranty_duration"}
    assert report.mapping["Couleur"] == "ignore" and "Couleur" not in report.unused
    assert set(report.unused.values()) <= set(UNUSED_COLUMNS)
    assert recognised_unused("Valeur nette comptable") == "book_value"


def test_price_incl_vat_is_used_when_there_is_no_price_excl_vat(tmp_path):
    alone = read_path(write(tmp_path, "Type;Prix TTC\nPortable;1 306,80 €\n", "ttc.csv"))
    assert alone.report.mapping["Prix TTC"] == "purchase_price_incl_vat_eur"
    assert alone.frame.get_column("purchase_price_eur").to_list() == [pytest.approx(1089.0)]
    both = read_path(write(tmp_path, "Type;Prix HT;Prix TTC\nPortable;1000;1200\n", "b.csv"))
    assert both.frame.get_column("purchase_price_eur").to_list() == [1000.0]
    assert both.report.unused == {"Prix TTC": "purchase_price_incl_vat_eur"}


@pytest.mark.parametrize(("written", "condition"), [
    ("Achat neuf", "new"), ("Neuf", "new"), ("Location", "new"), ("Leasing", "new"),
    ("LLD", "new"), ("Reconditionné", "refurbished"), ("Occasion", "refurbished"),
    ("Refurbished", "refurbished"), ("Don reçu", "reused"), ("Réemploi", "reused"),
    ("Transfert d'une commune", "reused"), ("reused", "reused"),
])
def test_origin_words_become_conditions(tmp_path, written, condition):
    result = read_path(write(tmp_path, f"Type;Mode d'acquisition\nPortable;{written}\n"))
    assert result.problems == []
    assert result.frame.get_column("condition").to_list() == [condition]


def test_an_unknown_origin_is_a_problem(tmp_path):
    result = read_path(write(tmp_path, "Type;Origine\nPortable;en panne\n"))
    assert [(p.column, p.value) for p in result.problems] == [("Origine", "en panne")]


def test_a_templated_problem_keeps_its_template_and_values(tmp_path):
    result = read_path(write(tmp_path, "Type;Numéro d'inventaire\nPortable;A\nÉcran;A\n"))
    (problem,) = result.problems
    assert problem.template.startswith("this inventory number is already on line {first_line}")
    assert dict(problem.params) == {"first_line": "2"}
    assert "line 2" in problem.message


# -------------------------------------------------------------------------- routes


def test_reference_rules_carry_source_year_licence_and_compile():
    with REFERENCE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and len({r["rule"] for r in rows}) == len(rows)
    for row in rows:
        assert row["source"].strip() and re.fullmatch(r"\d{4}", row["year"]), row["rule"]
        assert row["licence"].strip(), row["rule"]
        assert row["route"] in eol.ROUTES and row["field"] in eol.FIELDS
    rules = eol.default_rules()
    assert {r.route for r in rules} == set(eol.ROUTES)  # every route can be read


@pytest.mark.parametrize(("status", "comment", "retired", "route", "rule"), [
    ("Donné à une association", "", True, "donated", "status-donated"),
    ("Vendu pour reconditionnement", "", True, "sold_refurbished", "status-sold-refurbished"),
    ("Réemploi interne", "", True, "reused_internally", "status-reused-internally"),
    ("Recyclé (DEEE)", "", True, "recycled", "status-recycled"),
    ("Au rebut", "", True, "recycled", "status-recycled"),
    ("Détruit", "", True, "destroyed", "status-destroyed"),
    ("Volé", "", True, "lost_or_stolen", "status-lost-stolen"),
    ("Restitué au loueur", "", True, "returned_to_lessor", "status-returned-lessor"),
    ("En attente de décision", "", True, "awaiting_decision", "status-awaiting-decision"),
    ("En stock", "", False, "stored", "status-stored"),
    ("En service", "", False, "in_use", "status-in-use"),
    ("Réformé", "Don à l'école Jean-Moulin", True, "donated", "comment-donated"),
    ("Réformé", "Enlevé par Ecosystem (DEEE)", True, "recycled", "comment-recycled"),
    ("Réformé", "", True, "", ""),
    # A comment on a device in service says how it came, not how it left.
    ("", "Acheté chez un reconditionneur", False, "", ""),
])
def test_statuses_and_comments_become_routes(status, comment, retired, route, rule):
    assert eol.route_of(status, comment, "", retired, eol.default_rules()) == (route, rule)


def test_an_explicit_disposal_comes_first():
    assert eol.route_of("En attente de décision", "", "donated", True,
                        eol.default_rules()) == ("donated", eol.DISPOSAL_RULE)


def test_an_organisation_rule_comes_before_the_shipped_ones():
    own = eol.RouteRule("org-1", "status", "reforme", "awaiting_decision")
    rules = [own, *eol.default_rules()]
    assert eol.route_of("Réformé", "", "", True, rules) == ("awaiting_decision", "org-1")


@pytest.mark.parametrize(("field", "pattern", "route"), [
    ("colour", "don", "donated"), ("status", "don", "burnt"), ("status", "don(", "donated"),
    ("status", "  ", "donated")])
def test_a_bad_rule_is_refused(field, pattern, route):
    with pytest.raises(eol.RuleError):
        eol.RouteRule("x", field, pattern, route)


def test_assign_routes_runs_on_distinct_values_and_keeps_the_row_order():
    frame = pl.DataFrame({
        "status": ["En service", "Donné", None, "Donné", "Réformé"],
        "comment": [None, None, None, None, "Vendu à un reconditionneur"],
        "disposal": [None, None, "recycled", None, None],
        "retirement_date": [None, dt.date(2025, 3, 1), dt.date(2025, 4, 1),
                            dt.date(2025, 5, 1), dt.date(2025, 6, 1)],
    })
    routed = eol.assign_routes(frame)
    assert routed.get_column("route").to_list() == [
        "in_use", "donated", "recycled", "donated", "sold_refurbished"]
    assert routed.get_column("route_rule").to_list()[2] == "disposal"


def row(route: str, retired: str, start: str | None = "2021-01-01", quantity: int = 1):
    return eol.RetiredRow(quantity, dt.date.fromisoformat(start) if start else None,
                          dt.date.fromisoformat(retired), route)


def test_reuse_rate_counts_donations_and_resales_and_says_what_it_left_out():
    rows = [row("donated", "2025-03-01", quantity=3), row("sold_refurbished", "2025-04-01"),
            row("reused_internally", "2025-05-01"), row("recycled", "2025-06-01", quantity=2),
            row("", "2025-06-02"),  # retired, no route: counted, not as reuse
            row("awaiting_decision", "2025-07-01", quantity=4),
            row("returned_to_lessor", "2025-07-02"), row("lost_or_stolen", "2025-07-03"),
            row("donated", "2025-08-01", start="2013-01-01"),  # over ten years old
            row("", "2024-05-01"),  # retired before N, still without a route
            row("recycled", "2024-05-01")]  # retired before N with a route: not in N
    rate = eol.reuse_rate(rows, 2025)
    assert (rate.reused, rate.retired, rate.waiting) == (5, 8, 1)
    assert rate.value == pytest.approx(100 * 5 / 9)
    assert rate.left_out == {"awaiting_decision": 4, "returned_to_lessor": 1,
                             "lost_or_stolen": 1, "over_10_years": 1}
    assert rate.without_route == 1
    assert eol.reuse_rate([], 2025).value is None


# -------------------------------------------------------------------------- the sample


def test_the_committed_sample_is_the_generators_first_rows(tmp_path):
    made = generator().write(tmp_path / "sample.csv", 60)
    assert made.read_bytes() == SAMPLE.read_bytes()


def test_the_sample_reads_with_no_mapping():
    result = read_inventory([SAMPLE])
    mapping = result.report.mapping
    assert mapping["Date de sortie du parc"] == "retirement_date"
    assert mapping["Prix d'achat HT"] == "purchase_price_eur"
    assert mapping["Mode d'acquisition"] == "condition"
    assert set(result.report.unused) == {"Numéro de série", "Prix d'achat TTC",
                                         "Date de fin de garantie", "Fournisseur",
                                         "Dernière modification"}
    data = summary(classify(result.frame), 2025)
    assert data["routes"] and data["reuse_rate_retired"]["retired_units"] >= 0


@pytest.mark.parametrize(("comment", "condition"), [
    ("PC reconditionné", "refurbished"), ("Écrans reconditionnés", "refurbished"),
    ("Lot racheté par un reconditionneur", "new"),  # how it left, not how it came
    ("Vendu pour reconditionnement", "new"), ("Issu du réemploi", "reused")])
def test_glpi_comments_tell_how_a_device_came_not_how_it_left(tmp_path, comment, condition):
    path = write(tmp_path, f"Nom;Type;Commentaires\nPC-1;Portable;{comment}\n")
    frame = read_path(path).frame
    assert (frame.get_column("condition").to_list()[0] or "new") == condition
