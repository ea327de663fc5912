"""The footprint's part of the tenant isolation walk (tests/web/test_isolation.py): a saved
scenario of the target organisation, with the secret in its name and description."""

from __future__ import annotations

from typing import Any

from jalon.footprint.models import SavedScenario
from jalon.tenancy.models import Organisation

TARGET_IDS = {"scenario_id"}


def seed(target: Organisation, pk: int, secret: str) -> None:
    SavedScenario.objects.create(pk=pk, organisation=target, name=secret, description=secret,
                                 start_year=2025, parameters={"lifespans": {"laptop": 7.0}})


def snapshot(org: Organisation) -> dict[str, Any]:
    return {"footprint_scenarios": list(SavedScenario.objects.filter(organisation=org)
                                        .values())}
