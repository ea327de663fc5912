"""Table tests of jalon.core.budget: classification, default ratings, legal scope, reading of
finance exports, summaries and the AGEC share."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from tests import paths

from jalon.core import budget as core

FIXTURES = paths.FIXTURES / "budget"


@pytest.mark.parametrize(("account", "label", "kind", "rule"), [
    ("2183", "PC portables agents (lot de 20)", core.NEW_EQUIPMENT, "L-DEVICE"),
    ("2183", "PC portables reconditionnés (lot de 20)", core.REFURBISHED_EQUIPMENT, "L-REFURB"),
    ("2183", "Smartphones RECONDITIONNES", core.REFURBISHED_EQUIPMENT, "L-REFURB"),
    ("2183", "Matériel d'occasion", core.REFURBISHED_EQUIPMENT, "L-REFURB"),
    ("2183", "Lot divers", core.NEW_EQUIPMENT, "A-2183"),
    ("21838", "Lot divers", core.NEW_EQUIPMENT, "A-2183"),
    ("61558", "Réparation PC (remplacement batterie)", core.REPAIR_MAINTENANCE, "L-REPAIR"),
    ("6156", "Tierce maintenance applicative", core.REPAIR_MAINTENANCE, "L-REPAIR"),
    ("6512", "Abonnement suite bureautique en ligne", core.SOFTWARE_LICENCES, "L-LICENCE"),
    ("2051", "Logiciel archives", core.SOFTWARE_LICENCES, "L-LICENCE"),
    ("611", "Hébergement cloud du site", core.CLOUD_HOSTING, "L-CLOUD"),
    ("611", "Infogérance datacenter", core.CLOUD_HOSTING, "L-CLOUD"),
    ("6262", "Forfaits mobiles agents", core.TELECOMS, "L-TELECOM"),
    ("60612", "Électricité salle serveurs", core.MACHINE_ROOM_ENERGY, "L-ENERGY"),
    ("60612", "Fourniture", core.MACHINE_ROOM_ENERGY, "A-6061"),
    ("6184", "Formation cybersécurité", core.SERVICES, "L-SERVICES"),
    ("2031", "Étude schéma directeur", core.SERVICES, "L-SERVICES"),
    ("6288", "Divers", core.UNCLASSIFIED, ""),
    ("", "", core.UNCLASSIFIED, ""),
])
def test_classification_by_label_then_account(account, label, kind, rule):
    match = core.classify(account, label)
    assert (match.kind, match.rule_id) == (kind, rule)
    assert match.explanation


def test_an_organisation_rule_comes_first():
    own = core.Rule("ORG-1", core.TELECOMS, "label", "wi-fi|wifi")
    assert core.classify("2183", "Bornes Wi-Fi", [own]).rule_id == "ORG-1"
    assert core.classify("2183", "PC portables", [own]).rule_id == "L-DEVICE"


@pytest.mark.parametrize(("match", "pattern", "expected"), [
    ("account", " 2183 ", "2183"),
    ("label", "Réparation|Écran", "reparation|ecran"),
])
def test_rule_patterns_are_normalised(match, pattern, expected):
    assert core.check_pattern(match, pattern) == expected


@pytest.mark.parametrize(("match", "pattern"), [
    ("account", "21A"), ("account", ""), ("label", ""), ("label", "(unclosed"),
    ("other", "x")])
def test_bad_rule_patterns_say_what_to_write(match, pattern):
    with pytest.raises(core.InvalidValue):
        core.check_pattern(match, pattern)


def test_every_kind_has_a_sourced_default_on_every_axis():
    ratings = core.default_ratings()
    for kind in core.KINDS:
        for axis in core.AXES:
            ref = ratings[(kind, axis)]
            assert ref.rating in core.RATINGS
            assert ref.rationale and ref.source and ref.licence and ref.uncertainty
            assert 2015 <= ref.year <= 2030


@pytest.mark.parametrize(("kind", "axis", "rating"), [
    (core.NEW_EQUIPMENT, core.CLIMATE_MITIGATION, core.UNFAVOURABLE),
    (core.NEW_EQUIPMENT, core.CIRCULAR_ECONOMY, core.UNFAVOURABLE),
    (core.REFURBISHED_EQUIPMENT, core.CLIMATE_MITIGATION, core.FAVOURABLE),
    (core.REFURBISHED_EQUIPMENT, core.CIRCULAR_ECONOMY, core.VERY_FAVOURABLE),
    (core.REPAIR_MAINTENANCE, core.CIRCULAR_ECONOMY, core.FAVOURABLE),
    (core.CLOUD_HOSTING, core.WATER, core.TO_EXAMINE),
    (core.TELECOMS, core.BIODIVERSITY, core.NEUTRAL),
    (core.UNCLASSIFIED, core.POLLUTION, core.TO_EXAMINE),
])
def test_default_ratings(kind, axis, rating):
    assert core.default_ratings()[(kind, axis)].rating == rating


def test_every_rule_row_is_sourced():
    for rule in core.default_rules():
        assert rule.kind in core.KINDS
        assert rule.rationale and rule.source and rule.licence and rule.year


@pytest.mark.parametrize(("year", "nomenclature", "account", "chapter", "in_annex", "axes"), [
    (2023, "M57", "2183", "21", False, ()),
    (2024, "M57", "2183", "21", False, ()),  # not in the 2024 list of accounts
    (2024, "M57", "2031", "20", True, (core.CLIMATE_MITIGATION,)),
    (2024, "M4", "2031", "20", False, ()),
    (2025, "M57", "2183", "21", True, (core.CLIMATE_MITIGATION, core.BIODIVERSITY)),
    (2025, "M4", "2183", "21", True, (core.CLIMATE_MITIGATION, core.BIODIVERSITY)),
    (2026, "M14", "2183", "21", False, ()),
    (2026, "M57", "2183", "040", False, ()),  # order operation
    (2026, "M57", "1641", "16", False, ()),  # loan repayment
    (2026, "M57", "6156", "011", False, ()),  # operating: beyond the annex
    (2027, "M57", "2051", "20", True, core.AXES),
])
def test_legal_scope(year, nomenclature, account, chapter, in_annex, axes):
    scope = core.legal_scope(year, nomenclature, account, chapter)
    assert (scope.in_annex, scope.axes) == (in_annex, axes)
    assert scope.reason


def test_operating_spending_is_marked_beyond_the_annex():
    assert "au-delà de l'annexe" in core.legal_scope(2025, "M57", "6512").reason


@pytest.mark.parametrize(("text", "amount"), [
    ("1 234,56", Decimal("1234.56")), ("1\u00a0234,56 €", Decimal("1234.56")),
    ("1.234,56", Decimal("1234.56")), ("1234.5", Decimal("1234.50")),
    ("(12,00)", Decimal("-12.00")), ("-12", Decimal("-12.00")), ("", None)])
def test_amounts_as_french_finance_software_writes_them(text, amount):
    assert core.parse_amount(text) == amount


@pytest.mark.parametrize("text", ["douze", "1,2,3", "NaN", "2 000 000 000,00"])
def test_bad_amounts(text):
    with pytest.raises(core.InvalidValue):
        core.parse_amount(text)


@pytest.mark.parametrize(("text", "account"), [
    ("2183", "2183"), ("2183-020", "2183"), (" 6156 ", "6156"), ("2183.0", "2183")])
def test_accounts(text, account):
    assert core.parse_account(text) == account


def test_a_french_excel_export_is_read_whole():
    data = (FIXTURES / "mandats-2025.csv").read_bytes()
    table = core.read_table(data, "mandats-2025.csv")
    assert (table.encoding, table.delimiter) == ("cp1252", ";")
    result = core.parse_table(table, year=2025)
    assert result.ok, result.errors
    assert len(result.rows) == 40
    assert result.mapping["Exercice"] == ""  # not a field: ignored, shown in the mapping
    first = result.rows[0]
    assert first.account == "2183" and first.amount_ttc > first.amount_ht  # type: ignore[operator]
    assert first.payment_date is not None and first.payment_date.year == 2025
    assert any("é" in row.label for row in result.rows)


def test_an_xlsx_export_with_a_title_above_the_headers():
    data = (FIXTURES / "mandats-2025.xlsx").read_bytes()
    result = core.parse_table(core.read_table(data, "mandats-2025.xlsx"), year=2025)
    assert result.ok, result.errors
    assert len(result.rows) == 10
    assert result.rows[0].line == 4  # the spreadsheet's row number
    assert result.rows[0].commitment_date is not None


def test_errors_name_line_column_value_and_what_to_do():
    data = (FIXTURES / "mandats-erreurs.csv").read_bytes()
    result = core.parse_table(core.read_table(data), year=2025)
    assert not result.ok and not result.rows
    found = {(e.line, e.column, e.value) for e in result.errors}
    assert (3, "Compte", "21A3") in found
    assert (4, "Montant TTC", "douze euros") in found
    assert (5, "Date de mandatement", "31/02/2025") in found
    assert any(e.line == 6 and e.column == "Montant HT" for e in result.errors)
    assert all(e.message for e in result.errors)


def test_a_line_of_another_exercise_is_an_error():
    data = "Compte;Libellé;Montant TTC;Date de mandatement\r\n2183;PC;12;03/03/2023\r\n"
    result = core.parse_table(core.read_table(data.encode("cp1252")), year=2025)
    assert result.errors[0].line == 2 and "exercice 2025" in result.errors[0].message


def test_a_missing_required_column_and_a_corrected_mapping():
    data = "Nat.;Objet;Montant mandaté\r\n2183;PC;1 200,00\r\n".encode("cp1252")
    table = core.read_table(data)
    result = core.parse_table(table)
    assert [e.column for e in result.errors] == ["Compte"]
    fixed = core.parse_table(table, {"Nat.": "account", "Objet": "label",
                                     "Montant mandaté": "amount_ttc"})
    assert fixed.ok and fixed.rows[0].amount_ttc == Decimal("1200.00")


def test_two_columns_into_one_field_is_an_error():
    table = core.read_table(b"Compte;Article;Libelle;Montant TTC\r\n2183;2183;PC;1\r\n")
    result = core.parse_table(table, {"Compte": "account", "Article": "account",
                                      "Libelle": "label", "Montant TTC": "amount_ttc"})
    assert "Deux colonnes" in result.errors[0].message


@pytest.mark.parametrize("data", [b"", b"\n\n", b"PK\x03\x04garbage"])
def test_unreadable_files(data):
    with pytest.raises(core.InvalidValue):
        core.parse_table(core.read_table(data, "x.xlsx" if data.startswith(b"PK") else "x.csv"))


def rated(kind: str, ttc: str, ht: str | None, annex: bool, rating: str) -> core.RatedLine:
    return core.RatedLine(kind, Decimal(ttc), Decimal(ht) if ht else None, annex,
                          dict.fromkeys(core.AXES, rating))


def test_summaries_by_axis_and_kind():
    lines = [rated(core.NEW_EQUIPMENT, "1200", "1000", True, core.UNFAVOURABLE),
             rated(core.REFURBISHED_EQUIPMENT, "600", "500", True, core.FAVOURABLE),
             rated(core.TELECOMS, "100", None, False, core.NEUTRAL)]
    axes = core.by_axis(lines)
    assert axes[core.CLIMATE_MITIGATION][core.UNFAVOURABLE] == Decimal("1200")
    assert axes[core.WATER][core.NEUTRAL] == Decimal("100")
    assert core.by_axis(lines, annex_only=True)[core.WATER][core.NEUTRAL] == 0
    kinds = core.by_kind(lines)
    assert kinds[core.TELECOMS] == {"lines": 1, "amount_ttc": Decimal("100"),
                                    "annex_ttc": Decimal(0)}


@pytest.mark.parametrize(("lines", "share", "estimated"), [
    ([(core.NEW_EQUIPMENT, Decimal("800"), Decimal("960")),
      (core.REFURBISHED_EQUIPMENT, Decimal("200"), Decimal("240"))], 20.0, 0),
    ([(core.NEW_EQUIPMENT, None, Decimal("1200")),
      (core.REFURBISHED_EQUIPMENT, Decimal("1000"), Decimal("1200")),
      (core.TELECOMS, Decimal("5000"), Decimal("6000"))], 50.0, 1),
])
def test_agec_share_on_amounts_excluding_vat(lines, share, estimated):
    result = core.agec_share(lines)
    assert result is not None
    assert result.share == pytest.approx(share)
    assert result.lines_without_ht == estimated


def test_no_purchase_no_agec_share():
    assert core.agec_share([(core.TELECOMS, Decimal(1), Decimal(1))]) is None


def test_dates_in_iso_form_from_xlsx_cells():
    table = core.Table(["Compte", "Libellé", "Montant TTC", "Date d'engagement"],
                       [(2, ["2183", "PC", "12.5", "2025-03-04"])], "xlsx")
    row = core.parse_table(table).rows[0]
    assert row.commitment_date == dt.date(2025, 3, 4)


@pytest.mark.parametrize("name", ["rules", "ratings"])
def test_reference_files_conform_to_their_table_schema(name):
    from frictionless import Resource, Schema

    base = str(core.REFERENCE_DIR)
    resource = Resource(f"{name}.csv", basepath=base,
                        schema=Schema(f"{name}.schema.json", basepath=base))
    report = resource.validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


@pytest.mark.parametrize(("label", "stem"), [
    ("PC portables agents (lot de 20)", "pc portables agents"),
    ("Réparation PC portables (remplacement batterie)", "reparation pc portables"),
    ("Licences 2025-2026 : Ciril+", "licences.*ciril"),
    ("Assistance à maîtrise d'ouvrage", "assistance a maitrise d'ouvrage"),
    ("12", ""),
])
def test_label_stem_learnt_from_a_line(label, stem):
    learnt = core.label_stem(label)
    assert learnt == stem
    if stem:
        assert core.classify("", label, [core.Rule("ORG-1", core.TELECOMS, "label", learnt)]
                             ).rule_id == "ORG-1"


@pytest.mark.parametrize(("year", "axes"), [
    (2023, ()), (2024, (core.CLIMATE_MITIGATION,)),
    (2025, (core.CLIMATE_MITIGATION, core.BIODIVERSITY)),
    (2026, (core.CLIMATE_MITIGATION, core.BIODIVERSITY)), (2027, core.AXES), (2030, core.AXES)])
def test_the_axes_each_exercise_requires(year, axes):
    assert core.year_scope(year).axes == axes


@pytest.mark.parametrize(("label", "category"), [
    ("Imprimantes multifonctions reconditionnées", core.AGEC_PRINTING),
    ("Copieur couleur A3", core.AGEC_PRINTING),
    ("PC portables reconditionnés", core.AGEC_IT),
    ("Smartphones", core.AGEC_IT),
])
def test_agec_category_from_the_label(label, category):
    assert core.agec_category(label) == category


def test_agec_shares_per_category_and_the_target_that_applies():
    shares = core.agec_shares([
        (core.NEW_EQUIPMENT, Decimal("700"), Decimal("840"), "PC portables"),
        (core.REFURBISHED_EQUIPMENT, Decimal("300"), Decimal("360"), "PC reconditionnés"),
        (core.REFURBISHED_EQUIPMENT, Decimal("100"), Decimal("120"), "Imprimante reconditionnée"),
        (core.TELECOMS, Decimal("900"), Decimal("1080"), "Forfaits mobiles"),
    ])
    assert shares[core.AGEC_IT].share == pytest.approx(30.0)
    assert shares[core.AGEC_PRINTING].share == pytest.approx(100.0)
    assert core.agec_target(core.AGEC_IT, 2023) is None  # the décret applies from July 2024
    assert [core.agec_target(core.AGEC_IT, y).share for y in (2024, 2026, 2027, 2031)] \
        == [20, 20, 25, 30]
    printing = core.agec_target(core.AGEC_PRINTING, 2025)
    assert printing is not None and printing.share is None and "could not be found" in \
        printing.uncertainty


@pytest.mark.parametrize("name", ["annex_accounts_2024", "agec_targets"])
def test_new_reference_tables_are_valid_and_sourced(name):
    from frictionless import Resource, Schema

    schema = Schema.from_descriptor(f"{name}.schema.json", basepath=str(core.REFERENCE_DIR))
    report = Resource(f"{name}.csv", basepath=str(core.REFERENCE_DIR), schema=schema).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "note"])


def test_2024_scope_follows_the_account_list():
    assert "2313" in core.accounts_2024() and "2183" not in core.accounts_2024()
    assert all("ECOE2416708D" in a.source and a.uncertainty for a in core.annex_accounts_2024())
    assert core.legal_scope(2024, core.M57, "231351").in_annex
    assert not core.legal_scope(2024, core.M57, "2183").in_annex
