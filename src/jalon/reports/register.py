"""The AI triage registers itself in the organisation's register of algorithms
(`jalon.algorithms`, issue 12; AI Act art. 49 spirit, CRPA L312-1-3 for algorithms that help
administrative decisions): its record (created once, then left as people edit it), the
measured quality of the current model in its evaluation's test results (updated at every
training), and an environmental cost estimate (self-hosted, CPU) when it has none.

A declared dependency of this domain (pyproject.toml, "domains" contract).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from django.utils import timezone

from jalon.algorithms import selectors as register_selectors
from jalon.algorithms import services as register
from jalon.algorithms.demo import TRIAGE_NAME
from jalon.algorithms.models import Automation, CostEstimate, CostKind, Evaluation, Stage
from jalon.reports.models import Report, TriageModelRecord
from jalon.tenancy.models import Organisation

NAME: Final = TRIAGE_NAME  # the name the register expects for this system
# Energy: a share of one server CPU core while training and suggesting. 30 W is the order of
# magnitude of one core of a 2020s server under load (Boavizta's server model gives 100–300 W
# for a whole 2-socket server); the time is what this model really takes (benchmarks).
POWER_W: Final = 30.0
RETRAININGS_PER_YEAR: Final = 12
SECONDS_PER_SUGGESTION: Final = 0.005


def _record_values(rec: TriageModelRecord) -> dict[str, Any]:
    return {
        "decision": "Catégorie (et donc équipe) d'un signalement d'usager : suggérée par le "
                    "modèle, confirmée ou corrigée par un agent avant tout routage.",
        "automation": Automation.DECISION_AID, "is_ai": True, "is_generative": False,
        "data_used": "Texte de la description du signalement (pas les photos, pas "
                     "l'adresse électronique).",
        "data_sources": "Jeu d'exemples rédigés pour Jalon (licence ouverte) et validations "
                        "des agents de l'organisation.",
        "model_type": f"Classifieur linéaire ({rec.algorithm}), entraîné localement",
        "provider": "Jalon (logiciel libre, AGPL-3.0-or-later)",
        "hosting": "Serveur de l'organisation, processeur (CPU), aucun appel externe",
        "open_source": True,
        "oversight_role": "Agent chargé des signalements",
        "oversight_checks": "La catégorie suggérée, avant que le signalement soit transmis "
                            "à une équipe.",
        "override": "Choisir une autre catégorie sur la fiche du signalement ; le routage "
                    "automatique n'existe que si l'organisation l'active, au-dessus d'un "
                    "seuil de confiance qu'elle fixe.",
        "contest": "Répondre sur la page de suivi du signalement ou contacter l'accueil.",
        "stage": Stage.IN_SERVICE, "in_service_on": timezone.localdate(),
    }


def _test_results(rec: TriageModelRecord) -> str:
    return (f"Modèle {rec.version} ({rec.algorithm}), entraîné le "
            f"{timezone.localtime(rec.created_at):%d/%m/%Y} sur {rec.n_examples} exemples dont "
            f"{rec.n_validations} validations humaines. Mesuré sur {rec.n_evaluated} "
            f"signalements étiquetés tenus à l'écart de l'entraînement : F1 macro "
            f"{(rec.macro_f1 or 0):.3f}, exactitude top 3 {100 * (rec.top3_accuracy or 0):.1f} %.")


def register_triage(actor: Any, organisation: Organisation, rec: TriageModelRecord) -> Any:
    """Create or update the triage's entry in the register; returns the system."""
    system = register.ensure_system(
        organisation, NAME, actor=actor,
        purpose="Proposer la catégorie d'un signalement d'usager (voirie, éclairage, "
                "propreté…) pour le transmettre plus vite à la bonne équipe ; un agent "
                "confirme ou corrige chaque suggestion.", **_record_values(rec))
    current = Evaluation.objects.filter(system=system).first()
    values: dict[str, Any] = {
        "need": current.need if current else "Transmettre chaque signalement à la bonne "
                                             "équipe sans le relire entièrement.",
        "alternative": current.alternative if current else
        "Catégorie choisie par l'usager seul, vérifiée par un agent.",
        "benefits": current.benefits if current else [],
        "risks": current.risks if current else {},
        "test_results": _test_results(rec),
        "decision": current.decision if current else "pending",
        "decided_by": current.decided_by if current else "",
        "decided_on": current.decided_on if current else None,
        "monitoring": current.monitoring if current else
        "F1 macro et exactitude top 3 recalculées à chaque entraînement ; part des "
        "suggestions confirmées par les agents (indicateur de la stratégie).",
    }
    register.save_evaluation(actor, system, values)
    if not CostEstimate.objects.filter(system=system).exists():
        yearly = Report.objects.filter(
            organisation=organisation,
            received_at__gte=timezone.now() - dt.timedelta(days=365)).count()
        hours = (RETRAININGS_PER_YEAR * rec.training_seconds
                 + yearly * SECONDS_PER_SUGGESTION) / 3600
        register.save_cost(actor, system, {
            "kind": CostKind.SELF_HOSTED, "power_w": POWER_W, "hours_per_year": hours,
            "requests_per_month": yearly / 12}, register_selectors.electricity_mix())
    return system
