"""Table tests of the DPIA screening and risk map (jalon.core.gdpr_dpia), the sovereignty score
(jalon.core.sovereignty) and the attendance sheet reader (jalon.core.gdpr_training)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jalon.core import gdpr_dpia, gdpr_training
from jalon.core import sovereignty as sov

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "gdpr"


@pytest.mark.parametrize(("criteria", "required", "exempt", "verdict"), [
    ([], False, False, "not_expected"),
    (["large_scale"], False, False, "not_expected"),
    (["large_scale", "vulnerable"], False, False, "expected"),
    (["evaluation", "matching", "innovative"], False, False, "expected"),
    ([], True, False, "required"),
    (["large_scale", "vulnerable"], False, True, "exempted"),
    (["large_scale", "vulnerable"], True, True, "required"),  # the required list prevails
])
def test_screening(criteria, required, exempt, verdict):
    result = gdpr_dpia.screen(criteria, on_cnil_required_list=required,
                              on_cnil_exempt_list=exempt)
    assert result.verdict == verdict
    assert result.dpia_needed == (verdict in ("required", "expected"))
    assert result.reasons


def test_screening_refuses_unknown_criteria():
    with pytest.raises(ValueError, match="unknown"):
        gdpr_dpia.screen(["astrology"])


@pytest.mark.parametrize(("likelihood", "severity", "level"), [
    (1, 1, "low"), (2, 2, "low"), (1, 3, "moderate"), (3, 2, "moderate"), (4, 1, "moderate"),
    (3, 3, "high"), (3, 4, "critical"), (4, 3, "critical"), (4, 4, "critical"),
])
def test_risk_map(likelihood, severity, level):
    assert gdpr_dpia.risk_level(likelihood, severity) == level
    assert gdpr_dpia.acceptable(likelihood, severity) == (level == "low")


@given(st.integers(1, 4), st.integers(1, 4))
def test_risk_map_is_symmetric(a, b):
    assert gdpr_dpia.risk_level(a, b) == gdpr_dpia.risk_level(b, a)


def test_risk_levels_out_of_range():
    with pytest.raises(ValueError):
        gdpr_dpia.risk_level(0, 5)


def test_sovereignty_best_and_worst():
    best = sov.score(sov.Facts(storage_country="FR", processing_country="FR",
                               non_eu_law_exposure=False, secnumcloud=True, open_source=True,
                               open_export_format=True, exit_clause=True))
    assert best.value == 100 and best.grade == "A" and not best.warnings
    worst = sov.score(sov.Facts(storage_country="US", non_eu_law_exposure=True,
                                secnumcloud=False, health_data=True, hds=False,
                                open_source=False, open_export_format=False, exit_clause=False))
    assert worst.value == 0 and worst.grade == "E"
    assert any("HDS" in w for w in worst.warnings)


def test_sovereignty_unknown_scores_nothing_and_says_so():
    score = sov.score(sov.Facts())
    assert score.value == 5  # only "no health data" gives its points
    assert sum(line.max_points for line in score.lines) == 100
    assert all("Inconnu" in line.reason or "Pays inconnu" in line.reason
               for line in score.lines if line.points == 0)


def test_sovereignty_partial_and_eu_jurisdiction():
    facts = sov.Facts(storage_country="IE", processing_country="US", non_eu_law_exposure=True,
                      secnumcloud=False, open_source=False, open_export_format=True,
                      exit_clause=True)
    score = sov.score(facts)
    assert score.value == 25 + 0 + 0 + 0 + 5 + 0 + 5 + 5
    assert not sov.under_eu_jurisdiction(facts)
    assert sov.under_eu_jurisdiction(sov.Facts(storage_country="DE", non_eu_law_exposure=False))
    assert not sov.under_eu_jurisdiction(sov.Facts(storage_country="FR"))  # unknown exposure
    incoherent = sov.score(sov.Facts(non_eu_law_exposure=True, secnumcloud=True))
    assert any("SecNumCloud" in w for w in incoherent.warnings)


def test_attendance_sheet_french_excel():
    data = (FIXTURES / "emargement_cp1252.csv").read_bytes()
    sheet = gdpr_training.parse_attendance(data)
    assert sheet.ok, sheet.errors
    assert sheet.encoding == "cp1252" and sheet.delimiter == ";"
    assert sheet.absent == 1
    assert sheet.distinct_agents == 4  # one agent present twice
    assert sheet.rows[0].date == dt.date(2026, 3, 12)


def test_attendance_sheet_errors_name_line_column_value():
    data = b"Matricule;Date\nA001;12/03/2026\n;12/03/2026\nA003;31/02/2026\n"
    sheet = gdpr_training.parse_attendance(data)
    assert not sheet.ok and not sheet.rows
    assert [(e.line, e.column) for e in sheet.errors] == [(3, "Matricule"), (4, "Date")]
    assert "31/02/2026" in sheet.errors[1].value


def test_attendance_sheet_without_agent_column():
    sheet = gdpr_training.parse_attendance(b"Nom;Date\nDupont;12/03/2026\n")
    assert "matricule" in sheet.errors[0].message


def test_attendance_dates_outside_the_campaign():
    sheet = gdpr_training.parse_attendance(b"matricule,date\nA1,2025-01-01\n",
                                           first_day=dt.date(2026, 1, 1))
    assert "période" in sheet.errors[0].message
