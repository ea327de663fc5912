"""Reads of the inventory. Callers pass an organisation obtained from tenancy.scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.db.models import F, Max, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from jalon.core.readers.base import CANONICAL_COLUMNS, conform
from jalon.inventory.models import (
    Asset,
    ImportStatus,
    InventoryImport,
    InventoryPublication,
    LifecycleEvent,
    RouteRule,
)
from jalon.tenancy.models import Organisation

# The sorts the asset list offers: public key -> ORDER BY (id last, for a stable page order).
# Undated devices last in both directions, as SQLite does and PostgreSQL does not by default.
ASSET_SORTS: dict[str, tuple[Any, ...]] = {
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
    "category": ("category", "name", "id"),
    "-category": ("-category", "name", "id"),
    "purchase_date": (F("purchase_date").asc(nulls_last=True), "id"),
    "-purchase_date": (F("purchase_date").desc(nulls_last=True), "-id"),
    "entity": ("entity", "name", "id"),
    "-entity": ("-entity", "name", "id"),
}
IN_SERVICE = "in_service"
RETIRED = "retired"


@dataclass(frozen=True, slots=True)
class AssetFilters:
    category: str = ""
    entity: str = ""
    site: str = ""
    condition: str = ""
    status: str = ""  # IN_SERVICE, RETIRED or "" for both
    q: str = ""
    sort: str = "name"


def assets(organisation: Organisation) -> QuerySet[Asset]:
    return Asset.objects.filter(organisation=organisation)


def asset_list(organisation: Organisation, filters: AssetFilters) -> QuerySet[Asset]:
    """The organisation's assets, filtered and sorted (unknown sorts fall back to the name)."""
    rows = assets(organisation)
    for name in ("category", "entity", "site", "condition"):
        if value := getattr(filters, name):
            rows = rows.filter(**{name: value})
    if filters.status == IN_SERVICE:
        rows = rows.filter(retirement_date__isnull=True)
    elif filters.status == RETIRED:
        rows = rows.filter(retirement_date__isnull=False)
    if text := filters.q.strip():
        rows = rows.filter(Q(name__icontains=text) | Q(model__icontains=text)
                           | Q(inventory_number__icontains=text))
    return rows.order_by(*ASSET_SORTS.get(filters.sort, ASSET_SORTS["name"]))


def filter_choices(organisation: Organisation) -> dict[str, list[str]]:
    """Distinct entities and sites, for the list's filter menus."""
    rows = assets(organisation).order_by()
    return {name: list(rows.exclude(**{name: ""}).values_list(name, flat=True)
                       .distinct().order_by(name))
            for name in ("entity", "site")}


def asset(organisation: Organisation, asset_id: int) -> Asset:
    """One asset of the organisation; another organisation's id is a 404."""
    return get_object_or_404(assets(organisation).select_related("source_import"), pk=asset_id)


def asset_events(target: Asset) -> QuerySet[LifecycleEvent]:
    return target.events.select_related("actor")


def imports(organisation: Organisation) -> QuerySet[InventoryImport]:
    return (InventoryImport.objects.filter(organisation=organisation)
            .select_related("uploaded_by")
            .defer("problems", "classification", "unclassified", "mapping", "mapping_override"))


def last_finished_import(organisation: Organisation) -> InventoryImport | None:
    """The organisation's last import that went through (status DONE), the latest finished;
    None before the first one. The one query behind « last import » wherever it is shown."""
    return (InventoryImport.objects.filter(organisation=organisation, status=ImportStatus.DONE)
            .order_by("-finished_at", "-id").first())


def inventory_import(organisation: Organisation, import_id: int) -> InventoryImport:
    return get_object_or_404(
        InventoryImport.objects.filter(organisation=organisation).select_related(
            "uploaded_by", "confirmed_by"), pk=import_id)


