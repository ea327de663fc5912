"""What the data centres domain publishes, declared in the publishing registry
(DatacentresConfig.ready): the `datacentres` Domain, a section of the public home and of the
annual report (sites, PUE, renewable share, conformity with the Code of Conduct), and two
indicators for the strategy: the share of the inventory's servers hosted in rooms conformant
with the Code of Conduct, and the PUE of all the organisation's rooms together.

Published: what a citizen may know of a machine room (kind, PUE, renewable share, conformity);
not the hosted servers' names, the contract references or the checklist's evidence.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final, cast

from django.db.models import Max
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from jalon import events
from jalon.core import datacentres as core
from jalon.datacentres import selectors
from jalon.datacentres.services import TOPIC
from jalon.publishing.indicators import yearly_value, years
from jalon.publishing.registry import (
    ComputedValue,
    Context,
    Domain,
    IndicatorSource,
    PublicSection,
    ReportSection,
    register,
)
from jalon.tenancy.models import Organisation

DOMAIN: Final = "datacentres"
CONFORMANT_SHARE_KEY: Final = "servers_in_coc_conformant_rooms_share"
PUE_KEY: Final = "datacentres_pue"


def _lazy(text: Any) -> str:
    """A lazily translated string where the registry types a str."""
    return cast(str, text)


def site_rows(organisation: Organisation, year: int | None, today: dt.date
              ) -> list[dict[str, Any]]:
    """One row per site: kind, IT power, the PUE, renewable share and energy of `year` (the
    latest year with figures when None), conformity, hosted servers."""
    site_list = list(selectors.sites(organisation))
    if not site_list:
        return []
    hosted = selectors.hosting(organisation, site_list)
    rates = selectors.conformities(site_list, today)
    by_site = selectors.years_by_site(organisation)
    rows = []
    for s in site_list:
        years_of_site = sorted(by_site.get(s.pk, []), key=lambda r: r.year)
        if year is not None:
            years_of_site = [r for r in years_of_site if r.year <= year]
        latest = years_of_site[-1] if years_of_site else None
        energy = latest.energy() if latest else None
        rows.append({
            "site": s, "year": latest.year if latest else None,
            "pue": core.pue(energy.total_kwh, energy.it_kwh) if energy else None,
            "declared_pue": s.declared_pue,
            "estimated": energy.estimated if energy else None,
            "total_kwh": energy.total_kwh if energy else None,
            "renewable": core.ref(latest.renewable_kwh, energy.total_kwh)
            if latest and energy else None,
            "conformity": rates[s.pk], "servers": len(hosted.servers(s.pk)),
        })
    return rows


def public_context(organisation: Organisation, request: HttpRequest) -> Context | None:
    from django.utils import timezone

    today = timezone.localdate()
    rows = site_rows(organisation, None, today)
    if not rows:
        return None
    return {"rows": rows, "share": selectors.conformant_share(organisation, today)}


def report_context(organisation: Organisation, year: int) -> Context | None:
    from django.utils import timezone

    today = timezone.localdate()
    rows = site_rows(organisation, year, today)
    if not rows:
        return None
    _years, _per_site, overall = selectors.pue_series(organisation)
    modified = selectors.sites(organisation).aggregate(latest=Max("updated_at"))["latest"]
    return {"rows": rows, "year": year, "overall_pue": overall.get(year),
            "share": selectors.conformant_share(organisation, today), "modified": modified,
            "sources": [(_("Indicateurs des salles serveurs"),
                         _("Règlement délégué (UE) 2024/1364, annexe III ; code de conduite "
                           "européen sur l'efficacité énergétique des centres de données "
                           "(JRC)"),
                         _("PUE = énergie totale / énergie informatique ; conformité = part "
                           "des pratiques attendues applicables mises en œuvre"))]}


def conformant_share_values(organisation: Organisation, today: dt.date) -> list[ComputedValue]:
    """The current year only: the checklist has no history (a past year's share cannot be
    rebuilt)."""
    share = selectors.conformant_share(organisation, today)
    if share.value is None:
        return []
    detail = {"servers": share.servers, "in_conformant_rooms": share.in_conformant,
              "not_assigned_to_a_room": share.unassigned,
              "conformant_rooms": list(share.conformant_sites)}
    return [yearly_value(today.year, share.value, detail, today)]


def pue_values(organisation: Organisation, today: dt.date) -> list[ComputedValue]:
    _years, per_site, overall = selectors.pue_series(organisation)
    out = []
    for year in years(today):
        value = overall.get(year)
        if value is None:
            continue
        detail = {"sites": sum(1 for values in per_site.values()
                               if values.get(year) is not None)}
        out.append(yearly_value(year, value, detail, today))
    return out


def register_all() -> None:
    register(
        Domain(DOMAIN, _lazy(_("Salles serveurs et centres de données")),
               _lazy(_("Les salles serveurs et l'hébergement : PUE, énergie renouvelable, "
                       "conformité au code de conduite européen.")), order=60),
        PublicSection("datacentres", DOMAIN, _lazy(_("Nos salles serveurs")),
                      "datacentres/public_section.html", public_context, order=60),
        ReportSection("datacentres", _lazy(_("Salles serveurs et centres de données")),
                      "datacentres/report_section.html", report_context, domain=DOMAIN,
                      order=60),
        IndicatorSource(
            CONFORMANT_SHARE_KEY, DOMAIN,
            _lazy(_("Part des serveurs hébergés dans des salles conformes au code de conduite "
                    "européen")), "%", conformant_share_values,
            listens=(TOPIC, events.INVENTORY),
            description=_lazy(_("Serveurs physiques en service de l'inventaire hébergés dans "
                                "une salle dont toutes les pratiques attendues applicables du "
                                "code de conduite européen sont mises en œuvre ; un serveur "
                                "rattaché à aucune salle compte comme hors salle conforme."))),
        IndicatorSource(
            PUE_KEY, DOMAIN, _lazy(_("PUE des salles serveurs")), "",
            pue_values, listens=(TOPIC, events.INVENTORY),
            description=_lazy(_("Énergie totale des salles divisée par l'énergie de leurs "
                                "équipements informatiques, toutes salles ensemble, par "
                                "année (mesurée ou estimée)."))),
    )
