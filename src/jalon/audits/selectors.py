"""Reads of the audits domain. Callers pass an organisation (or objects) obtained from
tenancy.scope; another organisation's id is a 404."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from jalon.audits.models import (
    Campaign,
    Declaration,
    DeclarationKind,
    PageAudit,
    RgaaGrid,
    RgesnGrid,
)
from jalon.catalogue.models import DigitalService, ServiceStatus
from jalon.core import audits as rules
from jalon.core import audits_referentials as referentials
from jalon.tenancy.models import Organisation


def services(organisation: Organisation) -> QuerySet[DigitalService]:
    return DigitalService.objects.filter(organisation=organisation)


def active_services(organisation: Organisation) -> QuerySet[DigitalService]:
    """Services that the audits cover: in service or being retired, with an address."""
    return (services(organisation)
            .filter(status__in=[ServiceStatus.IN_SERVICE, ServiceStatus.BEING_RETIRED])
            .exclude(url="").order_by("name", "id"))


def service(organisation: Organisation, service_id: int) -> DigitalService:
    return get_object_or_404(services(organisation), pk=service_id)


def page_audits(organisation: Organisation) -> QuerySet[PageAudit]:
    return PageAudit.objects.filter(organisation=organisation).select_related("service")


def page_audit(organisation: Organisation, audit_id: int) -> PageAudit:
    return get_object_or_404(page_audits(organisation), pk=audit_id)


def campaigns(organisation: Organisation) -> QuerySet[Campaign]:
    return Campaign.objects.filter(organisation=organisation)


def campaign(organisation: Organisation, campaign_id: int) -> Campaign:
    return get_object_or_404(campaigns(organisation), pk=campaign_id)


def rgaa_grid(organisation: Organisation, grid_id: int) -> RgaaGrid:
    return get_object_or_404(RgaaGrid.objects.filter(organisation=organisation)
                             .select_related("service"), pk=grid_id)


def rgesn_grid(organisation: Organisation, grid_id: int) -> RgesnGrid:
    return get_object_or_404(RgesnGrid.objects.filter(organisation=organisation)
                             .select_related("service"), pk=grid_id)


def declarations(organisation: Organisation) -> QuerySet[Declaration]:
    return Declaration.objects.filter(organisation=organisation).select_related("service")


def declaration(organisation: Organisation, declaration_id: int) -> Declaration:
    return get_object_or_404(declarations(organisation), pk=declaration_id)


def latest_rgaa_grid(service: DigitalService) -> RgaaGrid | None:
    return RgaaGrid.objects.filter(service=service).order_by("-created_at", "-id").first()


def latest_rgesn_grid(service: DigitalService) -> RgesnGrid | None:
    return RgesnGrid.objects.filter(service=service).order_by("-created_at", "-id").first()


def latest_page_audits(service: DigitalService) -> list[PageAudit]:
    """The most recent audit of each page of the service."""
    seen: dict[str, PageAudit] = {}
    for audit in PageAudit.objects.filter(service=service).order_by("-measured_at", "-id"):
        seen.setdefault(audit.url, audit)
    return sorted(seen.values(), key=lambda a: a.url)


# --- Grids -------------------------------------------------------------------------------------

def rgaa_matrix(grid: RgaaGrid) -> dict[str, dict[str, str]]:
    """criterion → page → status, over the criteria of the grid's size ("" page: the whole
    sample). An untouched criterion counts as untested."""
    matrix: dict[str, dict[str, str]] = {c.number: {}
                                         for c in referentials.rgaa_for_size(grid.size)}
    for entry in grid.entries.all():
        if entry.criterion in matrix:
            matrix[entry.criterion][entry.page] = entry.status
    for pages in matrix.values():
        if not pages:
            pages[""] = ""
    return matrix


def rgaa_rate(grid: RgaaGrid) -> rules.Rate:
    return rules.rgaa_rate(rgaa_matrix(grid))


def rgesn_progress(grid: RgesnGrid) -> rules.Progress:
    entries = {e.criterion: e for e in grid.entries.all()}
    return rules.rgesn_score(
        (c.number, c.priority, entries[c.number].status if c.number in entries else "",
         entries[c.number].justification if c.number in entries else "")
        for c in referentials.rgesn())


def rgaa_evidence(service: DigitalService) -> dict[str, list[dict[str, Any]]]:
    """criterion → what axe found on the latest audit of each page: evidence to confirm,
    never a verdict."""
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for audit in latest_page_audits(service):
        for violation in audit.violations:
            for criterion in violation.get("rgaa", []):
                found[criterion].append({"url": audit.url, "audit_id": audit.pk,
                                         "rule": violation["id"], "help": violation.get("help"),
                                         "impact": violation.get("impact"),
                                         "nodes": violation.get("nodes", 0)})
    return dict(found)


def rgesn_evidence(service: DigitalService) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for audit in latest_page_audits(service):
        for check in audit.result.get("rgesn", []):
            found[check["criterion"]].append({"url": audit.url, "check": check["id"],
                                              "result": check["result"],
                                              "evidence": check["evidence"]})
    return dict(found)


# --- Declarations ------------------------------------------------------------------------------

def declaration_status(declaration: Declaration | None, today: dt.date | None = None) -> str:
    if declaration is None:
        return rules.MISSING
    return rules.declaration_status(declaration.established_on, today or timezone.localdate(),
                                    declaration.substantial_change_on)


def published_declaration(service: DigitalService, kind: str) -> Declaration | None:
    return (Declaration.objects.filter(service=service, kind=kind, published=True)
            .order_by("-version").first())


def public_declarations(organisation: Organisation) -> QuerySet[Declaration]:
    return (declarations(organisation).filter(published=True)
            .order_by("service__name", "kind"))


# --- Portfolio and history ---------------------------------------------------------------------

@dataclass
class ServiceRow:
    service: DigitalService
    last_audit: dt.datetime | None = None
    pages: int = 0
    failed_pages: int = 0
    ecoindex: float | None = None
    grade: str = ""
    axe_violations: int | None = None
    rgaa_rate: float | None = None
    rgaa_state: str = ""
    rgaa_declaration: str = rules.MISSING
    rgesn_score: float | None = None
    rgesn_declaration: str = rules.MISSING
    audits: list[PageAudit] = field(default_factory=list)


def service_row(service: DigitalService, today: dt.date | None = None) -> ServiceRow:
    latest = latest_page_audits(service)
    ok = [a for a in latest if a.ok and a.ecoindex is not None]
    row = ServiceRow(service, audits=latest, pages=len(latest),
                     failed_pages=len(latest) - len(ok))
    if latest:
        row.last_audit = max(a.measured_at for a in latest)
    if ok:
        row.ecoindex = round(statistics.mean(a.ecoindex or 0 for a in ok), 1)
        row.grade = rules.grade_of(row.ecoindex)
        row.axe_violations = sum(a.axe_violations or 0 for a in ok)
    grid = latest_rgaa_grid(service)
    if grid:
        rate = rgaa_rate(grid)
        row.rgaa_rate, row.rgaa_state = rate.rate, rate.state
    rgesn = latest_rgesn_grid(service)
    if rgesn:
        row.rgesn_score = rgesn_progress(rgesn).score
    row.rgaa_declaration = declaration_status(
        published_declaration(service, DeclarationKind.RGAA), today)
    row.rgesn_declaration = declaration_status(
        published_declaration(service, DeclarationKind.RGESN), today)
    return row


def portfolio(organisation: Organisation, today: dt.date | None = None) -> list[ServiceRow]:
    return [service_row(s, today) for s in active_services(organisation)]


def history(service: DigitalService) -> list[dict[str, Any]]:
    """Per day of measure: mean EcoIndex of the pages audited that day and their axe rules
    violated, oldest first (for the trend chart and its table)."""
    by_day: dict[dt.date, list[PageAudit]] = defaultdict(list)
    for audit in PageAudit.objects.filter(service=service, status="ok").order_by("measured_at"):
        by_day[timezone.localdate(audit.measured_at)].append(audit)
    return [{"day": day, "pages": len(rows),
             "ecoindex": round(statistics.mean(a.ecoindex or 0 for a in rows), 1),
             "axe": sum(a.axe_violations or 0 for a in rows)}
            for day, rows in sorted(by_day.items())]
