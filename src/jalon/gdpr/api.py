"""REST API of the personal-data domain (a ninja Router mounted at /api/v1/ by jalon.api.api),
under /privacy/: the register of processing activities, data subjects' requests (with their
legal dates), breaches and training campaigns.

The token's organisation is the only one reached; another organisation's ids are 404. Reading
the register and trainings needs READ; requests and breaches (they hold people's data) and
every write need personal_data.manage. A bad value is a 422 whose `detail` maps each field to
its errors, in French.
"""


import datetime as dt
from typing import TYPE_CHECKING, Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from jalon.api import auth
from jalon.api.pagination import Pages
from jalon.api.schemas import Error
from jalon.core import gdpr_dpia
from jalon.gdpr import selectors, services
from jalon.gdpr.models import (
    ActivityStatus,
    Breach,
    BreachNature,
    BreachRisk,
    Channel,
    DataSubjectRequest,
    FinalFate,
    LegalBasis,
    PauseKind,
    ProcessingActivity,
    RequestKind,
    RetentionStart,
    RetentionUnit,
    TrainingCampaign,
    TrainingTopic,
)
from jalon.gdpr.models import (
    Role as GdprRole,
)
from jalon.tenancy.capabilities import Capability

router = Router(tags=["rgpd"])
ERRORS: dict[int, Any] = {401: Error, 403: Error, 404: Error}
MANAGE = Capability.MANAGE_PERSONAL_DATA
# Enumerated body fields as Literal: an unknown value is a 422 listing the allowed ones.
if TYPE_CHECKING:  # mypy cannot read a Literal built at run time; pydantic does.
    ActivityStatusName = str
    RoleName = str
    LegalBasisOrBlank = str
    RetentionUnitName = str
    RetentionStartName = str
    FinalFateName = str
    RequestKindOrBlank = str
    ChannelName = str
    PauseKindName = str
    BreachNatureOrBlank = str
    BreachRiskName = str
    TrainingTopicOrBlank = str
else:
    ActivityStatusName = Literal[tuple(ActivityStatus.values)]
    RoleName = Literal[tuple(GdprRole.values)]
    LegalBasisOrBlank = Literal[("", *LegalBasis.values)]
    RetentionUnitName = Literal[tuple(RetentionUnit.values)]
    RetentionStartName = Literal[tuple(RetentionStart.values)]
    FinalFateName = Literal[tuple(FinalFate.values)]
    RequestKindOrBlank = Literal[("", *RequestKind.values)]
    ChannelName = Literal[tuple(Channel.values)]
    PauseKindName = Literal[tuple(PauseKind.values)]
    BreachNatureOrBlank = Literal[("", *BreachNature.values)]
    BreachRiskName = Literal[tuple(BreachRisk.values)]
    TrainingTopicOrBlank = Literal[("", *TrainingTopic.values)]
KIND_HELP = "Droit exercé : " + ", ".join(RequestKind.values) + "."
# Enumerated query parameters as Literal: an unknown value is a 422 listing the allowed ones.
RequestKindName = Literal[tuple(RequestKind.values)]  # type: ignore[valid-type]
RequestState = Literal[("open", *selectors.STATE_LABELS)]  # type: ignore[valid-type]


def _read(request: HttpRequest) -> None:
    """READ or personal_data.manage (a DPO's token may hold only the latter)."""
    from jalon.tenancy import scope

    if not scope.has(request, MANAGE):
        _read(request)


# --- Register -----------------------------------------------------------------------------------

