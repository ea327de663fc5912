"""This domain's part of the demo (jalon demo), called by jalon.demo_site after the catalogue
of services is seeded and before the strategies; idempotent and fast.

The agglomeration gets a register of 20 processing activities (the usual ones of a French
intercommunality, after the CNIL's model register), linked to its catalogue of services; DPIA
records for two of them; requests in every state (one late, one waiting for proof of identity,
one extended, answered in time and late, refused, withdrawn), dated from today; two breaches
(one notified in time with people informed, one whose 72-hour clock is running); one run of the
purge with its record (an old request past its five years); purge tasks, one confirmed with its
proof; sovereignty profiles; three training campaigns. The register is published. All people
and references are fictitious.

DEMO_INDICATORS lists computed indicators (keys of this domain's IndicatorSource entries) that
jalon.demo_site adds to the demo agglomeration's strategy once the strategies exist.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Final

from django.utils import timezone

from jalon.algorithms.models import AlgorithmicSystem
from jalon.catalogue.models import DigitalService
from jalon.gdpr import publishing, services
from jalon.gdpr.models import (
    DataSubjectRequest,
    HostingProfile,
    ProcessingActivity,
    PurgeRecord,
    TrainingAttendance,
    TrainingCampaign,
    TrainingTopic,
)
from jalon.tenancy.audit import record
from jalon.tenancy.models import Organisation, Publication

TARGET_2027: Final = dt.date(2027, 12, 31)
DEMO_INDICATORS: tuple[dict[str, Any], ...] = (
    {"computed": publishing.ON_TIME_KEY,
     "name": "Demandes RGPD répondues dans le délai légal", "unit": "%", "precision": 0,
     "direction": "up", "target_kind": "level", "target_value": 100,
     "target_date": TARGET_2027,
     "description": "Part des demandes d'exercice des droits répondues au plus tard à leur "
                    "échéance (un mois, trois en cas de prolongation motivée).",
     "source": "Registre des demandes (Jalon)"},
    {"computed": publishing.TRAINING_KEYS[TrainingTopic.CYBERSECURITY],
     "name": "Agents formés à la cybersécurité", "unit": "%", "precision": 0,
     "direction": "up", "target_kind": "level", "target_value": 100,
     "target_date": TARGET_2027, "source": "Feuilles d'émargement (Jalon)"},
    {"computed": publishing.TRAINING_KEYS[TrainingTopic.GDPR],
     "name": "Agents formés au RGPD", "unit": "%", "precision": 0, "direction": "up",
     "target_kind": "level", "target_value": 100, "target_date": TARGET_2027,
     "source": "Feuilles d'émargement (Jalon)"},
    {"computed": publishing.EU_JURISDICTION_KEY,
     "name": "Traitements hébergés sous juridiction européenne", "unit": "%",
     "precision": 0, "direction": "up", "target_kind": "level", "target_value": 100,
     "target_date": TARGET_2027, "source": "Registre et fiches d'hébergement (Jalon)"},
)

PUBLIC = "public_task"
LEGAL = "legal_obligation"
CONTRACT = "contract"
CONSENT = "consent"


def _a(ref: str, name: str, team: str, purposes: str, basis: str, subjects: str, data: str,
       retention: tuple[int, str, str, str], services_: tuple[str, ...] = (), **extra: Any
       ) -> dict[str, Any]:
    value, unit, start, fate = retention
    return {"reference": ref, "name": name, "owner_team": team, "purposes": purposes,
            "legal_basis": basis, "data_subjects": subjects, "data_categories": data,
            "retention_value": value, "retention_unit": unit, "retention_start": start,
            "final_fate": fate, "services": services_, **extra}


ACTIVITIES: Final[tuple[dict[str, Any], ...]] = (
    _a("T-001", "Gestion des ressources humaines et paie", "Direction des ressources humaines",
       "Gestion administrative des agents, paie, carrière, formation.", LEGAL,
       "Agents, candidats retenus", "Identité, NIR, situation familiale, coordonnées "
       "bancaires, carrière, rémunération", (5, "years", "end_of_relationship", "archive"),
       ("SIRH (paie et gestion des ressources humaines)",), sensitive_categories=["nir",
                                                                                 "health"],
       recipients="Trésorerie, URSSAF, caisses de retraite (CNRACL, IRCANTEC)",
       security_measures="Habilitations par profil, journalisation, chiffrement des "
                         "sauvegardes", legal_basis_detail="Code général de la fonction "
                                                           "publique"),
    _a("T-002", "Recrutement", "Direction des ressources humaines",
       "Sélection des candidats aux postes ouverts.", PUBLIC, "Candidats",
       "Identité, CV, lettre de motivation, évaluation des entretiens",
       (2, "years", "last_contact", "delete"), dpia_criteria=["evaluation"]),
    _a("T-003", "Inscriptions scolaires et périscolaires", "Direction de l'éducation",
       "Inscrire les enfants à l'école, à la cantine et au périscolaire ; facturer.", PUBLIC,
       "Enfants, responsables légaux", "Identité, adresse, quotient familial, allergies "
       "alimentaires (PAI)", (1, "years", "end_of_service", "delete"),
       ("Inscription scolaire et périscolaire", "Paiement de la cantine"),
       sensitive_categories=["health"], dpia_criteria=["sensitive_data", "vulnerable"]),
    _a("T-004", "État civil", "Service population",
       "Tenue des registres d'état civil et délivrance des actes.", LEGAL, "Administrés",
       "Identité, filiation, actes", (75, "years", "closure", "archive"),
       ("Demande d'acte d'état civil",), legal_basis_detail="Code civil, décret 2017-890"),
    _a("T-005", "Titres d'identité (passeports et cartes)", "Service population",
       "Prise de rendez-vous et recueil des demandes de titres (dispositif de recueil de "
       "l'État).", LEGAL, "Demandeurs", "Identité, coordonnées, créneau",
       (3, "months", "end_of_service", "delete"),
       ("Rendez-vous passeport et carte d'identité",)),
    _a("T-006", "Petite enfance : demandes de place en crèche", "Direction petite enfance",
       "Instruire les demandes et attribuer les places.", PUBLIC,
       "Enfants, parents", "Identité, revenus, situation professionnelle, santé de l'enfant",
       (1, "years", "end_of_service", "delete"), ("Demande de place en crèche",),
       sensitive_categories=["health"], dpia_criteria=["vulnerable", "evaluation",
                                                       "sensitive_data"]),
    _a("T-007", "Gestion de la relation usagers (GRC)", "Direction de la relation aux usagers",
       "Suivre les demandes des usagers quel que soit le canal.", PUBLIC, "Usagers",
       "Identité, coordonnées, objet et historique des demandes",
       (3, "years", "last_contact", "delete"), ("GRC (gestion de la relation citoyen)",
                                                "Signalement d'un problème de voirie"),
       dpia_criteria=["large_scale", "matching"]),
    _a("T-008", "Abonnés au service de l'eau", "Régie des eaux",
       "Gérer les abonnements, relever les compteurs, facturer.", CONTRACT, "Abonnés",
       "Identité, adresse, consommation, coordonnées bancaires",
       (5, "years", "end_of_relationship", "delete"),
       ("Ouverture d'un abonnement à l'eau", "Service de l'eau et de l'assainissement"),
       dpia_criteria=["large_scale"]),
    _a("T-009", "Accès aux déchèteries", "Direction des déchets",
       "Délivrer les badges et contrôler les passages.", PUBLIC, "Usagers des déchèteries",
       "Identité, adresse, immatriculation, passages", (1, "years", "collection", "delete"),
       ("Demande de badge d'accès aux déchèteries",)),
    _a("T-010", "Urbanisme : autorisations du droit des sols", "Service urbanisme",
       "Instruire les permis et déclarations préalables.", LEGAL, "Pétitionnaires",
       "Identité, adresse, projet", (10, "years", "closure", "archive"),
       ("Autorisations d'urbanisme en ligne",)),
    _a("T-011", "Médiathèques : prêts et lecteurs", "Direction de la lecture publique",
       "Gérer les inscriptions et les prêts.", PUBLIC, "Lecteurs",
       "Identité, coordonnées, historique des prêts (4 mois)",
       (1, "years", "last_contact", "delete"), ("Réseau des médiathèques",)),
    _a("T-012", "Conservatoire : élèves et familles", "Conservatoire intercommunal",
       "Inscriptions, cursus, facturation.", PUBLIC, "Élèves, parents",
       "Identité, quotient familial, cursus", (2, "years", "end_of_service", "delete"),
       ("Conservatoire intercommunal",)),
    _a("T-013", "Vidéoprotection des bâtiments", "Direction du patrimoine",
       "Protéger les bâtiments publics contre les intrusions.", PUBLIC,
       "Agents, visiteurs", "Images", (30, "days", "collection", "delete"),
       dpia_criteria=["systematic_monitoring", "large_scale"], on_cnil_required_list=False,
       security_measures="Accès restreint à deux agents habilités, journal des "
                         "consultations", legal_basis_detail="Code de la sécurité "
                                                             "intérieure, L.251-1"),
    _a("T-014", "Assistant conversationnel « Lisa »", "Direction de la relation aux usagers",
       "Répondre aux questions courantes des usagers.", PUBLIC, "Usagers",
       "Questions posées, journaux de conversation", (6, "months", "collection", "delete"),
       ("Assistant conversationnel « Lisa »",), dpia_criteria=["innovative", "large_scale"],
       transfers_outside_eu=True, transfer_countries="États-Unis (maintenance du modèle)",
       transfer_safeguards="Clauses contractuelles types 2021, cadre UE–États-Unis"),
    _a("T-015", "Application mobile « Val-de-Lisière & moi »",
       "Direction de la relation aux usagers", "Informer les usagers, recevoir leurs "
       "signalements.", CONSENT, "Usagers de l'application",
       "Compte, position au moment d'un signalement, photos",
       (2, "years", "last_contact", "delete"), ("Application « Val-de-Lisière & moi »",)),
    _a("T-016", "Gestion du courrier", "Secrétariat général",
       "Enregistrer et suivre le courrier entrant et sortant.", PUBLIC, "Correspondants",
       "Identité, coordonnées, objet", (5, "years", "closure", "archive"),
       ("Gestion du courrier",)),
    _a("T-017", "Élus et commissions", "Direction des assemblées",
       "Convocations, indemnités, déclarations.", LEGAL, "Élus",
       "Identité, coordonnées, indemnités", (6, "years", "end_of_relationship", "archive")),
    _a("T-018", "Marchés publics", "Direction de la commande publique",
       "Passer et exécuter les marchés.", LEGAL, "Représentants des candidats",
       "Identité, fonctions, coordonnées professionnelles",
       (5, "years", "end_of_relationship", "archive")),
    _a("T-019", "Comptabilité et tiers", "Direction des finances",
       "Payer les fournisseurs, encaisser les recettes.", LEGAL, "Tiers",
       "Identité, coordonnées bancaires", (10, "years", "closure", "archive"),
       ("Gestion financière et comptable",)),
    _a("T-020", "Action sociale : aides facultatives", "Centre intercommunal d'action sociale",
       "Instruire et attribuer les aides.", PUBLIC, "Demandeurs, foyers",
       "Identité, ressources, situation sociale, santé",
       (4, "years", "closure", "delete"), sensitive_categories=["health"],
       dpia_criteria=["vulnerable", "sensitive_data", "evaluation"],
       on_cnil_required_list=True, status="draft"),
)


# Algorithms of the register (jalon.algorithms' demo, seeded before this one) used by an
# activity.
ALGORITHMS: Final = {
    "T-014": ("Assistant conversationnel « Lisa »",),
    "T-016": ("Lecture automatique du courrier entrant",),
    "T-003": ("Affectation des places en école",),
    "T-007": ("Tri automatique des signalements citoyens",),
}


def _link_algorithms(org: Organisation) -> None:
    by_name = {a.name: a for a in AlgorithmicSystem.objects.filter(organisation=org)}
    for activity in ProcessingActivity.objects.filter(organisation=org,
                                                      reference__in=list(ALGORITHMS)):
        if activity.algorithms.exists():
            continue
        found = [by_name[n] for n in ALGORITHMS[activity.reference] if n in by_name]
        if found:
            activity.algorithms.set(found)


def _seed_activities(org: Organisation, actor: Any, today: dt.date) -> int:
    existing = set(ProcessingActivity.objects.filter(organisation=org)
                   .values_list("name", flat=True))
    by_name = {s.name: s for s in DigitalService.objects.filter(organisation=org)}
    count = 0
    for spec in ACTIVITIES:
        if spec["name"] in existing:
            continue
        values = {k: v for k, v in spec.items() if k != "services"}
        values.setdefault("created_on", today - dt.timedelta(days=400))
        linked = [by_name[n] for n in spec["services"] if n in by_name]
        services.create_activity(actor, org, values, linked)
        count += 1
    return count


def _by_reference(org: Organisation) -> dict[str, ProcessingActivity]:
    return {a.reference: a for a in ProcessingActivity.objects.filter(organisation=org)}


def _seed_dpias(org: Organisation, actor: Any, today: dt.date) -> None:
    acts = _by_reference(org)
    for ref, risks in (
        ("T-013", [("Accès illégitime aux images", 3, 3, "Accès nominatif, journal", 1, 3),
                   ("Conservation au-delà de 30 jours", 2, 2, "Écrasement automatique", 1, 2)]),
        ("T-007", [("Réutilisation des demandes à d'autres fins", 2, 3,
                    "Cloisonnement par direction", 1, 2)]),
    ):
        activity = acts.get(ref)
        if activity is None or hasattr(activity, "dpia"):
            continue
        dpia = services.save_dpia(actor, activity, {
            "started_on": today - dt.timedelta(days=300),
            "description": "Analyse menée avec le service et la DSI selon la méthode CNIL.",
            "dpo_opinion": "Avis favorable sous réserve des mesures listées.",
            "signed_off_by": "Le directeur général des services",
            "signed_off_on": today - dt.timedelta(days=250),
            "next_review_on": today + dt.timedelta(days=480)})
        for title, lik, sev, measures, rlik, rsev in risks:
            services.add_risk(actor, dpia, {"title": title, "likelihood": lik, "severity": sev,
                                            "measures": measures, "residual_likelihood": rlik,
                                            "residual_severity": rsev})
    activity = acts.get("T-014")
    if activity is not None and not activity.processors.exists():
        services.save_processor(actor, activity, {
            "name": "Dialogia", "service": "Hébergement et maintenance de l'assistant",
            "country": "FR", "contract_reference": "MAPA-2023-41",
            "contract_signed_on": dt.date(2023, 11, 20), "art28_clauses": True})
    activity = acts.get("T-001")
    if activity is not None and not activity.processors.exists():
        services.save_processor(actor, activity, {
            "name": "Civilis Logiciels", "service": "Éditeur et infogérance du SIRH",
            "country": "FR", "contract_reference": "AO-2014-07",
            "contract_signed_on": dt.date(2014, 9, 1), "art28_clauses": False})


def _seed_requests(org: Organisation, actor: Any, today: dt.date) -> int:
    if DataSubjectRequest.objects.filter(organisation=org).exists():
        return 0
    acts = _by_reference(org)

    def d(days: int) -> dt.date:
        return today - dt.timedelta(days=days)

    grc = acts.get("T-007")
    specs: list[tuple[dict[str, Any], Callable[[DataSubjectRequest], Any] | None]] = [
        ({"kind": "access", "received_on": d(3), "channel": "email",
          "requester_name": "Camille Martin", "requester_email": "camille.martin@exemple.fr",
          "description": "Copie des données de la GRC me concernant.", "activity": grc},
         None),
        ({"kind": "rectification", "received_on": d(25), "channel": "form",
          "requester_name": "Louis Bernard", "requester_email": "l.bernard@exemple.fr",
          "description": "Adresse erronée sur les factures d'eau.",
          "activity": acts.get("T-008"), "status": "in_progress"}, None),
        ({"kind": "erasure", "received_on": d(50), "channel": "mail",
          "requester_name": "Inès Petit", "requester_email": "ines.petit@exemple.fr",
          "description": "Effacement de mon compte de l'application mobile.",
          "activity": acts.get("T-015"), "status": "in_progress"}, None),  # late
        ({"kind": "access", "received_on": d(12), "channel": "email",
          "requester_name": "Hugo Robert", "requester_email": "hugo.robert@exemple.fr",
          "description": "Toutes mes données."},
         lambda r: services.pause_request(actor, r, "identity", d(10),
                                          "Demande sans justificatif ; pièce demandée.")),
        ({"kind": "portability", "received_on": d(40), "channel": "email",
          "requester_name": "Léa Richard", "requester_email": "lea.richard@exemple.fr",
          "description": "Export de mes consommations d'eau depuis 2015.",
          "activity": acts.get("T-008")},
         lambda r: services.extend_request(
             actor, r, "Extraction sur dix ans d'historique dans deux logiciels successifs.",
             d(20))),
        ({"kind": "objection", "received_on": d(70), "channel": "email",
          "requester_name": "Nathan Durand", "requester_email": "n.durand@exemple.fr",
          "description": "Opposition aux courriels d'information de la médiathèque.",
          "activity": acts.get("T-011")},
         lambda r: services.answer_request(actor, r, answered_on=d(55),
                                           answer="Désinscription faite le jour même.")),
        ({"kind": "access", "received_on": d(120), "channel": "mail",
          "requester_name": "Emma Leroy", "requester_email": "emma.leroy@exemple.fr",
          "description": "Dossier de demande de place en crèche.",
          "activity": acts.get("T-006")},
         lambda r: services.answer_request(actor, r, answered_on=d(80),
                                           answer="Copie du dossier envoyée par courrier.")),
        ({"kind": "erasure", "received_on": d(90), "channel": "email",
          "requester_name": "Jules Moreau", "requester_email": "jules.moreau@exemple.fr",
          "description": "Effacement de mon inscription au conservatoire.",
          "activity": acts.get("T-012")},
         lambda r: services.answer_request(
             actor, r, answered_on=d(70), status="refused",
             answer="Refus motivé : facturation en cours (obligation légale, art. 17.3.b) ; "
                    "recours possible auprès de la CNIL.")),
        ({"kind": "human_review", "received_on": d(30), "channel": "form",
          "requester_name": "Chloé Simon", "requester_email": "chloe.simon@exemple.fr",
          "description": "Réexamen par un agent du classement de ma demande de place.",
          "activity": acts.get("T-006")},
         lambda r: services.answer_request(actor, r, answered_on=d(21),
                                           answer="Dossier réexaminé par la commission.")),
        ({"kind": "restriction", "received_on": d(15), "channel": "email",
          "requester_name": "Tom Laurent", "requester_email": "tom.laurent@exemple.fr",
          "description": "Gel de mes données le temps de la contestation d'une facture."},
         lambda r: services.answer_request(actor, r, answered_on=d(9), status="withdrawn",
                                           answer="")),
        ({"kind": "access", "received_on": d(200), "channel": "email",
          "requester_name": "Manon Michel", "requester_email": "manon.michel@exemple.fr",
          "description": "Données de vidéoprotection me concernant.",
          "activity": acts.get("T-013")},
         lambda r: services.answer_request(actor, r, answered_on=d(185),
                                           answer="Images déjà effacées (30 jours).")),
        ({"kind": "rectification", "received_on": d(27), "channel": "desk",
          "requester_name": "Arthur Garcia", "requester_email": "arthur.garcia@exemple.fr",
          "description": "Nom mal orthographié sur l'acte de naissance.",
          "activity": acts.get("T-004")}, None),
    ]
    for values, then in specs:
        request = services.create_request(actor, org, values)
        if then is not None:
            then(request)
    return len(specs)


def _seed_breaches(org: Organisation, actor: Any) -> int:
    from jalon.gdpr.models import Breach

    if Breach.objects.filter(organisation=org).exists():
        return 0
    acts = _by_reference(org)
    now = timezone.now().replace(second=0, microsecond=0)
    services.create_breach(actor, org, {
        "title": "Courriel envoyé aux parents avec les adresses en copie visible",
        "aware_at": now - dt.timedelta(days=40, hours=3),
        "occurred_at": now - dt.timedelta(days=40, hours=5), "nature": "confidentiality",
        "description": "Un courriel d'information a été envoyé à 412 familles avec les "
                       "adresses en « À » au lieu de « Cci ».",
        "people_count": 412, "records_count": 412, "risk": "risk",
        "consequences": "Divulgation des adresses électroniques entre familles.",
        "notified_at": now - dt.timedelta(days=39, hours=2), "cnil_reference": "NOT-0001",
        "measures": "Message de rappel demandant de supprimer le courriel ; envoi par liste "
                    "de diffusion désormais.", "closed_on": timezone.localdate()
        - dt.timedelta(days=30)}, [a for a in [acts.get("T-003")] if a])
    services.create_breach(actor, org, {
        "title": "Perte d'un ordinateur portable du CIAS",
        "aware_at": now - dt.timedelta(hours=20), "nature": "availability",
        "description": "Ordinateur portable oublié dans un train ; disque chiffré, mais "
                       "export de dossiers sur une clé USB non chiffrée dans la sacoche.",
        "people_count": 60, "risk": "high",
        "consequences": "Données sociales de 60 foyers possiblement consultables.",
        "measures": "Plainte déposée ; révocation des accès de la session."},
        [a for a in [acts.get("T-020")] if a])
    return 2


def _seed_purge(org: Organisation, actor: Any, today: dt.date) -> bool:
    """One real run of the purge: an old request (received six years ago) is past its five
    years and is deleted, with its record."""
    if PurgeRecord.objects.filter(organisation=org).exists():
        return False
    old = services.create_request(actor, org, {
        "kind": "access", "received_on": today - dt.timedelta(days=6 * 365),
        "requester_name": "Personne fictive", "requester_email": "ancienne@exemple.fr",
        "description": "Demande ancienne, au-delà de sa durée de conservation."})
    old.answered_on, old.status, old.answer = old.received_on + dt.timedelta(days=20), \
        "answered", "Réponse envoyée."
    old.save()
    DataSubjectRequest.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(days=6 * 365))
    services.run_purge()
    return True


def _seed_purge_tasks(org: Organisation, actor: Any, today: dt.date) -> None:
    if not services.generate_purge_tasks(org, today):
        return
    from jalon.gdpr.models import PurgeTask

    for task in PurgeTask.objects.filter(activity__organisation=org,
                                         activity__reference__in=["T-009", "T-013"]):
        services.confirm_purge_task(
            actor, task, records_purged=1843 if task.activity.reference == "T-009" else 0,
            proof="Requête de purge exécutée dans le logiciel métier ; journal d'exécution "
                  "archivé (GED, dossier RGPD/purges).")
    services.generate_purge_tasks(org, today)


HOSTING: Final[dict[str, dict[str, Any]]] = {
    "SIRH (paie et gestion des ressources humaines)": {
        "provider": "GIP Numérique Val-de-Lisière", "storage_country": "FR",
        "non_eu_law_exposure": False, "secnumcloud": False, "open_source": False,
        "open_export_format": True, "exit_clause": True, "health_data": True, "hds": False},
    "GRC (gestion de la relation citoyen)": {
        "provider": "3DS Outscale", "storage_country": "FR", "non_eu_law_exposure": False,
        "secnumcloud": True, "open_source": False, "open_export_format": True,
        "exit_clause": True},
    "Assistant conversationnel « Lisa »": {
        "provider": "Microsoft Azure", "storage_country": "IE", "processing_country": "US",
        "non_eu_law_exposure": True, "secnumcloud": False, "open_source": False,
        "open_export_format": False, "exit_clause": False},
    "Réseau des médiathèques": {
        "provider": "Scaleway", "storage_country": "FR", "non_eu_law_exposure": False,
        "secnumcloud": False, "open_source": True, "open_export_format": True,
        "exit_clause": True},
    "API des données ouvertes": {
        "provider": "OVHcloud", "storage_country": "FR", "non_eu_law_exposure": False,
        "secnumcloud": False, "open_source": True, "open_export_format": True,
        "exit_clause": True},
}
ACTIVITY_HOSTING: Final[dict[str, dict[str, Any]]] = {
    "T-001": HOSTING["SIRH (paie et gestion des ressources humaines)"],
    "T-007": HOSTING["GRC (gestion de la relation citoyen)"],
    "T-014": HOSTING["Assistant conversationnel « Lisa »"],
    "T-011": HOSTING["Réseau des médiathèques"],
    "T-003": {"provider": "3DS Outscale", "storage_country": "FR",
              "non_eu_law_exposure": False, "secnumcloud": True, "health_data": True,
              "hds": True, "open_source": False, "open_export_format": True,
              "exit_clause": True},
    "T-015": {"provider": "Amazon Web Services (région Paris)", "storage_country": "FR",
              "non_eu_law_exposure": True, "secnumcloud": False, "open_source": False,
              "open_export_format": True, "exit_clause": False},
    "T-008": {"provider": "GIP Numérique Val-de-Lisière", "storage_country": "FR",
              "non_eu_law_exposure": False, "secnumcloud": False, "open_source": True,
              "open_export_format": True, "exit_clause": True},
}


def _seed_hosting(org: Organisation, actor: Any) -> int:
    acts = _by_reference(org)
    if HostingProfile.objects.filter(organisation=org).exists():
        return 0
    count = 0
    for name, values in HOSTING.items():
        service = DigitalService.objects.filter(organisation=org, name=name).first()
        if service is not None:
            services.save_hosting(actor, org, values, service=service)
            count += 1
    for ref, values in ACTIVITY_HOSTING.items():
        activity = acts.get(ref)
        if activity is not None:
            services.save_hosting(actor, org, values, activity=activity)
            count += 1
    return count


def _seed_training(org: Organisation, actor: Any, today: dt.date) -> int:
    if TrainingCampaign.objects.filter(organisation=org).exists():
        return 0
    agents = 430
    campaigns = (
        ("Sensibilisation cybersécurité 2025", "cybersecurity", dt.date(2025, 2, 1), 205),
        ("Cybersécurité : hameçonnage 2026", "cybersecurity", dt.date(2026, 1, 15), 110),
        ("RGPD pour tous les agents", "gdpr", dt.date(2025, 9, 1), 150),
        ("IA générative : usages responsables", "ai", dt.date(2026, 3, 2), 48),
    )
    start = 0
    for title, topic, starts_on, trained in campaigns:
        campaign = services.save_campaign(actor, org, {
            "title": title, "topic": topic, "starts_on": starts_on,
            "agents_concerned": agents, "target_share": 100, "target_date": TARGET_2027})
        # Agents numbered from a moving start so that the two cyber campaigns overlap.
        rows = [TrainingAttendance(campaign=campaign,
                                   agent_hash=services.agent_hash(org.pk, f"A{n:05d}"),
                                   attended_on=min(today, starts_on + dt.timedelta(days=n % 60)))
                for n in range(start, start + trained)]
        TrainingAttendance.objects.bulk_create(rows)
        start += 75 if topic == "cybersecurity" else 0
    record(actor, "gdpr.training.import", org, target="démonstration", campaigns=4)
    return len(campaigns)


def seed_demo(agglomeration: Organisation, people: dict[str, Any],
              say: Callable[[str], None]) -> list[str]:
    """What was created, as short French phrases for the demo's summary."""
    actor = people.get("dpo") or people.get("admin")
    today = timezone.localdate()
    created = []
    if count := _seed_activities(agglomeration, actor, today):
        created.append(f"{count} traitements au registre RGPD")
    _link_algorithms(agglomeration)
    _seed_dpias(agglomeration, actor, today)
    if count := _seed_requests(agglomeration, actor, today):
        created.append(f"{count} demandes d'exercice des droits")
    if count := _seed_breaches(agglomeration, actor):
        created.append(f"{count} violations de données au registre")
    if _seed_purge(agglomeration, actor, today):
        created.append("une purge des données personnelles et son procès-verbal")
    _seed_purge_tasks(agglomeration, actor, today)
    if count := _seed_hosting(agglomeration, actor):
        created.append(f"{count} fiches de souveraineté de l'hébergement")
    if count := _seed_training(agglomeration, actor, today):
        created.append(f"{count} campagnes de formation des agents")
    _publication, made = Publication.objects.get_or_create(
        organisation=agglomeration, domain="gdpr",
        defaults={"published": True, "changed_by": people.get("admin")})
    if made:
        record(people.get("admin"), "publishing.publish", agglomeration, target="gdpr",
               domain="gdpr", published=True)
        created.append("publication du registre des traitements")
    return created
