"""REST API of the budget domain (a ninja Router mounted at /api/v1/ by jalon.api.api).

Spending lines with their kind and ratings, the year's summary; changing a line's kind or
overriding a rating (with its reason) needs the capability budget.manage. The token's
organisation is the only one reached: another organisation's line is a 404.
"""

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from jalon.api import auth
from jalon.api.pagination import Pages
from jalon.api.schemas import Error
from jalon.budget import selectors, services
from jalon.budget.models import SpendingLine
from jalon.core import budget as core
from jalon.tenancy.capabilities import Capability

router = Router(tags=["budget vert"])
ERRORS: dict[int, Any] = {401: Error, 403: Error, 404: Error}
KIND_HELP = "Nature : " + ", ".join(core.KINDS) + "."
AXIS_HELP = "Axe : " + ", ".join(core.AXES) + " (axes 1 à 6 de l'annexe)."
RATING_HELP = "Cotation : " + ", ".join(core.RATINGS) + "."
# Enumerated query parameters as Literal: an unknown value is a 422 listing the allowed ones.
Kind = Literal[core.KINDS]  # type: ignore[valid-type]


class RatingOut(Schema):
    axis: str = Field(description=AXIS_HELP)
    axis_number: int
    rating: str = Field(description=RATING_HELP)
    default_rating: str = Field(description="La cotation par défaut de la nature de la ligne.")
    rationale: str = Field(description="Justification de la cotation par défaut.")
    source: str
    source_url: str
    overridden: bool = Field(description="Modifiée à la main (avec son motif).")
    reason: str
    updated_at: dt.datetime | None


class LineOut(Schema):
    id: int
    year: int
    nomenclature: str
    chapter: str
    account: str
    function: str
    label: str
    supplier: str
    reference: str
    amount_ht: Decimal | None
    amount_ttc: Decimal
    commitment_date: dt.date | None
    payment_date: dt.date | None
    section: str
    in_annex: bool = Field(description="Dans l'annexe légale (dépense réelle d'investissement "
                                       "M57/M4) ; sinon notée au-delà de l'annexe.")
    scope_reason: str
    kind: str = Field(description=KIND_HELP)
    kind_rule: str = Field(description="La règle qui a donné la nature (vide si choisie à la "
                                       "main ou si aucune ne correspond).")
    kind_manual: bool
    ratings: list[RatingOut]

    @staticmethod
    def resolve_ratings(obj: SpendingLine) -> list[selectors.LineRating]:
        return selectors.ratings(obj)


class LineFilters(Schema):
    year: int | None = None
    kind: Kind | None = Field(None, description=KIND_HELP)
    annex: bool | None = Field(None, description="true : lignes de l'annexe légale ; false : "
                                                 "au-delà.")
    q: str | None = Field(None, max_length=200)


class KindIn(Schema):
    kind: str = Field("", max_length=40, description=KIND_HELP + " Vide : selon les règles.")


class RatingIn(Schema):
    # Not required by the schema, so that a missing one gets the service's French 422.
    rating: str = Field("", max_length=40, description=RATING_HELP)
    reason: str = Field("", max_length=1000, description="Motif, obligatoire ; conservé dans "
                                                         "le journal.")


class AgecCategoryOut(Schema):
    category: str
    equipment_ht: float
    reuse_share: float
    target_share: float | None = None
    target_period: str | None = None
    target_source: str | None = None
    target_uncertainty: str | None = None


class AxisSummary(Schema):
    axis: str
    number: int
    compulsory: bool
    amounts_ttc: dict[str, float]
    annex_amounts_ttc: dict[str, float]


class SummaryOut(Schema):
    year: int
    lines: int
    total_ttc: float
    annex_ttc: float
    beyond_annex_ttc: float
    compulsory_axes: list[int]
    scope: str
    by_kind: dict[str, float]
    axes: list[AxisSummary]
    agec_reuse_share: float | None = Field(
        None, description="Part (%) des achats de matériel informatique et de téléphonie HT "
                          "reconditionnés ou réemployés.")
    agec_by_category: list[AgecCategoryOut] = Field(
        default_factory=list, description="Par catégorie du décret n° 2024-134 : part issue "
                                          "du réemploi et objectif de l'année (null s'il n'a "
                                          "pas été trouvé), avec sa source et son incertitude.")


@router.get("/budget/lines", response={200: list[LineOut], 422: Error, **ERRORS},
            summary="Dépenses numériques avec leur nature et leurs cotations (paginées)")
