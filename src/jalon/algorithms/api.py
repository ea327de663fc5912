"""REST API of the register (a ninja Router mounted at /api/v1/ by jalon.api.api).

The token's organisation is the only one reached; another organisation's ids are 404. Reads
need `read`, writes `algorithms.manage`. Values are checked by the services with the rules of
the forms: a bad value is a 422 whose `detail` maps each field to its errors, in French.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from jalon.algorithms import selectors, services
from jalon.algorithms.models import AlgorithmicSystem, Automation, BiasReport, Decision, Stage
from jalon.api import auth
from jalon.api.schemas import Error
from jalon.core import ai_act, bias
from jalon.tenancy.capabilities import Capability

router = Router(tags=["algorithmes"])
ERRORS: dict[int, Any] = {401: Error, 403: Error, 404: Error}
MANAGE = Capability.MANAGE_ALGORITHMS
# Enumerated body fields as Literal: an unknown value is a 422 listing the allowed ones.
if TYPE_CHECKING:  # mypy cannot read a Literal built at run time; pydantic does.
    AutomationName = str
    StageName = str
    DecisionName = str
else:
    AutomationName = Literal[tuple(Automation.values)]
    StageName = Literal[tuple(Stage.values)]
    DecisionName = Literal[tuple(Decision.values)]
# An optional multipart file (ninja's File marker), so that a missing file is our 422.
OPTIONAL_FILE: Any = File(None)  # type: ignore[type-arg]


class SystemFields(Schema):
    decision: str = Field("", max_length=2000)
    automation: AutomationName = Field("decision_aid", description="Degré d'automatisation.")
    is_ai: bool = True
    is_generative: bool = False
    data_used: str = Field("", max_length=4000)
    data_sources: str = Field("", max_length=2000)
    model_type: str = Field("", max_length=200)
    provider: str = Field("", max_length=200)
    hosting: str = Field("", max_length=200)
    open_source: bool = False
    source_url: str = Field("", max_length=500)
    oversight_role: str = Field("", max_length=200)
    oversight_person: str = Field("", max_length=200)
    oversight_checks: str = Field("", max_length=2000)
    override: str = Field("", max_length=2000)
    contest: str = Field("", max_length=2000)
    contact: str = Field("", max_length=200)
    stage: StageName = Field("idea", description="idea, evaluation, pilot, in_service, retired")
    idea_on: dt.date | None = None
    evaluation_on: dt.date | None = None
    pilot_on: dt.date | None = None
    in_service_on: dt.date | None = None
    retired_on: dt.date | None = None
    services: list[int] = Field(default_factory=list,
                                description="Identifiants des services du catalogue.")


class SystemIn(SystemFields):
    name: str = Field("", max_length=200)
    purpose: str = Field("", max_length=4000)


class SystemPatch(Schema):
    """Only the fields sent are changed."""

    name: str | None = Field(None, max_length=200)
    purpose: str | None = Field(None, max_length=4000)
    decision: str | None = None
    automation: AutomationName | None = None
    is_ai: bool | None = None
    is_generative: bool | None = None
    data_used: str | None = None
    data_sources: str | None = None
    model_type: str | None = None
    provider: str | None = None
    hosting: str | None = None
    open_source: bool | None = None
    source_url: str | None = None
    oversight_role: str | None = None
    oversight_person: str | None = None
    oversight_checks: str | None = None
    override: str | None = None
    contest: str | None = None
    contact: str | None = None
    stage: StageName | None = None
    idea_on: dt.date | None = None
    evaluation_on: dt.date | None = None
    pilot_on: dt.date | None = None
    in_service_on: dt.date | None = None
    retired_on: dt.date | None = None
    services: list[int] | None = None


class SystemOut(Schema):
    id: int
    name: str
    purpose: str
    decision: str
    automation: str
    is_ai: bool
    is_generative: bool
    data_used: str
    data_sources: str
    model_type: str
    provider: str
    hosting: str
    open_source: bool
    source_url: str
    oversight_role: str
    oversight_person: str
    oversight_checks: str
    override: str
    contest: str
    contact: str
    stage: str
    idea_on: dt.date | None
    evaluation_on: dt.date | None
    pilot_on: dt.date | None
    in_service_on: dt.date | None
    retired_on: dt.date | None
    category: str = Field(description="Classification AI Act (lecture de l'organisation).")
    transparency: bool
    version: int
    services: list[int]
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_services(obj: AlgorithmicSystem) -> list[int]:
        return sorted(obj.services.values_list("pk", flat=True))


class AnswerOut(Schema):
    key: str
    value: str
    answered_by: str
    answered_at: dt.datetime


class DutyOut(Schema):
    key: str
    article: str
    applies_from: dt.date


class ClassificationOut(Schema):
    category: str
    transparency: bool
    annex3_areas: list[str]
    filtered_out: bool
    prohibited_practices: list[str]
    art50_situations: list[str]
    duties: list[DutyOut]
    missing: list[str]
    answers: list[AnswerOut]


class AnswersIn(Schema):
    answers: dict[str, str] = Field(
        default_factory=dict, description="Clé de question → « yes », « no » ou texte (listes "
                                          "de contrôle, analyse d'impact).")


class EvaluationIn(Schema):
    need: str = ""
    alternative: str = ""
    benefits: list[dict[str, Any]] = Field(default_factory=list)
    risks: dict[str, dict[str, str]] = Field(default_factory=dict)
    test_results: str = ""
    decision: DecisionName = Field("pending", description="pending, go, no_go")
    decided_by: str = ""
    decided_on: dt.date | None = None
    monitoring: str = ""


class EvaluationOut(EvaluationIn):
    updated_at: dt.datetime


class BiasReportOut(Schema):
    id: int
    number: int
    file_name: str
    sha256: str
    decision_column: str
    group_column: str
    outcome_column: str
    stratum_column: str
    result: dict[str, Any]
    created_at: dt.datetime


def _system(request: HttpRequest, algorithm_id: int) -> AlgorithmicSystem:
    return selectors.system(auth.organisation(request), algorithm_id)


def _classification(system: AlgorithmicSystem) -> dict[str, Any]:
    answers = list(system.answers.all())
    result = ai_act.classify({a.key: a.value for a in answers})
    return {"category": result.category, "transparency": result.transparency,
            "annex3_areas": list(result.annex3_areas), "filtered_out": result.filtered_out,
            "prohibited_practices": list(result.prohibited_practices),
            "art50_situations": list(result.art50_situations),
            "duties": [{"key": d.key, "article": d.article, "applies_from": d.applies_from}
                       for d in result.duties],
            "missing": list(result.missing),
            "answers": [{"key": a.key, "value": a.value, "answered_by": a.answered_by_name,
                         "answered_at": a.answered_at} for a in answers]}


ALLOWED_ANSWERS = (*ai_act.QUESTIONS, *ai_act.ART26, *ai_act.FRIA,
                   *ai_act.REGISTRATION)


@router.get("/algorithms", response={200: list[SystemOut], **ERRORS},
            summary="Registre des algorithmes de l'organisation")
def list_systems(request: HttpRequest) -> Any:
    auth.require(request, Capability.READ)
    return list(selectors.system_list(auth.organisation(request)))


@router.post("/algorithms", response={201: SystemOut, 422: Error, **ERRORS},
             summary="Ajouter un algorithme (capacité algorithms.manage)")
def create_system(request: HttpRequest, payload: SystemIn) -> Status[AlgorithmicSystem]:
    auth.require(request, MANAGE)
    return Status(201, services.create_system(auth.actor(request), auth.organisation(request),
                                              payload.dict()))


@router.get("/algorithms/{algorithm_id}", response={200: SystemOut, **ERRORS},
            summary="Un algorithme")
def get_system(request: HttpRequest, algorithm_id: int) -> AlgorithmicSystem:
    auth.require(request, Capability.READ)
    return _system(request, algorithm_id)


@router.patch("/algorithms/{algorithm_id}", response={200: SystemOut, 422: Error, **ERRORS},
              summary="Modifier un algorithme (nouvelle version)")
def patch_system(request: HttpRequest, algorithm_id: int, payload: SystemPatch
                 ) -> AlgorithmicSystem:
    system = _system(request, algorithm_id)
    auth.require(request, MANAGE)
    values = payload.dict(exclude_unset=True)
    values = {k: v for k, v in values.items() if v is not None or k.endswith("_on")}
    return services.update_system(auth.actor(request), system, values)


@router.delete("/algorithms/{algorithm_id}", response={204: None, **ERRORS},
               summary="Supprimer un algorithme")
def delete_system(request: HttpRequest, algorithm_id: int) -> Status[None]:
    system = _system(request, algorithm_id)
    auth.require(request, MANAGE)
    services.delete_system(auth.actor(request), system)
    return Status(204, None)


@router.get("/algorithms/{algorithm_id}/classification",
            response={200: ClassificationOut, **ERRORS},
            summary="Classification AI Act, obligations et réponses")
def get_classification(request: HttpRequest, algorithm_id: int) -> dict[str, Any]:
    auth.require(request, Capability.READ)
    return _classification(_system(request, algorithm_id))


@router.put("/algorithms/{algorithm_id}/classification",
            response={200: ClassificationOut, 422: Error, **ERRORS},
            summary="Enregistrer des réponses (questionnaire, art. 26, art. 27, annexe VIII)")
def put_classification(request: HttpRequest, algorithm_id: int, payload: AnswersIn
                       ) -> dict[str, Any]:
    system = _system(request, algorithm_id)
    auth.require(request, MANAGE)
    for key, value in payload.answers.items():
        if key in ai_act.QUESTIONS and value not in ("yes", "no", ""):
            raise ValidationError({key: ["Réponse attendue : yes ou no."]})
    services.save_answers(auth.actor(request), system, payload.answers,
                          allowed=ALLOWED_ANSWERS)
    system.refresh_from_db()
    return _classification(system)


@router.get("/algorithms/{algorithm_id}/evaluation",
            response={200: EvaluationOut, **ERRORS}, summary="Évaluation avant déploiement")
def get_evaluation(request: HttpRequest, algorithm_id: int) -> Any:
    auth.require(request, Capability.READ)
    system = _system(request, algorithm_id)
    evaluation = getattr(system, "evaluation", None)
    if evaluation is None:
        from django.http import Http404

        raise Http404("Pas d'évaluation")
    return evaluation


@router.put("/algorithms/{algorithm_id}/evaluation",
            response={200: EvaluationOut, 422: Error, **ERRORS},
            summary="Enregistrer l'évaluation et la décision go / no-go")
def put_evaluation(request: HttpRequest, algorithm_id: int, payload: EvaluationIn) -> Any:
    system = _system(request, algorithm_id)
    auth.require(request, MANAGE)
    return services.save_evaluation(auth.actor(request), system, payload.dict())


@router.get("/algorithms/{algorithm_id}/bias-reports",
            response={200: list[BiasReportOut], **ERRORS},
            summary="Mesures des biais (la plus récente d'abord)")
def list_bias_reports(request: HttpRequest, algorithm_id: int) -> Any:
    auth.require(request, Capability.READ)
    return list(_system(request, algorithm_id).bias_reports.all())


@router.get("/algorithms/{algorithm_id}/bias-reports/{bias_report_id}",
            response={200: BiasReportOut, **ERRORS}, summary="Une mesure des biais")
def get_bias_report(request: HttpRequest, algorithm_id: int, bias_report_id: int
                    ) -> BiasReport:
    auth.require(request, Capability.READ)
    return selectors.bias_report(_system(request, algorithm_id), bias_report_id)


@router.post("/algorithms/{algorithm_id}/bias-reports",
             response={201: BiasReportOut, 422: Error, **ERRORS},
             summary="Mesurer les biais d'un fichier CSV de décisions (multipart)")
def create_bias_report(request: HttpRequest, algorithm_id: int,
                       file: UploadedFile | None = OPTIONAL_FILE, decision: Form[str] = "",
                       group: Form[str] = "", outcome: Form[str] = "", stratum: Form[str] = "",
                       positive: Form[str] = "", outcome_positive: Form[str] = ""
                       ) -> Status[BiasReport]:
    # Every part optional for the schema, so that another organisation's id is a 404 before
    # any 422, and a missing part gets a French message.
    system = _system(request, algorithm_id)
    auth.require(request, MANAGE)
    missing = {name: ["Champ obligatoire."] for name, value in
               (("file", file), ("decision", decision), ("group", group)) if not value}
    if missing:
        raise ValidationError(missing)
    assert file is not None  # noqa: S101  # checked just above
    if (file.size or 0) > services.MAX_BIAS_BYTES:
        raise ValidationError({"file": ["Fichier trop volumineux."]})
    try:
        report = services.measure_bias(
            auth.actor(request), system, file.read(), file.name or "", decision=decision,
            group=group, outcome=outcome, stratum=stratum, positive=positive,
            outcome_positive=outcome_positive)
    except bias.BiasInputError as exc:
        raise ValidationError({"file": [str(p) for p in exc.problems]}) from exc
    return Status(201, report)
