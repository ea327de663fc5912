"""REST API of the feedback domain (a ninja Router mounted at /api/v1/ by jalon.api.api).

Paths under /feedback/. The token's organisation is the only one reached; a service of another
organisation is a 404. Reading needs `read`; changing a form needs `feedback.manage`. The
indicators follow the observatory's definitions (jalon.core.feedback_indicators); a value is
null when no answer is behind it.
"""


import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from jalon.api import auth
from jalon.api.pagination import Pages
from jalon.api.schemas import ERRORS, Error
from jalon.core import feedback_indicators as fi
from jalon.feedback import selectors, services
from jalon.feedback.models import FeedbackForm, Response
from jalon.tenancy.capabilities import Capability

router = Router(tags=["avis"])


class IndicatorsOut(Schema):
    responses: int
    satisfaction: float | None = Field(None, description="Satisfaction, sur 10.")
    simplicity: float | None = Field(None, description="Simplicité du langage, sur 10.")
    help_reachable: float | None = Field(None, description="Aide joignable, en %.")
    help_effective: float | None = Field(None, description="Aide efficace, sur 10.")
    autonomy: float | None = Field(None, description="Autonomie, en %.")
    counts: dict[str, int] = Field(default_factory=dict,
                                   description="Nombre de réponses derrière chaque indicateur.")


class MonthOut(Schema):
    month: str = Field(..., description="AAAA-MM")
    indicators: IndicatorsOut
    changes: dict[str, float | None] = Field(
        default_factory=dict, description="Évolution sur un mois, en points.")


class TrendOut(Schema):
    months: list[MonthOut]
    overall: IndicatorsOut


class FormOut(Schema):
    service_id: int
    service_name: str
    active: bool
    version: int
    button_placed_on: dt.date | None
    button_location: str
    answer_url: str
    questions: list[dict[str, Any]]


class FormPatch(Schema):
    active: bool | None = None
    intro: str | None = Field(None, max_length=1000)
    button_placed_on: dt.date | None = None
    button_location: str | None = Field(None, max_length=500)
    questions: list[dict[str, Any]] | None = Field(
        None, description="La liste complète des questions (crée une nouvelle version si elle "
                          "change) : voir la documentation, docs/feedback.md.")


class ResponseOut(Schema):
    id: int
    service_id: int
    received_at: dt.datetime
    version: int
    source: str
    answers: dict[str, Any]
    comment: str

    @staticmethod
    def resolve_service_id(obj: Response) -> int:
        return obj.form.service_id

    @staticmethod
    def resolve_version(obj: Response) -> int:
        return obj.version.number


class CoverageOut(Schema):
    day: dt.date
    public_services: int
    with_button: int
    share: float | None
    without_button: list[str]


def _indicators(ind: fi.Indicators) -> dict[str, Any]:
    return {"responses": ind.responses, **{key: ind.value(key) for key in fi.KEYS},
            "counts": dict(ind.counts)}


def _trend(rows: Any, months: int) -> dict[str, Any]:
    trend = selectors.trend(rows, timezone.localdate(), months)
    return {"months": [{"month": f"{p.month[0]:04d}-{p.month[1]:02d}",
                        "indicators": _indicators(p.indicators), "changes": dict(p.changes)}
                       for p in trend.points],
            "overall": _indicators(trend.overall)}


def _form_out(request: HttpRequest, form: FeedbackForm) -> dict[str, Any]:
    from django.urls import reverse

    version = services.current_version(form)
    return {"service_id": form.service_id, "service_name": form.service.name,
            "active": form.active, "version": version.number,
            "button_placed_on": form.button_placed_on, "button_location": form.button_location,
            "answer_url": request.build_absolute_uri(reverse(
                "feedback_public:answer", args=[form.organisation.slug, form.service_id])),
            "questions": version.questions}


class TrendQuery(Schema):
    months: int = Field(12, ge=1, le=36, description="Nombre de mois, le mois en cours compris.")


@router.get("/feedback/indicators", response={200: TrendOut, **ERRORS},
            summary="Indicateurs d'avis de tous les services, mois par mois")
