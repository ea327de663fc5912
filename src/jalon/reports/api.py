"""REST API of citizen reports (a ninja Router mounted at /api/v1/ by jalon.api.api).

`POST /reports/suggest` returns the triage model's ranked suggestions for a text (nothing is
stored): what an agent's tool or a partner's form uses to propose a category, telling its user
that the suggestion comes from an AI system (AI Act art. 50). The reports themselves are
listed, read and triaged (confirmed or corrected by a person) under the token's capabilities.
"""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from jalon.api import auth
from jalon.api.pagination import Pages
from jalon.api.schemas import Error
from jalon.reports import selectors, services
from jalon.reports.models import Report, ReportStatus, TriageState
from jalon.tenancy.capabilities import Capability

router = Router(tags=["signalements"])
ERRORS: dict[int, Any] = {401: Error, 403: Error, 404: Error}

# Enumerated query parameters as Literal: an unknown value is a 422 listing the allowed ones.
ReportStatusName = Literal[("open", *ReportStatus.values)]  # type: ignore[valid-type]
TriageStateName = Literal[tuple(TriageState.values)]  # type: ignore[valid-type]


class SuggestIn(Schema):
    text: str = Field(..., min_length=1, max_length=services.MAX_DESCRIPTION,
                      description="Texte du signalement.")


class SuggestionOut(Schema):
    category: str = Field(description="Code de la catégorie (Open311 service_code).")
    label: str
    confidence: float = Field(description="Probabilité estimée par le modèle, entre 0 et 1.")


class SuggestOut(Schema):
    suggestions: list[SuggestionOut]
    model: str = Field(description="Version du modèle de tri ; vide s'il n'y en a pas encore.")
    notice: str


class ReportOut(Schema):
    id: int
    reference: str
    status: str
    category: str | None = None
    citizen_category: str | None = None
    description: str
    address: str
    latitude: float | None
    longitude: float | None
    team: str | None = None
    received_at: dt.datetime
    closed_at: dt.datetime | None
    suggestions: list[dict[str, Any]]
    model_version: str
    triage_state: str

    @staticmethod
    def resolve_category(obj: Report) -> str | None:
        return obj.category.code if obj.category else None

    @staticmethod
    def resolve_citizen_category(obj: Report) -> str | None:
        return obj.citizen_category.code if obj.citizen_category else None

    @staticmethod
    def resolve_team(obj: Report) -> str | None:
        return obj.team.name if obj.team else None


class ReportFilters(Schema):
    status: ReportStatusName | None = Field(
        None, description="open (tous les signalements en cours) ou un statut : "
                          + ", ".join(ReportStatus.values) + ".")
    category: str | None = Field(None, max_length=40,
                                 description="Code d'une catégorie de l'organisation.")
    triage: TriageStateName | None = Field(None, description=", ".join(TriageState.values))  # type: ignore[valid-type]


class TriageIn(Schema):
    # Not required by the schema: an unknown report is a 404 before the body is looked at.
    category: str = Field("", max_length=40, description="Code de la catégorie retenue.")


NOTICE = ("Suggestion d'un système d'intelligence artificielle (modèle de tri de Jalon) : "
          "à présenter comme telle et à faire vérifier par une personne.")


@router.post("/reports/suggest", response={200: SuggestOut, 422: Error, **ERRORS},
             summary="Catégories suggérées par le modèle de tri pour un texte")
def suggest(request: HttpRequest, payload: SuggestIn) -> dict[str, Any]:
    auth.require(request, Capability.READ)
    suggestions, version = services.suggest(auth.organisation(request), payload.text)
    return {"suggestions": suggestions, "model": version, "notice": NOTICE}


@router.get("/reports", response={200: list[ReportOut], **ERRORS},
            summary="Signalements de l'organisation (paginés)")
@paginate(Pages, page_size=100, max_page_size=500)
def list_reports(request: HttpRequest, filters: Query[ReportFilters]) -> Any:
    auth.require(request, Capability.READ)
    return selectors.report_list(auth.organisation(request), selectors.ReportFilters(
        status=filters.status or "", category=filters.category or "",
        triage=filters.triage or "")).select_related("citizen_category")


@router.get("/reports/{report_id}", response={200: ReportOut, **ERRORS},
            summary="Un signalement")
def get_report(request: HttpRequest, report_id: int) -> Report:
    auth.require(request, Capability.READ)
    return selectors.report(auth.organisation(request), report_id)


@router.post("/reports/{report_id}/triage", response={200: ReportOut, 422: Error, **ERRORS},
             summary="Confirmer ou corriger la catégorie (capacité feedback.manage)")
def triage_report(request: HttpRequest, report_id: int, payload: TriageIn) -> Report:
    report = selectors.report(auth.organisation(request), report_id)
    auth.require(request, Capability.MANAGE_FEEDBACK)
    category = get_object_or_404(selectors.categories(auth.organisation(request)),
                                 code=payload.category)
    return services.triage_report(auth.actor(request), report, category)
