"""The inventory's REST operations (/api/v1/assets, /api/v1/imports): parse, call the
inventory's services and selectors, render. Mounted by jalon.api.api."""

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import File, Query, Router, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate

from jalon.api import auth, schemas
from jalon.api.pagination import Pages
from jalon.api.schemas import ERRORS, Error
from jalon.inventory import services
from jalon.inventory.models import Asset, InventoryImport
from jalon.inventory.uploads import ALLOWED_SUFFIXES, max_upload_bytes, suffix_of
from jalon.tenancy.capabilities import Capability

router = Router()


# Assets ---------------------------------------------------------------------------------

def _asset(request: HttpRequest, asset_id: int) -> Asset:
    return get_object_or_404(Asset, pk=asset_id, organisation=auth.organisation(request))


@router.get("/assets", response=list[schemas.AssetOut], tags=["inventaire"],
         summary="Équipements de l'inventaire (paginés)")
@paginate(Pages, page_size=100, max_page_size=1000)
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


@router.post("/assets", response={201: schemas.AssetOut, 403: Error, 422: Error},
          tags=["inventaire"], summary="Ajouter un équipement (capacité inventory.edit)")
def create_asset(request: HttpRequest, payload: schemas.AssetIn) -> Status[Asset]:
    auth.require(request, Capability.EDIT_INVENTORY)
    asset = services.create_asset(auth.token(request), auth.organisation(request),
                                      payload.dict())
    return Status(201, asset)


@router.get("/assets/{asset_id}", response={200: schemas.AssetOut, **ERRORS}, tags=["inventaire"],
         summary="Un équipement")
def get_asset(request: HttpRequest, asset_id: int) -> Asset:
    auth.require(request, Capability.READ)
    return _asset(request, asset_id)


@router.patch("/assets/{asset_id}", response={200: schemas.AssetOut, 422: Error, **ERRORS},
           tags=["inventaire"], summary="Modifier un équipement (capacité inventory.edit)")
def patch_asset(request: HttpRequest, asset_id: int, payload: schemas.AssetPatch) -> Asset:
    asset = _asset(request, asset_id)
    auth.require(request, Capability.EDIT_INVENTORY)
    return services.update_asset(auth.token(request), asset,
                                     payload.dict(exclude_unset=True))


def _import(request: HttpRequest, import_id: int) -> InventoryImport:
    return get_object_or_404(InventoryImport, pk=import_id,
                             organisation=auth.organisation(request))


@router.get("/imports", response=list[schemas.ImportOut], tags=["imports"],
         summary="Imports d'inventaire, du plus récent au plus ancien (paginés)")
@paginate(Pages, page_size=20, max_page_size=100)
def list_imports(request: HttpRequest) -> Any:
    auth.require(request, Capability.READ)
    return InventoryImport.objects.filter(organisation=auth.organisation(request))


@router.post("/imports", response={201: schemas.ImportOut, 400: Error, 413: Error,
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
        source = services.start_import(auth.actor(request),
                                                 auth.organisation(request), file)
    except ValueError as exc:
        raise HttpError(413, f"Fichier refusé : {exc}") from exc
    return Status(201, source)


@router.get("/imports/{import_id}", response={200: schemas.ImportOut, **ERRORS}, tags=["imports"],
         summary="État d'un import : statut, progression, comptes, problèmes")
def get_import(request: HttpRequest, import_id: int) -> InventoryImport:
    auth.require(request, Capability.READ)
    return _import(request, import_id)


@router.post("/imports/{import_id}/confirm",
          response={200: schemas.ImportOut, 409: Error, **ERRORS}, tags=["imports"],
          summary="Appliquer un import analysé à l'inventaire (capacité inventory.edit)")
def confirm_import(request: HttpRequest, import_id: int,
                   payload: schemas.ImportConfirm) -> InventoryImport:
    source = _import(request, import_id)
    auth.require(request, Capability.EDIT_INVENTORY)
    try:
        return services.confirm_import(auth.actor(request), source, payload.mode,
                                       expected_removed=payload.expected_removed)
    except services.ImportStateError as exc:
        raise HttpError(409, str(exc)) from exc
