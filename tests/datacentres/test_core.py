"""Table tests of the pure rules (jalon.core.datacentres)."""

from __future__ import annotations

import datetime as dt

import pytest
from frictionless import Resource, Schema
from tests import paths

from jalon.core import datacentres as core

TODAY = dt.date(2026, 5, 1)
REFERENCE = paths.ROOT / "src/jalon/data/reference/datacentres"


@pytest.mark.parametrize(("total", "it", "expected"), [
    (255_000, 150_000, 1.7),
    (150_000, 150_000, 1.0),
    (None, 150_000, None),
    (255_000, None, None),
    (255_000, 0, None),
])
def test_pue(total, it, expected):
    assert core.pue(total, it) == (pytest.approx(expected) if expected else None)


@pytest.mark.parametrize(("function", "args", "expected"), [
    (core.wue, (300.0, 150_000.0), 2.0),  # 300 m3 = 300,000 L over 150,000 kWh
    (core.erf, (25_500.0, 255_000.0), 0.1),
    (core.ref, (255_000.0, 255_000.0), 1.0),
    (core.ref, (None, 255_000.0), None),
    (core.wue, (300.0, None), None),
])
def test_annex_iii_indicators(function, args, expected):
    value = function(*args)
    assert value == (pytest.approx(expected) if expected is not None else None)


@pytest.mark.parametrize(("power", "in_scope"), [
    (None, False), (0, False), (499.9, False), (500, True), (1800, True)])
def test_eed_threshold(power, in_scope):
    assert core.in_eed_scope(power) is in_scope


@pytest.mark.parametrize(("kwargs", "it", "total", "estimated"), [
    # Both meters read: metered, whatever else is known.
    ({"metered_it_kwh": 100.0, "metered_total_kwh": 170.0, "average_it_load_kw": 5.0,
      "pue_value": 2.0}, 100.0, 170.0, False),
    # No meter: EIT = load x 8,760 h, EDC = EIT x PUE.
    ({"metered_it_kwh": None, "metered_total_kwh": None, "average_it_load_kw": 5.0,
      "pue_value": 2.0}, 43_800.0, 87_600.0, True),
    # Only the IT meter: EDC from the PUE.
    ({"metered_it_kwh": 1000.0, "metered_total_kwh": None, "average_it_load_kw": None,
      "pue_value": 1.5}, 1000.0, 1500.0, True),
    # Only the building meter: EIT from the PUE.
    ({"metered_it_kwh": None, "metered_total_kwh": 1500.0, "average_it_load_kw": None,
      "pue_value": 1.5}, 1000.0, 1500.0, True),
    # Nothing known.
    ({"metered_it_kwh": None, "metered_total_kwh": None, "average_it_load_kw": None,
      "pue_value": None}, None, None, True),
])
def test_energy_metered_or_estimated(kwargs, it, total, estimated):
    energy = core.energy(**kwargs)
    assert energy.it_kwh == (pytest.approx(it) if it is not None else None)
    assert energy.total_kwh == (pytest.approx(total) if total is not None else None)
    assert energy.estimated is estimated


@pytest.mark.parametrize(("figures", "problems"), [
    (core.YearFigures(total_kwh=170.0, it_kwh=100.0), []),
    (core.YearFigures(total_kwh=90.0, it_kwh=100.0), [("it_kwh", "it_above_total")]),
    (core.YearFigures(total_kwh=600.0, it_kwh=100.0), [("total_kwh", "pue_range")]),
    (core.YearFigures(declared_pue=0.9), [("declared_pue", "pue_range")]),
    (core.YearFigures(water_m3=10.0, potable_water_m3=12.0),
     [("potable_water_m3", "potable_above_total")]),
    (core.YearFigures(total_kwh=100.0, renewable_kwh=120.0), [("renewable_kwh", "above_total")]),
    (core.YearFigures(total_kwh=100.0, reused_kwh=-1.0), [("reused_kwh", "negative")]),
    (core.YearFigures(renewable_kwh=100.0, renewable_goo_kwh=80.0, renewable_onsite_kwh=30.0),
     [("renewable_kwh", "parts_above_total")]),
    (core.YearFigures(renewable_kwh=100.0, renewable_goo_kwh=70.0, renewable_onsite_kwh=30.0),
     []),
])
def test_check_year(figures, problems):
    assert core.check_year(figures) == problems


