"""AI Act classification rules (Regulation (EU) 2024/1689), without Django.

The guided form of the register asks yes/no questions, each identified by a key below; this
module turns the answers into a category and the duties that follow, with their application
dates (art. 113). The questions' wording, in French with the legal references, is in
`jalon.algorithms.ai_act_questions`.

Order of the rules:
1. any prohibited practice of art. 5(1) → « prohibited » (applicable since 2 February 2025);
2. an area of Annex III → high-risk, unless the art. 6(3) filter applies: the system performs
   only a narrow procedural task, improves the result of a completed human activity, detects
   decision patterns without replacing the human assessment, or performs a preparatory task
   — and it never applies when the system profiles natural persons (art. 6(3), last
   subparagraph);
3. art. 50 situations (interacting with people, generating synthetic content, emotion
   recognition or biometric categorisation, deep fakes, text published to inform the public)
   → transparency duties; they add to a high-risk classification;
4. otherwise « minimal ».

Not legal advice: the result is the organisation's own reading, with who answered and when.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

PROHIBITED: Final = "prohibited"
HIGH_RISK: Final = "high_risk"
TRANSPARENCY: Final = "transparency"
MINIMAL: Final = "minimal"
UNCLASSIFIED: Final = "unclassified"
CATEGORIES: Final = (PROHIBITED, HIGH_RISK, TRANSPARENCY, MINIMAL, UNCLASSIFIED)

# Art. 5(1) (a)–(h).
ART5: Final = ("art5_a_manipulation", "art5_b_vulnerabilities", "art5_c_social_scoring",
               "art5_d_crime_prediction", "art5_e_facial_scraping",
               "art5_f_emotion_work_education", "art5_g_biometric_categorisation",
               "art5_h_realtime_biometric_id")
# Annex III, points 1 to 8.
ANNEX3: Final = ("annex3_1_biometrics", "annex3_2_critical_infrastructure",
                 "annex3_3_education", "annex3_4_employment", "annex3_5_essential_services",
                 "annex3_6_law_enforcement", "annex3_7_migration", "annex3_8_justice_democracy")
# Art. 6(3) (a)–(d), and profiling (which excludes the filter).
ART6_3: Final = ("art6_3_a_narrow_task", "art6_3_b_improves_human_work",
                 "art6_3_c_detects_patterns", "art6_3_d_preparatory")
PROFILING: Final = "art6_3_profiling"
# Art. 50(1)–(4).
ART50: Final = ("art50_1_interacts", "art50_2_synthetic_content",
                "art50_3_emotion_biometric", "art50_4_deep_fake", "art50_4_public_text")
QUESTIONS: Final = (*ART5, *ANNEX3, *ART6_3, PROFILING, *ART50)

# Deployer duties for a high-risk system (art. 26), FRIA items (art. 27(1) a–f) and the
# registration summary of a public deployer (art. 49(3), Annex VIII section C, points 1–5).
ART26: Final = ("art26_1_instructions", "art26_2_overseers", "art26_4_input_data",
                "art26_5_monitoring", "art26_5_suspend_report", "art26_6_logs_six_months",
                "art26_7_workers_informed", "art26_8_registered", "art26_9_dpia",
                "art26_11_persons_informed")
FRIA: Final = ("fria_a_process", "fria_b_period_frequency", "fria_c_persons_affected",
               "fria_d_risks", "fria_e_oversight", "fria_f_measures")
REGISTRATION: Final = ("annex8c_1_deployer", "annex8c_2_submitter", "annex8c_3_provider_entry",
                       "annex8c_4_fria_summary", "annex8c_5_dpia_summary")

# Application dates (art. 113).
DATES: Final = {
    "art4_art5": dt.date(2025, 2, 2),  # chapters I and II: AI literacy, prohibitions
    "gpai": dt.date(2025, 8, 2),  # chapter V: general-purpose AI models
    "general": dt.date(2026, 8, 2),  # the rest, including Annex III high-risk and art. 50
    "annex1": dt.date(2027, 8, 2),  # art. 6(1): safety components of Annex I products
}


@dataclass(frozen=True, slots=True)
class Duty:
    key: str  # stable code, e.g. "art26"
    article: str  # legal reference shown to people
    applies_from: dt.date


@dataclass(frozen=True, slots=True)
class Classification:
    category: str
    transparency: bool  # art. 50 duties (alone or on top of high-risk)
    annex3_areas: tuple[str, ...]
    filtered_out: bool  # an Annex III area, but the art. 6(3) filter applies
    prohibited_practices: tuple[str, ...]
    art50_situations: tuple[str, ...]
    duties: tuple[Duty, ...]
    missing: tuple[str, ...]  # questions not answered yet

    @property
    def complete(self) -> bool:
        return not self.missing


def _yes(answers: Mapping[str, str | bool | None], key: str) -> bool:
    value = answers.get(key)
    return value is True or (isinstance(value, str) and value.strip().lower() in
                             ("yes", "oui", "true", "1"))


def _answered(answers: Mapping[str, str | bool | None], key: str) -> bool:
    value = answers.get(key)
    return isinstance(value, bool) or (isinstance(value, str) and value.strip().lower() in
                                       ("yes", "no", "oui", "non", "true", "false", "1", "0"))


def classify(answers: Mapping[str, str | bool | None], *, public_body: bool = True
             ) -> Classification:
    """The category and the duties that follow from the answers ("yes"/"no" or booleans).

    Questions that cannot change the result are not required: the art. 6(3) filter only when
    an Annex III area is ticked."""
    prohibited = tuple(k for k in ART5 if _yes(answers, k))
    areas = tuple(k for k in ANNEX3 if _yes(answers, k))
    situations = tuple(k for k in ART50 if _yes(answers, k))
    needed = [*ART5, *ANNEX3, *ART50]
    if areas:
        needed += [*ART6_3, PROFILING]
    missing = tuple(k for k in needed if not _answered(answers, k))
    filtered = bool(areas) and not _yes(answers, PROFILING) and any(
        _yes(answers, k) for k in ART6_3)
    duties: list[Duty] = [Duty("art4", "art. 4", DATES["art4_art5"])]
    if prohibited:
        category = PROHIBITED
        duties.append(Duty("art5", "art. 5", DATES["art4_art5"]))
    elif areas and not filtered:
        category = HIGH_RISK
        duties.append(Duty("art26", "art. 26", DATES["general"]))
        if public_body:
            duties.append(Duty("art27", "art. 27", DATES["general"]))
            duties.append(Duty("art49", "art. 49(3), annexe VIII section C", DATES["general"]))
        duties.append(Duty("art86", "art. 86", DATES["general"]))
    elif areas and filtered:
        category = TRANSPARENCY if situations else MINIMAL
        # art. 6(4): a provider who relies on the filter documents the assessment; the
        # deployer keeps the reasoning.
        duties.append(Duty("art6_4", "art. 6(4)", DATES["general"]))
    elif situations:
        category = TRANSPARENCY
    elif missing and not any(_answered(answers, k) for k in needed):
        category = UNCLASSIFIED
    else:
        category = MINIMAL
    if situations and category != PROHIBITED:
        duties.append(Duty("art50", "art. 50", DATES["general"]))
    return Classification(category=category, transparency=bool(situations) and
                          category != PROHIBITED, annex3_areas=areas, filtered_out=filtered,
                          prohibited_practices=prohibited, art50_situations=situations,
                          duties=tuple(duties), missing=missing)


def checklist_progress(answers: Mapping[str, str | bool | None], keys: tuple[str, ...]
                       ) -> tuple[int, int]:
    """(items answered yes or filled in, items) of a checklist or an assessment."""
    done = 0
    for key in keys:
        value = answers.get(key)
        if value is True or (isinstance(value, str) and value.strip()
                             and value.strip().lower() not in ("no", "non", "false", "0")):
            done += 1
    return done, len(keys)
