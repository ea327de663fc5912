"""French names of the contract's keys (categories, criteria, phases), shared by the pages of
several domains (footprint, strategy's annual report). Labels of one domain stay in its app."""

from __future__ import annotations

from typing import Final

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
