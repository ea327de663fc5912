"""The demo agglomeration's register of algorithms (jalon demo): five systems tied to its
catalogue — a generative assistant for teachers, the OCR of incoming mail, the « Lisa »
chatbot, the school-place allocation (high-risk, with its assessment and a bias report from a
synthetic decisions file) and the triage of citizen reports — and the register's publication.

Fast and idempotent: a system whose name exists is kept as people left it; the bias figures
and the EcoLogits costs come from committed computations (data/demo_*.json, checked against a
fresh computation by tests/algorithms/test_demo.py), so that seeding imports neither
Fairlearn nor EcoLogits.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from jalon.algorithms import selectors, services
from jalon.algorithms.models import AlgorithmicSystem, Contest
from jalon.catalogue.models import DigitalService
from jalon.tenancy.audit import record
from jalon.tenancy.models import Organisation, Publication

DATA: Final = Path(__file__).resolve().parent / "data"
DECISIONS: Final = DATA / "demo_school_places.csv"
BIAS_RESULT: Final = DATA / "demo_school_places.result.json"
COSTS: Final = DATA / "demo_costs.json"
BIAS_COLUMNS: Final = {"decision": "Affecté au premier vœu", "group": "Quartier",
                       "outcome": "Vœu prioritaire", "stratum": "Secteur"}
# The name under which the citizen reports' AI triage registers itself (ensure_system).
TRIAGE_NAME: Final = "Tri automatique des signalements citoyens"
SCHOOL_NAME: Final = "Affectation des places en école"


def _d(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, day)


SYSTEMS: Final[tuple[dict[str, Any], ...]] = (
    {"name": "Assistant génératif des enseignants",
     "services": ("Intranet des agents",),
     "purpose": "Aider les enseignants du conservatoire et des ateliers éducatifs à préparer "
                "des séquences, des exercices et des supports, relus et adaptés par eux.",
     "decision": "Aucune décision : propositions de contenus pédagogiques.",
     "automation": "information", "is_generative": True,
     "data_used": "Consignes saisies par l'enseignant ; aucune donnée d'élève.",
     "data_sources": "Saisie de l'enseignant.", "model_type": "Grand modèle de langage",
     "provider": "Mistral AI (API)", "hosting": "Mistral AI, France",
     "oversight_role": "Enseignant utilisateur",
     "oversight_checks": "Relit chaque contenu avant usage en classe.",
     "override": "Ne réutilise pas la proposition.",
     "contest": "Sans objet (aucune décision).",
     "contact": "numerique-educatif@val-de-lisiere.example",
     "stage": "in_service", "idea_on": _d(2025, 1, 15), "evaluation_on": _d(2025, 3, 1),
     "pilot_on": _d(2025, 5, 1), "in_service_on": _d(2025, 9, 1),
     "answers": {"art50_2_synthetic_content": "yes", "art50_1_interacts": "yes"},
     "evaluation": {"need": "Temps de préparation des cours jugé trop long par les "
                            "enseignants (enquête interne 2024).",
                    "alternative": "Banque de ressources partagée entre enseignants : "
                                   "retenue en complément.",
                    "decision": "go", "decided_by": "Directrice de l'éducation",
                    "decided_on": _d(2025, 4, 20),
                    "benefits": [{"name": "Heures de préparation économisées par mois",
                                  "unit": "h", "direction": "up", "threshold": 40,
                                  "measured": 55}]},
     "cost": {"kind": "generative_api", "provider": "mistralai",
              "model_name": "mistral-small-latest", "requests_per_month": 6000,
              "output_tokens": 600, "benefit": 660,
              "benefit_unit": "heures d'enseignant économisées par an"}},
    {"name": "Lecture automatique du courrier entrant",
     "services": ("Gestion du courrier",),
     "purpose": "Reconnaître le texte des courriers numérisés (OCR) et proposer le service "
                "destinataire.",
     "decision": "Orientation du courrier vers un service, vérifiée par le bureau du "
                 "courrier.",
     "automation": "decision_aid", "data_used": "Courriers entrants numérisés.",
     "data_sources": "Numérisation au bureau du courrier.",
     "model_type": "Reconnaissance optique de caractères (Tesseract) et classifieur de "
                   "texte", "provider": "Régie (DSI)",
     "hosting": "Centre de données du GIP Numérique Val-de-Lisière", "open_source": True,
     "source_url": "https://github.com/tesseract-ocr/tesseract",
     "oversight_role": "Agent du bureau du courrier",
     "oversight_checks": "Vérifie le service proposé pour chaque pli.",
     "override": "Choisit un autre service dans la liste.",
     "contest": "Sans décision individuelle.", "contact": "courrier@val-de-lisiere.example",
     "stage": "in_service", "in_service_on": _d(2023, 6, 1),
     "answers": {},
     "cost": {"kind": "self_hosted", "energy_kwh_per_year": 350, "requests_per_month": 9000,
              "benefit": 900, "benefit_unit": "heures d'agent économisées par an"}},
    {"name": "Assistant conversationnel « Lisa »",
     "services": ("Assistant conversationnel « Lisa »",),
     "purpose": "Répondre aux questions fréquentes des habitants (déchets, eau, démarches) à "
                "toute heure, et orienter vers le bon service.",
     "decision": "Aucune décision : information et orientation.", "automation": "information",
     "is_generative": True,
     "data_used": "Questions des usagers ; pages du site de l'agglomération.",
     "data_sources": "Site de l'agglomération (réponses), conversations (30 jours).",
     "model_type": "Grand modèle de langage avec recherche dans les pages du site",
     "provider": "OpenAI (API), intégré par Civilis Logiciels", "hosting": "Microsoft "
     "Azure, Union européenne", "oversight_role": "Chargée de la relation aux usagers",
     "oversight_checks": "Relit chaque semaine un échantillon de conversations.",
     "override": "Un agent peut reprendre la conversation par le formulaire de contact.",
     "contest": "Sans décision ; pour toute réclamation, formulaire de contact.",
     "contact": "relation-usagers@val-de-lisiere.example",
     "stage": "in_service", "pilot_on": _d(2024, 10, 1), "in_service_on": _d(2025, 2, 1),
     "answers": {"art50_1_interacts": "yes", "art50_2_synthetic_content": "yes"},
     "cost": {"kind": "generative_api", "provider": "openai", "model_name": "gpt-4o-mini",
              "requests_per_month": 20000, "output_tokens": 300, "benefit": 1200,
              "benefit_unit": "appels évités par an"}},
    {"name": SCHOOL_NAME,
     "services": ("Inscription scolaire et périscolaire",),
     "purpose": "Proposer l'affectation des enfants dans les écoles du territoire selon les "
                "vœux des familles, la carte scolaire et les places disponibles.",
     "decision": "Affectation scolaire de l'enfant, décidée par la commission d'affectation "
                 "sur proposition de l'algorithme.",
     "automation": "decision_aid",
     "data_used": "Adresse, vœux, fratrie, quartier (prioritaire ou non), places par école.",
     "data_sources": "Dossiers d'inscription ; capacités transmises par les écoles.",
     "model_type": "Score de priorité (régression logistique) et appariement",
     "provider": "Éditeur EduPlace", "hosting": "OVHcloud, France",
     "oversight_role": "Commission d'affectation scolaire",
     "oversight_person": "Responsable du service scolaire",
     "oversight_checks": "Examine chaque proposition refusant le premier vœu.",
     "override": "La commission peut modifier toute affectation, motif à l'appui.",
     "contest": "Recours gracieux auprès du président dans les deux mois ; demande des règles "
                "appliquées (CRPA L311-3-1).",
     "contact": "affectation-scolaire@val-de-lisiere.example",
     "stage": "pilot", "idea_on": _d(2025, 9, 1), "evaluation_on": _d(2025, 11, 1),
     "pilot_on": _d(2026, 3, 1),
     "answers": {"annex3_3_education": "yes", "art6_3_profiling": "yes",
                 "art6_3_a_narrow_task": "no", "art6_3_b_improves_human_work": "no",
                 "art6_3_c_detects_patterns": "no", "art6_3_d_preparatory": "no",
                 "art26_1_instructions": "yes", "art26_2_overseers": "yes",
                 "art26_4_input_data": "yes", "art26_5_monitoring": "yes",
                 "art26_5_suspend_report": "no", "art26_6_logs_six_months": "yes",
                 "art26_7_workers_informed": "yes", "art26_8_registered": "no",
                 "art26_9_dpia": "yes", "art26_11_persons_informed": "yes",
                 "fria_a_process": "Inscription scolaire : proposition d'affectation examinée "
                                   "par la commission.",
                 "fria_b_period_frequency": "Une campagne par an (mars à juin), environ 700 "
                                            "demandes.",
                 "fria_c_persons_affected": "Enfants de 3 à 11 ans et leurs familles ; "
                                            "attention aux quartiers prioritaires.",
                 "fria_d_risks": "Écart d'affectation au premier vœu entre quartiers ; "
                                 "erreurs d'adresse.",
                 "fria_e_oversight": "Commission d'affectation, examen des refus du premier "
                                     "vœu.",
                 "fria_f_measures": "Mesure annuelle des biais, recours gracieux, suspension "
                                    "par le directeur général des services.",
                 "annex8c_1_deployer": "Communauté d'agglomération du Val-de-Lisière, "
                                       "affectation-scolaire@val-de-lisiere.example",
                 "annex8c_4_fria_summary": "Risque principal : écart entre quartiers, "
                                           "expliqué par le secteur demandé (voir la mesure "
                                           "des biais)."},
     "evaluation": {"need": "Affecter 700 enfants par an avec des règles identiques pour "
                            "tous et des délais tenus.",
                    "alternative": "Affectation manuelle par la commission (actuelle) : "
                                   "délais de 6 semaines.",
                    "decision": "go", "decided_by": "Directeur général des services",
                    "decided_on": _d(2026, 2, 10),
                    "benefits": [{"name": "Délai de réponse aux familles", "unit": "jours",
                                  "direction": "down", "threshold": 21, "measured": None}],
                    "risks": {"fairness": {"level": "high",
                                           "note": "Mesure des biais avant et après la "
                                                   "campagne."},
                              "human_agency": {"level": "medium",
                                               "note": "Commission souveraine."}},
                    "test_results": "Rejeu de la campagne 2025 : 91 % des propositions "
                                    "identiques aux décisions de la commission."},
     "bias": True,
     "cost": {"kind": "self_hosted", "power_w": 40, "hours_per_year": 200,
              "requests_per_month": 60}},
    {"name": TRIAGE_NAME,
     "services": ("Signalement d'un problème de voirie",),
     "purpose": "Proposer la catégorie et l'urgence d'un signalement d'habitant pour "
                "l'orienter vers l'équipe compétente.",
     "decision": "Orientation et priorité du signalement, confirmées par un agent.",
     "automation": "decision_aid",
     "data_used": "Texte et catégorie choisie par l'habitant, localisation.",
     "data_sources": "Formulaire de signalement.",
     "model_type": "Classifieur de texte (scikit-learn)", "provider": "Régie (DSI)",
     "hosting": "Centre de données du GIP Numérique Val-de-Lisière", "open_source": True,
     "oversight_role": "Agent de la cellule signalements",
     "oversight_checks": "Confirme ou corrige la catégorie et l'urgence.",
     "override": "Change la catégorie ou l'urgence avant transmission.",
     "contest": "Répondre au message d'accusé de réception.",
     "contact": "signalements@val-de-lisiere.example",
     "stage": "pilot", "evaluation_on": _d(2026, 1, 5), "pilot_on": _d(2026, 4, 1),
     "answers": {},
     "evaluation": {"need": "Délai de prise en charge des signalements (5 jours en moyenne).",
                    "alternative": "Renfort de la cellule : coût jugé trop élevé.",
                    "decision": "go", "decided_by": "Directrice de la relation aux usagers",
                    "decided_on": _d(2026, 3, 15)},
     "cost": {"kind": "self_hosted", "power_w": 25, "hours_per_year": 8760,
              "requests_per_month": 1500, "benefit": 300,
              "benefit_unit": "heures d'agent économisées par an"}},
)


def _committed(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def seed_demo(agglomeration: Organisation, people: dict[str, Any],
              say: Callable[[str], None]) -> list[str]:
    """What was created, as short French phrases for the demo's summary."""
    actor = people.get("editeur") or people.get("admin")
    created: list[str] = []
    existing = set(selectors.systems(agglomeration).values_list("name", flat=True))
    catalogue = {s.name: s for s in DigitalService.objects.filter(organisation=agglomeration)}
    costs = _committed(COSTS)
    mix = selectors.electricity_mix()
    count = 0
    for spec in SYSTEMS:
        if spec["name"] in existing:
            continue
        values = {k: v for k, v in spec.items()
                  if k not in ("services", "answers", "evaluation", "cost", "bias")}
        values["services"] = [catalogue[n].pk for n in spec["services"] if n in catalogue]
        system = services.create_system(actor, agglomeration, values)
        answers = {k: "no" for k in _no_by_default()} | spec["answers"]
        services.save_answers(actor, system, answers, allowed=answers)
        if "evaluation" in spec:
            services.save_evaluation(actor, system, spec["evaluation"])
        if "cost" in spec:
            services.save_cost(actor, system, spec["cost"], mix,
                               precomputed=costs.get(spec["name"]))
        if spec.get("bias"):
            services.measure_bias(
                actor, system, DECISIONS.read_bytes(), DECISIONS.name,
                note="Fichier synthétique de la démonstration (campagne fictive).",
                precomputed=_committed(BIAS_RESULT), **BIAS_COLUMNS)
        count += 1
    if count:
        created.append(f"{count} algorithmes et systèmes d'IA au registre de "
                       f"{agglomeration.name}")
        _sample_contest(agglomeration)
    _publication, made = Publication.objects.get_or_create(
        organisation=agglomeration, domain="algorithms",
        defaults={"published": True, "changed_by": people.get("admin")})
    if made:
        record(people.get("admin"), "publishing.publish", agglomeration, target="algorithms",
               domain="algorithms", published=True)
        created.append("publication du registre des algorithmes")
    return created


