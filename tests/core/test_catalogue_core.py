"""The pure reader of files of digital services (jalon.core.catalogue): table tests."""

from __future__ import annotations

import datetime as dt

import pytest

from jalon.core import catalogue as core

HEADER = "Nom;Type;Public;URL;Pays d'hébergement;Statut;En service depuis;Retiré le\n"


def parse(text: str, encoding: str = "utf-8") -> core.ParseResult:
    return core.parse_services(text.encode(encoding))


@pytest.mark.parametrize(("value", "code"), [
    ("Site internet", "website"), ("site web", "website"), ("SITE", "website"),
    ("Démarche en ligne", "online_procedure"), ("demarche en ligne", "online_procedure"),
    ("Téléservice", "online_procedure"), ("Application mobile", "mobile_app"),
    ("Application métier", "internal_app"), ("application interne", "internal_app"),
    ("API", "api"), ("Chatbot", "chatbot"), ("Agent conversationnel", "chatbot"),
    ("online_procedure", "online_procedure"),
])
def test_kinds(value, code):
    assert core.parse_kind(value) == code


@pytest.mark.parametrize(("value", "code"), [
    ("Public", "public"), ("usagers", "public"), ("Grand public", "public"),
    ("Agents", "agents"), ("interne", "agents"),
])
def test_audiences(value, code):
    assert core.parse_audience(value) == code


@pytest.mark.parametrize(("value", "code"), [
    ("", "in_service"), ("En service", "in_service"), ("en production", "in_service"),
    ("En projet", "in_project"), ("En cours de retrait", "being_retired"),
    ("fin de vie", "being_retired"), ("Retiré", "retired"), ("RETIRE", "retired"),
])
def test_statuses(value, code):
    assert core.parse_status(value) == code


@pytest.mark.parametrize("parse_one", [core.parse_kind, core.parse_audience, core.parse_status])
def test_unknown_words_say_what_to_write(parse_one):
    with pytest.raises(core.InvalidValue, match="écrivez"):
        parse_one("n'importe quoi")


@pytest.mark.parametrize(("value", "expected"), [
    ("https://www.exemple.fr", "https://www.exemple.fr"),
    ("http://exemple.fr/a?b=c", "http://exemple.fr/a?b=c"),
    ("www.exemple.fr/demarches", "https://www.exemple.fr/demarches"),
    ("  https://a.example/  ", "https://a.example/"),
    ("", ""),
])
def test_urls(value, expected):
    assert core.clean_url(value) == expected


@pytest.mark.parametrize("value", ["ftp://exemple.fr", "https://", "exemple", "javascript:alert(1)",
                                   "https://exe mple.fr", "https://" + "a" * 600 + ".fr"])
def test_bad_urls(value):
    with pytest.raises(core.InvalidValue):
        core.clean_url(value)


def test_sample_urls_split_on_spaces_newlines_and_bars_without_duplicates():
    assert core.clean_sample_urls("https://a.fr/1\nwww.a.fr/2 | https://a.fr/1  https://a.fr/3"
                                  ) == ["https://a.fr/1", "https://www.a.fr/2", "https://a.fr/3"]
    with pytest.raises(core.InvalidValue, match="« pas-une-url »"):
        core.clean_sample_urls("https://a.fr pas-une-url")
    with pytest.raises(core.InvalidValue, match="au plus 20"):
        core.clean_sample_urls(" ".join(f"https://a.fr/{i}" for i in range(21)))


@pytest.mark.parametrize(("value", "code"), [
    ("FR", "FR"), ("fr", "FR"), (" de ", "DE"), ("France", "FR"), ("Allemagne", "DE"),
    ("États-Unis", "US"), ("Royaume-Uni", "GB"), ("", ""),
])
def test_countries(value, code):
    assert core.clean_country(value) == code


@pytest.mark.parametrize("value", ["FRA", "XX", "Gaule", "F"])
def test_bad_countries(value):
    with pytest.raises(core.InvalidValue, match="ISO 3166"):
        core.clean_country(value)


@pytest.mark.parametrize(("country", "inside"), [
    ("FR", True), ("IE", True), ("NO", True), ("IS", True), ("RE", True), ("CH", False),
    ("US", False), ("GB", False), ("", False),
])
def test_eu_eea(country, inside):
    assert core.in_eu_eea(country) is inside


@pytest.mark.parametrize(("value", "expected"), [
    ("15/03/2021", dt.date(2021, 3, 15)), ("2021-03-15", dt.date(2021, 3, 15)),
    ("15-03-2021", dt.date(2021, 3, 15)), ("15.03.2021", dt.date(2021, 3, 15)), ("", None),
])
def test_dates(value, expected):
    assert core.parse_date(value) == expected


@pytest.mark.parametrize("value", ["31/02/2021", "2021", "mars 2021", "03/15/2021"])
def test_bad_dates(value):
    with pytest.raises(core.InvalidValue, match="JJ/MM/AAAA"):
        core.parse_date(value)


