"""The inventory's part of the tenant-isolation walk (tests/web/test_isolation.py): the
end-of-life route rules of the target organisation (`routes/<int:rule_id>/`)."""

from __future__ import annotations

from typing import Any

from jalon.inventory.models import RouteRule

TARGET_IDS = {"rule_id"}


def seed(target: Any, pk: int, secret: str) -> None:
    RouteRule.objects.create(pk=pk, organisation=target, field="status", pattern="donne",
                             route="donated", note=secret)


def snapshot(organisation: Any) -> dict[str, Any]:
    return {"route_rules": list(RouteRule.objects.filter(organisation=organisation).values())}
