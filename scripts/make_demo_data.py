"""Generate the demo estate of the fictitious "Communauté d'agglomération Val-de-Lisière".

Standard library only and fully deterministic (``random.Random(2026)``): running it twice
writes byte-identical files. It writes, under ``src/jalon/data/demo/``:

* ``val-de-lisiere-glpi.csv``: a GLPI 10 multi-itemtype asset list as it looks once a French
  agent opened it in Excel and saved it again as "CSV (séparateur: point-virgule)": cp1252,
  CRLF, ``;``, dd/mm/yyyy dates, amounts such as ``1 234,56 €`` (non-breaking spaces), quotes
  only where needed. About ten deliberately dirty rows are listed at the end of the run.
* ``servers/*.json``: one GLPI-Agent inventory per physical server (inventory_format JSON).
* ``servers/*.xml``: two FusionInventory-Agent XML inventories of older servers.

Usage: ``python scripts/make_demo_data.py``
"""

from __future__ import annotations

import csv
import io
import json
import random
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "src" / "jalon" / "data" / "demo"
SERVERS = DEMO / "servers"

NBSP = "\u00a0"
TOP = "CA Val-de-Lisière"

HEADER = [
    "Nom",
    "Entité",
    "Statut",
    "Fabricant",
    "Type",
    "Modèle",
    "Numéro de série",
    "Numéro d'inventaire",
    "Lieu",
    "Utilisateur",
    "Date d'achat",
    "Date de mise en service",
    "Valeur",
    "Date de réforme",
    "Commentaires",
    "Dernière modification",
    "Type d'élément",
]

# ----------------------------------------------------------------------------------------
# Organisation
# ----------------------------------------------------------------------------------------
DIRECTIONS = [
    # (entity suffix, site, weight in agents)
    ("Direction générale", "Hôtel d'agglomération", 40),
    ("DSI", "Hôtel d'agglomération", 45),
    ("Finances", "Hôtel d'agglomération", 60),
    ("Ressources humaines", "Hôtel d'agglomération", 55),
    ("Commande publique", "Hôtel d'agglomération", 25),
    ("Aménagement et urbanisme", "Hôtel d'agglomération", 70),
    ("Développement économique", "Pépinière d'entreprises", 30),
    ("Mobilités", "Hôtel d'agglomération", 35),
    ("Culture > Médiathèques", "Médiathèque Louise Michel", 110),
    ("Culture > Conservatoire", "Conservatoire Maurice Ravel", 90),
    ("Sports > Piscines", "Centre aquatique des Lisières", 85),
    ("Services techniques", "Centre technique", 260),
    ("Eau et assainissement", "Station d'épuration de la Lisière", 120),
    ("Déchets", "Pôle déchets", 180),
    ("Petite enfance", "Maison de la petite enfance", 210),
    ("Action sociale", "Maison des solidarités", 125),
    ("Communes", "Mairies des communes membres", 160),
]
SCHOOLS = [
    "École Jean Jaurès",
    "École Victor Hugo",
    "École Jules Ferry",
    "École Louise Michel",
    "École Marie Curie",
    "École Jacques Prévert",
    "École Jean Moulin",
    "École Pablo Picasso",
    "École Simone Veil",
    "École Paul Éluard",
    "École Anne Frank",
    "École Condorcet",
    "École Albert Camus",
    "École Les Tilleuls",
    "École du Val",
    "École de la Forêt",
    "École Saint-Exupéry",
    "École George Sand",
]
FIRST = [
    "a",
    "b",
    "c",
    "d",
    "e",
    "f",
    "g",
    "h",
    "i",
    "j",
    "k",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "v",
    "y",
]
LAST = [
    "martin",
    "bernard",
    "thomas",
    "petit",
    "robert",
    "richard",
    "durand",
    "dubois",
    "moreau",
    "laurent",
    "simon",
    "michel",
    "lefebvre",
    "leroy",
    "roux",
    "david",
    "bertrand",
    "morel",
    "fournier",
    "girard",
    "bonnet",
    "dupont",
    "lambert",
    "fontaine",
    "rousseau",
    "vincent",
    "muller",
    "lefevre",
    "faure",
    "andre",
    "mercier",
    "blanc",
    "guerin",
    "boyer",
    "garnier",
    "chevalier",
    "francois",
    "legrand",
    "gauthier",
    "garcia",
    "perrin",
    "robin",
    "clement",
    "morin",
    "nicolas",
    "henry",
    "roussel",
    "mathieu",
    "gautier",
    "masson",
]