def asset_frame(organisation: Organisation) -> pl.DataFrame:
    """The organisation's assets as the engine's canonical frame (source = import, line)."""
    columns = [c for c in CANONICAL_COLUMNS]
    rows = list(assets(organisation).values_list("source_line", *columns))
    data = {name: [row[i + 1] for row in rows] for i, name in enumerate(columns)}
    frame = pl.DataFrame({"line": [row[0] for row in rows], **data}, strict=False,
                         infer_schema_length=None)
    blanks = [pl.when(pl.col(c) == "").then(None).otherwise(pl.col(c)).alias(c)
              for c in columns if frame.schema.get(c) == pl.Utf8]
    frame = frame.with_columns(blanks).with_columns(pl.lit("inventory").alias("source"))
    return conform(frame)


def last_import(organisation: Organisation, up_to_version: int | None = None
                ) -> InventoryImport | None:
    """The last finished import (the one place this question is asked); with `up_to_version`,
    the last one that made that inventory version or an earlier one."""
    done = InventoryImport.objects.filter(organisation=organisation, status=ImportStatus.DONE)
    if up_to_version is not None:
        done = done.filter(inventory_version__lte=up_to_version)
    return done.order_by("-finished_at", "-id").first()


def inventory_date(organisation: Organisation) -> dt.datetime | None:
    """When the inventory last changed: the last finished import, else the last asset edit."""
    done = last_import(organisation)
    if done is not None and done.finished_at:
        return done.finished_at
    latest = Asset.objects.filter(organisation=organisation).aggregate(at=Max("updated_at"))
    at: dt.datetime | None = latest["at"]
    return at


def published_inventory_date(organisation: Organisation) -> dt.datetime | None:
    """The date of the inventory the public side shows: while an import waits for review, the
    last import that made the published version (None when that version is the empty one);
    else `inventory_date`."""
    pinned = pinned_publication(organisation)
    if pinned is None:
        return inventory_date(organisation)
    done = last_import(organisation, up_to_version=pinned.version or 0)
    return done.finished_at if done is not None else None


def route_rules(organisation: Organisation) -> QuerySet[RouteRule]:
    return RouteRule.objects.filter(organisation=organisation)


def route_rule(organisation: Organisation, rule_id: int) -> RouteRule:
    """One rule of the organisation; another organisation's id is a 404."""
    return get_object_or_404(route_rules(organisation).select_related("organisation"),
                             pk=rule_id)


def route_counts(organisation: Organisation) -> dict[str, int]:
    """Devices per route rule (the organisation's and the shipped ones), for the rules page."""
    rows = (assets(organisation).order_by().values("route_rule")
            .annotate(devices=Sum("quantity")))
    return {row["route_rule"]: int(row["devices"] or 0) for row in rows}


# --------------------------------------------------------------------------- publication


def publication(organisation: Organisation) -> InventoryPublication:
    """The organisation's publication setting (unsaved default when never set)."""
    found = InventoryPublication.objects.filter(organisation=organisation).first()
    return found or InventoryPublication(organisation=organisation)


def pinned_publication(organisation: Organisation) -> InventoryPublication | None:
    """The publication while an applied import waits for review, else None."""
    return (InventoryPublication.objects.filter(organisation=organisation,
                                                version__isnull=False).first())


def published_version(organisation: Organisation) -> int:
    """The inventory version the public pages show: the one before the imports waiting for
    review, else the current one."""
    pinned = pinned_publication(organisation)
    return organisation.inventory_version if pinned is None else int(pinned.version or 0)


def imports_awaiting_review(organisation: Organisation) -> QuerySet[InventoryImport]:
    return InventoryImport.objects.filter(organisation=organisation, status=ImportStatus.DONE,
                                          published_at__isnull=True,
                                          inventory_version__isnull=False)


def import_plan(source: InventoryImport) -> dict[str, dict[str, int]] | None:
    """What each mode would add, update and remove now (None without an analysed frame)."""
    from jalon.inventory import apply, tasks

    path = tasks.frame_path(source)
    if source.status != ImportStatus.PREVIEW or not path.is_file():
        return None
    numbers = pl.read_parquet(path, columns=["inventory_number"]).get_column(
        "inventory_number")
    return apply.plan(source.organisation_id, numbers)
