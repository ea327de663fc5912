"""DPIA screening and risk scoring (pure, no Django).

Screening (GDPR art. 35):
- the nine criteria of the Article 29 Working Party's guidelines on DPIA (WP248 rev.01, endorsed
  by the EDPB on 25 May 2018): a processing meeting two or more is likely to require a DPIA;
- the CNIL's list of processing operations for which a DPIA is required (deliberation
  n° 2018-327 of 11 October 2018, art. 35(4)) and its list of those for which it is not
  (deliberation n° 2019-118 of 12 September 2019, art. 35(5)).

Risk scoring follows the CNIL's PIA method (guide "Analyse d'impact relative à la protection
des données : la méthode", 2018): likelihood and severity each on four levels (1 negligible,
2 limited, 3 significant, 4 maximum); a risk is acceptable when both are at most 2.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final, Literal

CRITERIA: Final = {
    "evaluation": "Évaluation ou notation (y compris profilage et prédiction)",
    "automated_decision": "Décision automatisée avec effet juridique ou effet similaire",
    "systematic_monitoring": "Surveillance systématique",
    "sensitive_data": "Données sensibles ou à caractère hautement personnel",
    "large_scale": "Traitement à grande échelle",
    "matching": "Croisement ou combinaison d'ensembles de données",
    "vulnerable": "Personnes vulnérables (enfants, agents, patients, personnes âgées…)",
    "innovative": "Usage innovant ou nouvelle technologie (dont IA)",
    "prevents_right": "Empêche d'exercer un droit ou de bénéficier d'un service ou d'un contrat",
}
THRESHOLD: Final = 2  # WP248 rev.01: "in most cases ... two criteria"

Verdict = Literal["required", "expected", "not_expected", "exempted"]
VERDICT_LABELS: Final = {
    "required": "AIPD obligatoire (liste CNIL des traitements soumis à AIPD)",
    "expected": "AIPD attendue (deux critères du CEPD ou plus)",
    "not_expected": "AIPD non requise (moins de deux critères)",
    "exempted": "AIPD non requise (liste CNIL des traitements exemptés)",
}


@dataclass(frozen=True, slots=True)
class Screening:
    verdict: Verdict
    criteria: tuple[str, ...]
    reasons: tuple[str, ...]

    @property
    def dpia_needed(self) -> bool:
        return self.verdict in ("required", "expected")

    @property
    def label(self) -> str:
        return VERDICT_LABELS[self.verdict]


def screen(criteria: Iterable[str], *, on_cnil_required_list: bool = False,
           on_cnil_exempt_list: bool = False) -> Screening:
    """The verdict and its reasons. The CNIL's required list prevails over everything; its
    exemption list over the criteria count (deliberation 2019-118 lists operations that, as
    described there, need none)."""
    chosen = tuple(c for c in CRITERIA if c in set(criteria))
    unknown = set(criteria) - set(CRITERIA)
    if unknown:
        raise ValueError(f"unknown criteria: {sorted(unknown)}")
    reasons = [f"Critère rempli : {CRITERIA[c]}." for c in chosen]
    if on_cnil_required_list:
        verdict: Verdict = "required"
        reasons.insert(0, "Le traitement figure sur la liste CNIL des types de traitement pour "
                          "lesquels une AIPD est requise (délibération 2018-327).")
    elif on_cnil_exempt_list:
        verdict = "exempted"
        reasons.insert(0, "Le traitement figure sur la liste CNIL des types de traitement "
                          "dispensés d'AIPD (délibération 2019-118).")
    elif len(chosen) >= THRESHOLD:
        verdict = "expected"
        reasons.append(f"{len(chosen)} critères sur 9 : une AIPD est attendue à partir de "
                       f"{THRESHOLD} (lignes directrices WP248 rév. 01).")
    else:
        verdict = "not_expected"
        reasons.append(f"{len(chosen)} critère(s) sur 9 : en dessous du seuil de {THRESHOLD}.")
    return Screening(verdict, chosen, tuple(reasons))


LEVELS: Final = {1: "Négligeable", 2: "Limitée", 3: "Importante", 4: "Maximale"}
RiskLevel = Literal["low", "moderate", "high", "critical"]
RISK_LABELS: Final = {"low": "Faible", "moderate": "Modéré", "high": "Élevé",
                      "critical": "Critique"}


def check_level(value: int) -> int:
    if value not in LEVELS:
        raise ValueError("Niveau attendu entre 1 (négligeable) et 4 (maximal).")
    return value


def risk_level(likelihood: int, severity: int) -> RiskLevel:
    """The CNIL map: both at most 2 is low (acceptable); a 4 on either axis with the other at 3
    or more is critical; any 3 or 4 is high when the other is 3 or more, moderate otherwise."""
    likelihood, severity = check_level(likelihood), check_level(severity)
    if likelihood <= 2 and severity <= 2:
        return "low"
    if max(likelihood, severity) == 4 and min(likelihood, severity) >= 3:
        return "critical"
    if min(likelihood, severity) >= 3:
        return "high"
    return "moderate"


def acceptable(likelihood: int, severity: int) -> bool:
    return risk_level(likelihood, severity) == "low"
