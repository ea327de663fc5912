"""Writes made through the API that the inventory services do not cover (single assets)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from jalon.inventory.models import Asset
from jalon.inventory.services import bump_inventory_version
from jalon.tenancy.audit import record
from jalon.tenancy.models import ApiToken, Organisation

PROTECTED = {"id", "organisation", "organisation_id", "source_import", "source_import_id",
             "source_line", "rule", "updated_at"}


def _label(asset: Asset) -> str:
    return asset.inventory_number or asset.name or f"#{asset.pk}"


def _validated(asset: Asset) -> None:
    asset.full_clean(exclude=["organisation", "source_import"])


@transaction.atomic
def create_asset(token: ApiToken, organisation: Organisation, values: dict[str, Any]) -> Asset:
    asset = Asset(organisation=organisation,
                  **{k: v for k, v in values.items() if k not in PROTECTED})
    if asset.category:
        asset.rule = "api"
    _validated(asset)
    asset.save()
    bump_inventory_version(organisation)
    record(token.created_by, "inventory.asset_created", organisation, target=_label(asset),
           asset_id=asset.pk, via="api", token=token.prefix)
    return asset


@transaction.atomic
def update_asset(token: ApiToken, asset: Asset, values: dict[str, Any]) -> Asset:
    changes = {k: v for k, v in values.items() if k not in PROTECTED
               and getattr(asset, k) != v}
    if not changes:
        return asset
    before = {k: getattr(asset, k) for k in changes}
    for key, value in changes.items():
        setattr(asset, key, value)
    if "category" in changes:
        asset.rule = "api" if asset.category else ""
    _validated(asset)
    asset.save()
    bump_inventory_version(asset.organisation)
    record(token.created_by, "inventory.asset_updated", asset.organisation, target=_label(asset),
           asset_id=asset.pk, via="api", token=token.prefix,
           changes={k: [str(before[k]), str(v)] for k, v in changes.items()})
    return asset


__all__ = ["ValidationError", "create_asset", "update_asset"]
