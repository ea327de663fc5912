"""The register in other registers' formats, as JSON, and the art. 50 notice.

- Netherlands: the Algoritmeregister « Publicatiestandaard » 1.0 (algoritmes.overheid.nl,
  https://regels.overheid.nl/standaarden/algoritmeregister-publicatiestandaard): one object per
  algorithm with its field names (in English, as the register's own API uses them). Fields
  Jalon does not hold (theme, LARS code…) are left empty for the organisation to fill in.
- United Kingdom: the Algorithmic Transparency Recording Standard (ATRS, version 3.0,
  https://www.gov.uk/government/publications/algorithmic-transparency-template): tier 1 (a
  short description for the public) and tier 2 (owner, rationale, decision process, tool,
  data, risks), one record per algorithm.

Neither mapping is validated against the other registers' schemas (not available offline):
the exports are a starting point for a publication there, not a certified submission.
"""

from __future__ import annotations

from typing import Any, Final

from jalon.algorithms.models import AlgorithmicSystem, Stage
from jalon.tenancy.models import Organisation

NL_STATUS: Final = {Stage.IDEA: "development", Stage.EVALUATION: "development",
                    Stage.PILOT: "development", Stage.IN_SERVICE: "in_use",
                    Stage.RETIRED: "out_of_use"}
ATRS_PHASE: Final = {Stage.IDEA: "Idea", Stage.EVALUATION: "Design and development",
                     Stage.PILOT: "Pilot", Stage.IN_SERVICE: "Production",
                     Stage.RETIRED: "Retired"}


def _month(value: Any) -> str:
    return value.strftime("%m-%Y") if value else ""


def _evaluation(system: AlgorithmicSystem) -> Any:
    return getattr(system, "evaluation", None)


def netherlands(organisation: Organisation, system: AlgorithmicSystem,
                public_url: str = "") -> dict[str, Any]:
    evaluation = _evaluation(system)
    high_risk = system.category == "high_risk"
    return {
        "name": system.name,
        "organization": organisation.name,
        "department": "",
        "description_short": system.purpose[:500],
        "category": "high_risk_ai_system" if high_risk else "impactful_algorithms",
        "status": NL_STATUS.get(Stage(system.stage), ""),
        "begin_date": _month(system.in_service_on or system.pilot_on),
        "end_date": _month(system.retired_on),
        "contact_email": system.contact,
        "website": public_url,
        "publiccode": system.source_url if system.open_source else "",
        "goal": system.purpose,
        "impact": system.decision,
        "proportionality": (evaluation.alternative if evaluation else ""),
        "decision_making_process": system.decision,
        "human_intervention": " ".join(filter(None, [
            system.oversight_role, system.oversight_checks, system.override])),
        "risk_management": (evaluation.test_results if evaluation else ""),
        "objection_procedure": system.contest,
        "legal_basis": "",
        "impacttoetsen": [],
        "source_data": system.data_sources or system.data_used,
        "methods_and_models": system.model_type,
        "provider": system.provider,
        "lang": "fr",
        "theme": [],
        "lars": "",
    }


def united_kingdom(organisation: Organisation, system: AlgorithmicSystem,
                   public_url: str = "") -> dict[str, Any]:
    evaluation = _evaluation(system)
    return {
        "schema": "ATRS",
        "schema_version": "3.0",
        "tier_1": {
            "name": system.name,
            "description": system.purpose,
            "website": public_url,
            "contact_email": system.contact,
        },
        "tier_2": {
            "owner_and_responsibility": {
                "organisation": organisation.name,
                "team": "",
                "senior_responsible_owner": system.oversight_role,
                "external_supplier": system.provider,
                "third_party_hosting": system.hosting,
            },
            "description_and_rationale": {
                "detailed_description": system.decision or system.purpose,
                "scope": system.decision,
                "benefits": [b.get("name", "") for b in (evaluation.benefits
                                                        if evaluation else [])],
                "previous_process": "",
                "alternatives_considered": evaluation.alternative if evaluation else "",
            },
            "decision_making_process": {
                "process_integration": system.get_automation_display(),
                "human_decisions_and_review": " ".join(filter(None, [
                    system.oversight_checks, system.override])),
                "appeals_and_review": system.contest,
            },
            "tool_specification": {
                "phase": ATRS_PHASE.get(Stage(system.stage), ""),
                "system_architecture": system.model_type,
                "source_code": system.source_url if system.open_source else "",
            },
            "data_specification": {
                "source_data": system.data_used,
                "data_sources": system.data_sources,
            },
            "risks_mitigations_and_impact_assessments": {
                "risks": [{"requirement": key, **value}
                          for key, value in (evaluation.risks if evaluation else {}).items()
                          if value.get("level") or value.get("note")],
                "impact_assessments": [system.get_category_display()],
            },
        },
    }


def notice_text(system: AlgorithmicSystem, service_name: str) -> str:
    """Art. 50(1) notice: people are told they interact with an AI system (and art. 50(2)
    when the content is generated), with the human they can reach."""
    parts = [f"Vous échangez avec un système d'intelligence artificielle ({system.name}) "
             f"sur « {service_name} »."]
    if system.is_generative:
        parts.append("Les réponses sont générées automatiquement et peuvent comporter des "
                     "erreurs : vérifiez les informations importantes.")
    if system.automation != "automated":
        parts.append("Aucune décision vous concernant n'est prise par cette IA : un agent "
                     "décide.")
    if system.contact:
        parts.append(f"Pour parler à une personne : {system.contact}.")
    parts.append("Règlement (UE) 2024/1689, article 50.")
    return " ".join(parts)