def overall_indicators(request: HttpRequest, query: Query[TrendQuery]) -> dict[str, Any]:
    auth.require(request, Capability.READ)
    return _trend(selectors.responses(auth.organisation(request)), query.months)


@router.get("/feedback/coverage", response={200: CoverageOut, **ERRORS},
            summary="Services publics équipés d'un bouton d'avis")
def coverage(request: HttpRequest) -> dict[str, Any]:
    auth.require(request, Capability.READ)
    c = selectors.coverage(auth.organisation(request))
    return {"day": c.day, "public_services": c.services, "with_button": c.with_button,
            "share": c.share, "without_button": c.missing}


@router.get("/feedback/forms", response={200: list[FormOut], **ERRORS},
            summary="Formulaires d'avis de l'organisation")
def list_forms(request: HttpRequest) -> list[dict[str, Any]]:
    auth.require(request, Capability.READ)
    return [_form_out(request, form) for form in selectors.forms(auth.organisation(request))]


@router.get("/feedback/forms/{service_id}", response={200: FormOut, **ERRORS},
            summary="Le formulaire d'avis d'un service")
def get_form(request: HttpRequest, service_id: int) -> dict[str, Any]:
    auth.require(request, Capability.READ)
    return _form_out(request, selectors.form(auth.organisation(request), service_id))


@router.post("/feedback/forms/{service_id}", response={201: FormOut, **ERRORS},
             summary="Ouvrir le formulaire d'avis d'un service (capacité feedback.manage)")
def create_form(request: HttpRequest, service_id: int) -> Status[dict[str, Any]]:
    service = selectors.service(auth.organisation(request), service_id)
    auth.require(request, Capability.MANAGE_FEEDBACK)
    form = services.enable_form(auth.actor(request), service)
    return Status(201, _form_out(request, form))


@router.patch("/feedback/forms/{service_id}", response={200: FormOut, 422: Error, **ERRORS},
              summary="Modifier le formulaire d'avis d'un service (capacité feedback.manage)")
def patch_form(request: HttpRequest, service_id: int, payload: FormPatch) -> dict[str, Any]:
    form = selectors.form(auth.organisation(request), service_id)
    auth.require(request, Capability.MANAGE_FEEDBACK)
    values = payload.dict(exclude_unset=True)
    questions = values.pop("questions", None)
    if "active" in values and values["active"] is None:
        raise ValidationError({"active": ["Vrai ou faux attendu."]})
    services.update_settings(auth.actor(request), form, values)
    if questions is not None:
        try:
            services.save_questions(auth.actor(request), form, questions)
        except ValidationError as exc:
            raise ValidationError({"questions": exc.messages}) from exc
    form.refresh_from_db()
    return _form_out(request, form)


@router.get("/feedback/forms/{service_id}/indicators", response={200: TrendOut, **ERRORS},
            summary="Indicateurs d'avis d'un service, mois par mois")
def service_indicators(request: HttpRequest, service_id: int, query: Query[TrendQuery]
                       ) -> dict[str, Any]:
    auth.require(request, Capability.READ)
    form = selectors.form(auth.organisation(request), service_id)
    return _trend(selectors.responses(auth.organisation(request)).filter(form=form),
                  query.months)


class ResponseFilters(Schema):
    service_id: int | None = None
    since: dt.date | None = None
    with_comment: bool = False


@router.get("/feedback/responses", response={200: list[ResponseOut], **ERRORS},
            summary="Avis reçus (paginés, du plus récent au plus ancien)")
@paginate(Pages, page_size=100, max_page_size=500)
def list_responses(request: HttpRequest, filters: Query[ResponseFilters]) -> Any:
    auth.require(request, Capability.READ)
    rows = selectors.responses(auth.organisation(request)).select_related("form", "version")
    if filters.service_id is not None:
        rows = rows.filter(form__service_id=filters.service_id)
    if filters.since is not None:
        rows = rows.filter(received_at__date__gte=filters.since)
    if filters.with_comment:
        rows = rows.exclude(comment="")
    return rows.order_by("-received_at", "-id")