def practice(number: str, expected: str = "entire_dc") -> core.Practice:
    return core.Practice(number, "management", expected, "t", "d", "https://x", "12.1.0")


PRACTICES = (practice("3.1.1"), practice("3.1.2"), practice("4.1.1", "new_it_equipment"),
             practice("5.1.2", "new_build_or_retrofit"), practice("5.6.1", "optional"))


@pytest.mark.parametrize(("checklist", "rate", "conformant", "missing", "overdue"), [
    ({}, 0.0, False, ("3.1.1", "3.1.2", "4.1.1", "5.1.2"), 0),
    ({n: core.ChecklistEntry(core.IMPLEMENTED) for n in ("3.1.1", "3.1.2", "4.1.1", "5.1.2")},
     1.0, True, (), 0),
    # Not applicable leaves the denominator; optional practices never count.
    ({"3.1.1": core.ChecklistEntry(core.IMPLEMENTED), "3.1.2": core.ChecklistEntry(
        core.IMPLEMENTED), "4.1.1": core.ChecklistEntry(core.IMPLEMENTED),
      "5.1.2": core.ChecklistEntry(core.NOT_APPLICABLE),
      "5.6.1": core.ChecklistEntry(core.NOT_STARTED)}, 1.0, True, (), 0),
    ({"3.1.1": core.ChecklistEntry(core.IMPLEMENTED),
      "3.1.2": core.ChecklistEntry(core.IN_PROGRESS, dt.date(2026, 1, 1)),
      "4.1.1": core.ChecklistEntry(core.NOT_STARTED, dt.date(2027, 1, 1))},
     0.25, False, ("3.1.2", "4.1.1", "5.1.2"), 1),
    # Everything set aside: no rate, not conformant.
    ({n: core.ChecklistEntry(core.NOT_APPLICABLE) for n in ("3.1.1", "3.1.2", "4.1.1",
                                                              "5.1.2")}, None, False, (), 0),
])
def test_conformity(checklist, rate, conformant, missing, overdue):
    result = core.conformity(PRACTICES, checklist, TODAY)
    assert result.rate == rate
    assert result.conformant is conformant
    assert result.missing == missing
    assert result.overdue == overdue
    assert result.expected == 4


@pytest.mark.parametrize(("values", "expected"), [
    ({2022: 1.95, 2023: 1.82, 2025: 1.68}, (2022, 2025, -0.27, -0.09)),
    ({2024: 1.9, 2025: None}, None),
    ({}, None),
])
def test_trend(values, expected):
    result = core.trend(values)
    if expected is None:
        assert result is None
    else:
        assert (result.first_year, result.last_year) == expected[:2]
        assert result.change == pytest.approx(expected[2])
        assert result.yearly_change == pytest.approx(expected[3])


def test_weighted_pue_weighs_by_energy():
    # A 10 MWh room at PUE 2 and a 1,000 MWh room at PUE 1.3: pooled 1.307, not 1.65.
    assert core.weighted_pue([(20_000, 10_000), (1_300_000, 1_000_000), (None, 5)]) == \
        pytest.approx(1_320_000 / 1_010_000)
    assert core.weighted_pue([]) is None


def test_kpi_report_lists_every_field_in_the_regulation_order():
    report = core.kpi_report(2025, {"name": "Salle", "it_power_kw": 600.0,
                                    "total_kwh": 1_700.0, "it_kwh": 1_000.0,
                                    "water_m3": 2.0, "renewable_kwh": 850.0,
                                    "pue": 9.9},  # a given PUE is recomputed, not trusted
                             estimated_energy=False)
    codes = [line.field.code for line in report.lines]
    assert codes == [f.code for f in core.KPI_FIELDS]
    assert [f.annex for f in core.KPI_FIELDS] == sorted(f.annex for f in core.KPI_FIELDS)
    by_code = {line.field.code: line.value for line in report.lines}
    assert by_code["pue"] == pytest.approx(1.7)
    assert by_code["wue"] == pytest.approx(2.0)
    assert by_code["ref"] == pytest.approx(0.5)
    assert by_code["erf"] is None
    assert report.in_scope
    assert not report.complete
    assert "owner" in [line.field.code for line in report.missing]


