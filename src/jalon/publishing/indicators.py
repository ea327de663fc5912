"""Indicator computation: the formulas the domains declare as `IndicatorSource`s.

The strategy stores the values of an indicator whose definition names a source key in
`computed`; it asks here, never the domain that declared the formula (the inventory's in
inventory/indicators.py, the footprint's in footprint/publishing.py, any new domain's).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Final

from django.utils import timezone

from jalon.publishing import registry
from jalon.publishing.registry import ComputedValue, Provenance, TrackedTarget
from jalon.tenancy.models import Organisation

YEARS: Final = 5  # a computed indicator has a value per year of the last five


def years(today: dt.date | None = None) -> list[int]:
    """The years a computed indicator covers, oldest first."""
    today = today or timezone.localdate()
    return list(range(today.year - YEARS + 1, today.year + 1))


def as_of(year: int, today: dt.date) -> dt.date:
    """The day a year's value describes: 31 December of a past year, today for this one."""
    return min(dt.date(year, 12, 31), today)


def yearly_value(year: int, value: float, detail: dict[str, Any], today: dt.date
                 ) -> ComputedValue:
    """A result on 31 December of a past year, an estimate today for the current year."""
    if year < today.year:
        return ComputedValue(year, as_of(year, today), value, "result", detail)
    return ComputedValue(year, today, value, "estimate", detail,
                         f"Année {year} en cours, au {today:%d/%m/%Y}.")


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


def targets(organisation: Organisation, keys: Sequence[str]) -> list[TrackedTarget]:
    """The targets set on indicators computed from the sources `keys`, as the domains that
    follow them (the strategy) word and assess them; none when nothing follows them."""
    found: list[TrackedTarget] = []
    for reader in registry.target_readers():
        found += reader.read(organisation, list(keys))
    return found
