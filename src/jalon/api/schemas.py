"""Request and response shapes of the REST API (they make its OpenAPI 3 document)."""

import copy
import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from ninja import Field, Schema
from pydantic import create_model
from pydantic.fields import FieldInfo

from jalon.core.bounds import BOUNDS
from jalon.core.factors import load_factor_set
from jalon.core.model import CATEGORIES, CONDITIONS
from jalon.core.readers.values import DISPOSALS

# Enumerations as Literal types: the OpenAPI document lists the allowed values, and a value
# outside them is a 422 naming them (jalon.api.api.validation_errors), never an empty answer.
CategoryName = Literal[CATEGORIES]  # type: ignore[valid-type]
CategoryOrBlank = Literal[("", *CATEGORIES)]  # type: ignore[valid-type]
ConditionName = Literal[CONDITIONS]  # type: ignore[valid-type]
DisposalOrBlank = Literal[("", *DISPOSALS)]  # type: ignore[valid-type]
COUNTRIES: tuple[str, ...] = tuple(sorted(load_factor_set().countries()))
CountryName = Literal[COUNTRIES]  # type: ignore[valid-type]
CountryOrBlank = Literal[("", *COUNTRIES)]  # type: ignore[valid-type]


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


def _bounded(name: str, description: str | None = None) -> Any:
    """A number field within jalon.core.bounds (the model's and the database's bounds)."""
    bound = BOUNDS[name]
    kwargs: dict[str, Any] = {"gt" if bound.exclusive_minimum else "ge": bound.minimum,
                              "le": bound.maximum, "allow_inf_nan": False}
    if description:
        kwargs["description"] = description
    return Field(None, **kwargs)


class AssetIn(Schema):
    category: CategoryOrBlank = Field("", description="Catégorie ; vide si inconnue.")
    inventory_number: str = Field("", max_length=100)
    name: str = Field("", max_length=200)
    item_type: str = Field("", max_length=100)
    type: str = Field("", max_length=200)
    manufacturer: str = Field("", max_length=200)
    model: str = Field("", max_length=200)
    quantity: int = Field(1, ge=BOUNDS["quantity"].minimum, le=BOUNDS["quantity"].maximum)
    purchase_date: dt.date | None = None
    commissioning_date: dt.date | None = None
    retirement_date: dt.date | None = None
    lifespan_years: float | None = _bounded("lifespan_years", "Durée de vie en années.")
    purchase_price_eur: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2,
                                               allow_inf_nan=False)
    condition: ConditionName = "new"
    status: str = Field("", max_length=100)
    entity: str = Field("", max_length=300)
    site: str = Field("", max_length=300)
    user: str = Field("", max_length=200)
    country: CountryOrBlank = Field(
        "", description="Code ISO alpha-3 d'un pays dont le mix électrique est connu "
                        "(par exemple FRA) ; vide : le pays de l'organisation.")
    annual_kwh: float | None = _bounded("annual_kwh", "Consommation annuelle (kWh).")
    is_virtual: bool = False
    cpu_units: int | None = _bounded("cpu_units")
    cpu_cores: int | None = _bounded("cpu_cores")
    ram_gb: float | None = _bounded("ram_gb")
    ssd_count: int | None = _bounded("ssd_count")
    ssd_capacity_gb: float | None = _bounded("ssd_capacity_gb")
    hdd_count: int | None = _bounded("hdd_count")
    hdd_capacity_gb: float | None = _bounded("hdd_capacity_gb")
    pue: float | None = _bounded("pue")
    disposal: DisposalOrBlank = Field("", description="Filière de sortie ; vide si aucune.")
    weight_kg: float | None = _bounded("weight_kg")


# The same fields, all optional: only those sent are changed. Each keeps its constraints, and a
# field that cannot be empty in the database (a name, a quantity) cannot be sent as null.
def _optional(field: FieldInfo) -> tuple[Any, Any]:
    optional = copy.copy(field)
    optional.default = None
    optional.default_factory = None
    return field.annotation, optional


# What is stored, unconstrained: an answer never fails on a row written before the bounds.
def _stored(field: FieldInfo) -> tuple[Any, Any]:
    annotation: Any = field.annotation
    plain: Any = {CategoryOrBlank: str, ConditionName: str, CountryOrBlank: str,
                  DisposalOrBlank: str}.get(annotation, annotation)
    if plain is float or plain == float | None:
        plain = float | None
    elif plain is int or plain == int | None:
        plain = int | None
    elif plain == Decimal | None:
        plain = Decimal | None
    extra: dict[str, Any] = {"description": field.description} if field.description else {}
    return plain, Field(field.default, **extra)


_PATCH_FIELDS: dict[str, Any] = {name: _optional(field)
                                 for name, field in AssetIn.model_fields.items()}
_STORED_FIELDS: dict[str, Any] = {name: _stored(field)
                                  for name, field in AssetIn.model_fields.items()}
if TYPE_CHECKING:
    class AssetPatch(Schema):
        """What type checkers see of the model built at run time: a schema."""

    class AssetStored(Schema):
        """What type checkers see of the model built at run time: a schema."""
else:
    AssetPatch = create_model("AssetPatch", __base__=Schema, **_PATCH_FIELDS)
    AssetStored = create_model("AssetStored", __base__=Schema, **_STORED_FIELDS)


class AssetOut(AssetStored):
    id: int
    source_import_id: int | None = None
    source_line: int | None = None
    rule: str = ""
    updated_at: dt.datetime


class AssetFilters(Schema):
    category: CategoryName | None = Field(None, description="Catégorie exacte, par exemple laptop.")
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