class ActivityIn(Schema):
    reference: str = Field("", max_length=30)
    name: str = Field("", max_length=200)
    status: ActivityStatusName = Field("active", description="active, draft, ended.")
    role: RoleName = Field("controller", description="controller, joint, processor.")
    controller_name: str = Field("", max_length=200)
    owner_team: str = Field("", max_length=200)
    purposes: str = Field("", max_length=3000)
    legal_basis: LegalBasisOrBlank = Field("", description="consent, contract, legal_obligation, "
                                             "vital_interests, public_task, "
                                             "legitimate_interests.")
    legal_basis_detail: str = Field("", max_length=300)
    data_subjects: str = Field("", max_length=2000)
    data_categories: str = Field("", max_length=2000)
    sensitive_categories: list[str] = Field(default_factory=list)
    recipients: str = Field("", max_length=2000)
    transfers_outside_eu: bool = False
    transfer_countries: str = Field("", max_length=200)
    transfer_safeguards: str = Field("", max_length=300)
    retention_value: int | None = Field(None, ge=0)
    retention_unit: RetentionUnitName = Field("years", description="days, months, years.")
    retention_start: RetentionStartName = Field(
        "collection", description="Point de départ de la durée de conservation.")
    retention_start_detail: str = Field("", max_length=200)
    final_fate: FinalFateName = Field("delete", description="delete, anonymise, archive.")
    purge_every_months: int = Field(12, ge=1, le=120)
    security_measures: str = Field("", max_length=3000)
    dpia_criteria: list[str] = Field(default_factory=list,
                                     description=", ".join(gdpr_dpia.CRITERIA) + ".")
    on_cnil_required_list: bool = False
    on_cnil_exempt_list: bool = False
    published: bool = True
    service_ids: list[int] = Field(default_factory=list,
                                   description="Services du catalogue concernés.")
    algorithm_ids: list[int] = Field(default_factory=list,
                                     description="Algorithmes du registre concernés.")


class ActivityOut(Schema):
    id: int
    reference: str
    name: str
    status: str
    role: str
    controller_name: str
    owner_team: str
    purposes: str
    legal_basis: str
    legal_basis_detail: str
    data_subjects: str
    data_categories: str
    sensitive_categories: list[str]
    recipients: str
    transfers_outside_eu: bool
    transfer_countries: str
    transfer_safeguards: str
    retention_value: int | None
    retention_unit: str
    retention_start: str
    retention_start_detail: str
    final_fate: str
    purge_every_months: int
    security_measures: str
    dpia_criteria: list[str]
    dpia_verdict: str = Field(..., description="required, expected, not_expected, exempted.")
    published: bool
    service_ids: list[int]
    algorithm_ids: list[int]
    updated_at: dt.datetime

    @staticmethod
    def resolve_dpia_verdict(obj: ProcessingActivity) -> str:
        return obj.screening.verdict

    @staticmethod
    def resolve_service_ids(obj: ProcessingActivity) -> list[int]:
        return [s.pk for s in obj.services.all()]

    @staticmethod
    def resolve_algorithm_ids(obj: ProcessingActivity) -> list[int]:
        return [a.pk for a in obj.algorithms.all()]


