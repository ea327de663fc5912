"""The budget domain in the tenant-isolation walk (tests/web/test_isolation.py)."""

from __future__ import annotations

from typing import Any

from tests.budget.factories import (
    ClassificationRuleFactory,
    RatingFactory,
    SpendingImportFactory,
    SpendingLineFactory,
)

from jalon.budget.models import ClassificationRule, Rating, SpendingImport, SpendingLine
from jalon.tenancy.models import Organisation

TARGET_IDS = {"spending_line_id", "spending_import_id", "budget_rule_id"}
STRING_VALUES = {"axis": "climate_mitigation"}


def seed(target: Organisation, pk: int, secret: str) -> None:
    source = SpendingImportFactory(pk=pk, organisation=target, file_name=f"{secret}.csv")
    line = SpendingLineFactory(pk=pk, organisation=target, label=secret, source_import=source)
    RatingFactory(line=line, reason=secret)
    ClassificationRuleFactory(pk=pk, organisation=target, pattern=secret.lower())


def snapshot(org: Organisation) -> dict[str, Any]:
    return {
        "budget_lines": list(SpendingLine.objects.filter(organisation=org).values()),
        "budget_ratings": list(Rating.objects.filter(line__organisation=org).values()),
        "budget_imports": list(SpendingImport.objects.filter(organisation=org)
                               .values("pk", "status", "mapping")),
        "budget_rules": list(ClassificationRule.objects.filter(organisation=org).values()),
    }
