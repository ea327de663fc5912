"""REST API of the data centres domain (a ninja Router mounted at /api/v1/ by jalon.api.api).

The token's organisation is the only one reached; ids of other organisations' sites are 404.
Reads need READ, writes MANAGE_BUDGET (budget and data centres share it). Values are checked by
the services with the rules of the forms: a bad value is a 422 whose `detail` maps each field
to its errors, in French.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from jalon.api import auth
from jalon.api.schemas import Error
from jalon.datacentres import reports, selectors, services
from jalon.datacentres.models import (
    Cooling,
    PracticeState,
    Site,
    SiteKind,
    SiteYear,
    Structure,
)
from jalon.tenancy.capabilities import Capability

router = Router(tags=["salles"])
ERRORS: dict[int, Any] = {401: Error, 403: Error, 404: Error}
MANAGE = Capability.MANAGE_BUDGET
# Enumerated body fields as Literal: an unknown value is a 422 listing the allowed ones.
if TYPE_CHECKING:  # mypy cannot read a Literal built at run time; pydantic does.
    SiteKindName = str
    CoolingName = str
    StructureName = str
    PracticeStateName = str
else:
    SiteKindName = Literal[tuple(SiteKind.values)]
    CoolingName = Literal[tuple(Cooling.values)]
    StructureName = Literal[tuple(Structure.values)]
    PracticeStateName = Literal[tuple(PracticeState.values)]


class SitePatch(Schema):
    """Only the fields sent are changed."""

    name: str | None = Field(None, max_length=200)
    kind: SiteKindName | None = Field(None, description="server_room, enterprise, colocation, "
                                               "cohosting.")
    structure: StructureName | None = Field(None, description="single (une structure), group "
                                                      "(un groupe de structures) ou vide.")
    mixed_services: bool | None = Field(None, description="Colocation offrant aussi "
                                                          "l'hébergement infogéré, ou "
                                                          "l'inverse.")
    owner: str | None = Field(None, max_length=200)
    owner_email: str | None = Field(None, max_length=254)
    owner_phone: str | None = Field(None, max_length=30)
    operator: str | None = Field(None, max_length=200)
    operator_email: str | None = Field(None, max_length=254)
    operator_phone: str | None = Field(None, max_length=30)
    municipality: str | None = Field(None, max_length=200)
    lau_code: str | None = Field(None, max_length=40, description="Code LAU d'Eurostat : en "
                                                                  "France, le code INSEE de la "
                                                                  "commune (5 caractères).")
    commissioned_on: dt.date | None = None
    electrical_redundancy: str | None = Field(None, max_length=40, description="Par exemple "
                                                                                "« 2N / N+1 ».")
    cooling_redundancy: str | None = Field(None, max_length=40, description="Par exemple "
                                                                             "« N+1 ».")
    it_power_kw: float | None = Field(None, description="Puissance informatique installée "
                                                        "(PDIT), kW.")
    total_floor_m2: float | None = None
    computer_room_m2: float | None = None
    cooling: CoolingName | None = Field(None, description="unknown, split, crac, chilled_water, "
                                                  "free_cooling, adiabatic, liquid.")
    refrigerants: str | None = Field(None, max_length=200)
    declared_pue: float | None = Field(None, description="PUE déclaré ou contractuel (1 à 5).")
    inventory_sites: list[str] | None = Field(None, description="Lieux de l'inventaire "
                                                                "(colonne « Lieu »).")
    hosted_assets: list[str] | None = Field(None, description="Noms ou numéros d'inventaire "
                                                              "des serveurs hébergés.")
    contract_provider: str | None = Field(None, max_length=200)
    contract_reference: str | None = Field(None, max_length=200)
    contract_start: dt.date | None = None
    contract_end: dt.date | None = None
    contract_power_kw: float | None = None
    notes: str | None = Field(None, max_length=5000)


class SiteIn(SitePatch):
    name: str = Field("", max_length=200)
    kind: str = "server_room"


class SiteOut(Schema):
    id: int
    name: str
    kind: str
    structure: str
    mixed_services: bool
    owner: str
    owner_email: str
    owner_phone: str
    operator: str
    operator_email: str
    operator_phone: str
    municipality: str
    lau_code: str
    commissioned_on: dt.date | None
    electrical_redundancy: str
    cooling_redundancy: str
    it_power_kw: float | None
    total_floor_m2: float | None
    computer_room_m2: float | None
    cooling: str
    refrigerants: str
    declared_pue: float | None
    inventory_sites: list[str]
    hosted_assets: list[str]
    contract_provider: str
    contract_reference: str
    contract_start: dt.date | None
    contract_end: dt.date | None
    contract_power_kw: float | None
    notes: str
    in_eed_scope: bool = Field(description="Au moins 500 kW de puissance informatique "
                                           "installée (directive 2023/1791, art. 12).")
    pue: float | None = Field(None, description="PUE de la dernière année chiffrée, sinon "
                                                "le PUE déclaré.")
    conformity_rate: float | None = Field(None, description="Part (0 à 1) des pratiques "
                                                            "attendues applicables mises en "
                                                            "œuvre.")
    conformant: bool = False
    hosted_servers: int = 0


class YearFields(Schema):
    average_it_load_kw: float | None = None
    it_kwh: float | None = Field(None, description="EIT, kWh.")
    total_kwh: float | None = Field(None, description="EDC, kWh.")
    declared_pue: float | None = None
    water_m3: float | None = None
    potable_water_m3: float | None = None
    reused_kwh: float | None = None
    waste_heat_temperature_c: float | None = None
    intake_temperature_c: float | None = None
    cooling_degree_days: float | None = None
    renewable_kwh: float | None = None
    renewable_goo_kwh: float | None = None
    renewable_ppa_kwh: float | None = None
    renewable_onsite_kwh: float | None = None
    server_capacity: float | None = None
    storage_capacity_pb: float | None = None
    traffic_in_bandwidth_gbps: float | None = None
    traffic_out_bandwidth_gbps: float | None = None
    traffic_in_eb: float | None = None
    traffic_out_eb: float | None = None
    notes: str | None = Field(None, max_length=5000)


class YearIn(YearFields):
    # Not required by the schema so that a missing year gets the services' French 422 (and a
    # foreign site its 404 first).
    year: int | None = None


class YearPatch(YearFields):
    year: int | None = None


class YearOut(YearFields):
    id: int
    year: int
    notes: str
    energy_estimated: bool
    pue: float | None


class PracticeIn(Schema):
    status: PracticeStateName | None = Field(None, description="État de la pratique.")
    evidence: str | None = Field(None, max_length=5000)
    owner: str | None = Field(None, max_length=200)
    due_date: dt.date | None = None


class PracticeOut(Schema):
    number: str
    section: str
    expected: str
    title: str
    status: str
    evidence: str
    owner: str
    due_date: dt.date | None


def _site(request: HttpRequest, site_id: int) -> Site:
    return selectors.site(auth.organisation(request), site_id)


def _out(target: Site, hosted: selectors.Hosting | None = None) -> dict[str, Any]:
    today = timezone.localdate()
    conformity = selectors.conformity(target, today)
    hosted = hosted if hosted is not None else selectors.hosting(target.organisation)
    data = {name: getattr(target, name) for name in SiteOut.model_fields
            if hasattr(target, name)}
    data.update({"inventory_sites": target.inventory_site_list,
                 "hosted_assets": target.hosted_asset_list,
                 "pue": selectors.current_pue(target).value,
                 "conformity_rate": conformity.rate, "conformant": conformity.conformant,
                 "hosted_servers": len(hosted.servers(target.pk))})
    return data


def _site_values(payload: Schema, *, partial: bool) -> dict[str, Any]:
    values = payload.dict(exclude_unset=partial)
    for name in ("inventory_sites", "hosted_assets"):
        if isinstance(values.get(name), list):
            values[name] = "\n".join(values[name])
    if partial:
        # null means "no value" for numbers and dates, "leave it" for texts.
        values = {k: v for k, v in values.items()
                  if v is not None or k in services.SITE_NUMBERS or k in services.SITE_DATES}
    return values


def _year_out(row: SiteYear) -> dict[str, Any]:
    data = {name: getattr(row, name) for name in YearOut.model_fields if hasattr(row, name)}
    data.update({"energy_estimated": row.energy().estimated, "pue": row.pue()})
    return data


@router.get("/datacentres/sites", response={200: list[SiteOut], **ERRORS},
            summary="Salles serveurs, centres de données et colocations de l'organisation")
def list_sites(request: HttpRequest) -> list[dict[str, Any]]:
    auth.require(request, Capability.READ)
    site_list = list(selectors.sites(auth.organisation(request)))
    hosted = selectors.hosting(auth.organisation(request), site_list)  # once for every site
    return [_out(s, hosted) for s in site_list]


@router.post("/datacentres/sites", response={201: SiteOut, 422: Error, **ERRORS},
             summary="Ajouter un site (capacité budget.manage)")
def create_site(request: HttpRequest, payload: SiteIn) -> Status[dict[str, Any]]:
    auth.require(request, MANAGE)
    target = services.create_site(auth.actor(request), auth.organisation(request),
                                  _site_values(payload, partial=False))
    return Status(201, _out(target))


@router.get("/datacentres/sites/{site_id}", response={200: SiteOut, **ERRORS},
            summary="Un site")
def get_site(request: HttpRequest, site_id: int) -> dict[str, Any]:
    auth.require(request, Capability.READ)
    return _out(_site(request, site_id))


@router.patch("/datacentres/sites/{site_id}", response={200: SiteOut, 422: Error, **ERRORS},
              summary="Modifier un site (capacité budget.manage)")
def patch_site(request: HttpRequest, site_id: int, payload: SitePatch) -> dict[str, Any]:
    target = _site(request, site_id)
    auth.require(request, MANAGE)
    return _out(services.update_site(auth.actor(request), target,
                                     _site_values(payload, partial=True)))


@router.delete("/datacentres/sites/{site_id}", response={204: None, **ERRORS},
               summary="Supprimer un site (capacité budget.manage)")
def delete_site(request: HttpRequest, site_id: int) -> Status[None]:
    target = _site(request, site_id)
    auth.require(request, MANAGE)
    services.delete_site(auth.actor(request), target)
    return Status(204, None)


@router.get("/datacentres/sites/{site_id}/years", response={200: list[YearOut], **ERRORS},
            summary="Chiffres annuels d'un site")
def list_years(request: HttpRequest, site_id: int) -> list[dict[str, Any]]:
    auth.require(request, Capability.READ)
    return [_year_out(r) for r in selectors.site_years(_site(request, site_id))]


@router.post("/datacentres/sites/{site_id}/years",
             response={201: YearOut, 422: Error, **ERRORS},
             summary="Ajouter les chiffres d'une année (capacité budget.manage)")
def create_year(request: HttpRequest, site_id: int, payload: YearIn
                ) -> Status[dict[str, Any]]:
    target = _site(request, site_id)
    auth.require(request, MANAGE)
    values = {k: v for k, v in payload.dict().items() if v is not None}
    return Status(201, _year_out(services.create_year(auth.actor(request), target, values)))


@router.patch("/datacentres/sites/{site_id}/years/{site_year_id}",
              response={200: YearOut, 422: Error, **ERRORS},
              summary="Modifier les chiffres d'une année (capacité budget.manage)")
def patch_year(request: HttpRequest, site_id: int, site_year_id: int, payload: YearPatch
               ) -> dict[str, Any]:
    row = selectors.site_year(_site(request, site_id), site_year_id)
    auth.require(request, MANAGE)
    values = payload.dict(exclude_unset=True)
    if values.get("year") is None:
        values.pop("year", None)
    return _year_out(services.update_year(auth.actor(request), row, values))


@router.get("/datacentres/sites/{site_id}/checklist", response={200: list[PracticeOut],
                                                                **ERRORS},
            summary="Liste de contrôle du code de conduite européen d'un site")
def get_checklist(request: HttpRequest, site_id: int) -> list[dict[str, Any]]:
    auth.require(request, Capability.READ)
    current = selectors.statuses(_site(request, site_id))
    out = []
    for p in selectors.practices():
        row = current.get(p.number)
        out.append({"number": p.number, "section": p.section, "expected": p.expected,
                    "title": p.title, "status": row.status if row else "not_started",
                    "evidence": row.evidence if row else "", "owner": row.owner if row else "",
                    "due_date": row.due_date if row else None})
    return out


@router.put("/datacentres/sites/{site_id}/checklist/{number}",
            response={200: PracticeOut, 422: Error, **ERRORS},
            summary="Statut d'une pratique pour un site (capacité budget.manage)")
def put_practice(request: HttpRequest, site_id: int, number: str, payload: PracticeIn
                 ) -> dict[str, Any]:
    target = _site(request, site_id)
    auth.require(request, MANAGE)
    practice = next((p for p in selectors.practices() if p.number == number), None)
    if practice is None:
        from ninja.errors import HttpError

        raise HttpError(404, f"Pratique inconnue : {number}.")
    values = {k: v for k, v in payload.dict(exclude_unset=True).items()}
    services.save_checklist(auth.actor(request), target, {number: values})
    row = target.practices.filter(number=number).first()
    return {"number": practice.number, "section": practice.section,
            "expected": practice.expected, "title": practice.title,
            "status": row.status if row else "not_started",
            "evidence": row.evidence if row else "", "owner": row.owner if row else "",
            "due_date": row.due_date if row else None}


@router.get("/datacentres/sites/{site_id}/report/{year}", response={200: dict, **ERRORS},
            summary="Rapport annuel des indicateurs (règlement délégué 2024/1364)")
def get_report(request: HttpRequest, site_id: int, year: int) -> dict[str, Any]:
    auth.require(request, Capability.READ)
    target = _site(request, site_id)
    row = selectors.year_of(target, year)
    if row is None:
        from ninja.errors import HttpError

        raise HttpError(404, f"Pas de chiffres {year} pour ce site.")
    return reports.as_json(target, reports.kpi_report(target, row))
