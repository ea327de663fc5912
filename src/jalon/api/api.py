"""The REST API v1 (django-ninja): one organisation per token, OpenAPI 3 at /api/v1/openapi.json.

No Swagger UI: it would load scripts from a CDN, and Jalon makes no third-party requests; the
human page is /api/ (views.index).
"""

from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from ninja import File, NinjaAPI, Query, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate
from ninja.params import functions as param_functions

from jalon.api import auth, schemas
from jalon.api import services as api_services
from jalon.catalogue.api import services_router
from jalon.core.model import CATEGORIES
from jalon.core.scenario import HORIZON, ScenarioParams
from jalon.inventory import services as inventory_services
from jalon.inventory.models import Asset, InventoryImport
from jalon.inventory.uploads import ALLOWED_SUFFIXES, max_upload_bytes, suffix_of
from jalon.strategy.api import strategy_router
from jalon.tenancy import scope
from jalon.tenancy.capabilities import Capability

DESCRIPTION = """API de Jalon pour une organisation (collectivité).

Authentification : `Authorization: Bearer jal_…` avec un jeton créé par un administrateur dans
*Paramètres → Jetons d'API*. Un jeton donne accès à **une seule** organisation, avec les
capacités choisies à sa création : `read` (lecture), `inventory.edit` (modification de
l'inventaire, imports), `strategy.edit` (saisie des valeurs d'indicateurs)… Une opération
demandant une capacité que le jeton n'a pas répond 403.
Les erreurs sont des objets JSON `{"detail": …}`.
"""



class JalonAPI(NinjaAPI):
    """Mounted inside the "api" namespace (jalon/api/urls.py): its root is api:api-v1."""

    def get_root_path(self, path_params: dict[str, Any]) -> str:
        return reverse(f"api:{self.urls_namespace}:api-root", kwargs=path_params)


api = JalonAPI(title="Jalon API", version="1", description=DESCRIPTION,
               urls_namespace="api-v1", docs_url=None, auth=auth.TokenAuth())

ERRORS: dict[int, Any] = {401: schemas.Error, 403: schemas.Error, 404: schemas.Error}


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
    return api.create_response(request, {"detail": detail}, status=422)


# Organisation ------------------------------------------------------------------------------

@api.get("/organisation", response={200: schemas.OrganisationOut, **ERRORS},
         tags=["organisation"], summary="L'organisation du jeton")
def organisation(request: HttpRequest) -> dict[str, Any]:
    org = auth.organisation(request)
    token = auth.token(request)
    return {"slug": org.slug, "name": org.name, "kind": org.kind, "siren": org.siren,
            "insee_code": org.insee_code, "population": org.population, "agents": org.agents,
            "operator": org.operator.name,
            "public_footprint": scope.is_published(org, "footprint"),
            "token": {"name": token.name, "prefix": token.prefix, "role": token.role,
                      "capabilities": auth.capabilities(request)}}


# Inventory ---------------------------------------------------------------------------------

def _asset(request: HttpRequest, asset_id: int) -> Asset:
    return get_object_or_404(Asset, pk=asset_id, organisation=auth.organisation(request))


@api.get("/assets", response=list[schemas.AssetOut], tags=["inventaire"],
         summary="Équipements de l'inventaire (paginés)")
@paginate(PageNumberPagination, page_size=100, max_page_size=1000)
def list_assets(request: HttpRequest, filters: Query[schemas.AssetFilters]) -> Any:
    auth.require(request, Capability.READ)
    assets = Asset.objects.filter(organisation=auth.organisation(request))
    for name in ("category", "entity", "site"):
        value = getattr(filters, name)
        if value is not None:
            assets = assets.filter(**{name: value})
    if filters.in_service is not None:
        today = timezone.localdate()
        in_service = Q(retirement_date__isnull=True) | Q(retirement_date__gt=today)
        assets = assets.filter(in_service if filters.in_service else ~in_service)
    return assets.order_by("id")


@api.post("/assets", response={201: schemas.AssetOut, 403: schemas.Error, 422: schemas.Error},
          tags=["inventaire"], summary="Ajouter un équipement (capacité inventory.edit)")
def create_asset(request: HttpRequest, payload: schemas.AssetIn) -> Status[Asset]:
    auth.require(request, Capability.EDIT_INVENTORY)
    asset = api_services.create_asset(auth.token(request), auth.organisation(request),
                                      payload.dict())
    return Status(201, asset)


@api.get("/assets/{asset_id}", response={200: schemas.AssetOut, **ERRORS}, tags=["inventaire"],
         summary="Un équipement")
def get_asset(request: HttpRequest, asset_id: int) -> Asset:
    auth.require(request, Capability.READ)
    return _asset(request, asset_id)


@api.patch("/assets/{asset_id}", response={200: schemas.AssetOut, 422: schemas.Error, **ERRORS},
           tags=["inventaire"], summary="Modifier un équipement (capacité inventory.edit)")
def patch_asset(request: HttpRequest, asset_id: int, payload: schemas.AssetPatch) -> Asset:
    asset = _asset(request, asset_id)
    auth.require(request, Capability.EDIT_INVENTORY)
    return api_services.update_asset(auth.token(request), asset,
                                     payload.dict(exclude_unset=True))


def _import(request: HttpRequest, import_id: int) -> InventoryImport:
    return get_object_or_404(InventoryImport, pk=import_id,
                             organisation=auth.organisation(request))


@api.get("/imports", response=list[schemas.ImportOut], tags=["imports"],
         summary="Imports d'inventaire, du plus récent au plus ancien (paginés)")
