"""Wording of the AI Act guided form, with the articles of Regulation (EU) 2024/1689 cited.

The keys and the rules are in `jalon.core.ai_act`; here only what people read. Each section:
(key, title, legal reference, introduction, [(question key, question)]).
"""

from __future__ import annotations

from typing import Any, Final

from django.utils.translation import gettext_lazy as _

from jalon.core import ai_act

EUR_LEX: Final = "https://eur-lex.europa.eu/eli/reg/2024/1689/oj"

CLASSIFICATION_SECTIONS: Final[tuple[tuple[str, Any, str, Any, tuple[tuple[str, Any], ...]],
                                     ...]] = (
    ("art5", _("Pratiques interdites"), "art. 5(1)",
     _("Interdites depuis le 2 février 2025. Le système…"), (
         ("art5_a_manipulation", _("a) utilise-t-il des techniques subliminales, manipulatrices "
                                   "ou trompeuses altérant substantiellement le comportement "
                                   "des personnes ?")),
         ("art5_b_vulnerabilities", _("b) exploite-t-il les vulnérabilités liées à l'âge, au "
                                      "handicap ou à la situation sociale ou économique ?")),
         ("art5_c_social_scoring", _("c) évalue-t-il ou classe-t-il des personnes selon leur "
                                     "comportement social (notation sociale) avec un "
                                     "traitement défavorable ?")),
         ("art5_d_crime_prediction", _("d) évalue-t-il le risque qu'une personne commette une "
                                       "infraction sur la seule base de son profil ?")),
         ("art5_e_facial_scraping", _("e) constitue-t-il des bases de reconnaissance faciale "
                                      "par moissonnage non ciblé d'images ?")),
         ("art5_f_emotion_work_education", _("f) infère-t-il les émotions de personnes sur le "
                                             "lieu de travail ou dans l'enseignement ?")),
         ("art5_g_biometric_categorisation", _("g) catégorise-t-il des personnes d'après leurs "
                                               "données biométriques pour en déduire des "
                                               "caractéristiques sensibles ?")),
         ("art5_h_realtime_biometric_id", _("h) identifie-t-il à distance et en temps réel des "
                                            "personnes dans l'espace public à des fins "
                                            "répressives ?")),
     )),
    ("annex3", _("Domaines à haut risque"), "art. 6(2) et annexe III",
     _("Obligations applicables à partir du 2 août 2026. Le système est-il destiné à être "
       "utilisé…"), (
         ("annex3_1_biometrics", _("1. pour l'identification biométrique à distance, la "
                                   "catégorisation biométrique ou la reconnaissance des "
                                   "émotions ?")),
         ("annex3_2_critical_infrastructure", _("2. comme composant de sécurité d'une "
                                                "infrastructure critique (eau, gaz, "
                                                "électricité, trafic routier) ?")),
         ("annex3_3_education", _("3. pour l'accès, l'admission ou l'affectation dans "
                                  "l'enseignement, l'évaluation des acquis ou la surveillance "
                                  "des examens ?")),
         ("annex3_4_employment", _("4. pour le recrutement, la sélection, l'évaluation ou la "
                                   "gestion des agents ?")),
         ("annex3_5_essential_services", _("5. pour évaluer l'éligibilité à des prestations "
                                           "et services publics essentiels (aides sociales, "
                                           "logement…) ou trier des appels d'urgence ?")),
         ("annex3_6_law_enforcement", _("6. par les autorités répressives ?")),
         ("annex3_7_migration", _("7. pour la migration, l'asile ou le contrôle aux "
                                  "frontières ?")),
         ("annex3_8_justice_democracy", _("8. pour l'administration de la justice ou pour "
                                          "influencer le résultat d'une élection ?")),
     )),
    ("art6_3", _("Dérogation de l'article 6(3)"), "art. 6(3)",
     _("Seulement si un domaine de l'annexe III est coché : le système n'est pas à haut "
       "risque s'il ne présente pas de risque important et qu'il…"), (
         ("art6_3_a_narrow_task", _("a) exécute une tâche procédurale étroite ?")),
         ("art6_3_b_improves_human_work", _("b) améliore le résultat d'une activité humaine "
                                            "déjà réalisée ?")),
         ("art6_3_c_detects_patterns", _("c) détecte des schémas de décision sans remplacer "
                                         "ni influencer l'évaluation humaine sans examen ?")),
         ("art6_3_d_preparatory", _("d) exécute une tâche préparatoire à une évaluation ?")),
         ("art6_3_profiling", _("Le système effectue-t-il un profilage de personnes physiques "
                                "? (si oui, il reste toujours à haut risque)")),
     )),
    ("art50", _("Transparence"), "art. 50",
     _("Obligations applicables à partir du 2 août 2026. Le système…"), (
         ("art50_1_interacts", _("1. interagit-il directement avec des personnes (agent "
                                 "conversationnel, assistant) ?")),
         ("art50_2_synthetic_content", _("2. génère-t-il des contenus de synthèse (texte, "
                                         "image, audio, vidéo) ?")),
         ("art50_3_emotion_biometric", _("3. reconnaît-il des émotions ou catégorise-t-il des "
                                         "personnes par biométrie ?")),
         ("art50_4_deep_fake", _("4. produit-il des hypertrucages (images, sons ou vidéos "
                                 "réalistes) ?")),
         ("art50_4_public_text", _("4. génère-t-il des textes publiés pour informer le public "
                                   "sur des questions d'intérêt public ?")),
     )),
)