@paginate(Pages, page_size=100, max_page_size=500)
def list_lines(request: HttpRequest, filters: Query[LineFilters]) -> Any:
    auth.require(request, Capability.READ)
    if filters.kind and filters.kind not in core.KINDS:
        raise ValidationError({"kind": [KIND_HELP]})
    annex = "" if filters.annex is None else ("yes" if filters.annex else "no")
    return selectors.line_list(auth.organisation(request), selectors.LineFilters(
        year=filters.year, kind=filters.kind or "", annex=annex, q=filters.q or "")
    ).prefetch_related("ratings")


def _line(request: HttpRequest, spending_line_id: int) -> SpendingLine:
    return selectors.line(auth.organisation(request), spending_line_id)


@router.get("/budget/lines/{spending_line_id}", response={200: LineOut, **ERRORS},
            summary="Une dépense")
def get_line(request: HttpRequest, spending_line_id: int) -> SpendingLine:
    auth.require(request, Capability.READ)
    return _line(request, spending_line_id)


@router.patch("/budget/lines/{spending_line_id}", response={200: LineOut, 422: Error, **ERRORS},
              summary="Choisir la nature d'une dépense (capacité budget.manage)")
def patch_line(request: HttpRequest, spending_line_id: int, payload: KindIn) -> SpendingLine:
    line = _line(request, spending_line_id)
    auth.require(request, Capability.MANAGE_BUDGET)
    return services.set_kind(auth.actor(request), line, payload.kind)


@router.get("/budget/lines/{spending_line_id}/ratings",
            response={200: list[RatingOut], **ERRORS},
            summary="Les cotations d'une dépense sur les six axes")
def get_ratings(request: HttpRequest, spending_line_id: int) -> list[selectors.LineRating]:
    auth.require(request, Capability.READ)
    return selectors.ratings(_line(request, spending_line_id))


@router.put("/budget/lines/{spending_line_id}/ratings/{axis}",
            response={200: RatingOut, 422: Error, **ERRORS},
            summary="Modifier une cotation, avec son motif (capacité budget.manage)")
def put_rating(request: HttpRequest, spending_line_id: int, axis: str, payload: RatingIn
               ) -> selectors.LineRating:
    line = _line(request, spending_line_id)
    auth.require(request, Capability.MANAGE_BUDGET)
    services.override_rating(auth.actor(request), line, axis, payload.rating, payload.reason)
    return _rating(line, axis)


def _rating(line: SpendingLine, axis: str) -> selectors.LineRating:
    return next(r for r in selectors.ratings(line) if r.axis == axis)


@router.delete("/budget/lines/{spending_line_id}/ratings/{axis}",
               response={200: RatingOut, 422: Error, **ERRORS},
               summary="Rétablir la cotation par défaut (capacité budget.manage)")
def reset_rating(request: HttpRequest, spending_line_id: int, axis: str
                 ) -> selectors.LineRating:
    line = _line(request, spending_line_id)
    auth.require(request, Capability.MANAGE_BUDGET)
    services.reset_rating(auth.actor(request), line, axis)
    return _rating(line, axis)


@router.get("/budget/summary/{year}", response={200: SummaryOut, **ERRORS},
            summary="Synthèse d'un exercice par axe et par nature (404 sans dépense importée)")
def get_summary(request: HttpRequest, year: int) -> dict[str, Any]:
    auth.require(request, Capability.READ)
    organisation = auth.organisation(request)
    if not selectors.lines(organisation).filter(year=year).exists():
        raise Http404("no spending line for this year")
    s = selectors.summary(organisation, year)
    return {
        "year": year, "lines": s["lines"], "total_ttc": float(s["total"]),
        "annex_ttc": float(s["annex_total"]), "beyond_annex_ttc": float(s["beyond_total"]),
        "compulsory_axes": s["compulsory"], "scope": s["scope"].reason,
        "by_kind": {k["kind"]: float(k["amount_ttc"]) for k in s["kinds"]},
        "axes": [{"axis": a["axis"], "number": a["number"], "compulsory": a["compulsory"],
                  "amounts_ttc": {r: float(v) for r, v in zip(core.RATINGS, a["all"],
                                                              strict=True)},
                  "annex_amounts_ttc": {r: float(v) for r, v in zip(core.RATINGS, a["annex"],
                                                                    strict=True)}}
                 for a in s["axes"]],
        "agec_reuse_share": s["agec"].share if s["agec"] else None,
        "agec_by_category": [
            {"category": r["category"], "equipment_ht": float(r["share"].equipment_ht),
             "reuse_share": r["share"].share,
             "target_share": r["target"].share if r["target"] else None,
             "target_period": r["target"].period if r["target"] else None,
             "target_source": r["target"].source if r["target"] else None,
             "target_uncertainty": r["target"].uncertainty if r["target"] else None}
            for r in s["agec_rows"]]}
