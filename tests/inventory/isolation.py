"""The inventory's part of the tenant-isolation walk (tests/web/test_isolation.py): the
end-of-life route rules of the target organisation (`routes/<int:rule_id>/`), and what the
import pages change without an id in their path (publication setting and pointer, remembered
mappings: imports/publish/, imports/publication/) or with the walk's import id (retry)."""

from __future__ import annotations

from typing import Any

from jalon.inventory.models import (
    ImportMapping,
    InventoryImport,
    InventoryPublication,
    RouteRule,
)

TARGET_IDS = {"rule_id"}


def seed(target: Any, pk: int, secret: str) -> None:
    RouteRule.objects.create(pk=pk, organisation=target, field="status", pattern="donne",
                             route="donated", note=secret)
    InventoryPublication.objects.create(organisation=target, auto_publish=False, version=0)
    ImportMapping.objects.create(organisation=target, fingerprint=secret,
                                 mapping={secret: "name"}, headers=[secret])


def snapshot(organisation: Any) -> dict[str, Any]:
    return {"route_rules": list(RouteRule.objects.filter(organisation=organisation).values()),
            "publication": list(InventoryPublication.objects.filter(
                organisation=organisation).values()),
            "mappings": list(ImportMapping.objects.filter(organisation=organisation).values()),
            "imports": list(InventoryImport.objects.filter(organisation=organisation)
                            .values("pk", "status", "attempts", "published_at"))}
