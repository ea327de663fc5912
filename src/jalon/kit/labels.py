"""French names of the contract's keys (categories, criteria, phases), shared by the pages of
several domains (footprint, inventory, strategy's annual report), and of the reference data's
codes (acquisition states, electricity mixes); a target's statuses are strategy's own
(strategy/status.py). Labels of one domain stay in its app.
Templates use the filters of `kit_format` (`{{ code|category }}`, `{{ code|mix }}`…); forms use
`choices(...)` — issue 9: no page shows a bare code."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

from django.utils.translation import gettext_lazy as _

CATEGORY_LABELS: Final = {
    "laptop": _("Ordinateurs portables"), "desktop": _("Ordinateurs fixes"),
    "thin_client": _("Clients légers"), "workstation": _("Stations de travail"),
    "monitor": _("Écrans"), "smartphone": _("Smartphones"), "tablet": _("Tablettes"),
    "ip_phone": _("Téléphones IP"), "printer": _("Imprimantes"), "copier": _("Copieurs"),
    "scanner": _("Scanners"), "projector": _("Vidéoprojecteurs"),
    "display": _("Écrans d'affichage"), "server": _("Serveurs"), "storage": _("Stockage"),
    "switch": _("Commutateurs"), "router": _("Routeurs"), "wifi_ap": _("Bornes Wi-Fi"),
    "firewall": _("Pare-feu"), "virtual_machine": _("Machines virtuelles"),
}
CRITERION_LABELS: Final = {
    "gwp": _("Changement climatique"),
    "adpe": _("Ressources abiotiques (minéraux et métaux)"),
    "pe": _("Énergie primaire"),
    "wu": _("Consommation d'eau"),
}
PHASE_LABELS: Final = {
    "manufacture": _("Fabrication"), "distribution": _("Distribution"),
    "use": _("Utilisation"), "end_of_life": _("Fin de vie"),
}


def category_label(key: str) -> str:
    return str(CATEGORY_LABELS.get(key, key))


def criterion_label(key: str) -> str:
    return str(CRITERION_LABELS.get(key, key))


def phase_label(key: str) -> str:
    return str(PHASE_LABELS.get(key, key))


# How a device entered the estate (jalon.core.model.Condition; AGEC art. 58 separates reuse
# from new and refurbished purchases).
CONDITION_LABELS: Final = {
    "new": _("Neuf"), "refurbished": _("Reconditionné"), "reused": _("Réemployé"),
}

# Electricity mixes of the factor set (data/reference/electricity.csv): ISO 3166-1 alpha-3
# country codes, plus two aggregates named by the factor set (EEE: the European average;
# WOR: the world average).
MIX_LABELS: Final = {
    "FRA": _("France"), "DEU": _("Allemagne"), "BEL": _("Belgique"), "ESP": _("Espagne"),
    "ITA": _("Italie"), "GBR": _("Royaume-Uni"), "CHE": _("Suisse"), "LUX": _("Luxembourg"),
    "NLD": _("Pays-Bas"), "EEE": _("Europe (moyenne)"), "WOR": _("Monde (moyenne)"),
}

# The formats the inventory readers recognise (jalon.core.readers: tabular profiles and agent
# formats), named honestly: a spreadsheet of one's own is not a GLPI export.
FORMAT_LABELS: Final = {
    "jalon": _("modèle Jalon"), "glpi": _("export GLPI"), "numecoeval": _("NumEcoEval"),
    "spreadsheet": _("tableur générique"), "glpi-agent-json": _("GLPI Agent (JSON)"),
    "fusioninventory-xml": _("FusionInventory (XML)"),
}


def format_label(key: str) -> str:
    return _label(FORMAT_LABELS, key)


def _label(table: dict[str, Any], key: str | None) -> str:
    # An unknown code is shown as is rather than hidden: a new code in the data stays visible.
    if key is None or key == "":
        return ""
    return str(table.get(key, key))


def condition_label(key: str | None) -> str:
    return _label(CONDITION_LABELS, key)


def mix_label(key: str | None) -> str:
    """'BEL' → 'Belgique'; a code outside the factor set is shown as is."""
    return _label(MIX_LABELS, key)


def choices(table: dict[str, Any], keys: Iterable[str] | None = None) -> list[tuple[str, str]]:
    """(code, French label) pairs for a form's select, in the order of `keys` (default: the
    table's), so that no select offers a bare code."""
    return [(k, _label(table, k)) for k in (table if keys is None else keys)]