@paginate(PageNumberPagination, page_size=20, max_page_size=100)
def list_imports(request: HttpRequest) -> Any:
    auth.require(request, Capability.READ)
    return InventoryImport.objects.filter(organisation=auth.organisation(request))


@api.post("/imports", response={201: schemas.ImportOut, 400: schemas.Error, 413: schemas.Error,
                                **ERRORS},
          tags=["imports"], summary="Déposer un fichier d'inventaire (capacité inventory.edit)",
          description="Envoi multipart (champ `file`) : export GLPI, fichier NumEcoEval, CSV ou "
                      "XLSX de Jalon, inventaires GLPI-Agent/FusionInventory (ou un ZIP de "
                      "ceux-ci). L'analyse part en tâche de fond : suivez `status` et `progress` "
                      "avec GET /imports/{id}, puis confirmez avec POST /imports/{id}/confirm.")
def create_import(request: HttpRequest, file: File[UploadedFile]) -> Status[Any]:
    auth.require(request, Capability.EDIT_INVENTORY)
    if suffix_of(file.name or "") not in ALLOWED_SUFFIXES:
        raise HttpError(400, "Format de fichier non pris en charge ; extensions acceptées : "
                        + ", ".join(ALLOWED_SUFFIXES))
    if file.size is not None and file.size > max_upload_bytes():
        raise HttpError(413, f"Fichier trop volumineux (maximum {max_upload_bytes() // 2**20} Mo).")
    try:
        source = inventory_services.start_import(auth.actor(request),
                                                 auth.organisation(request), file)
    except ValueError as exc:
        raise HttpError(413, f"Fichier refusé : {exc}") from exc
    return Status(201, source)


@api.get("/imports/{import_id}", response={200: schemas.ImportOut, **ERRORS}, tags=["imports"],
         summary="État d'un import : statut, progression, comptes, problèmes")
def get_import(request: HttpRequest, import_id: int) -> InventoryImport:
    auth.require(request, Capability.READ)
    return _import(request, import_id)


@api.post("/imports/{import_id}/confirm",
          response={200: schemas.ImportOut, 409: schemas.Error, **ERRORS}, tags=["imports"],
          summary="Appliquer un import analysé à l'inventaire (capacité inventory.edit)")
def confirm_import(request: HttpRequest, import_id: int,
                   payload: schemas.ImportConfirm) -> InventoryImport:
    source = _import(request, import_id)
    auth.require(request, Capability.EDIT_INVENTORY)
    try:
        return inventory_services.confirm_import(auth.actor(request), source, payload.mode)
    except inventory_services.ImportStateError as exc:
        raise HttpError(409, str(exc)) from exc


# Footprint ---------------------------------------------------------------------------------

def _current_year() -> int:
    return timezone.localdate().year


@api.get("/footprint", response={200: dict[str, Any], **ERRORS}, tags=["empreinte"],
         summary="Empreinte de l'inventaire (contrat JSON de docs/json-output.md)")
def footprint(request: HttpRequest,
              year: int | None = param_functions.Query(None, ge=1990, le=2100),
              method: Literal["stock", "flux"] = "stock") -> dict[str, Any]:
    auth.require(request, Capability.READ)
    from jalon.footprint.services import footprint_for

    return footprint_for(auth.organisation(request), year or _current_year(), method)


def _check_shares(name: str, values: dict[str, float], *, share: bool) -> None:
    for category, value in values.items():
        if category not in CATEGORIES:
            raise HttpError(422, f"{name} : catégorie inconnue « {category} » ; catégories : "
                            + ", ".join(CATEGORIES))
        if share and not 0 <= value <= 1:
            raise HttpError(422, f"{name}.{category} : une part entre 0 et 1 est attendue.")
        if not share and not 0 < value <= 50:
            raise HttpError(422, f"{name}.{category} : une durée en années (0 à 50) est attendue.")


@api.post("/scenario", response={200: dict[str, Any], 409: schemas.Error, 422: schemas.Error,
                                 **ERRORS},
          tags=["empreinte"], summary="Scénario contre situation de référence",
          description="Réponse : le contrat JSON de `jalon scenario` (docs/json-output.md).")
def scenario(request: HttpRequest, payload: schemas.ScenarioIn) -> dict[str, Any]:
    auth.require(request, Capability.READ)
    from jalon.core.output import scenario_to_dict
    from jalon.core.scenario import run_scenario
    from jalon.footprint.services import factor_set, scenario_for
    from jalon.inventory.selectors import asset_frame

    _check_shares("lifespans", payload.lifespans, share=False)
    _check_shares("refurbished", payload.refurbished, share=True)
    _check_shares("reduction", payload.reduction, share=True)
    mix = payload.mix.upper() if payload.mix else None
    if mix and mix not in factor_set().countries():
        raise HttpError(422, f"mix : pas de mix électrique pour « {mix} ».")
    start = payload.start_year or _current_year()
    until = payload.until or max(HORIZON, start)
    if until < start:
        raise HttpError(422, "until doit être postérieur ou égal à start_year.")
    params = ScenarioParams(lifespans=payload.lifespans, refurbished=payload.refurbished,
                            reduction=payload.reduction, country=mix)
    organisation = auth.organisation(request)
    if until == max(HORIZON, start):
        data = scenario_for(organisation, params, start)
    else:
        frame = asset_frame(organisation)
        data = (scenario_to_dict(run_scenario(frame, factor_set(), params, start, until))
                if frame.height else None)
    if data is None:
        raise HttpError(409, "L'inventaire ne contient aucun équipement.")
    return data


api.add_router("/", strategy_router)
api.add_router("/", services_router)