# ----------------------------------------------------------------------------------------
# Catalogue: (manufacturer, model, first year, last year, price excl. VAT in euros)
# ----------------------------------------------------------------------------------------
CATALOGUE: dict[str, list[tuple[str, str, int, int, float]]] = {
    "laptop": [
        ("Dell Inc.", "Latitude E5470", 2013, 2017, 1040.0),
        ("HP", "EliteBook 840 G3", 2015, 2017, 1110.0),
        ("HP", "EliteBook 840 G5", 2018, 2019, 1150.0),
        ("Dell Inc.", "Latitude 5490", 2018, 2019, 980.0),
        ("Lenovo", "ThinkPad 11e Yoga Gen 6", 2019, 2021, 549.0),
        ("HP", "EliteBook 840 G7", 2020, 2021, 1180.0),
        ("Dell Inc.", "Latitude 5420", 2021, 2022, 1020.0),
        ("Lenovo", "ThinkPad T14 Gen 2", 2021, 2022, 1090.0),
        ("HP", "EliteBook 840 G9", 2022, 2023, 1249.9),
        ("Lenovo", "ThinkPad T14 Gen 3", 2022, 2023, 1102.0),
        ("Dell Inc.", "Latitude 5440", 2023, 2024, 1089.0),
        ("Dell Inc.", "Latitude 5540", 2024, 2026, 1149.0),
        ("HP", "EliteBook 840 G10", 2024, 2026, 1269.0),
        ("Lenovo", "ThinkPad T14 Gen 5", 2025, 2026, 1159.0),
    ],
    "desktop": [
        ("HP", "EliteDesk 800 G1 SFF", 2013, 2015, 790.0),
        ("HP", "EliteDesk 800 G3 SFF", 2016, 2018, 780.0),
        ("Dell Inc.", "OptiPlex 7050", 2017, 2019, 760.0),
        ("Dell Inc.", "OptiPlex 7010", 2013, 2014, 734.0),
        ("Lenovo", "ThinkCentre M720q", 2019, 2020, 640.0),
        ("Dell Inc.", "OptiPlex 3000 Micro", 2022, 2023, 598.0),
        ("Lenovo", "ThinkCentre M70q", 2020, 2022, 612.5),
        ("Lenovo", "ThinkCentre M70q Gen 3", 2022, 2024, 689.0),
        ("Dell Inc.", "OptiPlex 7010 Micro", 2023, 2025, 705.0),
        ("HP", "ProDesk 400 G9 SFF", 2023, 2025, 655.0),
        ("Lenovo", "ThinkCentre M70q Gen 5", 2025, 2026, 719.0),
    ],
    "thin_client": [
        ("Fujitsu", "Futro S920", 2015, 2018, 349.0),
        ("Fujitsu", "Futro S740", 2019, 2021, 329.0),
        ("HP", "t640 Thin Client", 2020, 2022, 415.0),
        ("Fujitsu", "Futro S7010", 2021, 2024, 389.0),
        ("IGEL", "UD3-M350C", 2023, 2026, 399.0),
    ],
    "workstation": [
        ("HP", "Z240 Tower", 2014, 2017, 1890.0),
        ("Dell Inc.", "Precision 3630 Tower", 2018, 2020, 2050.0),
        ("HP", "Z2 G9 Tower", 2022, 2024, 2480.0),
        ("Dell Inc.", "Precision 3660 Tower", 2022, 2025, 2190.0),
    ],
    "monitor": [
        ("iiyama", "ProLite E2282HS-B1", 2013, 2016, 109.0),
        ("Dell", "P2217H", 2016, 2019, 159.0),
        ("iiyama", "ProLite XUB2492HSU-B1", 2017, 2020, 139.0),
        ("Philips", "243V7QDSB", 2018, 2021, 99.0),
        ("Dell", "P2422H", 2021, 2023, 189.0),
        ("iiyama", "ProLite XUB2492HSU-B5", 2021, 2025, 139.0),
        ("Dell", "P2423D", 2022, 2025, 219.0),
        ("iiyama", "ProLite XUB2792QSU-B6", 2024, 2026, 209.0),
        ("Philips", "24B2G5301", 2025, 2026, 149.0),
    ],
    "display": [
        ("Samsung", "QM55B", 2021, 2026, 1190.0),
        ("LG", "55UH5J-H", 2020, 2025, 980.0),
        ("Speechi", "SPE-75-UHD-ANDROID", 2020, 2024, 2890.0),
        ("Samsung", "DM65E", 2015, 2019, 1390.0),
    ],
    "smartphone": [
        ("Samsung", "Galaxy A5 (2017)", 2016, 2018, 289.0),
        ("Apple", "iPhone 8", 2017, 2019, 529.0),
        ("Samsung", "Galaxy A40", 2019, 2020, 199.0),
        ("Samsung", "Galaxy A52", 2021, 2022, 289.0),
        ("Apple", "iPhone SE (3e génération)", 2022, 2023, 439.0),
        ("Samsung", "Galaxy A54 5G", 2023, 2024, 329.0),
        ("Crosscall", "Core-X5", 2023, 2025, 399.0),
        ("Samsung", "Galaxy A55 5G", 2024, 2026, 349.0),
        ("Fairphone", "Fairphone 5", 2024, 2026, 579.0),
    ],
    "tablet": [
        ("Apple", "iPad 6e génération", 2016, 2019, 329.0),
        ("Samsung", "Galaxy Tab A 10.1", 2019, 2020, 219.0),
        ("Apple", "iPad 9e génération", 2021, 2022, 359.0),
        ("Apple", "iPad 10e génération", 2023, 2026, 429.0),
        ("Samsung", "Galaxy Tab A8", 2022, 2024, 219.0),
    ],
    "ip_phone": [
        ("Alcatel-Lucent", "8028 Premium DeskPhone", 2013, 2018, 189.0),
        ("Yealink", "SIP-T46S", 2018, 2020, 129.0),
        ("Yealink", "SIP-T46U", 2020, 2023, 119.0),
        ("Yealink", "SIP-T54W", 2021, 2026, 149.0),
        ("Yealink", "SIP-T31P", 2022, 2026, 59.0),
    ],
    "printer": [
        ("HP", "LaserJet Pro M402dn", 2015, 2019, 289.0),
        ("Brother", "HL-L5100DN", 2017, 2021, 249.0),
        ("HP", "Color LaserJet Pro M454dw", 2020, 2024, 389.0),
        ("Brother", "HL-L8360CDW", 2021, 2026, 399.0),
    ],
    "copier": [
        ("Xerox", "WorkCentre 7845", 2014, 2018, 5890.0),
        ("Canon", "imageRUNNER ADVANCE C5535i", 2016, 2020, 5290.0),
        ("Canon", "imageRUNNER ADVANCE DX C3826i", 2020, 2024, 4980.0),
        ("Xerox", "AltaLink C8130", 2022, 2026, 6450.0),
        ("Ricoh", "IM C3000", 2021, 2025, 5240.0),
    ],
    "scanner": [
        ("Fujitsu", "fi-7160", 2015, 2020, 890.0),
        ("Fujitsu", "fi-8170", 2021, 2026, 1090.0),
        ("Epson", "WorkForce DS-870", 2019, 2024, 789.0),
    ],
    "projector": [
        ("Epson", "EB-X41", 2015, 2018, 489.0),
        ("Epson", "EB-2250U", 2018, 2023, 899.0),
        ("Epson", "EB-695Wi", 2016, 2020, 1390.0),
        ("Epson", "EB-735Fi", 2021, 2026, 1690.0),
        ("Optoma", "ZH406", 2021, 2025, 1249.0),
    ],
    "switch": [
        ("HP", "ProCurve 2610-24", 2013, 2015, 690.0),
        ("HPE Aruba", "Aruba 2930F 24G PoE+", 2016, 2021, 1890.0),
        ("Cisco", "Catalyst 2960X-24PS-L", 2014, 2018, 1790.0),
        ("Cisco", "Catalyst 9200-48P", 2020, 2025, 3980.0),
        ("Cisco", "Catalyst 1000-24P-4G-L", 2021, 2026, 980.0),
        ("HPE Aruba", "Aruba CX 6100 24G", 2023, 2026, 1450.0),
    ],
    "router": [
        ("Cisco", "ISR 4331", 2016, 2020, 2890.0),
        ("Cisco", "ISR 1111-8P", 2019, 2025, 1450.0),
    ],
    "wifi_ap": [
        ("Aruba", "AP-305", 2016, 2019, 390.0),
        ("Aruba", "AP-505", 2020, 2024, 410.0),
        ("Aruba", "AP-515", 2020, 2025, 520.0),
        ("Aruba", "AP-635", 2024, 2026, 590.0),
    ],
    "firewall": [
        ("Fortinet", "FortiGate 100F", 2021, 2021, 3450.0),
        ("Fortinet", "FortiGate 60F", 2022, 2022, 690.0),
    ],
    "storage": [
        ("Dell EMC", "PowerVault ME5024", 2022, 2022, 18900.0),
        ("Dell EMC", "Unity XT 380", 2020, 2020, 32400.0),
        ("Synology", "RackStation RS1221+", 2021, 2021, 1390.0),
    ],
}