ART26_ITEMS: Final = (
    ("art26_1_instructions", _("Utilisation conforme à la notice d'utilisation du fournisseur "
                               "(art. 26(1))")),
    ("art26_2_overseers", _("Contrôle humain confié à des personnes compétentes, formées, "
                            "ayant l'autorité et le soutien nécessaires (art. 26(2))")),
    ("art26_4_input_data", _("Données d'entrée pertinentes et suffisamment représentatives "
                             "(art. 26(4))")),
    ("art26_5_monitoring", _("Surveillance du fonctionnement selon la notice (art. 26(5))")),
    ("art26_5_suspend_report", _("Procédure pour suspendre l'utilisation et informer le "
                                 "fournisseur et l'autorité en cas de risque ou d'incident "
                                 "grave (art. 26(5))")),
    ("art26_6_logs_six_months", _("Journaux conservés au moins six mois (art. 26(6))")),
    ("art26_7_workers_informed", _("Représentants du personnel et agents concernés informés "
                                   "avant la mise en service (art. 26(7))")),
    ("art26_8_registered", _("Utilisation enregistrée dans la base de données de l'UE "
                             "(art. 26(8) et 49(3))")),
    ("art26_9_dpia", _("Analyse d'impact relative à la protection des données réalisée "
                       "(art. 26(9), RGPD art. 35)")),
    ("art26_11_persons_informed", _("Personnes concernées informées qu'elles font l'objet "
                                    "d'un système à haut risque (art. 26(11))")),
)

FRIA_ITEMS: Final = (
    ("fria_a_process", _("a) Processus de l'organisation dans lesquels le système est "
                         "utilisé, conformément à sa destination")),
    ("fria_b_period_frequency", _("b) Période et fréquence d'utilisation")),
    ("fria_c_persons_affected", _("c) Catégories de personnes et groupes susceptibles d'être "
                                  "concernés")),
    ("fria_d_risks", _("d) Risques spécifiques de préjudice pour ces personnes, compte tenu "
                       "des informations du fournisseur (art. 13)")),
    ("fria_e_oversight", _("e) Mesures de contrôle humain prévues, selon la notice "
                           "d'utilisation")),
    ("fria_f_measures", _("f) Mesures en cas de matérialisation des risques : gouvernance "
                          "interne, mécanismes de plainte")),
)

REGISTRATION_ITEMS: Final = (
    ("annex8c_1_deployer", _("1. Nom, adresse et coordonnées du déployeur")),
    ("annex8c_2_submitter", _("2. Nom, adresse et coordonnées de la personne qui soumet les "
                              "informations")),
    ("annex8c_3_provider_entry", _("3. Adresse (URL) de l'entrée du système dans la base de "
                                   "l'UE par son fournisseur")),
    ("annex8c_4_fria_summary", _("4. Résumé des conclusions de l'analyse d'impact sur les "
                                 "droits fondamentaux (art. 27)")),
    ("annex8c_5_dpia_summary", _("5. Résumé de l'analyse d'impact relative à la protection "
                                 "des données (RGPD art. 35), le cas échéant")),
)

# The seven requirements of the Assessment List for Trustworthy AI (ALTAI, High-Level Expert
# Group on AI, European Commission, July 2020).
ALTAI: Final = (
    ("human_agency", _("Action humaine et contrôle humain")),
    ("robustness", _("Robustesse technique et sécurité")),
    ("privacy", _("Respect de la vie privée et gouvernance des données")),
    ("transparency", _("Transparence")),
    ("fairness", _("Diversité, non-discrimination et équité")),
    ("wellbeing", _("Bien-être sociétal et environnemental")),
    ("accountability", _("Responsabilité")),
)
RISK_LEVELS: Final = (("", _("Non évalué")), ("low", _("Faible")), ("medium", _("Moyen")),
                      ("high", _("Élevé")))

QUESTION_LABELS: Final = {key: label for _k, _t, _r, _i, items in CLASSIFICATION_SECTIONS
                          for key, label in items}
ITEM_LABELS: Final = {**QUESTION_LABELS, **dict(ART26_ITEMS), **dict(FRIA_ITEMS),
                      **dict(REGISTRATION_ITEMS)}
DUTY_LABELS: Final = {
    "art4": _("Maîtrise de l'IA : former les agents qui l'utilisent"),
    "art5": _("Pratique interdite : cesser l'utilisation"),
    "art6_4": _("Documenter pourquoi le système n'est pas à haut risque"),
    "art26": _("Obligations du déployeur d'un système à haut risque"),
    "art27": _("Analyse d'impact sur les droits fondamentaux avant la première utilisation"),
    "art49": _("Enregistrement dans la base de données de l'UE"),
    "art86": _("Droit des personnes à une explication de la décision"),
    "art50": _("Informer les personnes qu'elles échangent avec une IA ou que le contenu est "
               "généré"),
}

assert set(QUESTION_LABELS) == set(ai_act.QUESTIONS)  # noqa: S101  # wording covers every rule
assert [k for k, _l in ART26_ITEMS] == list(ai_act.ART26)  # noqa: S101
assert [k for k, _l in FRIA_ITEMS] == list(ai_act.FRIA)  # noqa: S101
assert [k for k, _l in REGISTRATION_ITEMS] == list(ai_act.REGISTRATION)  # noqa: S101
