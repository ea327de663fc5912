"""Indicator computation: the formulas the domains declare as `IndicatorSource`s.

The strategy stores the values of an indicator whose definition names a source key in
`computed`; it asks here, never the domain that declared the formula (the inventory's in
inventory/indicators.py, the footprint's in footprint/publishing.py, any new domain's).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from jalon.publishing import registry
from jalon.publishing.registry import ComputedValue, Provenance
from jalon.tenancy.models import Organisation


def keys() -> list[str]:
    """The keys of every declared source (what a definition's `computed` may name)."""
    return sorted(source.key for source in registry.indicator_sources())


def compute(key: str, organisation: Organisation, today: dt.date | None = None
            ) -> list[ComputedValue]:
    """The values of source `key` for the organisation (none for an unknown key)."""
    source = registry.indicator_source(key)
    if source is None:
        return []
    return source.compute(organisation, today or timezone.localdate())


def provenance(key: str, organisation: Organisation) -> Provenance:
    """What the values of source `key` are stored with (label, import)."""
    source = registry.indicator_source(key)
    if source is None:
        return Provenance("")
    if source.provenance is None:
        return Provenance(f"Calculé ({source.label})")
    return source.provenance(organisation)
