"""Request and response shapes of the REST API (they make its OpenAPI 3 document)."""

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from ninja import Field, Schema
from pydantic import create_model
from pydantic.fields import FieldInfo

from jalon.core.model import CATEGORIES, CONDITIONS

CategoryOrBlank = Literal[("", *CATEGORIES)]  # type: ignore[valid-type]
ConditionName = Literal[CONDITIONS]  # type: ignore[valid-type]


class Error(Schema):
    detail: Any = Field(..., description="Ce qui ne va pas, en clair.")


# The errors every authenticated operation may answer (401 no token, 403 capability, 404).
ERRORS: dict[int, Any] = {401: Error, 403: Error, 404: Error}


class TokenOut(Schema):
    name: str
    prefix: str
    role: str
    capabilities: list[str] = Field(default_factory=list)


class OrganisationOut(Schema):
    slug: str
    name: str
    kind: str
    siren: str
    insee_code: str
    population: int | None
    agents: int | None
    operator: str
    public_footprint: bool
    token: TokenOut


class AssetIn(Schema):
    category: CategoryOrBlank = Field("", description="Catégorie ; vide si inconnue.")
    inventory_number: str = Field("", max_length=100)
    name: str = Field("", max_length=200)
    item_type: str = Field("", max_length=100)
    type: str = Field("", max_length=200)
    manufacturer: str = Field("", max_length=200)
    model: str = Field("", max_length=200)
    quantity: int = Field(1, ge=1)
    purchase_date: dt.date | None = None
    commissioning_date: dt.date | None = None
    retirement_date: dt.date | None = None
    lifespan_years: float | None = Field(None, gt=0, le=50)
    purchase_price_eur: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    condition: ConditionName = "new"
    status: str = Field("", max_length=100)
    entity: str = Field("", max_length=300)
    site: str = Field("", max_length=300)
    user: str = Field("", max_length=200)
    country: str = Field("", max_length=3, description="Code ISO alpha-3, par exemple FRA.")
    annual_kwh: float | None = Field(None, ge=0)
    is_virtual: bool = False
    cpu_units: int | None = Field(None, ge=0)
    cpu_cores: int | None = Field(None, ge=0)
    ram_gb: float | None = Field(None, ge=0)
    ssd_count: int | None = Field(None, ge=0)
    ssd_capacity_gb: float | None = Field(None, ge=0)
    hdd_count: int | None = Field(None, ge=0)
    hdd_capacity_gb: float | None = Field(None, ge=0)
    pue: float | None = Field(None, ge=1, le=5)
    disposal: str = Field("", max_length=20)
    weight_kg: float | None = Field(None, ge=0)


# The same fields, all optional: only those sent are changed.
def _optional(field: FieldInfo) -> tuple[Any, Any]:
    annotation: Any = field.annotation
    extra: dict[str, Any] = {"description": field.description} if field.description else {}
    return annotation | None, Field(None, **extra)


_PATCH_FIELDS: dict[str, Any] = {name: _optional(field)
                                 for name, field in AssetIn.model_fields.items()}
if TYPE_CHECKING:
    class AssetPatch(Schema):
        """What type checkers see of the model built at run time: a schema."""
else:
    AssetPatch = create_model("AssetPatch", __base__=Schema, **_PATCH_FIELDS)


class AssetOut(AssetIn):
    id: int
    source_import_id: int | None = None
    source_line: int | None = None
    rule: str = ""
    updated_at: dt.datetime


class AssetFilters(Schema):
    category: str | None = Field(None, description="Catégorie exacte, par exemple laptop.")
    entity: str | None = Field(None, description="Entité (service) exacte.")
    site: str | None = Field(None, description="Site exact.")
    in_service: bool | None = Field(
        None, description="true : pas encore sortis du parc ; false : sortis.")


class ImportOut(Schema):
    id: int
    file_name: str
    size: int
    sha256: str
    status: str
    progress: int = Field(..., description="Pourcentage.")
    mode: str
    created_at: dt.datetime
    finished_at: dt.datetime | None
    formats: list[Any]
    counts: dict[str, Any]
    classification: list[Any]
    problems: list[Any]
    problem_count: int
    error: str


class ImportConfirm(Schema):
    mode: Literal["replace", "merge"] = Field(
        "merge", description="merge (par défaut) : fusionner par numéro d'inventaire, sans "
                             "rien supprimer ; replace : remplacer l'inventaire.")
    expected_removed: int | None = Field(
        None, ge=0, description="replace : le nombre d'appareils que le remplacement supprime "
                                "(counts.plan.replace.removed de GET /imports/{id}), exigé "
                                "quand il en supprime ; refusé (409) s'il a changé.")


class ScenarioIn(Schema):
    lifespans: dict[str, float] = Field(default_factory=dict,
                                        description="catégorie → durée de vie (années)")
    refurbished: dict[str, float] = Field(default_factory=dict,
                                          description="catégorie → part des achats reconditionnés")
    reduction: dict[str, float] = Field(default_factory=dict,
                                        description="catégorie → part du parc non renouvelée")
    mix: str | None = Field(None, description="Mix électrique (ISO alpha-3) de la phase "
                                                 "d'usage dans le scénario.")
    start_year: int | None = Field(None, ge=2000, le=2100)
    until: int | None = Field(None, ge=2000, le=2100)