TYPE_LABELS: dict[str, list[tuple[str, int]]] = {
    "laptop": [("Portable", 70), ("Ordinateur portable", 12), ("Notebook", 10), ("Laptop", 8)],
    "desktop": [("Unité centrale", 60), ("PC fixe", 20), ("Desktop", 12), ("Mini PC", 8)],
    "thin_client": [("Client léger", 100)],
    "workstation": [("Station de travail", 100)],
    "monitor": [("Écran", 70), ("Moniteur", 25), ("Monitor", 5)],
    "display": [("Écran d'affichage", 60), ("Écran numérique interactif", 40)],
    "smartphone": [("Smartphone", 85), ("Téléphone portable", 15)],
    "tablet": [("Tablette", 100)],
    "ip_phone": [("Téléphone IP", 80), ("Poste fixe", 20)],
    "printer": [("Imprimante", 75), ("Imprimante laser", 25)],
    "copier": [("Multifonction", 60), ("Copieur", 25), ("Photocopieur", 15)],
    "scanner": [("Scanner", 70), ("Numériseur", 30)],
    "projector": [("Vidéoprojecteur", 80), ("VPI", 20)],
    "switch": [("Switch", 75), ("Commutateur", 25)],
    "router": [("Routeur", 100)],
    "wifi_ap": [("Borne WiFi", 70), ("Point d'accès WiFi", 30)],
    "firewall": [("Pare-feu", 100)],
    "storage": [("Baie de stockage", 100)],
    "virtual_machine": [("Machine virtuelle", 100)],
}
ITEMTYPE = {
    "laptop": "Ordinateur",
    "desktop": "Ordinateur",
    "thin_client": "Ordinateur",
    "workstation": "Ordinateur",
    "virtual_machine": "Ordinateur",
    "monitor": "Moniteur",
    "display": "Moniteur",
    "smartphone": "Téléphone",
    "tablet": "Téléphone",
    "ip_phone": "Téléphone",
    "printer": "Imprimante",
    "copier": "Imprimante",
    "scanner": "Périphérique",
    "projector": "Périphérique",
    "switch": "Matériel réseau",
    "router": "Matériel réseau",
    "wifi_ap": "Matériel réseau",
    "firewall": "Matériel réseau",
    "storage": "Matériel réseau",
}
PREFIX = {
    "laptop": "PORT",
    "desktop": "UC",
    "thin_client": "CL",
    "workstation": "STA",
    "monitor": "ECR",
    "display": "AFF",
    "smartphone": "TEL",
    "tablet": "TAB",
    "ip_phone": "TIP",
    "printer": "IMP",
    "copier": "MFP",
    "scanner": "SCA",
    "projector": "VP",
    "switch": "SW",
    "router": "RT",
    "wifi_ap": "AP",
    "firewall": "FW",
    "storage": "SAN",
    "virtual_machine": "VM",
}
# Devices in service (or in stock) per category; retired devices come on top (see RETIRED_SHARE).
ACTIVE = {
    "laptop": 1250,
    "desktop": 900,
    "thin_client": 150,
    "workstation": 40,
    "monitor": 2600,
    "smartphone": 900,
    "tablet": 250,
    "ip_phone": 1300,
    "printer": 180,
    "copier": 60,
    "scanner": 20,
    "projector": 120,
    "display": 40,
    "switch": 90,
    "router": 12,
    "wifi_ap": 220,
    "firewall": 4,
    "storage": 3,
    "virtual_machine": 300,
}
# Spare devices waiting in the DSI's stock ("En stock"), counted inside ACTIVE.
IN_STOCK = {
    "laptop": 110,
    "desktop": 60,
    "monitor": 240,
    "smartphone": 90,
    "tablet": 25,
    "ip_phone": 120,
    "thin_client": 20,
}
# Retired devices still listed in GLPI with a decommission date ("Au rebut" / "Réformé").
RETIRED = {
    "laptop": 160,
    "desktop": 150,
    "thin_client": 15,
    "workstation": 4,
    "monitor": 190,
    "smartphone": 120,
    "tablet": 30,
    "ip_phone": 60,
    "printer": 25,
    "copier": 8,
    "scanner": 3,
    "projector": 14,
    "display": 3,
    "switch": 10,
    "router": 2,
    "wifi_ap": 12,
}
VM_ROLES = ["APP", "SQL", "WEB", "FIC", "IMP", "RDS", "GED", "SIG", "DC", "BI"]
SCHOOL_CATEGORIES = {"tablet", "projector", "display"}
SCHOOL_SHARE = {
    "laptop": 0.12,
    "desktop": 0.08,
    "tablet": 0.75,
    "projector": 0.9,
    "display": 0.5,
    "wifi_ap": 0.35,
    "switch": 0.3,
    "printer": 0.15,
    "copier": 0.3,
    "monitor": 0.06,
}
PERSONAL = {"laptop", "desktop", "thin_client", "workstation", "monitor", "smartphone", "ip_phone"}
REFURB_CATEGORIES = {
    "laptop": 0.07,
    "desktop": 0.06,
    "monitor": 0.05,
    "smartphone": 0.12,
    "tablet": 0.08,
    "thin_client": 0.03,
}

# Purchase-year weights 2013..2026: more recent purchases, a partial 2026.
YEARS = list(range(2013, 2027))
BASE_W = [1.0, 1.4, 2.0, 2.6, 3.2, 3.8, 4.6, 5.4, 6.6, 7.4, 8.2, 9.0, 9.4, 2.6]
# Waves of school equipment (plan numérique 2016, plan de relance / SNEE 2021).
SCHOOL_W = [0.5, 0.5, 1.0, 6.0, 2.0, 1.5, 2.0, 3.0, 8.0, 4.0, 3.0, 3.0, 3.5, 1.0]
RETIRED_W = [6.0, 6.5, 7.0, 6.5, 5.0, 3.5, 2.0, 1.0, 0.5, 0.2, 0.1, 0, 0, 0]
MONTH_W = [6, 5, 7, 6, 5, 6, 4, 3, 8, 10, 12, 14]  # budget year: purchases pile up in Q4


def pick(rng: random.Random, pairs: list[tuple[str, int]]) -> str:
    labels, weights = zip(*pairs, strict=True)
    return rng.choices(labels, weights=weights)[0]


def rand_date(rng: random.Random, year: int) -> date:
    month = rng.choices(range(1, 13), weights=MONTH_W)[0]
    if year == 2026:
        month = rng.randint(1, 4)
    return date(year, month, rng.randint(1, 28))


def fr_date(d: date | None) -> str:
    return "" if d is None else d.strftime("%d/%m/%Y")


