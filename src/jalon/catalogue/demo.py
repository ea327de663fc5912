"""The demo agglomeration's catalogue of digital services (jalon demo), and its publication.

Fictitious services, addresses under the reserved .example domain, fictitious editors; the
hosting providers are real French and European ones (and two services hosted outside the EU,
so that the indicator on hosting is not 100 %). Idempotent: a service whose name exists is
kept as it is (what people changed since stays), the publication is only created once (a
later withdrawal is kept).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from jalon.catalogue import services
from jalon.catalogue.models import DigitalService
from jalon.tenancy.audit import record
from jalon.tenancy.models import Organisation, Publication

SITE: Final = "https://www.val-de-lisiere.example"
PROCEDURES: Final = "https://demarches.val-de-lisiere.example"
OVH: Final = {"hosting_provider": "OVHcloud", "hosting_country": "FR"}
SCALEWAY: Final = {"hosting_provider": "Scaleway", "hosting_country": "FR"}
OUTSCALE: Final = {"hosting_provider": "3DS Outscale (SecNumCloud)", "hosting_country": "FR"}
GIP: Final = {"hosting_provider": "Centre de données du GIP Numérique Val-de-Lisière",
              "hosting_country": "FR"}
PORTAL: Final = {"provider": "Civilis Logiciels (portail citoyen)", **OUTSCALE,
                 "owner_team": "Direction de la relation aux usagers"}


def _d(year: int, month: int = 1, day: int = 1) -> dt.date:
    return dt.date(year, month, day)


SERVICES: Final[tuple[dict[str, Any], ...]] = (
    # Websites
    {"name": "Site de l'agglomération", "kind": "website", "audience": "public",
     "url": SITE, "sample_urls": f"{SITE}/\n{SITE}/actualites\n{SITE}/vos-elus\n"
                                 f"{SITE}/marches-publics",
     "description": "Site institutionnel : actualités, compétences, élus, marchés publics.",
     "owner_team": "Direction de la communication",
     "provider": "Atelier Pixel & Territoires (intégration Drupal)", **OVH,
     "in_service_since": _d(2019, 3, 18)},
    {"name": "Office de tourisme Val-de-Lisière", "kind": "website", "audience": "public",
     "url": "https://www.tourisme-val-de-lisiere.example",
     "sample_urls": "https://www.tourisme-val-de-lisiere.example/\n"
                    "https://www.tourisme-val-de-lisiere.example/agenda\n"
                    "https://www.tourisme-val-de-lisiere.example/randonnees",
     "description": "Agenda, hébergements, randonnées et patrimoine du territoire.",
     "owner_team": "Office de tourisme intercommunal",
     "provider": "Agence Escales Web", "hosting_provider": "Hébergement de l'agence",
     "in_service_since": _d(2020, 6, 1)},
    {"name": "Réseau des médiathèques", "kind": "website", "audience": "public",
     "url": "https://mediatheques.val-de-lisiere.example",
     "sample_urls": "https://mediatheques.val-de-lisiere.example/catalogue\n"
                    "https://mediatheques.val-de-lisiere.example/mon-compte",
     "description": "Catalogue commun des douze médiathèques, réservations et ressources "
                    "numériques.",
     "owner_team": "Direction de la lecture publique",
     "provider": "BiblioSoft (portail du SIGB)", **SCALEWAY, "in_service_since": _d(2018, 9, 3)},
    {"name": "Service de l'eau et de l'assainissement", "kind": "website",
     "audience": "public", "url": "https://eau.val-de-lisiere.example",
     "description": "Qualité de l'eau, tarifs, travaux et espace abonné.",
     "owner_team": "Régie des eaux", "provider": "Atelier Pixel & Territoires", **OVH,
     "in_service_since": _d(2021, 1, 11)},
    {"name": "Conservatoire intercommunal", "kind": "website", "audience": "public",
     "url": "https://conservatoire.val-de-lisiere.example",
     "owner_team": "Direction de la culture", "provider": "Régie (DSI)", **GIP,
     "in_service_since": _d(2017, 9, 1)},
    {"name": "Collecte des déchets", "kind": "website", "audience": "public",
     "url": f"{SITE}/dechets", "description": "Calendriers de collecte et déchèteries.",
     "owner_team": "Direction de la gestion des déchets",
     "provider": "Atelier Pixel & Territoires", **OVH, "in_service_since": _d(2019, 3, 18)},
    {"name": "Ancien site du réseau de bus Lisibus", "kind": "website", "audience": "public",
     "url": "https://www.lisibus.example", "owner_team": "Direction des mobilités",
     "provider": "Agence Escales Web", **OVH, "status": "retired",
     "in_service_since": _d(2012, 5, 2), "retired_on": _d(2024, 6, 30),
     "description": "Remplacé par les pages mobilités du site de l'agglomération."},
    {"name": "Intranet des agents", "kind": "website", "audience": "agents",
     "url": "https://intranet.val-de-lisiere.example", "owner_team": "Direction de la "
     "communication interne", "provider": "Régie (DSI)", **GIP,
     "in_service_since": _d(2016, 2, 1)},
    # Online procedures
    {"name": "Demande d'acte d'état civil", "kind": "online_procedure", "audience": "public",
     "url": f"{PROCEDURES}/etat-civil",
     "description": "Copie ou extrait d'acte de naissance, de mariage ou de décès, pour les "
                    "communes du territoire.",
     **PORTAL, "in_service_since": _d(2020, 10, 5)},
    {"name": "Inscription scolaire et périscolaire", "kind": "online_procedure",
     "audience": "public", "url": f"{PROCEDURES}/inscription-scolaire",
     "description": "Inscrire un enfant à l'école, à la restauration et à l'accueil "
                    "périscolaire.",
     **{**PORTAL, "owner_team": "Direction de l'éducation"}, "in_service_since": _d(2021, 3, 1)},
    {"name": "Signalement d'un problème de voirie", "kind": "online_procedure",
     "audience": "public", "url": f"{PROCEDURES}/signalement-voirie",
     "description": "Nid-de-poule, éclairage public en panne, dépôt sauvage : signaler avec "
                    "une photo et une localisation.",
     **{**PORTAL, "owner_team": "Direction de la voirie"}, "in_service_since": _d(2022, 4, 4)},
    {"name": "Demande de place en crèche", "kind": "online_procedure", "audience": "public",
     "url": f"{PROCEDURES}/creche",
     "description": "Pré-inscription dans les établissements d'accueil du jeune enfant.",
     **{**PORTAL, "owner_team": "Direction de la petite enfance"},
     "in_service_since": _d(2022, 9, 1)},
    {"name": "Autorisations d'urbanisme en ligne", "kind": "online_procedure",
     "audience": "public", "url": "https://urbanisme.val-de-lisiere.example",
     "description": "Guichet numérique des autorisations d'urbanisme : permis de construire, "
                    "déclaration préalable, certificat d'urbanisme.",
     "owner_team": "Service commun d'instruction du droit des sols",
     "provider": "Urbanis Éditions", **SCALEWAY, "in_service_since": _d(2022, 1, 1)},
    {"name": "Rendez-vous passeport et carte d'identité", "kind": "online_procedure",
     "audience": "public", "url": f"{PROCEDURES}/rendez-vous-titres",
     "description": "Prendre rendez-vous dans une mairie équipée d'un dispositif de recueil.",
     "owner_team": "Direction de la population", "provider": "AgendaPublic SAS",
     "hosting_provider": "AgendaPublic SAS (infogérance)", "hosting_country": "DE",
     "in_service_since": _d(2023, 2, 13)},
    {"name": "Paiement de la cantine", "kind": "online_procedure", "audience": "public",
     "url": f"{PROCEDURES}/portail-famille",
     "description": "Portail famille : factures de restauration scolaire et paiement en "
                    "ligne.",
     **{**PORTAL, "owner_team": "Direction de l'éducation"}, "in_service_since": _d(2019, 9, 2)},
    {"name": "Demande de badge d'accès aux déchèteries", "kind": "online_procedure",
     "audience": "public", "url": f"{PROCEDURES}/badge-decheterie",
     **{**PORTAL, "owner_team": "Direction de la gestion des déchets"},
     "in_service_since": _d(2023, 5, 15)},
    {"name": "Ouverture d'un abonnement à l'eau", "kind": "online_procedure",
     "audience": "public", "url": f"{PROCEDURES}/abonnement-eau",
     "description": "Ouvrir ou résilier un abonnement lors d'un emménagement.",
     **{**PORTAL, "owner_team": "Régie des eaux"}, "status": "in_project"},
    # Mobile applications
    {"name": "Application « Val-de-Lisière & moi »", "kind": "mobile_app",
     "audience": "public", "url": "https://app.val-de-lisiere.example",
     "description": "Actualités, collecte des déchets, signalements et horaires des "
                    "équipements, sur téléphone.",
     "owner_team": "Direction de la communication", "provider": "Mobilis Studio",
     "hosting_provider": "Google Firebase", "hosting_country": "US",
     "in_service_since": _d(2021, 11, 8)},
    {"name": "Application des agents de terrain", "kind": "mobile_app", "audience": "agents",
     "description": "Interventions de voirie et d'espaces verts : bons de travaux et photos.",
     "owner_team": "Direction des services techniques", "provider": "TerrainPro",
     **SCALEWAY, "in_service_since": _d(2022, 3, 14)},
    # Internal applications
    {"name": "SIRH (paie et gestion des ressources humaines)", "kind": "internal_app",
     "audience": "agents", "owner_team": "Direction des ressources humaines",
     "provider": "Civilis Logiciels", **GIP, "in_service_since": _d(2015, 1, 1)},
    {"name": "GRC (gestion de la relation citoyen)", "kind": "internal_app",
     "audience": "agents", "description": "Suivi des demandes reçues par le portail, le "
     "téléphone et l'accueil.", "owner_team": "Direction de la relation aux usagers",
     "provider": "Civilis Logiciels", **OUTSCALE, "in_service_since": _d(2020, 10, 5)},
    {"name": "Gestion du courrier", "kind": "internal_app", "audience": "agents",
     "owner_team": "Secrétariat général", "provider": "DocuFlux", **GIP,
     "in_service_since": _d(2018, 4, 9)},
    {"name": "Gestion financière et comptable", "kind": "internal_app", "audience": "agents",
     "owner_team": "Direction des finances", "provider": "Civilis Logiciels", **GIP,
     "in_service_since": _d(2014, 1, 1)},
    {"name": "Ancienne gestion électronique des documents", "kind": "internal_app",
     "audience": "agents", "owner_team": "DSI", "provider": "DocuFlux", **GIP,
     "status": "being_retired", "in_service_since": _d(2011, 6, 1),
     "description": "Remplacée par la gestion du courrier ; archives en cours de reprise."},
    # API and chatbot
    {"name": "API des données ouvertes", "kind": "api", "audience": "public",
     "url": "https://data.val-de-lisiere.example/api",
     "sample_urls": "https://data.val-de-lisiere.example/api/datasets\n"
                    "https://data.val-de-lisiere.example/api/datasets/collecte-dechets",
     "description": "Jeux de données publiés par l'agglomération (déchets, mobilités, eau).",
     "owner_team": "DSI — pôle données", "provider": "Régie (DSI)", **OVH,
     "in_service_since": _d(2022, 6, 20)},
    {"name": "Assistant conversationnel « Lisa »", "kind": "chatbot", "audience": "public",
     "url": f"{SITE}/assistant",
     "description": "Répond aux questions courantes sur les déchets, l'eau et les démarches.",
     "owner_team": "Direction de la relation aux usagers", "provider": "Dialogia",
     "hosting_provider": "Microsoft Azure (région Irlande)", "hosting_country": "IE",
     "in_service_since": _d(2024, 1, 15)},
)


def seed_services(organisation: Organisation, actor: Any) -> list[str]:
    """Create the missing demo services (audited) and publish the catalogue once; returns what
    was created, for the demo's report."""
    created = []
    existing = set(DigitalService.objects.filter(organisation=organisation)
                   .values_list("name", flat=True))
    count = 0
    for spec in SERVICES:
        if spec["name"] in existing:
            continue
        services.create_service(actor, organisation, spec)
        count += 1
    if count:
        created.append(f"{count} services numériques au catalogue de {organisation.name}")
    _publication, made = Publication.objects.get_or_create(
        organisation=organisation, domain="catalogue",
        defaults={"published": True, "changed_by": actor})
    if made:
        record(actor, "publishing.publish", organisation, target="catalogue",
               domain="catalogue", published=True)
        created.append("publication du catalogue des services de l'agglomération")
    return created