def test_country_list_is_complete_iso_3166():
    assert len(core.COUNTRIES) == 249
    assert core.EU_EEA <= core.COUNTRIES


# --- Files ---------------------------------------------------------------------------------------

def test_a_cp1252_semicolon_file_with_french_headers():
    result = parse(HEADER + "Démarche état civil;Démarche en ligne;Usagers;"
                            "www.ville.fr/etat-civil;France;En service;01/02/2020;\n", "cp1252")
    assert result.ok and result.encoding == "cp1252" and result.delimiter == ";"
    (row,) = result.rows
    assert (row.line, row.name, row.kind, row.audience, row.url, row.hosting_country,
            row.status, row.in_service_since) == (
        2, "Démarche état civil", "online_procedure", "public", "https://www.ville.fr/etat-civil",
        "FR", "in_service", dt.date(2020, 2, 1))
    assert result.columns == ("name", "kind", "url", "audience", "hosting_country", "status",
                              "in_service_since", "retired_on")


def test_utf8_bom_comma_file_and_headers_in_any_case_and_accents():
    result = parse("\ufeffNOM,type,PUBLIC,Hebergeur,Editeur / Prestataire,Equipe\n"
                   "Intranet,site web,agents,OVHcloud,Régie,DSI\n")
    assert result.ok and result.delimiter == ","
    row = result.rows[0]
    assert (row.hosting_provider, row.provider, row.owner_team) == ("OVHcloud", "Régie", "DSI")


def test_lines_are_numbered_as_spreadsheet_rows_a_quoted_cell_with_line_breaks_is_one():
    result = parse('Nom;Type;Public;Échantillon de pages\n'
                   'Site;site;public;"https://a.fr/1\nhttps://a.fr/2"\n'
                   'Autre;site;public;https://a.fr/3\n'
                   'Faux;truc;public;\n')
    assert [(e.line, e.column, e.value) for e in result.errors] == [(4, "Type", "truc")]


def test_every_bad_cell_is_reported_and_no_row_is_returned():
    result = parse(HEADER
                   + "Bon;site;public;https://a.fr;FR;;;\n"
                   + ";site;public;;;;;\n"
                   + "Mauvais;vaisseau;tout le monde;pas une url;Gaule;en panne;32/01/2020;\n"
                   + "Dates;site;public;;;;01/01/2022;01/01/2021\n")
    assert not result.ok and result.rows == []
    found = [(e.line, e.column, e.value) for e in result.errors]
    assert found == [
        (3, "Nom", ""),
        (4, "Type", "vaisseau"), (4, "Public", "tout le monde"), (4, "URL", "pas une url"),
        (4, "Pays d'hébergement", "Gaule"), (4, "Statut", "en panne"),
        (4, "En service depuis", "32/01/2020"),
        (5, "Retiré le", "01/01/2021"),
    ]
    assert all(e.message for e in result.errors)


def test_duplicate_names_in_the_file_name_the_first_line():
    result = parse("Nom;Type;Public\nSite;site;public\nAutre;site;public\nsite ;site;agents\n")
    (error,) = result.errors
    assert (error.line, error.column, error.value) == (4, "Nom", "site")
    assert "ligne 2" in error.message


@pytest.mark.parametrize(("text", "expected"), [
    ("", "vide"),
    ("\n\n", "vide"),
    ("Nom;Public\nA;public\n", "« Type »"),
    ("Nom;Type;Public\n", "aucun service"),
    ("Nom;Type;Public;Intitulé\nA;site;public;B\n", "même chose"),
])
def test_file_level_errors(text, expected):
    result = parse(text)
    assert not result.ok
    assert expected in result.errors[0].message
    assert result.errors[0].line == 1


def test_unknown_columns_are_ignored_and_listed():
    result = parse("Nom;Type;Public;Budget;\nA;site;public;1000;\n")
    assert result.ok and result.ignored_columns == ["Budget"]


def test_too_many_rows():
    text = "Nom;Type;Public\n" + "".join(f"S{i};site;public\n" for i in range(6))
    result = core.parse_services(text.encode(), max_rows=5)
    assert not result.ok and "au plus 5" in result.errors[0].message


def test_bytes_that_are_neither_utf8_nor_cp1252():
    result = core.parse_services(b"Nom;Type;Public\n\x81\x8d;site;public\n")
    assert not result.ok and "UTF-8" in result.errors[0].message


def test_blank_lines_are_skipped_and_short_rows_are_padded():
    result = parse("Nom;Type;Public;URL\n\nA;site;public\n;;;\n")
    assert result.ok and [r.name for r in result.rows] == ["A"] and result.rows[0].url == ""


def test_the_template_file_reads_back():
    text = ";".join(core.TEMPLATE_HEADERS) + "\n" + ";".join(core.TEMPLATE_EXAMPLE) + "\n"
    result = parse(text)
    assert result.ok and result.columns == core.FIELDS
    assert len(core.TEMPLATE_HEADERS) == len(core.TEMPLATE_EXAMPLE) == len(core.FIELDS)
