"""jalon.core.ai_act: the classification rules, as a table."""

from __future__ import annotations

import datetime as dt

import pytest

from jalon.core import ai_act

ALL_NO = {k: "no" for k in (*ai_act.ART5, *ai_act.ANNEX3, *ai_act.ART50)}


@pytest.mark.parametrize(("answers", "category", "transparency", "duties"), [
    ({}, ai_act.UNCLASSIFIED, False, {"art4"}),
    (ALL_NO, ai_act.MINIMAL, False, {"art4"}),
    (ALL_NO | {"art5_c_social_scoring": "yes"}, ai_act.PROHIBITED, False, {"art4", "art5"}),
    (ALL_NO | {"art5_c_social_scoring": "yes", "art50_1_interacts": "yes"},
     ai_act.PROHIBITED, False, {"art4", "art5"}),
    (ALL_NO | {"art50_1_interacts": "yes"}, ai_act.TRANSPARENCY, True, {"art4", "art50"}),
    (ALL_NO | {"annex3_3_education": "yes", "art6_3_profiling": "yes"}, ai_act.HIGH_RISK,
     False, {"art4", "art26", "art27", "art49", "art86"}),
    # the art. 6(3) filter: a preparatory task, no profiling → not high-risk
    (ALL_NO | {"annex3_5_essential_services": "yes", "art6_3_d_preparatory": "yes",
               "art6_3_profiling": "no"}, ai_act.MINIMAL, False, {"art4", "art6_4"}),
    # …but profiling always keeps it high-risk (art. 6(3), last subparagraph)
    (ALL_NO | {"annex3_5_essential_services": "yes", "art6_3_d_preparatory": "yes",
               "art6_3_profiling": "yes"}, ai_act.HIGH_RISK, False,
     {"art4", "art26", "art27", "art49", "art86"}),
    # high-risk and a chatbot: both sets of duties
    (ALL_NO | {"annex3_4_employment": "yes", "art50_1_interacts": "yes"}, ai_act.HIGH_RISK,
     True, {"art4", "art26", "art27", "art49", "art86", "art50"}),
])
def test_classification(answers, category, transparency, duties):
    result = ai_act.classify(answers)
    assert result.category == category
    assert result.transparency is transparency
    assert {d.key for d in result.duties} == duties


def test_application_dates_are_those_of_article_113():
    result = ai_act.classify(ALL_NO | {"annex3_3_education": "yes", "art50_1_interacts": "yes"})
    dates = {d.key: d.applies_from for d in result.duties}
    assert dates["art4"] == dt.date(2025, 2, 2)
    assert dates["art26"] == dates["art50"] == dt.date(2026, 8, 2)


def test_filter_questions_are_needed_only_with_an_annex_iii_area():
    assert ai_act.classify(ALL_NO).complete
    missing = ai_act.classify(ALL_NO | {"annex3_3_education": "yes"}).missing
    assert set(missing) == {*ai_act.ART6_3, ai_act.PROFILING}


def test_private_deployer_has_no_fria_or_registration():
    result = ai_act.classify(ALL_NO | {"annex3_4_employment": "yes"}, public_body=False)
    assert {d.key for d in result.duties} == {"art4", "art26", "art86"}


def test_checklist_progress_counts_yes_and_texts():
    answers = {"art26_1_instructions": "yes", "art26_2_overseers": "no",
               "fria_a_process": "Inscription scolaire", "fria_b_period_frequency": " "}
    assert ai_act.checklist_progress(answers, ai_act.ART26) == (1, 10)
    assert ai_act.checklist_progress(answers, ai_act.FRIA) == (1, 6)
