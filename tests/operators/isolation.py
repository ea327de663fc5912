"""The operators' part of the tenant-isolation walk (tests/web/test_isolation.py): a stored
footprint of the target organisation whose category name is the secret, so that the operator's
dashboard (/operator/dashboard/, its chart and table by category, its export) would show it to
a member of another organisation or an anonymous visitor if it leaked. The dashboard has no
integer path parameter."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from jalon.footprint.models import FootprintResult

TARGET_IDS: set[str] = set()


def seed(target: Any, pk: int, secret: str) -> None:
    FootprintResult.objects.create(
        pk=pk, organisation=target, inventory_version=target.inventory_version,
        year=timezone.localdate().year, method="stock", lifespan_rule="reference",
        # Dimensions no page asks for: the pages reading a full footprint (the public home)
        # never pick this partial row, while the dashboard, which reads any stored result of
        # the year, would show its secret category if it leaked.
        dimensions="isolation-walk",
        data={"totals": {"gwp": {"value": 1000.0}},
              "by_category": {secret: {"gwp": {"value": 1000.0}}}})


def snapshot(organisation: Any) -> dict[str, Any]:
    return {"footprint_results": list(FootprintResult.objects.filter(
        organisation=organisation).values("pk", "inventory_version", "year", "method"))}