def test_shipped_practices_file_is_valid_and_versioned():
    # frictionless refuses absolute paths as "not safe": names and a basepath.
    schema = Schema.from_descriptor("coc_practices.schema.json", basepath=str(REFERENCE))
    report = Resource("coc_practices.csv", basepath=str(REFERENCE), schema=schema).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "note"])
    practices = core.load_practices()
    assert len(practices) >= 50
    assert [p.order for p in practices] == sorted(p.order for p in practices)
    assert sum(p.is_expected for p in practices) >= 35
    assert core.practices_version(practices) == "12.1.0, 2024 (JRC136986)"
    numbers = {p.number for p in practices}
    # jalon-coc-2026.2: three numbers misread in 2026.1 corrected, 3.2.4 is Life Cycle Assessment
    assert {"3.2.14", "3.2.15", "5.7.1"} <= numbers and not {"3.1.13", "3.1.14", "5.6.1"} & numbers
    assert next(p for p in practices if p.number == "3.2.4").title == "Analyse de cycle de vie"


@pytest.mark.parametrize(("text", "message"), [
    ("number,section,expected,title,description,link,version\n"
     "3.1.1,management,sometimes,t,d,l,v\n", "unknown expected status"),
    ("number,section,expected,title,description,link,version\n"
     "3.1.1,kitchen,optional,t,d,l,v\n", "unknown section"),
    ("number,section,expected,title,description,link,version\n"
     "3.1.1,management,optional,t,d,l,v\n3.1.1,management,optional,t,d,l,v\n",
     "line 3: missing or duplicate"),
])
def test_malformed_practices_file_is_refused(text, message):
    with pytest.raises(core.PracticesFileError, match=message):
        core.parse_practices(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("35238", "35238"), (" 2a004 ", "2A004"), ("FR35238", "35238"), ("FR-2B033", "2B033"),
    ("75 056", "75056"),
])
def test_lau_code_is_the_insee_commune_code(text, expected):
    assert core.normalise_lau_code(text) == expected


@pytest.mark.parametrize("text", ["3523", "352380", "35 000 Rennes", "2C004", "FR", "ABCDE", ""])
def test_bad_lau_code_is_refused(text):
    with pytest.raises(ValueError):
        core.normalise_lau_code(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("2n/n+1", "2N / N+1"), ("N", "N"), ("2(N+1)", "2(N+1)"), ("2N+1 / 2N / N", "2N+1 / 2N / N"),
])
def test_redundancy_levels(text, expected):
    assert core.normalise_redundancy(text) == expected


@pytest.mark.parametrize("text", ["Tier III", "N+1 / N / N / N", "3 onduleurs", "N+"])
def test_bad_redundancy_is_refused(text):
    with pytest.raises(ValueError):
        core.normalise_redundancy(text)


@pytest.mark.parametrize(("text", "ok"), [
    ("02 99 00 00 00", True), ("+33 2 99 00 00 00", True), ("0299", False),
    ("appeler la DSI", False), ("+33 (0)2.99.00.00.00", True),
])
def test_phone(text, ok):
    if ok:
        assert core.normalise_phone(text)
    else:
        with pytest.raises(ValueError):
            core.normalise_phone(text)


def test_annex_one_points_in_the_regulation_order():
    annex_one = [(f.code, f.reference) for f in core.KPI_FIELDS if f.annex == "I"]
    references = [ref for _code, ref in annex_one if ref]
    assert references == sorted(references)
    codes = {code for code, _ref in annex_one}
    assert {"owner_email", "operator_phone", "lau_code", "structure", "mixed_services",
            "electrical_redundancy", "cooling_redundancy"} <= codes
    assert core.year_month(dt.date(2018, 6, 14)) == "2018-06"
    assert core.year_month(None) is None


@pytest.mark.django_db
def test_statuses_follow_their_renumbered_practice():
    import importlib

    from django.apps import apps
    from tests.datacentres.factories import PracticeStatusFactory, SiteFactory

    from jalon.datacentres.models import PracticeStatus

    migration = importlib.import_module(
        "jalon.datacentres.migrations.0003_renumber_coc_practices")
    site = SiteFactory()
    for number in ("3.1.13", "3.2.4", "5.6.1", "4.1.1"):
        PracticeStatusFactory(site=site, number=number)
    migration.forwards(apps, None)
    assert sorted(PracticeStatus.objects.values_list("number", flat=True)) == [
        "3.2.14", "3.2.4~2026.1", "4.1.1", "5.7.1"]
    migration.backwards(apps, None)
    assert sorted(PracticeStatus.objects.values_list("number", flat=True)) == [
        "3.1.13", "3.2.4", "4.1.1", "5.6.1"]
