"""This domain's part of the demo (jalon demo), called by jalon.demo_site after the catalogue
of services is seeded and before the strategies; idempotent.

The agglomeration's digital spending of two exercises (about 200 lines each, deterministic),
imported as the finance department would: a French Excel export (Windows-1252, semicolons)
through the same import as the pages (preview, then apply), then a few ratings changed with a
reason and one rule of the organisation.

DEMO_INDICATORS lists computed indicators (keys of this domain's IndicatorSource entries) that
jalon.demo_site adds to the agglomeration's strategy once the strategies exist.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Final

from django.utils import timezone

from jalon.budget import services
from jalon.budget.models import ClassificationRule, Rating, SpendingLine
from jalon.tenancy.models import Organisation

DEMO_INDICATORS: tuple[dict[str, Any], ...] = (
    {"computed": "budget_reuse_purchase_share",
     "name": "Part des achats informatiques issus du réemploi (AGEC)", "unit": "%",
     "precision": 1, "direction": "up",
     "description": "Part du montant HT des achats de matériel informatique et de téléphonie "
                    "consacrée au reconditionné ou au réemploi (imprimantes à part, catégorie "
                    "distincte du décret). Objectif de l'agglomération : 30 % fin 2027, au-delà "
                    "du minimum du décret pour 2027 (25 %, chiffre à vérifier).",
     "method": "Inventaire quand chaque achat y a son prix, sinon dépenses numériques "
               "importées (budget vert) ; le détail de chaque valeur dit la source et "
               "l'objectif du décret qui s'applique à l'année.",
     "source": "Loi AGEC art. 58 ; décret n° 2024-134 (qui remplace le décret n° 2021-254 "
               "depuis le 1er juillet 2024)",
     "target_kind": "level", "target_value": 30, "target_date": dt.date(2027, 12, 31)},
)

# (account, function, chapter, label, suppliers, HT low, HT high, lines per year, VAT rate)
ITEMS: Final = (
    ("2183", "020", "21", "PC portables agents (lot de {n})", ("UGAP", "Dell Technologies"),
     9000, 42000, 12, "0.20"),
    ("2183", "020", "21", "PC portables reconditionnés (lot de {n})",
     ("Recyclerie numérique de la Lisière", "Ecodair"), 3000, 12000, 9, "0.20"),
    ("2183", "020", "21", "Écrans 24 pouces (lot de {n})", ("UGAP",), 2000, 9000, 4, "0.20"),
    ("2183", "020", "21", "Écrans reconditionnés (lot de {n})", ("Ecodair",), 900, 3000, 3,
     "0.20"),
    ("2183", "020", "21", "Serveurs de virtualisation hôtel communautaire",
     ("Hewlett Packard Enterprise",), 18000, 45000, 1, "0.20"),
    ("2183", "020", "21", "Commutateurs réseau sites distants", ("Cisco via UGAP",), 4000,
     15000, 2, "0.20"),
    ("2183", "212", "21", "Tablettes pour les écoles (lot de {n})", ("UGAP",), 5000, 20000, 3,
     "0.20"),
    ("2183", "212", "21", "Vidéoprojecteurs interactifs écoles", ("Eiki France",), 3000, 9000,
     2, "0.20"),
    ("2183", "020", "21", "Smartphones reconditionnés agents de terrain (lot de {n})",
     ("Recyclerie numérique de la Lisière",), 1500, 5000, 2, "0.20"),
    ("2183", "020", "21", "Imprimantes multifonctions reconditionnées (lot de {n})",
     ("Ecodair",), 1500, 6000, 1, "0.20"),
    ("2183", "321", "21", "Bornes Wi-Fi médiathèques", ("Orange Business",), 2000, 6000, 1,
     "0.20"),
    ("2051", "020", "20", "Logiciel de gestion des archives électroniques (acquisition)",
     ("Libriciel SCOP",), 8000, 25000, 1, "0.20"),
    ("2051", "020", "20", "Progiciel finances : module budget vert", ("Berger-Levrault",),
     4000, 12000, 1, "0.20"),
    ("2031", "020", "20", "Étude schéma directeur du numérique responsable",
     ("Cabinet Sobriété & Territoires",), 15000, 30000, 1, "0.20"),
    ("6156", "020", "011", "Maintenance copieurs multifonctions", ("Canon France",), 800, 2500,
     12, "0.20"),
    ("6156", "020", "011", "Tierce maintenance applicative SIRH", ("Inetum",), 3000, 8000, 6,
     "0.20"),
    ("61558", "020", "011", "Réparation PC portables (remplacement batterie et écran)",
     ("Atelier de réparation Lisière",), 200, 1500, 16, "0.20"),
    ("6512", "020", "011", "Abonnement suite bureautique en ligne", ("Microsoft Ireland",),
     4000, 9000, 12, "0.20"),
    ("6512", "020", "011", "Licences logiciels métier (renouvellement annuel)",
     ("Berger-Levrault", "Ciril Group", "Arpège"), 1000, 9000, 8, "0.20"),
    ("6512", "020", "011", "Licences antivirus et messagerie sécurisée", ("Stormshield",),
     1500, 4000, 2, "0.20"),
    ("611", "020", "011", "Hébergement cloud du site internet et des démarches",
     ("OVHcloud",), 600, 1800, 12, "0.20"),
    ("611", "020", "011", "Infogérance et hébergement datacenter des applications métier",
     ("Claranet",), 3000, 7000, 12, "0.20"),
    ("6262", "020", "011", "Forfaits mobiles agents", ("Bouygues Telecom",), 2500, 4500, 12,
     "0.20"),
    ("6262", "020", "011", "Lien fibre sites distants", ("SFR Business",), 1200, 2200, 12,
     "0.20"),
    ("60612", "020", "011", "Électricité salle serveurs hôtel communautaire",
     ("EDF Collectivités",), 1500, 3500, 12, "0.20"),
    ("6184", "020", "011", "Formation agents à la cybersécurité", ("CNFPT",), 800, 3000, 2,
     "0"),
    ("611", "020", "011", "Prestation de développement du portail usagers",
     ("Coopérative Code Commun",), 5000, 15000, 3, "0.20"),
    ("6068", "020", "011", "Petites fournitures informatiques (câbles, souris, claviers)",
     ("Bruneau",), 150, 900, 14, "0.20"),
    ("6135", "020", "011", "Location copieurs multifonctions", ("Canon France",), 900, 1600,
     12, "0.20"),
    ("617", "020", "011", "Assistance à maîtrise d'ouvrage dématérialisation",
     ("Cabinet Numérique Public",), 4000, 12000, 2, "0.20"),
    ("6288", "020", "011", "Divers", ("Régie",), 50, 400, 3, "0.20"),
    ("2183", "811", "21", "Passerelles de télérelève des compteurs d'eau",
     ("Suez Smart Solutions",), 6000, 14000, 2, "0.20"),
)
YEARS: Final = (2025, 2026)
SEED: Final = 15


def _fr(amount: Decimal) -> str:
    return f"{amount:,.2f}".replace(",", " ").replace(".", ",")


def export_rows(year: int) -> list[list[str]]:
    """The finance software's export of `year`, as text cells (header first)."""
    rng = random.Random(SEED * 10_000 + year)  # noqa: S311  # deterministic demo data, not security
    header = ["Exercice", "Nomenclature", "Chapitre", "Compte", "Fonction", "N° mandat",
              "Libellé", "Fournisseur", "Montant HT", "Montant TTC", "Date d'engagement",
              "Date de mandatement"]
    rows = [header]
    last_day = timezone.localdate() if year == timezone.localdate().year else dt.date(
        year, 12, 31)
    number = 0
    for account, function, chapter, label, suppliers, low, high, per_year, vat in ITEMS:
        count = per_year + (1 if year == 2026 and "reconditionn" in label else 0)
        for i in range(count):
            number += 1
            month = 1 + (i * 12 // max(count, 1)) if count > 1 else rng.randint(2, 10)
            payment = min(dt.date(year, month, rng.randint(5, 27)), last_day)
            commitment = payment - dt.timedelta(days=rng.randint(10, 60))
            if commitment.year < year:
                commitment = dt.date(year, 1, 2)
            ht = Decimal(rng.randint(low * 100, high * 100)) / 100
            ttc = (ht * (1 + Decimal(vat))).quantize(Decimal("0.01"))
            nomenclature = "M4" if function == "811" else "M57"
            rows.append([str(year), nomenclature, chapter, account, function,
                         f"{year}-{number:05d}", label.format(n=rng.choice((5, 10, 20, 40))),
                         rng.choice(suppliers), _fr(ht), _fr(ttc),
                         commitment.strftime("%d/%m/%Y"), payment.strftime("%d/%m/%Y")])
    return rows


def export_csv(year: int) -> bytes:
    """As French Excel saves it: Windows-1252, semicolons, CRLF."""
    return ("\r\n".join(";".join(row) for row in export_rows(year)) + "\r\n").encode("cp1252")


def seed_demo(agglomeration: Organisation, people: dict[str, Any],
              say: Callable[[str], None]) -> list[str]:
    """What was created, as short French phrases for the demo's summary."""
    if SpendingLine.objects.filter(organisation=agglomeration).exists():
        return []
    actor = people["admin"]
    created = []
    ClassificationRule.objects.get_or_create(
        organisation=agglomeration, match="label", pattern="wi-fi|wifi",
        defaults={"kind": "new_equipment"})
    for year in YEARS:
        source = services.start_import(actor, agglomeration, year, export_csv(year),
                                       f"mandats-numerique-{year}.csv")
        count = services.apply_import(actor, source)
        created.append(f"{count} dépenses numériques {year} importées et notées")
        say(f"budget: {count} lines for {year}")
    lines = SpendingLine.objects.filter(organisation=agglomeration)
    study = lines.filter(label__startswith="Étude schéma directeur").order_by("year").first()
    if study is not None:
        services.override_rating(
            actor, study, "climate_mitigation", "favourable",
            "L'étude fixe la trajectoire de réduction de l'empreinte du numérique (stratégie "
            "REEN, délibération du conseil communautaire).")
    for cloud in lines.filter(label__startswith="Hébergement cloud", year=2025)[:1]:
        services.override_rating(
            actor, cloud, "climate_mitigation", "neutral",
            "Hébergeur adhérent au Code de conduite européen des centres de données, PUE 1,3 "
            "et électricité d'origine renouvelable (attestation 2025).")
    overridden = Rating.objects.filter(line__organisation=agglomeration).count()
    created.append(f"{overridden} cotations modifiées avec leur motif, 1 règle de classement "
                   "propre")
    return created
