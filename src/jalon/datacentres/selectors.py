"""Reads of the data centres domain. Callers pass an organisation obtained from tenancy.scope."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Final

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from jalon.core import datacentres as core
from jalon.datacentres.models import PracticeStatus, Site, SiteYear
from jalon.inventory.models import Asset
from jalon.inventory.selectors import assets
from jalon.tenancy.models import Organisation

# The inventory's categories a machine room hosts (the engine's data-centre profile); the
# strategy's share counts physical servers only.
HOSTED_CATEGORIES: Final = ("server", "storage")
SERVER: Final = "server"


def sites(organisation: Organisation) -> QuerySet[Site]:
    return Site.objects.filter(organisation=organisation)


def site(organisation: Organisation, site_id: int) -> Site:
    """One site of the organisation; another organisation's id is a 404."""
    return get_object_or_404(sites(organisation), pk=site_id)


def site_years(target: Site) -> QuerySet[SiteYear]:
    return target.years.select_related("site").order_by("year")


def site_year(target: Site, site_year_id: int) -> SiteYear:
    return get_object_or_404(site_years(target), pk=site_year_id)


def year_of(target: Site, year: int) -> SiteYear | None:
    return site_years(target).filter(year=year).first()


# --- Hosting: which servers of the inventory each site hosts ----------------------------------

@dataclass
class Hosting:
    by_site: dict[int, list[Asset]] = field(default_factory=dict)
    unassigned: list[Asset] = field(default_factory=list)

    def servers(self, site_id: int) -> list[Asset]:
        return [a for a in self.by_site.get(site_id, []) if a.category == SERVER]

    @property
    def server_count(self) -> int:
        hosted = sum(1 for rows in self.by_site.values() for a in rows if a.category == SERVER)
        return hosted + sum(1 for a in self.unassigned if a.category == SERVER)


def _key(value: str) -> str:
    return value.strip().casefold()


def hosting(organisation: Organisation, site_list: list[Site] | None = None) -> Hosting:
    """The in-service servers and storage arrays of the inventory by hosting site: by name or
    inventory number first (the more specific), else by location; the first site in name
    order wins a tie."""
    site_list = list(sites(organisation)) if site_list is None else site_list
    by_asset: dict[str, int] = {}
    by_location: dict[str, int] = {}
    for s in site_list:
        for entry in s.hosted_asset_list:
            by_asset.setdefault(_key(entry), s.pk)
        for entry in s.inventory_site_list:
            by_location.setdefault(_key(entry), s.pk)
    result = Hosting(by_site={s.pk: [] for s in site_list})
    rows = (assets(organisation).filter(category__in=HOSTED_CATEGORIES,
                                        retirement_date__isnull=True)
            .only("id", "name", "inventory_number", "site", "category", "model",
                  "manufacturer", "pue", "organisation_id")
            .order_by("name", "id"))
    for asset in rows:
        site_id = (by_asset.get(_key(asset.inventory_number or "\0"))
                   or by_asset.get(_key(asset.name or "\0"))
                   or by_location.get(_key(asset.site or "\0")))
        if site_id is None:
            result.unassigned.append(asset)
        else:
            result.by_site[site_id].append(asset)
    return result


# --- Checklist and conformity -----------------------------------------------------------------

def practices() -> tuple[core.Practice, ...]:
    return core.load_practices()


def statuses(target: Site) -> dict[str, PracticeStatus]:
    return {p.number: p for p in target.practices.all()}


def checklist(target: Site) -> dict[str, core.ChecklistEntry]:
    return {p.number: core.ChecklistEntry(p.status, p.due_date)
            for p in target.practices.all()}


def conformity(target: Site, today: dt.date) -> core.Conformity:
    return core.conformity(practices(), checklist(target), today)


def conformities(site_list: list[Site], today: dt.date) -> dict[int, core.Conformity]:
    entries: dict[int, dict[str, core.ChecklistEntry]] = defaultdict(dict)
    for row in PracticeStatus.objects.filter(site__in=site_list).only(
            "site_id", "number", "status", "due_date"):
        entries[row.site_id][row.number] = core.ChecklistEntry(row.status, row.due_date)
    return {s.pk: core.conformity(practices(), entries[s.pk], today) for s in site_list}


# --- PUE ------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class SitePue:
    value: float | None
    year: int | None  # the year the value comes from; None for the declared PUE
    estimated: bool  # energy estimated (or no year: the declared PUE)


def current_pue(target: Site, years: list[SiteYear] | None = None) -> SitePue:
    """The PUE of the latest year with energy figures, else the site's declared PUE."""
    rows = list(site_years(target)) if years is None else years
    for row in sorted(rows, key=lambda r: r.year, reverse=True):
        energy = row.energy()
        value = core.pue(energy.total_kwh, energy.it_kwh)
        if value is not None:
            return SitePue(value, row.year, energy.estimated)
    return SitePue(target.declared_pue, None, True)


def pue_map(organisation: Organisation) -> dict[str, dict[str, float]]:
    """For the footprint (footprint.pue provider): the PUE of each site's hosted servers, by
    location, name and inventory number."""
    out: dict[str, dict[str, float]] = {"site": {}, "name": {}, "inventory_number": {}}
    site_list = list(sites(organisation).prefetch_related("years"))
    for s in site_list:
        value = current_pue(s, list(s.years.all())).value
        if value is None:
            continue
        for entry in s.inventory_site_list:
            out["site"].setdefault(entry, value)
        for entry in s.hosted_asset_list:
            out["name"].setdefault(entry, value)
            out["inventory_number"].setdefault(entry, value)
    return out


def years_by_site(organisation: Organisation) -> dict[int, list[SiteYear]]:
    rows: dict[int, list[SiteYear]] = defaultdict(list)
    for row in SiteYear.objects.filter(site__organisation=organisation).select_related("site"):
        rows[row.site_id].append(row)
    return rows


def pue_series(organisation: Organisation) -> tuple[list[int], dict[int, dict[int, float | None]],
                                                     dict[int, float | None]]:
    """Years, PUE per site and year, and the PUE of all sites together per year (sum of EDC over
    sum of EIT)."""
    rows = years_by_site(organisation)
    years = sorted({r.year for site_rows in rows.values() for r in site_rows})
    per_site: dict[int, dict[int, float | None]] = {}
    pooled: dict[int, list[tuple[float | None, float | None]]] = defaultdict(list)
    for site_id, site_rows in rows.items():
        per_site[site_id] = {}
        for r in site_rows:
            energy = r.energy()
            per_site[site_id][r.year] = core.pue(energy.total_kwh, energy.it_kwh)
            pooled[r.year].append((energy.total_kwh, energy.it_kwh))
    overall = {year: core.weighted_pue(pooled[year]) for year in years}
    return years, per_site, overall


# --- The strategy's share --------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ConformantShare:
    servers: int  # in-service physical servers of the inventory
    in_conformant: int
    unassigned: int
    conformant_sites: tuple[str, ...]

    @property
    def value(self) -> float | None:
        return core.share(self.in_conformant, self.servers)


def conformant_share(organisation: Organisation, today: dt.date) -> ConformantShare:
    site_list = list(sites(organisation))
    hosted = hosting(organisation, site_list)
    rates = conformities(site_list, today)
    good = [s for s in site_list if rates[s.pk].conformant]
    inside = sum(len(hosted.servers(s.pk)) for s in good)
    unassigned = sum(1 for a in hosted.unassigned if a.category == SERVER)
    return ConformantShare(servers=hosted.server_count, in_conformant=inside,
                           unassigned=unassigned, conformant_sites=tuple(s.name for s in good))
