"""This domain's part of the demo (jalon demo), called by jalon.demo_site after the catalogue
of services is seeded and before the strategies; idempotent.

The fictitious Val-de-Lisière agglomeration has two server rooms of its own and one colocation
contract (everything here is invented; figures are plausible for rooms of this size):

- the main server room of the Hôtel d'agglomération: metered energy since 2022, PUE falling
  from 1.95 to 1.68 after the cold aisle was contained, 60 % of the expected practices;
- the back-up room of the Centre technique: no meter, energy estimated from its average IT load
  and a declared PUE of 2.1, few practices;
- a colocation contract with a regional data centre operator that participates in the Code of
  Conduct (every expected practice implemented, with the operator's evidence) and reports its
  figures each year: above 500 kW, so its annual KPI report is complete.

DEMO_INDICATORS lists computed indicators (keys of this domain's IndicatorSource entries) that
jalon.demo_site adds to the demo agglomeration's strategy once the strategies exist.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Final

from jalon.core import datacentres as core
from jalon.datacentres import services
from jalon.datacentres.models import Site
from jalon.datacentres.publishing import CONFORMANT_SHARE_KEY, PUE_KEY
from jalon.tenancy.models import Organisation

DEMO_INDICATORS: tuple[dict[str, Any], ...] = (
    {"computed": CONFORMANT_SHARE_KEY,
     "name": "Part des serveurs hébergés dans des salles conformes au code de conduite européen",
     "unit": "%", "precision": 0, "direction": "up",
     "description": "Serveurs physiques en service hébergés dans une salle dont toutes les "
                    "pratiques attendues du code de conduite européen sont mises en œuvre.",
     "method": "Serveurs de l'inventaire rattachés aux salles (lieu, nom ou numéro "
               "d'inventaire) ; conformité d'après la liste de contrôle de chaque salle.",
     "source": "Jalon, salles serveurs",
     "target_kind": "level", "target_value": 100, "target_date": dt.date(2027, 12, 31)},
    {"computed": PUE_KEY, "name": "PUE des salles serveurs", "unit": "PUE", "precision": 2,
     "direction": "down",
     "description": "Énergie totale des salles divisée par l'énergie de leurs équipements "
                    "informatiques, toutes salles ensemble.",
     "method": "Somme des EDC / somme des EIT par année (règlement délégué 2024/1364, "
               "annexe III) ; énergie estimée pour une salle sans compteur.",
     "source": "Jalon, salles serveurs",
     "target_kind": "level", "target_value": 1.5, "target_date": dt.date(2027, 12, 31)},
)

MAIN: Final = "Salle serveurs de l'Hôtel d'agglomération"
BACKUP: Final = "Salle de secours du Centre technique"
COLOCATION: Final = "Colocation Lisière Datacenter (baies B12-B13)"

# Annex I of Delegated Regulation 2024/1364: contact details and LAU code. Val-de-Lisière is
# fictional: its code has the INSEE format but no commune uses it; 35238 is Rennes.
AGGLO_LAU: Final = "35999"
AGGLO_CONTACTS: Final = {"owner_email": "dsi@val-de-lisiere.example",
                         "owner_phone": "02 99 00 00 00",
                         "operator_email": "exploitation.dsi@val-de-lisiere.example",
                         "operator_phone": "02 99 00 00 01"}

SITES: Final[tuple[dict[str, Any], ...]] = (
    {"name": MAIN, "kind": "server_room", "owner": "CA Val-de-Lisière",
     "operator": "CA Val-de-Lisière — DSI", "municipality": "Val-de-Lisière",
     **AGGLO_CONTACTS, "lau_code": AGGLO_LAU, "structure": "single",
     "electrical_redundancy": "N+1 / N", "cooling_redundancy": "N+1",
     "commissioned_on": dt.date(2009, 9, 1), "it_power_kw": 38.0, "total_floor_m2": 60.0,
     "computer_room_m2": 42.0, "cooling": "crac", "refrigerants": "R410A",
     "declared_pue": 1.9,
     "inventory_sites": "Hôtel d'agglomération > Salle serveurs\nSalle serveurs",
     "hosted_assets": "\n".join(["srv-esx-01", "srv-esx-02", "srv-esx-03", "srv-esx-04",
                                 "srv-bdd-01", "srv-fic-01", "srv-fic-02", "srv-sauv-01",
                                 "srv-sig-01", "srv-ipbx-01", "srv-amd-01", "srv-labo-01",
                                 "srv-old-r720", "srv-old-dl360p"]),
     "notes": "Allée froide confinée en 2023 ; consigne relevée de 21 à 24 °C en 2024."},
    {"name": BACKUP, "kind": "server_room", "owner": "CA Val-de-Lisière",
     "operator": "CA Val-de-Lisière — DSI", "municipality": "Val-de-Lisière",
     **AGGLO_CONTACTS, "lau_code": AGGLO_LAU, "structure": "single",
     "electrical_redundancy": "N", "cooling_redundancy": "N",
     "commissioned_on": dt.date(2016, 3, 1), "it_power_kw": 9.0, "computer_room_m2": 12.0,
     "cooling": "split", "refrigerants": "R32", "declared_pue": 2.1,
     "hosted_assets": "\n".join(["srv-esx-pra", "srv-sauv-02", "srv-ipbx-02", "srv-gtc-dechets",
                                 "srv-gtc-step", "srv-ecoles-01", "srv-med-01"]),
     "notes": "Pas de compteur dédié : énergie estimée d'après la charge des onduleurs."},
    {"name": COLOCATION, "kind": "colocation", "owner": "Lisière Datacenter SAS",
     "operator": "Lisière Datacenter SAS", "municipality": "Rennes",
     "owner_email": "contact@lisiere-datacenter.example", "owner_phone": "02 99 00 00 10",
     "operator_email": "exploitation@lisiere-datacenter.example",
     "operator_phone": "02 99 00 00 11", "lau_code": "35238", "structure": "single",
     "mixed_services": True, "electrical_redundancy": "2N / 2N / N+1",
     "cooling_redundancy": "N+1 / N",
     "commissioned_on": dt.date(2018, 6, 1), "it_power_kw": 1800.0,
     "total_floor_m2": 4200.0, "computer_room_m2": 1600.0, "cooling": "free_cooling",
     "refrigerants": "R1234ze", "declared_pue": 1.35,
     "hosted_assets": "\n".join(["srv-esx-05", "srv-esx-06", "srv-vdi-01", "srv-vdi-02",
                                 "srv-vdi-03"]),
     "contract_provider": "Lisière Datacenter SAS", "contract_reference": "MAPA 2024-017",
     "contract_start": dt.date(2024, 1, 1), "contract_end": dt.date(2027, 12, 31),
     "contract_power_kw": 12.0,
     "notes": "Deux baies ; l'hébergeur transmet chaque année ses indicateurs (directive "
              "2023/1791) et son attestation de participant au code de conduite."},
)

# Per site: year -> figures. The main room is metered; the back-up room is estimated from its
# average IT load (kW) and its declared PUE; the colocation figures are the operator's, for the
# whole data centre.
YEARS: Final[dict[str, dict[int, dict[str, Any]]]] = {
    MAIN: {
        2022: {"it_kwh": 201_500, "total_kwh": 392_900, "intake_temperature_c": 21,
               "renewable_kwh": 0},
        2023: {"it_kwh": 196_200, "total_kwh": 357_100, "intake_temperature_c": 21,
               "renewable_kwh": 0},
        2024: {"it_kwh": 190_400, "total_kwh": 331_300, "intake_temperature_c": 24,
               "renewable_kwh": 82_800, "renewable_goo_kwh": 82_800},
        2025: {"it_kwh": 184_900, "total_kwh": 310_600, "intake_temperature_c": 24,
               "renewable_kwh": 310_600, "renewable_goo_kwh": 310_600},
    },
    BACKUP: {
        2024: {"average_it_load_kw": 4.6},
        2025: {"average_it_load_kw": 4.2},
    },
    COLOCATION: {
        2024: {"it_kwh": 9_850_000, "total_kwh": 13_590_000, "water_m3": 6_900,
               "potable_water_m3": 1_200, "reused_kwh": 1_450_000,
               "waste_heat_temperature_c": 32, "intake_temperature_c": 25,
               "cooling_degree_days": 95, "renewable_kwh": 13_590_000,
               "renewable_goo_kwh": 12_100_000, "renewable_ppa_kwh": 0,
               "renewable_onsite_kwh": 1_490_000, "server_capacity": 41_000,
               "storage_capacity_pb": 38, "traffic_in_bandwidth_gbps": 400,
               "traffic_out_bandwidth_gbps": 400, "traffic_in_eb": 0.012,
               "traffic_out_eb": 0.019},
        2025: {"it_kwh": 10_420_000, "total_kwh": 14_060_000, "water_m3": 6_400,
               "potable_water_m3": 1_100, "reused_kwh": 1_980_000,
               "waste_heat_temperature_c": 33, "intake_temperature_c": 26,
               "cooling_degree_days": 110, "renewable_kwh": 14_060_000,
               "renewable_goo_kwh": 12_400_000, "renewable_ppa_kwh": 0,
               "renewable_onsite_kwh": 1_660_000, "server_capacity": 44_500,
               "storage_capacity_pb": 42, "traffic_in_bandwidth_gbps": 400,
               "traffic_out_bandwidth_gbps": 400, "traffic_in_eb": 0.014,
               "traffic_out_eb": 0.022},
    },
}

# The main room: practices implemented (evidence), in progress (owner, due date).
MAIN_DONE: Final = ("3.1.1", "3.1.6", "3.2.14", "4.1.1", "4.1.5", "4.1.7", "4.1.8", "4.1.9",
                    "4.2.1", "4.3.1", "4.3.2", "4.3.8", "5.1.1", "5.1.2", "5.1.4", "5.1.5",
                    "5.2.2", "5.2.4", "5.2.5", "5.2.7", "5.3.1", "7.1.1", "9.1.1", "9.1.2",
                    "9.1.3", "4.3.4")
MAIN_PROGRESS: Final = ("3.1.2", "4.1.10", "4.4.1", "9.2.1", "9.3.1", "5.3.2")
MAIN_NOT_APPLICABLE: Final = ("3.2.1", "3.2.3", "5.1.7", "6.1.1", "6.1.2")
BACKUP_DONE: Final = ("3.1.6", "4.1.7", "4.2.1", "4.3.1", "5.1.4", "5.2.7", "7.1.1")


def _checklist(site_name: str, required: list[str]) -> dict[str, dict[str, Any]]:
    entries: dict[str, dict[str, Any]] = {}
    if site_name == MAIN:
        for number in MAIN_DONE:
            entries[number] = {"status": "implemented", "owner": "Responsable infrastructure",
                               "evidence": "Constaté lors de la revue annuelle de la salle "
                                           "(compte rendu DSI)."}
        for number in MAIN_PROGRESS:
            entries[number] = {"status": "in_progress", "owner": "Responsable infrastructure",
                               "due_date": dt.date(2026, 6, 30)}
        for number in MAIN_NOT_APPLICABLE:
            entries[number] = {"status": "not_applicable",
                               "evidence": "Salle existante : pratique de construction ou "
                                           "de rénovation, à reprendre au prochain "
                                           "réaménagement."}
        entries["3.1.5"] = {"status": "not_started", "owner": "Direction des bâtiments",
                            "due_date": dt.date(2025, 12, 31)}
    elif site_name == BACKUP:
        for number in BACKUP_DONE:
            entries[number] = {"status": "implemented", "owner": "Technicien systèmes",
                               "evidence": "Vérifié lors de la visite de maintenance."}
        entries["9.1.1"] = {"status": "in_progress", "owner": "Technicien systèmes",
                            "due_date": dt.date(2026, 3, 31)}
    else:
        for number in required:
            entries[number] = {"status": "implemented", "owner": "Lisière Datacenter SAS",
                               "evidence": "Hébergeur participant au code de conduite "
                                           "européen ; attestation annexée au contrat "
                                           "MAPA 2024-017."}
    return entries


def seed_demo(agglomeration: Organisation, people: dict[str, Any],
              say: Callable[[str], None]) -> list[str]:
    """What was created, as short French phrases for the demo's summary."""
    if Site.objects.filter(organisation=agglomeration).exists():
        return []
    actor = people["admin"]
    expected = [p.number for p in core.load_practices() if p.is_expected]
    # One inventory change announced for the whole demo (one footprint recomputation).
    with services.one_announcement():
        for spec in SITES:
            site = services.create_site(actor, agglomeration, spec)
            for year, figures in YEARS[spec["name"]].items():
                services.create_year(actor, site, {"year": year, **figures})
            services.save_checklist(actor, site, _checklist(spec["name"], expected))
    return ["deux salles serveurs et un contrat de colocation, avec leurs chiffres annuels et "
            "leur liste de contrôle du code de conduite"]