def fr_money(value: float) -> str:
    """Excel's French currency format: '1 234,56 €' with non-breaking spaces."""
    whole, cents = f"{value:.2f}".split(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return NBSP.join(groups) + "," + cents + NBSP + "€"


def serial(rng: random.Random, n: int = 8) -> str:
    return "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(n))


def model_for(rng: random.Random, category: str, year: int) -> tuple[str, str, float]:
    options = [m for m in CATALOGUE[category] if m[2] <= year <= m[3]]
    if not options:  # closest generation
        options = sorted(
            CATALOGUE[category], key=lambda m: min(abs(m[2] - year), abs(m[3] - year))
        )[:1]
    manufacturer, model, _, _, price = rng.choice(options)
    return manufacturer, model, price


def build_rows(rng: random.Random) -> tuple[list[list[str]], list[tuple[str, str]]]:
    agents = [f"{rng.choice(FIRST)}.{rng.choice(LAST)}" for _ in range(1900)]
    dir_weights = [d[2] for d in DIRECTIONS]
    devices: list[dict[str, object]] = []

    def add(category: str, status: str) -> None:
        school = category != "virtual_machine" and rng.random() < SCHOOL_SHARE.get(category, 0.0)
        if status == "retired":
            year = rng.choices(YEARS, weights=RETIRED_W)[0]
        elif school:
            year = rng.choices(YEARS, weights=SCHOOL_W)[0]
        else:
            year = rng.choices(YEARS, weights=BASE_W)[0]
        if category in {"firewall", "storage"}:
            year = 0
        devices.append({"category": category, "status": status, "school": school, "year": year})

    for category, count in ACTIVE.items():
        stock = IN_STOCK.get(category, 0)
        for i in range(count):
            add(category, "stock" if i < stock else "active")
    for category, count in RETIRED.items():
        for _ in range(count):
            add(category, "retired")

    rows: list[list[str]] = []
    counters: Counter[str] = Counter()
    firewall_i = storage_i = 0
    for dev in devices:
        category = str(dev["category"])
        counters[category] += 1
        school = bool(dev["school"])
        status_kind = str(dev["status"])
        year = int(dev["year"])  # type: ignore[arg-type]
        if category == "firewall":
            manufacturer, model, _, fy, price = CATALOGUE["firewall"][0 if firewall_i < 2 else 1]
            year = fy
            firewall_i += 1
        elif category == "storage":
            manufacturer, model, _, fy, price = CATALOGUE["storage"][storage_i]
            year = fy
            storage_i += 1
        elif category != "virtual_machine":
            manufacturer, model, price = model_for(rng, category, year)
        if school:
            place = rng.choice(SCHOOLS)
            entity = f"{TOP} > Écoles > {place}"
            site = place
        else:
            direction, site, _ = rng.choices(DIRECTIONS, weights=dir_weights)[0]
            entity = f"{TOP} > {direction}"
        if category in {"switch", "router", "wifi_ap", "firewall", "storage", "virtual_machine"}:
            entity = f"{TOP} > DSI"
            if category in {"firewall", "storage", "virtual_machine"} or rng.random() < 0.2:
                site = "Hôtel d'agglomération > Salle serveurs"
        name = f"{PREFIX[category]}-{counters[category]:05d}"
        user = ""
        if category in PERSONAL and status_kind == "active" and not school and rng.random() < 0.85:
            user = rng.choice(agents)
        comment = ""
        if category == "virtual_machine":
            manufacturer, model = "VMware, Inc.", "VMware Virtual Platform"
            vm_role = rng.choice(VM_ROLES)
            name = f"VM-{vm_role}-{counters[category]:03d}"
            label = pick(rng, TYPE_LABELS[category])
            uid = " ".join(f"{rng.randint(0, 255):02x}" for _ in range(3))
            seen = date(2025, rng.randint(1, 12), rng.randint(1, 28))
            seen_at = f"{fr_date(seen)} {rng.randint(6, 19):02d}:{rng.randint(0, 59):02d}"
            row = [
                name,
                entity,
                "En service",
                manufacturer,
                label,
                model,
                f"VMware-42 {uid}",
                "",
                site,
                "",
                "",
                "",
                "",
                "",
                "",
                seen_at,
                ITEMTYPE[category],
            ]
            rows.append(row)
            continue
        bought = rand_date(rng, year)
        startup = bought + timedelta(days=rng.randint(2, 40)) if rng.random() < 0.3 else None
        value = round(price * rng.uniform(0.94, 1.06), 2)
        value_txt = fr_money(value) if rng.random() > 0.07 else ""
        decommission = None
        if status_kind == "retired":
            status = rng.choice(["Au rebut", "Au rebut", "Réformé"])
            life = rng.randint(4, 9)
            decommission = date(
                min(bought.year + life, 2025), rng.randint(1, 12), rng.randint(1, 28)
            )
            if decommission <= bought:
                decommission = bought + timedelta(days=365 * 4)
            comment = rng.choice(
                ["", "", "Don association", "Filière DEEE", "Cédé à l'agent", "Pièces détachées"]
            )
        elif status_kind == "stock":
            status = "En stock"
        else:
            status = rng.choices(["En service", "En réparation", "En prêt"], weights=[97, 2, 1])[0]
        refurb_p = REFURB_CATEGORIES.get(category, 0.0)
        if status_kind != "retired" and year >= 2020 and rng.random() < refurb_p * 1.6:
            comment = rng.choice(
                [
                    "Reconditionné",
                    "Reconditionné",
                    "Reconditionné grade A",
                    "Matériel reconditionné - UGAP",
                ]
            )
        elif status_kind == "active" and rng.random() < 0.01:
            comment = "Réemploi interne"
        elif category == "tablet" and school and not comment:
            comment = "Classe mobile"
        modified = date(2024, 1, 1) + timedelta(days=rng.randint(0, 800))
        rows.append(
            [
                name,
                entity,
                status,
                manufacturer,
                pick(rng, TYPE_LABELS[category]),
                model,
                serial(rng, rng.choice([7, 8, 10])),
                "",
                site,
                user,
                fr_date(bought),
                fr_date(startup),
                value_txt,
                fr_date(decommission),
                comment,
                f"{fr_date(modified)} {rng.randint(7, 19):02d}:{rng.randint(0, 59):02d}",
                ITEMTYPE[category],
            ]
        )

    # GLPI lists items sorted by name; inventory numbers are then handed out in that order.
    rows.sort(key=lambda r: (r[0], r[6]))
    for i, row in enumerate(rows, start=1):
        row[7] = f"VDL-{i:06d}" if row[16] != "Ordinateur" or row[4] != "Machine virtuelle" else ""

    dirty = make_dirty(rng, rows)
    return rows, dirty


def make_dirty(rng: random.Random, rows: list[list[str]]) -> list[tuple[str, str]]:
    """Spoil about ten rows the way real exports are spoilt; return (name, what) pairs."""
    physical = [r for r in rows if r[4] != "Machine virtuelle"]
    picks = rng.sample(physical, 11)
    notes: list[tuple[str, str]] = []

    def note(row: list[str], what: str) -> None:
        notes.append((row[0], what))

    picks[0][10] = "00/00/0000"
    note(picks[0], "Date d'achat = 00/00/0000")
    picks[1][3], picks[1][4], picks[1][5] = "", "", "XK-200"
    note(picks[1], "Type blank, Fabricant blank, unknown Modèle 'XK-200'")
    picks[2][12] = "NC"
    note(picks[2], "Valeur = NC")
    picks[3][10] = picks[3][10][-4:] if picks[3][10] else "2018"
    note(picks[3], "Date d'achat is a bare year")
    picks[4][3], picks[4][5] = "", ""
    note(picks[4], "Fabricant and Modèle blank (type only)")
    if picks[5][10]:
        d = picks[5][10].split("/")
        picks[5][13] = f"{d[0]}/{d[1]}/{int(d[2]) - 2}"
        picks[5][2] = "Au rebut"
    note(picks[5], "Date de réforme earlier than Date d'achat")
    picks[6][2] = ""
    note(picks[6], "Statut blank")
    picks[7][4] = "???"
    note(picks[7], "Type = ???")
    picks[8][7] = picks[9][7]
    note(picks[8], f"Numéro d'inventaire duplicated ({picks[9][7]}, also on {picks[9][0]})")
    picks[10][12] = "1" + NBSP + "0" + NBSP + "49,00" + NBSP + "€"
    note(picks[10], "Valeur with stray grouping '1 0 49,00 €'")
    return notes


# ----------------------------------------------------------------------------------------
# Servers: GLPI-Agent JSON and FusionInventory XML
# ----------------------------------------------------------------------------------------
CPU = {
    "Gold 5218": ("Intel(R) Xeon(R) Gold 5218 CPU @ 2.30GHz", 16, 2300, "Xeon"),
    "Gold 6230R": ("Intel(R) Xeon(R) Gold 6230R CPU @ 2.10GHz", 26, 2100, "Xeon"),
    "Silver 4214R": ("Intel(R) Xeon(R) Silver 4214R CPU @ 2.40GHz", 12, 2400, "Xeon"),
    "Silver 4314": ("Intel(R) Xeon(R) Silver 4314 CPU @ 2.40GHz", 16, 2400, "Xeon"),
    "Gold 6338": ("Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz", 32, 2000, "Xeon"),
    "Gold 5416S": ("Intel(R) Xeon(R) Gold 5416S", 16, 2000, "Xeon"),
    "Silver 4210R": ("Intel(R) Xeon(R) Silver 4210R CPU @ 2.40GHz", 10, 2400, "Xeon"),
    "E-2224": ("Intel(R) Xeon(R) E-2224 CPU @ 3.40GHz", 4, 3400, "Xeon"),
    "E-2336": ("Intel(R) Xeon(R) E-2336 CPU @ 2.90GHz", 6, 2900, "Xeon"),
    "EPYC 7313": ("AMD EPYC 7313 16-Core Processor", 16, 3000, "EPYC"),
}
DISK = {
    # key: (manufacturer, model, size in GB, interface, is SSD)
    "ssd480": ("Intel", "SSDSC2KB480G8R", 480, "SATA", True),
    "ssd960": ("Samsung", "MZ7KH960HAJR0D3", 960, "SATA", True),
    "ssd1920": ("Kioxia", "KPM6XRUG1T92", 1920, "SAS", True),
    "nvme1600": ("Dell", "Dell Ent NVMe P5600 MU U.2 1.6TB", 1600, "NVMe", True),
    "hdd2000": ("Seagate", "ST2000NM003A", 2000, "SAS", False),
    "hdd8000": ("HGST", "HUS728T8TAL5204", 8000, "SAS", False),
    "hdd16000": ("Toshiba", "MG08SCA16TE", 16000, "SAS", False),
    "boss240": ("Micron", "MTFDDAV240TDU", 240, "SATA", True),
}
# (file stem, hostname, manufacturer, model, year, cpu, sockets, DIMM GB, DIMMs, disks, os, role,
#  number of VMs)
SERVER_SPECS = [
    (
        "srv-esx-01",
        "srv-esx-01.vdl.local",
        "Dell Inc.",
        "PowerEdge R740",
        2019,
        "Gold 6230R",
        2,
        32,
        12,
        ["boss240"] * 2,
        "esx",
        "Cluster vSphere PROD",
        40,
    ),
    (
        "srv-esx-02",
        "srv-esx-02.vdl.local",
        "Dell Inc.",
        "PowerEdge R740",
        2019,
        "Gold 6230R",
        2,
        32,
        12,
        ["boss240"] * 2,
        "esx",
        "Cluster vSphere PROD",
        38,
    ),
    (
        "srv-esx-03",
        "srv-esx-03.vdl.local",
        "Dell Inc.",
        "PowerEdge R740",
        2019,
        "Gold 6230R",
        2,
        32,
        12,
        ["boss240"] * 2,
        "esx",
        "Cluster vSphere PROD",
        37,
    ),
    (
        "srv-esx-04",
        "srv-esx-04.vdl.local",
        "Dell Inc.",
        "PowerEdge R740",
        2019,
        "Gold 5218",
        2,
        32,
        8,
        ["boss240"] * 2,
        "esx",
        "Cluster vSphere PROD",
        30,
    ),
    (
        "srv-esx-05",
        "srv-esx-05.vdl.local",
        "Dell Inc.",
        "PowerEdge R650",
        2021,
        "Gold 6338",
        2,
        64,
        8,
        ["boss240"] * 2,
        "esx",
        "Cluster vSphere PROD",
        42,
    ),
    (
        "srv-esx-06",
        "srv-esx-06.vdl.local",
        "Dell Inc.",
        "PowerEdge R650",
        2021,
        "Gold 6338",
        2,
        64,
        8,
        ["boss240"] * 2,
        "esx",
        "Cluster vSphere PROD",
        41,
    ),
    (
        "srv-vdi-01",
        "srv-vdi-01.vdl.local",
        "HPE",
        "ProLiant DL380 Gen10",
        2020,
        "Gold 6230R",
        2,
        32,
        16,
        ["ssd960"] * 4,
        "esx",
        "Cluster VDI (clients légers)",
        18,
    ),
    (
        "srv-vdi-02",
        "srv-vdi-02.vdl.local",
        "HPE",
        "ProLiant DL380 Gen10",
        2020,
        "Gold 6230R",
        2,
        32,
        16,
        ["ssd960"] * 4,
        "esx",
        "Cluster VDI (clients légers)",
        18,
    ),
    (
        "srv-vdi-03",
        "srv-vdi-03.vdl.local",
        "Dell Inc.",
        "PowerEdge R650",
        2022,
        "Gold 6338",
        2,
        64,
        8,
        ["ssd1920"] * 4,
        "esx",
        "Cluster VDI (clients légers)",
        20,
    ),
    (
        "srv-esx-pra",
        "srv-esx-pra.vdl.local",
        "Dell Inc.",
        "PowerEdge R660",
        2024,
        "Gold 5416S",
        2,
        64,
        8,
        ["nvme1600"] * 4,
        "esx",
        "Site de secours (PRA)",
        16,
    ),
    (
        "srv-sauv-01",
        "SRV-SAUV-01",
        "HPE",
        "ProLiant DL380 Gen10 Plus",
        2022,
        "Silver 4314",
        1,
        32,
        4,
        ["ssd480"] * 2 + ["hdd16000"] * 12,
        "win2022",
        "Sauvegarde Veeam",
        0,
    ),
    (
        "srv-sauv-02",
        "SRV-SAUV-02",
        "Dell Inc.",
        "PowerEdge R750",
        2023,
        "Silver 4314",
        1,
        32,
        4,
        ["ssd480"] * 2 + ["hdd8000"] * 8,
        "win2022",
        "Sauvegarde Veeam (PRA)",
        0,
    ),
    (
        "srv-fic-01",
        "SRV-FIC-01",
        "Dell Inc.",
        "PowerEdge R640",
        2018,
        "Silver 4214R",
        2,
        16,
        8,
        ["raid-perc"],
        "win2019",
        "Serveur de fichiers",
        0,
    ),
    (
        "srv-fic-02",
        "SRV-FIC-02",
        "Dell Inc.",
        "PowerEdge R640",
        2018,
        "Silver 4214R",
        2,
        16,
        8,
        ["hdd2000"] * 6,
        "win2019",
        "Serveur de fichiers (répliqué)",
        0,
    ),
    (
        "srv-sig-01",
        "srv-sig-01",
        "Dell Inc.",
        "PowerEdge R650",
        2022,
        "Gold 6338",
        2,
        32,
        8,
        ["ssd1920"] * 6,
        "debian12",
        "SIG / PostGIS",
        0,
    ),
    (
        "srv-gtc-step",
        "SRV-GTC-STEP",
        "HPE",
        "ProLiant DL20 Gen10",
        2020,
        "E-2224",
        1,
        16,
        2,
        ["ssd480"] * 2,
        "win2019",
        "Supervision station d'épuration",
        0,
    ),
    (
        "srv-gtc-dechets",
        "SRV-GTC-DECH",
        "HPE",
        "ProLiant DL20 Gen10 Plus",
        2023,
        "E-2336",
        1,
        16,
        2,
        ["ssd480"] * 2,
        "win2022",
        "Pesée / contrôle d'accès déchetteries",
        0,
    ),
    (
        "srv-med-01",
        "srv-med-01",
        "Dell Inc.",
        "PowerEdge R350",
        2022,
        "E-2336",
        1,
        16,
        2,
        ["ssd960"] * 2,
        "rocky9",
        "SIGB médiathèques",
        0,
    ),
    (
        "srv-ipbx-01",
        "srv-ipbx-01",
        "HPE",
        "ProLiant DL360 Gen10",
        2019,
        "Silver 4210R",
        1,
        16,
        4,
        ["raid-smartarray"],
        "debian11",
        "IPBX / téléphonie IP",
        0,
    ),
    (
        "srv-ipbx-02",
        "srv-ipbx-02",
        "HPE",
        "ProLiant DL360 Gen10",
        2019,
        "Silver 4210R",
        1,
        16,
        4,
        ["ssd480"] * 2,
        "debian11",
        "IPBX secours",
        0,
    ),
    (
        "srv-bdd-01",
        "SRV-BDD-01",
        "Dell Inc.",
        "PowerEdge R750",
        2023,
        "Gold 6338",
        2,
        32,
        16,
        ["nvme1600"] * 4,
        "win2022",
        "SQL Server (finances, RH)",
        0,
    ),
    (
        "srv-ecoles-01",
        "srv-ecoles-01",
        "Dell Inc.",
        "PowerEdge R660",
        2024,
        "Gold 5416S",
        1,
        32,
        8,
        ["ssd1920"] * 4,
        "ubuntu2204",
        "ENT et filtrage écoles",
        0,
    ),
    (
        "srv-amd-01",
        "srv-amd-01",
        "Dell Inc.",
        "PowerEdge R7515",
        2021,
        "EPYC 7313",
        1,
        32,
        8,
        ["ssd960"] * 2 + ["hdd8000"] * 4,
        "ubuntu2204",
        "Supervision / logs",
        0,
    ),
    (
        "srv-labo-01",
        "SRV-LABO-01",
        "HPE",
        "ProLiant DL380 Gen10",
        2019,
        "Silver 4214R",
        2,
        16,
        6,
        ["hdd2000"] * 4,
        "win2016",
        "Recette applicative",
        0,
    ),
]
OS = {
    "esx": {
        "name": "VMware ESXi",
        "version": "7.0.3",
        "full_name": "VMware ESXi 7.0.3 build-21930508",
        "arch": "x86_64",
        "kernel_name": "vmkernel",
    },
    "win2016": {
        "name": "Windows",
        "version": "1607",
        "full_name": "Microsoft Windows Server 2016 Standard",
        "arch": "64-bit",
        "kernel_name": "MSWin32",
        "kernel_version": "10.0.14393",
    },
    "win2019": {
        "name": "Windows",
        "version": "1809",
        "full_name": "Microsoft Windows Server 2019 Standard",
        "arch": "64-bit",
        "kernel_name": "MSWin32",
        "kernel_version": "10.0.17763",
    },
    "win2022": {
        "name": "Windows",
        "version": "21H2",
        "full_name": "Microsoft Windows Server 2022 Standard",
        "arch": "64-bit",
        "kernel_name": "MSWin32",
        "kernel_version": "10.0.20348",
    },
    "debian11": {
        "name": "Debian GNU/Linux",
        "version": "11 (bullseye)",
        "full_name": "Debian GNU/Linux 11 (bullseye)",
        "arch": "x86_64",
        "kernel_name": "linux",
        "kernel_version": "5.10.0-28-amd64",
    },
    "debian12": {
        "name": "Debian GNU/Linux",
        "version": "12 (bookworm)",
        "full_name": "Debian GNU/Linux 12 (bookworm)",
        "arch": "x86_64",
        "kernel_name": "linux",
        "kernel_version": "6.1.0-21-amd64",
    },
    "ubuntu2204": {
        "name": "Ubuntu",
        "version": "22.04.4 LTS (Jammy Jellyfish)",
        "full_name": "Ubuntu 22.04.4 LTS",
        "arch": "x86_64",
        "kernel_name": "linux",
        "kernel_version": "5.15.0-107-generic",
    },
    "rocky9": {
        "name": "Rocky Linux",
        "version": "9.4 (Blue Onyx)",
        "full_name": "Rocky Linux release 9.4 (Blue Onyx)",
        "arch": "x86_64",
        "kernel_name": "linux",
        "kernel_version": "5.14.0-427.13.1.el9_4.x86_64",
    },
}


def uuid_like(rng: random.Random) -> str:
    h = "".join(rng.choice("0123456789abcdef") for _ in range(32))
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def server_json(rng: random.Random, spec: tuple, vm_names: list[str]) -> dict:
    _stem, host, manuf, model, year, cpu_key, sockets, dimm_gb, dimms, disks, os_key, role, _ = spec
    cpu_name, cores, speed, family = CPU[cpu_key]
    ssn = serial(rng, 7) if manuf.startswith("Dell") else "CZJ" + serial(rng, 7)
    bdate = date(year, rng.randint(1, 12), rng.randint(1, 28)).isoformat()
    cpus = [
        {
            "arch": "x86_64",
            "core": cores,
            "thread": cores * 2,
            "familyname": family,
            "manufacturer": "AMD" if cpu_key.startswith("EPYC") else "Intel",
            "name": cpu_name,
            "speed": speed,
            "id": f"{rng.randint(0, 0xFFFFFFFF):08X}",
        }
        for _ in range(sockets)
    ]
    memories = []
    total_slots = 24 if sockets == 2 else 16 if dimm_gb >= 32 else 4
    for i in range(total_slots):
        entry: dict[str, object] = {
            "caption": f"DIMM {chr(65 + i // 12)}{i % 12 + 1}",
            "numslots": i + 1,
            "description": "DIMM (Synchronous Registered (Buffered))",
        }
        if i < dimms:
            entry.update(
                {
                    "capacity": dimm_gb * 1024,
                    "type": "DDR4" if year < 2023 else "DDR5",
                    "speed": "2933" if year < 2021 else "3200" if year < 2023 else "4800",
                    "manufacturer": rng.choice(["Micron Technology", "Samsung", "SK Hynix"]),
                    "serialnumber": serial(rng, 8),
                }
            )
        else:
            entry["description"] = "Empty slot"
        memories.append(entry)
    storages = []
    for i, key in enumerate(disks):
        if key == "raid-perc":
            storages.append(
                {
                    "name": "Disk 0",
                    "description": "PERC H730P Mini SCSI Disk Device",
                    "manufacturer": "DELL",
                    "model": "PERC H730P Mini",
                    "disksize": 5995000,
                    "interface": "SCSI",
                    "type": "disk",
                    "serial": serial(rng, 24),
                }
            )
            continue
        if key == "raid-smartarray":
            storages.append(
                {
                    "name": "sda",
                    "description": "SCSI",
                    "manufacturer": "HP",
                    "model": "LOGICAL VOLUME",
                    "disksize": 1200000,
                    "interface": "SCSI",
                    "type": "disk",
                    "serial": serial(rng, 20),
                }
            )
            continue
        dm, dmodel, size_gb, iface, _ = DISK[key]
        if os_key.startswith("win"):
            disk_name = f"Disk {i}"
        elif iface == "NVMe":
            disk_name = f"nvme{i}n1" if os_key != "esx" else f"nvme{i}"
        else:
            disk_name = f"sd{chr(97 + i)}"
        storages.append(
            {
                "name": disk_name,
                "description": "Disk drive" if os_key.startswith("win") else iface,
                "manufacturer": dm,
                "model": dmodel,
                "disksize": size_gb * 1000 - rng.randint(0, 40),
                "interface": iface,
                "type": "disk",
                "serial": serial(rng, 12),
                "firmware": serial(rng, 4),
            }
        )
    os_block = dict(OS[os_key])
    os_block["fqdn"] = host.lower() if "." in host else f"{host.lower()}.vdl.local"
    os_block["install_date"] = (
        date(year, 1, 1) + timedelta(days=rng.randint(30, 300))
    ).isoformat() + " 10:12:00"
    os_block["timezone"] = {"name": "Europe/Paris", "offset": "+0100"}
    content: dict[str, object] = {
        "bios": {
            "bdate": bdate,
            "bmanufacturer": manuf,
            "bversion": f"{rng.randint(1, 3)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}",
            "smanufacturer": manuf,
            "smodel": model,
            "ssn": ssn,
            "mmanufacturer": manuf,
            "assettag": f"VDL-S{SERVER_SPECS.index(spec) + 1:03d}",
        },
        "hardware": {
            "name": host.split(".")[0],
            "uuid": uuid_like(rng),
            "memory": dimm_gb * dimms * 1024 - rng.randint(200, 900),
            "vmsystem": "Physical",
            "chassis_type": "Rack Mount Chassis",
            "workgroup": "vdl.local",
            "description": role,
        },
        "cpus": cpus,
        "memories": memories,
        "storages": storages,
        "operatingsystem": os_block,
        "versionclient": "GLPI-Agent_v1.7.3" if os_key != "esx" else "GLPI-Agent_v1.7.3 (esx task)",
    }
    if vm_names:
        content["virtualmachines"] = [
            {
                "name": vm,
                "uuid": uuid_like(rng),
                "status": "running" if rng.random() > 0.05 else "off",
                "vmtype": "VMware",
                "subsystem": "VMware ESXi",
                "memory": rng.choice([2048, 4096, 8192, 8192, 16384, 32768]),
                "vcpu": rng.choice([1, 2, 2, 4, 4, 8]),
                "comment": "",
            }
            for vm in vm_names
        ]
    return {
        "action": "inventory",
        "deviceid": f"{host.split('.')[0]}-{bdate}-10-00-00",
        "itemtype": "Computer",
        "content": content,
    }


FUSION = [
    (
        "srv-old-r720",
        "SRV-OLD-R720",
        "Dell Inc.",
        "PowerEdge R720",
        "2014-02-10",
        2,
        "Intel(R) Xeon(R) CPU E5-2640 v2 @ 2.00GHz",
        8,
        2000,
        8,
        16384,
        [("SEAGATE", "ST300MM0006", 300000, "SAS")] * 4,
        "Microsoft Windows Server 2012 R2 Standard",
        "6.3.9600",
        "FusionInventory-Agent_v2.3.21",
    ),
    (
        "srv-old-dl360p",
        "srv-old-dl360p",
        "HP",
        "ProLiant DL360p Gen8",
        "2013-06-24",
        1,
        "Intel(R) Xeon(R) CPU E5-2620 0 @ 2.00GHz",
        6,
        2000,
        4,
        8192,
        [("HP", "EG0300FBVFL", 300000, "SAS"), ("HP", "EG0300FBVFL", 300000, "SAS")],
        "Debian GNU/Linux 8.11 (jessie)",
        "3.16.0-11-amd64",
        "FusionInventory-Agent_v2.3.16",
    ),
]


def fusion_xml(rng: random.Random, spec: tuple) -> str:
    (
        _stem,
        host,
        manuf,
        model,
        bdate,
        sockets,
        cpu_name,
        cores,
        speed,
        dimms,
        dimm_mb,
        disks,
        os_name,
        os_version,
        client,
    ) = spec
    x = ['<?xml version="1.0" encoding="UTF-8" ?>', "<REQUEST>", "  <CONTENT>"]
    x += [
        "    <BIOS>",
        f"      <BDATE>{bdate[5:7]}/{bdate[8:10]}/{bdate[:4]}</BDATE>",
        f"      <BMANUFACTURER>{escape(manuf)}</BMANUFACTURER>",
        f"      <BVERSION>{rng.randint(1, 3)}.{rng.randint(0, 9)}.{rng.randint(0, 9)}</BVERSION>",
        f"      <SMANUFACTURER>{escape(manuf)}</SMANUFACTURER>",
        f"      <SMODEL>{escape(model)}</SMODEL>",
        f"      <SSN>{serial(rng, 7)}</SSN>",
        "    </BIOS>",
    ]
    for _ in range(sockets):
        x += [
            "    <CPUS>",
            f"      <CORE>{cores}</CORE>",
            "      <MANUFACTURER>Intel</MANUFACTURER>",
            f"      <NAME>{escape(cpu_name)}</NAME>",
            f"      <SPEED>{speed}</SPEED>",
            f"      <THREAD>{cores * 2}</THREAD>",
            "    </CPUS>",
        ]
    for i in range(dimms):
        x += [
            "    <MEMORIES>",
            f"      <CAPACITY>{dimm_mb}</CAPACITY>",
            f"      <CAPTION>DIMM {i + 1}</CAPTION>",
            "      <DESCRIPTION>DIMM</DESCRIPTION>",
            f"      <NUMSLOTS>{i + 1}</NUMSLOTS>",
            "      <SPEED>1600</SPEED>",
            "      <TYPE>DDR3</TYPE>",
            "    </MEMORIES>",
        ]
    for i, (dm, dmodel, size_mb, iface) in enumerate(disks):
        x += [
            "    <STORAGES>",
            f"      <DESCRIPTION>{iface}</DESCRIPTION>",
            f"      <DISKSIZE>{size_mb - rng.randint(0, 40)}</DISKSIZE>",
            f"      <INTERFACE>{iface}</INTERFACE>",
            f"      <MANUFACTURER>{dm}</MANUFACTURER>",
            f"      <MODEL>{dmodel}</MODEL>",
            f"      <NAME>sd{chr(97 + i)}</NAME>",
            "      <TYPE>disk</TYPE>",
            f"      <SERIALNUMBER>{serial(rng, 10)}</SERIALNUMBER>",
            "    </STORAGES>",
        ]
    x += [
        "    <HARDWARE>",
        f"      <NAME>{host}</NAME>",
        f"      <MEMORY>{dimms * dimm_mb - rng.randint(200, 600)}</MEMORY>",
        f"      <OSNAME>{escape(os_name)}</OSNAME>",
        f"      <OSVERSION>{escape(os_version)}</OSVERSION>",
        f"      <UUID>{uuid_like(rng).upper()}</UUID>",
        "      <VMSYSTEM>Physical</VMSYSTEM>",
        "      <CHASSIS_TYPE>Rack Mount Chassis</CHASSIS_TYPE>",
        "    </HARDWARE>",
    ]
    x += [
        "    <OPERATINGSYSTEM>",
        f"      <FULL_NAME>{escape(os_name)}</FULL_NAME>",
        f"      <NAME>{'Windows' if 'Windows' in os_name else 'Debian GNU/Linux'}</NAME>",
        f"      <VERSION>{escape(os_version)}</VERSION>",
        "    </OPERATINGSYSTEM>",
    ]
    x += [
        f"    <VERSIONCLIENT>{client}</VERSIONCLIENT>",
        "  </CONTENT>",
        f"  <DEVICEID>{host}-{bdate}-09-30-00</DEVICEID>",
        "  <QUERY>INVENTORY</QUERY>",
        "</REQUEST>",
        "",
    ]
    return "\n".join(x)


def main() -> None:
    rng = random.Random(2026)
    rows, dirty = build_rows(rng)

    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(HEADER)
    writer.writerows(rows)
    DEMO.mkdir(parents=True, exist_ok=True)
    csv_path = DEMO / "val-de-lisiere-glpi.csv"
    csv_path.write_bytes(buf.getvalue().encode("cp1252"))

    # Servers: the VMs of the CSV are spread over the ESX hosts.
    vms = [r[0] for r in rows if r[4] == "Machine virtuelle"]
    SERVERS.mkdir(parents=True, exist_ok=True)
    for old in SERVERS.glob("*"):
        if old.suffix in {".json", ".xml"}:
            old.unlink()
    start = 0
    for spec in SERVER_SPECS:
        n = spec[-1]
        names = vms[start : start + n]
        start += n
        data = server_json(rng, spec, names)
        (SERVERS / f"{spec[0]}.json").write_text(
            json.dumps(data, indent=4, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    for spec in FUSION:
        (SERVERS / f"{spec[0]}.xml").write_text(fusion_xml(rng, spec), encoding="utf-8")

    # Report
    by_itemtype = Counter(r[16] for r in rows)
    by_type = Counter((r[16], r[4]) for r in rows)
    status = Counter(r[2] for r in rows)
    print(f"{csv_path.relative_to(ROOT)}: {len(rows)} rows, {csv_path.stat().st_size} bytes")
    print("By GLPI item type (Type d'élément):")
    for k, v in sorted(by_itemtype.items(), key=lambda kv: -kv[1]):
        print(f"  {k:<18} {v:>5}")
    print("By item type and Type:")
    for (it, t), v in sorted(by_type.items()):
        print(f"  {it:<18} {t or '(vide)':<28} {v:>5}")
    print("By status:", dict(sorted(status.items())))
    print(f"VMs placed on ESX hosts: {start} of {len(vms)}")
    print(f"servers/: {len(SERVER_SPECS)} GLPI-Agent JSON, {len(FUSION)} FusionInventory XML")
    index = {r[0]: i for i, r in enumerate(rows, start=2)}
    print("Deliberately dirty rows (physical line, header = 1):")
    for name, what in sorted(dirty, key=lambda d: index[d[0]]):
        print(f"  line {index[name]:>5}  {name:<12} {what}")


if __name__ == "__main__":
    main()