def _services_of(request: HttpRequest, ids: list[int]) -> list[Any]:
    found = list(selectors.services(auth.organisation(request)).filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationError({"service_ids": ["Service inconnu dans le catalogue de "
                                               "l'organisation."]})
    return found


def _algorithms_of(request: HttpRequest, ids: list[int]) -> list[Any]:
    from jalon.algorithms.models import AlgorithmicSystem

    found = list(AlgorithmicSystem.objects.filter(organisation=auth.organisation(request),
                                                  pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationError({"algorithm_ids": ["Algorithme inconnu dans le registre de "
                                                 "l'organisation."]})
    return found


@router.get("/privacy/activities", response={200: list[ActivityOut], **ERRORS},
            summary="Registre des traitements (paginé)")
@paginate(Pages, page_size=100, max_page_size=500)
def list_activities(request: HttpRequest) -> Any:
    _read(request)
    return selectors.activity_list(auth.organisation(request))


@router.post("/privacy/activities", response={201: ActivityOut, 422: Error, **ERRORS},
             summary="Inscrire un traitement (capacité personal_data.manage)")
def create_activity(request: HttpRequest, payload: ActivityIn) -> Status[ProcessingActivity]:
    auth.require(request, MANAGE)
    values = payload.dict()
    linked = _services_of(request, values.pop("service_ids"))
    algorithms = _algorithms_of(request, values.pop("algorithm_ids"))
    return Status(201, services.create_activity(auth.actor(request),
                                                auth.organisation(request), values, linked,
                                                algorithms))


@router.get("/privacy/activities/{activity_id}", response={200: ActivityOut, **ERRORS},
            summary="Un traitement")
def get_activity(request: HttpRequest, activity_id: int) -> ProcessingActivity:
    _read(request)
    return selectors.activity(auth.organisation(request), activity_id)


class ActivityPatch(Schema):
    """Only the fields sent are changed."""

    name: str | None = Field(None, max_length=200)
    status: ActivityStatusName | None = None
    purposes: str | None = Field(None, max_length=3000)
    legal_basis: LegalBasisOrBlank | None = None
    retention_value: int | None = Field(None, ge=0)
    retention_unit: RetentionUnitName | None = None
    retention_start: RetentionStartName | None = None
    final_fate: FinalFateName | None = None
    dpia_criteria: list[str] | None = None
    published: bool | None = None
    service_ids: list[int] | None = None
    algorithm_ids: list[int] | None = None


@router.patch("/privacy/activities/{activity_id}",
              response={200: ActivityOut, 422: Error, **ERRORS},
              summary="Modifier un traitement (capacité personal_data.manage)")
def patch_activity(request: HttpRequest, activity_id: int, payload: ActivityPatch
                   ) -> ProcessingActivity:
    activity = selectors.activity(auth.organisation(request), activity_id)
    auth.require(request, MANAGE)
    values = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    ids = values.pop("service_ids", None)
    linked = _services_of(request, ids) if ids is not None else None
    algorithm_ids = values.pop("algorithm_ids", None)
    algorithms = (_algorithms_of(request, algorithm_ids) if algorithm_ids is not None
                  else None)
    return services.update_activity(auth.actor(request), activity, values, linked, algorithms)


@router.delete("/privacy/activities/{activity_id}", response={204: None, **ERRORS},
               summary="Retirer un traitement du registre (capacité personal_data.manage)")
def delete_activity(request: HttpRequest, activity_id: int) -> Status[None]:
    activity = selectors.activity(auth.organisation(request), activity_id)
    auth.require(request, MANAGE)
    services.delete_activity(auth.actor(request), activity)
    return Status(204, None)


# --- Requests -----------------------------------------------------------------------------------

class RequestIn(Schema):
    # Not required by the schema so that a missing one gets the French 422 of the service.
    kind: RequestKindOrBlank = Field("", description=KIND_HELP)
    received_on: dt.date | None = Field(None, description="Date de réception (AAAA-MM-JJ).")
    channel: ChannelName = Field("api", description="email, mail, form, desk, api.")
    requester_name: str = Field("", max_length=200)
    requester_email: str = Field("", max_length=254)
    description: str = Field("", max_length=4000)
    activity_id: int | None = Field(None, description="Traitement concerné.")


class PauseOut(Schema):
    kind: str
    started_on: dt.date
    ended_on: dt.date | None


class RequestOut(Schema):
    id: int
    reference: str
    kind: str
    status: str
    channel: str
    received_on: dt.date
    due_on: dt.date = Field(..., description="Échéance : un mois (règlement 1182/71), "
                                             "suspensions ajoutées, jour ouvré.")
    extended_due_on: dt.date | None = Field(None, description="Échéance prolongée (trois "
                                                              "mois), si prolongée.")
    extension_reasons: str
    extension_informed_on: dt.date | None
    answered_on: dt.date | None
    answered_within_deadline: bool | None
    deadline_state: str = Field(..., description="late, due_today, due_soon, paused, running, "
                                                 "answered_on_time, answered_late.")
    requester_name: str
    requester_email: str
    description: str
    answer: str
    activity_id: int | None
    pauses: list[PauseOut]

    @staticmethod
    def resolve_pauses(obj: DataSubjectRequest) -> list[Any]:
        return list(obj.request_pauses.all())

    @staticmethod
    def resolve_deadline_state(obj: DataSubjectRequest) -> str:
        return selectors.request_row(obj, timezone.localdate()).state

    @staticmethod
    def resolve_answered_within_deadline(obj: DataSubjectRequest) -> bool | None:
        if obj.answered_on is None:
            return None
        return bool(obj.answered_on <= obj.final_due_on)


class RequestFilters(Schema):
    kind: RequestKindName | None = Field(None, description=KIND_HELP)  # type: ignore[valid-type]
    state: RequestState | None = Field(None, description="open (toutes les demandes en cours) "
                                       "ou un état : " + ", ".join(selectors.STATE_LABELS) + ".")


def _request(request: HttpRequest, request_id: int) -> DataSubjectRequest:
    return selectors.request(auth.organisation(request), request_id)


def _request_values(request: HttpRequest, payload: RequestIn) -> dict[str, Any]:
    values = payload.dict()
    activity_id = values.pop("activity_id")
    values["activity"] = (get_object_or_404(selectors.activities(auth.organisation(request)),
                                            pk=activity_id) if activity_id else None)
    if values["kind"] and values["kind"] not in RequestKind.values:
        raise ValidationError({"kind": [f"Droit inconnu ; {KIND_HELP}"]})
    return values


@router.get("/privacy/requests", response={200: list[RequestOut], **ERRORS},
            summary="Demandes d'exercice des droits, avec leurs échéances (paginé)")
@paginate(Pages, page_size=100, max_page_size=500)
def list_requests(request: HttpRequest, filters: Query[RequestFilters]) -> Any:
    auth.require(request, MANAGE)
    rows = selectors.request_rows(auth.organisation(request), timezone.localdate(),
                                  kind=filters.kind or "", state=filters.state or "")
    return [row.request for row in rows]


@router.post("/privacy/requests", response={201: RequestOut, 422: Error, **ERRORS},
             summary="Enregistrer une demande (capacité personal_data.manage)")
def create_request(request: HttpRequest, payload: RequestIn) -> Status[DataSubjectRequest]:
    auth.require(request, MANAGE)
    return Status(201, services.create_request(auth.actor(request), auth.organisation(request),
                                               _request_values(request, payload)))


@router.get("/privacy/requests/{request_id}", response={200: RequestOut, **ERRORS},
            summary="Une demande")
def get_request(request: HttpRequest, request_id: int) -> DataSubjectRequest:
    auth.require(request, MANAGE)
    return _request(request, request_id)


class ExtendIn(Schema):
    reasons: str = Field("", max_length=2000)
    informed_on: dt.date | None = None


@router.post("/privacy/requests/{request_id}/extend",
             response={200: RequestOut, 422: Error, **ERRORS},
             summary="Prolonger de deux mois (raisons et date d'information requises)")
def extend_request(request: HttpRequest, request_id: int, payload: ExtendIn
                   ) -> DataSubjectRequest:
    dsr = _request(request, request_id)
    auth.require(request, MANAGE)
    return services.extend_request(auth.actor(request), dsr, payload.reasons,
                                   payload.informed_on)


class PauseIn(Schema):
    kind: PauseKindName = Field("identity", description="identity, clarification.")
    started_on: dt.date | None = None
    note: str = Field("", max_length=300)


@router.post("/privacy/requests/{request_id}/pause",
             response={200: RequestOut, 422: Error, **ERRORS},
             summary="Suspendre le délai (vérification d'identité, précision de la demande)")
def pause_request(request: HttpRequest, request_id: int, payload: PauseIn
                  ) -> DataSubjectRequest:
    dsr = _request(request, request_id)
    auth.require(request, MANAGE)
    services.pause_request(auth.actor(request), dsr, payload.kind,
                           payload.started_on or timezone.localdate(), payload.note)
    return dsr


class ResumeIn(Schema):
    ended_on: dt.date | None = None


@router.post("/privacy/requests/{request_id}/resume",
             response={200: RequestOut, 422: Error, **ERRORS},
             summary="Reprendre le délai (réponse de la personne reçue)")
def resume_request(request: HttpRequest, request_id: int, payload: ResumeIn
                   ) -> DataSubjectRequest:
    dsr = _request(request, request_id)
    auth.require(request, MANAGE)
    services.resume_request(auth.actor(request), dsr, payload.ended_on or timezone.localdate())
    return dsr


class AnswerIn(Schema):
    status: str = Field("answered", description="answered, refused, withdrawn.")
    answered_on: dt.date | None = None
    answer: str = Field("", max_length=6000)


@router.post("/privacy/requests/{request_id}/answer",
             response={200: RequestOut, 422: Error, **ERRORS},
             summary="Enregistrer la réponse")
def answer_request(request: HttpRequest, request_id: int, payload: AnswerIn
                   ) -> DataSubjectRequest:
    dsr = _request(request, request_id)
    auth.require(request, MANAGE)
    return services.answer_request(auth.actor(request), dsr, answered_on=payload.answered_on,
                                   answer=payload.answer, status=payload.status)


# --- Breaches -----------------------------------------------------------------------------------

class BreachIn(Schema):
    title: str = Field("", max_length=200)
    aware_at: dt.datetime | None = None
    occurred_at: dt.datetime | None = None
    nature: BreachNatureOrBlank = Field("", description="confidentiality, integrity, availability.")
    description: str = Field("", max_length=4000)
    people_count: int | None = Field(None, ge=0)
    records_count: int | None = Field(None, ge=0)
    consequences: str = Field("", max_length=3000)
    risk: BreachRiskName = Field("risk", description="unlikely, risk, high.")
    notified_at: dt.datetime | None = None
    cnil_reference: str = Field("", max_length=60)
    delay_reasons: str = Field("", max_length=2000)
    people_informed_on: dt.date | None = None
    measures: str = Field("", max_length=4000)
    closed_on: dt.date | None = None


class BreachOut(Schema):
    id: int
    reference: str
    title: str
    aware_at: dt.datetime
    notify_by: dt.datetime = Field(..., description="72 heures après la découverte (art. 33).")
    occurred_at: dt.datetime | None
    nature: str
    description: str
    people_count: int | None
    records_count: int | None
    consequences: str
    risk: str
    notified_at: dt.datetime | None
    cnil_reference: str
    people_informed_on: dt.date | None
    measures: str
    closed_on: dt.date | None


@router.get("/privacy/breaches", response={200: list[BreachOut], **ERRORS},
            summary="Registre des violations (paginé)")
@paginate(Pages, page_size=100, max_page_size=500)
def list_breaches(request: HttpRequest) -> Any:
    auth.require(request, MANAGE)
    return selectors.breaches(auth.organisation(request))


@router.post("/privacy/breaches", response={201: BreachOut, 422: Error, **ERRORS},
             summary="Enregistrer une violation")
def create_breach(request: HttpRequest, payload: BreachIn) -> Status[Breach]:
    auth.require(request, MANAGE)
    return Status(201, services.create_breach(auth.actor(request), auth.organisation(request),
                                              payload.dict()))


@router.get("/privacy/breaches/{breach_id}", response={200: BreachOut, **ERRORS},
            summary="Une violation")
def get_breach(request: HttpRequest, breach_id: int) -> Breach:
    auth.require(request, MANAGE)
    return selectors.breach(auth.organisation(request), breach_id)


class BreachPatch(Schema):
    notified_at: dt.datetime | None = None
    cnil_reference: str | None = Field(None, max_length=60)
    delay_reasons: str | None = Field(None, max_length=2000)
    people_informed_on: dt.date | None = None
    measures: str | None = Field(None, max_length=4000)
    risk: BreachRiskName | None = None
    closed_on: dt.date | None = None


@router.patch("/privacy/breaches/{breach_id}", response={200: BreachOut, 422: Error, **ERRORS},
              summary="Modifier une violation (notification, information, mesures)")
def patch_breach(request: HttpRequest, breach_id: int, payload: BreachPatch) -> Breach:
    breach = selectors.breach(auth.organisation(request), breach_id)
    auth.require(request, MANAGE)
    values = payload.dict(exclude_unset=True)
    values = {k: v for k, v in values.items()
              if v is not None or k in ("notified_at", "people_informed_on", "closed_on")}
    return services.update_breach(auth.actor(request), breach, values)


# --- Trainings ----------------------------------------------------------------------------------

class CampaignIn(Schema):
    title: str = Field("", max_length=200)
    topic: TrainingTopicOrBlank = Field("", description="Thème ; vide si aucun.")
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    agents_concerned: int = Field(0, ge=0)
    target_share: int = Field(100, ge=0, le=100)
    target_date: dt.date | None = None


class CampaignOut(Schema):
    id: int
    title: str
    topic: str
    starts_on: dt.date
    ends_on: dt.date | None
    agents_concerned: int
    agents_trained: int
    coverage: float = Field(..., description="Agents formés / concernés, en %.")
    target_share: int
    target_date: dt.date | None

    @staticmethod
    def resolve_agents_trained(obj: TrainingCampaign) -> int:
        return getattr(obj, "trained", None) or obj.attendances.count()

    @staticmethod
    def resolve_coverage(obj: TrainingCampaign) -> float:
        trained = getattr(obj, "trained", None) or obj.attendances.count()
        return round(min(100.0, 100.0 * trained / obj.agents_concerned), 1) \
            if obj.agents_concerned else 0.0


@router.get("/privacy/trainings", response={200: list[CampaignOut], **ERRORS},
            summary="Campagnes de formation et leur couverture")
def list_trainings(request: HttpRequest) -> Any:
    _read(request)
    return list(selectors.campaigns(auth.organisation(request)))


@router.post("/privacy/trainings", response={201: CampaignOut, 422: Error, **ERRORS},
             summary="Créer une campagne de formation")
def create_training(request: HttpRequest, payload: CampaignIn) -> Status[TrainingCampaign]:
    auth.require(request, MANAGE)
    values = payload.dict()
    if values["starts_on"] is None:
        raise ValidationError({"starts_on": ["Indiquez la date de début (AAAA-MM-JJ)."]})
    return Status(201, services.save_campaign(auth.actor(request), auth.organisation(request),
                                              values))


@router.get("/privacy/trainings/{campaign_id}", response={200: CampaignOut, **ERRORS},
            summary="Une campagne")
def get_training(request: HttpRequest, campaign_id: int) -> TrainingCampaign:
    _read(request)
    return selectors.campaign(auth.organisation(request), campaign_id)


class AttendanceIn(Schema):
    csv: str = Field("", max_length=2 * 1024 * 1024,
                     description="Contenu CSV de la feuille d'émargement (colonne matricule, "
                                 "et date si possible).")


class AttendanceOut(Schema):
    added: int
    already: int
    absent: int


@router.post("/privacy/trainings/{campaign_id}/attendance",
             response={200: AttendanceOut, 422: Error, **ERRORS},
             summary="Importer une feuille d'émargement (tout ou rien)")
def import_attendance(request: HttpRequest, campaign_id: int, payload: AttendanceIn) -> Any:
    campaign = get_object_or_404(TrainingCampaign.objects.annotate(trained=Count("attendances"))
                                 .filter(organisation=auth.organisation(request)),
                                 pk=campaign_id)
    auth.require(request, MANAGE)
    outcome = services.import_attendance(auth.actor(request), campaign,
                                         payload.csv.encode("utf-8"), "api")
    if not outcome.ok:
        raise ValidationError({"csv": [f"ligne {e.line}, colonne « {e.column} », valeur "
                                       f"« {e.value} » : {e.message}" for e in outcome.errors]})
    return {"added": outcome.added, "already": outcome.already, "absent": outcome.absent}
