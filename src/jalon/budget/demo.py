"""This domain's part of the demo (jalon demo), called by jalon.demo_site after the catalogue
of services is seeded and before the strategies; idempotent.

DEMO_INDICATORS lists computed indicators (keys of this domain's IndicatorSource entries) that
jalon.demo_site adds to the demo agglomeration's strategy once the strategies exist.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jalon.tenancy.models import Organisation

DEMO_INDICATORS: tuple[dict[str, Any], ...] = ()


def seed_demo(agglomeration: Organisation, people: dict[str, Any],
              say: Callable[[str], None]) -> list[str]:
    """What was created, as short French phrases for the demo's summary."""
    return []
