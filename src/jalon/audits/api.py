"""REST API of the audits domain (a ninja Router mounted at /api/v1/ by jalon.api.api).

The token's organisation is the only one reached; other organisations' ids are 404. Reading
needs `read`, launching a campaign `audits.manage`. A campaign runs in the background: the
answer is 202 with the campaign, whose `status` and `done_pages` tell the progress.
"""


import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from jalon.api import auth
from jalon.api.pagination import Pages
from jalon.api.schemas import Error
from jalon.audits import selectors, services
from jalon.audits.models import Campaign, Declaration, PageAudit
from jalon.tenancy.capabilities import Capability

router = Router(tags=["audits"])
ERRORS: dict[int, Any] = {401: Error, 403: Error, 404: Error}


class PageAuditOut(Schema):
    id: int
    service_id: int
    campaign_id: int | None
    url: str
    kind: str
    status: str = Field(description="ok, refused, invalid_url, unreachable, tls_error, "
                                    "timeout, redirect_loop, http_error, not_html, too_big, "
                                    "error")
    message: str
    http_status: int | None
    ecoindex: float | None
    grade: str
    dom_nodes: int | None
    requests: int | None
    size_kb: float | None
    axe_violations: int | None
    rgesn_failed: int | None
    measured_at: dt.datetime


class PageAuditDetail(PageAuditOut):
    result: dict[str, Any] = Field(description="The full result: ecoindex (partial scores, "
                                               "what if, spread, runs), axe, rgesn, "
                                               "protocol, tools (docs/audits.md).")


class AuditFilters(Schema):
    service_id: int | None = None
    campaign_id: int | None = None


class CampaignIn(Schema):
    service_ids: list[int] = Field(default_factory=list, max_length=500,
                                   description="Services to audit; empty: every service in "
                                               "service with an address.")
    runs: int = Field(3, ge=1, le=10)
    name: str = Field("", max_length=200)
    scheduled_for: dt.datetime | None = None
    repeat_days: int | None = Field(None, ge=1, le=366,
                                    description="Reprogrammée autant de jours plus tard.")


class CampaignOut(Schema):
    id: int
    name: str
    status: str
    runs: int
    total_pages: int
    done_pages: int
    scheduled_for: dt.datetime | None
    repeat_days: int | None
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    message: str
    service_ids: list[int]

    @staticmethod
    def resolve_service_ids(obj: Campaign) -> list[int]:
        return sorted(obj.services.values_list("id", flat=True))


class DeclarationOut(Schema):
    id: int
    service_id: int
    kind: str
    version: int
    established_on: dt.date
    rate: float | None
    state: str
    published: bool
    status: str = Field(description="current, expired, superseded or missing")
    substantial_change_on: dt.date | None
    content: dict[str, Any]

    @staticmethod
    def resolve_status(obj: Declaration) -> str:
        return selectors.declaration_status(obj)


class GridOut(Schema):
    service_id: int
    rgaa_size: int | None
    rgaa_rate: float | None
    rgaa_state: str | None
    rgaa_applicable: int | None
    rgaa_validated: int | None
    rgaa_untested: int | None
    rgesn_score: float | None


@router.get("/audits/pages", response={200: list[PageAuditOut], **ERRORS},
            summary="Audits de pages (les plus récents d'abord)")
@paginate(Pages, page_size=100, max_page_size=500)
def list_page_audits(request: HttpRequest, filters: Query[AuditFilters]) -> Any:
    auth.require(request, Capability.READ)
    rows = selectors.page_audits(auth.organisation(request))
    if filters.service_id is not None:
        rows = rows.filter(service_id=filters.service_id)
    if filters.campaign_id is not None:
        rows = rows.filter(campaign_id=filters.campaign_id)
    return rows


@router.get("/audits/pages/{audit_id}", response={200: PageAuditDetail, **ERRORS},
            summary="Un audit de page, avec son résultat complet")
def get_page_audit(request: HttpRequest, audit_id: int) -> PageAudit:
    auth.require(request, Capability.READ)
    return selectors.page_audit(auth.organisation(request), audit_id)


@router.post("/audits/campaigns", response={202: CampaignOut, 422: Error, **ERRORS},
             summary="Lancer une campagne d'audit (capacité audits.manage)")
def create_campaign(request: HttpRequest, payload: CampaignIn) -> Status[Campaign]:
    auth.require(request, Capability.MANAGE_AUDITS)
    organisation = auth.organisation(request)
    if payload.service_ids:
        chosen = list(selectors.services(organisation).filter(pk__in=payload.service_ids))
        if len(chosen) != len(set(payload.service_ids)):
            raise ValidationError({"service_ids": ["Service inconnu."]})
    else:
        chosen = list(selectors.active_services(organisation))
    campaign = services.create_campaign(auth.actor(request), organisation, payload.name,
                                        chosen, payload.runs, payload.scheduled_for,
                                        payload.repeat_days)
    campaign.refresh_from_db()
    return Status(202, campaign)


@router.get("/audits/campaigns/{campaign_id}", response={200: CampaignOut, **ERRORS},
            summary="Une campagne et son avancement")
def get_campaign(request: HttpRequest, campaign_id: int) -> Campaign:
    auth.require(request, Capability.READ)
    return selectors.campaign(auth.organisation(request), campaign_id)


@router.get("/audits/declarations", response={200: list[DeclarationOut], **ERRORS},
            summary="Déclarations d'accessibilité et d'écoconception (toutes versions)")
@paginate(Pages, page_size=100, max_page_size=500)
def list_declarations(request: HttpRequest, filters: Query[AuditFilters]) -> Any:
    auth.require(request, Capability.READ)
    rows = selectors.declarations(auth.organisation(request))
    if filters.service_id is not None:
        rows = rows.filter(service_id=filters.service_id)
    return rows


@router.get("/audits/declarations/{declaration_id}", response={200: DeclarationOut, **ERRORS},
            summary="Une déclaration")
def get_declaration(request: HttpRequest, declaration_id: int) -> Declaration:
    auth.require(request, Capability.READ)
    return selectors.declaration(auth.organisation(request), declaration_id)


@router.get("/audits/services/{service_id}/grids", response={200: GridOut, **ERRORS},
            summary="Taux RGAA et score RGESN des dernières grilles d'un service")
def get_grids(request: HttpRequest, service_id: int) -> dict[str, Any]:
    auth.require(request, Capability.READ)
    service = selectors.service(auth.organisation(request), service_id)
    rgaa = selectors.latest_rgaa_grid(service)
    rate = selectors.rgaa_rate(rgaa) if rgaa else None
    rgesn = selectors.latest_rgesn_grid(service)
    return {"service_id": service.pk, "rgaa_size": rgaa.size if rgaa else None,
            "rgaa_rate": rate.rate if rate else None, "rgaa_state": rate.state if rate else None,
            "rgaa_applicable": rate.applicable if rate else None,
            "rgaa_validated": rate.validated if rate else None,
            "rgaa_untested": rate.untested if rate else None,
            "rgesn_score": selectors.rgesn_progress(rgesn).score if rgesn else None}
