"""REST API of the catalogue (a ninja Router mounted at /api/v1/ by jalon.api.api).

The token's organisation is the only one reached; ids of other organisations' services are
404. Writes need the editor role. Values are checked by the services with the rules of the
forms and the CSV import: a bad value is a 422 whose `detail` maps each field to its errors,
in French. Kind, audience and status take the codes (or their French labels).
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
from jalon.catalogue import selectors, services
from jalon.catalogue.models import DigitalService
from jalon.core import catalogue as core
from jalon.tenancy.capabilities import Capability

services_router = Router(tags=["services numériques"])
ERRORS: dict[int, Any] = {401: Error, 403: Error, 404: Error}

KIND_HELP = "Type : " + ", ".join(core.KINDS) + "."
AUDIENCE_HELP = "Public : " + ", ".join(core.AUDIENCES) + "."
STATUS_HELP = "Statut : " + ", ".join(core.STATUSES) + " (in_service par défaut)."


class ServiceFields(Schema):
    description: str = Field("", max_length=2000)
    url: str = Field("", max_length=core.MAX_URL, description="Adresse principale (http/https).")
    sample_urls: list[str] = Field(default_factory=list, max_length=core.MAX_SAMPLE_URLS,
                                   description="Quelques pages représentatives.")
    owner_team: str = Field("", max_length=core.MAX_TEXT)
    provider: str = Field("", max_length=core.MAX_TEXT, description="Éditeur ou prestataire.")
    hosting_provider: str = Field("", max_length=core.MAX_TEXT)
    hosting_country: str = Field("", max_length=40,
                                 description="Code ISO 3166-1 alpha-2, par exemple FR.")
    status: str = Field("in_service", max_length=40, description=STATUS_HELP)
    in_service_since: dt.date | None = None
    retired_on: dt.date | None = None


class ServiceIn(ServiceFields):
    # Not required by the schema so that a missing one gets the same French 422 as the forms.
    name: str = Field("", max_length=core.MAX_NAME)
    kind: str = Field("", max_length=40, description=KIND_HELP)
    audience: str = Field("", max_length=40, description=AUDIENCE_HELP)


class ServicePatch(Schema):
    """Only the fields sent are changed."""

    name: str | None = Field(None, max_length=core.MAX_NAME)
    kind: str | None = Field(None, max_length=40, description=KIND_HELP)
    audience: str | None = Field(None, max_length=40, description=AUDIENCE_HELP)
    description: str | None = Field(None, max_length=2000)
    url: str | None = Field(None, max_length=core.MAX_URL)
    sample_urls: list[str] | None = Field(None, max_length=core.MAX_SAMPLE_URLS)
    owner_team: str | None = Field(None, max_length=core.MAX_TEXT)
    provider: str | None = Field(None, max_length=core.MAX_TEXT)
    hosting_provider: str | None = Field(None, max_length=core.MAX_TEXT)
    hosting_country: str | None = Field(None, max_length=40)
    status: str | None = Field(None, max_length=40, description=STATUS_HELP)
    in_service_since: dt.date | None = None
    retired_on: dt.date | None = None


class ServiceOut(Schema):
    id: int
    name: str
    kind: str
    audience: str
    description: str
    url: str
    sample_urls: list[str]
    owner_team: str
    provider: str
    hosting_provider: str
    hosting_country: str
    hosted_in_eu_eea: bool | None = Field(
        None, description="Pays d'hébergement dans l'UE ou l'EEE ; null si pays inconnu.")
    status: str
    in_service_since: dt.date | None
    retired_on: dt.date | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_sample_urls(obj: DigitalService) -> list[str]:
        return obj.sample_url_list


class ServiceFilters(Schema):
    # Free text on purpose: the service reads French labels too ("application interne") and
    # refuses an unknown one with a 422 naming the accepted values (jalon.core.catalogue).
    kind: str | None = Field(None, max_length=100, description=KIND_HELP)
    audience: str | None = Field(None, max_length=100, description=AUDIENCE_HELP)
    status: str | None = Field(None, max_length=100, description=STATUS_HELP)
    q: str | None = Field(None, max_length=200,
                          description="Texte cherché dans le nom, l'adresse, la description, "
                                      "l'éditeur, l'hébergeur.")


def _values(payload: Schema, *, partial: bool) -> dict[str, Any]:
    values = payload.dict(exclude_unset=partial)
    if partial:
        # A field sent as null means "leave it" for texts, "no date" for dates.
        values = {k: v for k, v in values.items()
                  if v is not None or k in ("in_service_since", "retired_on")}
    if isinstance(values.get("sample_urls"), list):
        values["sample_urls"] = "\n".join(values["sample_urls"])
    return values


def _service(request: HttpRequest, service_id: int) -> DigitalService:
    return selectors.service(auth.organisation(request), service_id)


@services_router.get("/services", response={200: list[ServiceOut], 422: Error, **ERRORS},
                     summary="Services numériques de l'organisation (paginés, filtrables)")
@paginate(Pages, page_size=100, max_page_size=500)
def list_services(request: HttpRequest, filters: Query[ServiceFilters]) -> Any:
    auth.require(request, Capability.READ)
    checked: dict[str, str] = {}
    for name, parse in (("kind", core.parse_kind), ("audience", core.parse_audience),
                        ("status", core.parse_status)):
        value = getattr(filters, name)
        if value:
            try:
                checked[name] = parse(value)
            except core.InvalidValue as exc:
                raise ValidationError({name: [str(exc)]}) from exc
    return selectors.service_list(auth.organisation(request),
                                  selectors.ServiceFilters(q=filters.q or "", **checked))


@services_router.post("/services", response={201: ServiceOut, 422: Error, **ERRORS},
                      summary="Ajouter un service (capacité catalogue.edit)")
def create_service(request: HttpRequest, payload: ServiceIn) -> Status[DigitalService]:
    auth.require(request, Capability.EDIT_CATALOGUE)
    return Status(201, services.create_service(auth.actor(request), auth.organisation(request),
                                               _values(payload, partial=False)))


@services_router.get("/services/{service_id}", response={200: ServiceOut, **ERRORS},
                     summary="Un service")
def get_service(request: HttpRequest, service_id: int) -> DigitalService:
    auth.require(request, Capability.READ)
    return _service(request, service_id)


@services_router.patch("/services/{service_id}", response={200: ServiceOut, 422: Error,
                                                            **ERRORS},
                       summary="Modifier un service (capacité catalogue.edit)")
def patch_service(request: HttpRequest, service_id: int, payload: ServicePatch
                  ) -> DigitalService:
    service = _service(request, service_id)
    auth.require(request, Capability.EDIT_CATALOGUE)
    return services.update_service(auth.actor(request), service,
                                   _values(payload, partial=True))


@services_router.delete("/services/{service_id}", response={204: None, **ERRORS},
                        summary="Supprimer un service (capacité catalogue.edit)")
def delete_service(request: HttpRequest, service_id: int) -> Status[None]:
    service = _service(request, service_id)
    auth.require(request, Capability.EDIT_CATALOGUE)
    services.delete_service(auth.actor(request), service)
    return Status(204, None)