def _no_by_default() -> tuple[str, ...]:
    from jalon.core import ai_act

    return (*ai_act.ART5, *ai_act.ANNEX3, *ai_act.ART50)


def _sample_contest(organisation: Organisation) -> None:
    school = AlgorithmicSystem.objects.filter(organisation=organisation,
                                              name=SCHOOL_NAME).first()
    from django.utils import timezone

    Contest.objects.create(
        organisation=organisation, system=school, system_named=SCHOOL_NAME, kind="contest",
        message="Notre fille n'a pas obtenu l'école de notre premier vœu alors que son frère "
                "y est scolarisé. Pouvez-vous nous communiquer les règles appliquées ?",
        received_at=timezone.now())


DEMO_INDICATORS: tuple[dict[str, Any], ...] = (
    {"computed": "algorithms_evaluated_before_deployment_share",
     "name": "Part des algorithmes évalués avant leur déploiement", "unit": "%",
     "precision": 0, "direction": "up", "target_kind": "level", "target_value": 100,
     "target_date": dt.date(2027, 12, 31),
     "description": "Systèmes en expérimentation ou en service dont une décision go signée "
                    "précède le déploiement.",
     "method": "Calculé depuis le registre des algorithmes.", "source": "Jalon"},
    {"computed": "algorithms_recent_bias_measurement_share",
     "name": "Part des algorithmes de décision avec une mesure des biais récente", "unit": "%",
     "precision": 0, "direction": "up", "target_kind": "level", "target_value": 100,
     "target_date": dt.date(2027, 12, 31),
     "method": "Mesure de moins de 12 mois, Fairlearn.", "source": "Jalon"},
    {"computed": "ai_gwp_kg_per_year", "name": "Émissions de l'IA par an", "unit": "kg CO2e",
     "precision": 0, "direction": "down", "target_kind": "ceiling", "target_value": 150,
     "target_date": dt.date(2027, 12, 31),
     "method": "EcoLogits (IA générative par API) ; énergie × mix électrique (modèles "
               "hébergés).", "source": "Jalon"},
)
