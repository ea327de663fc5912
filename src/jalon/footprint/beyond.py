"""Footprints beyond the IT estate, shown beside it as separate lines (an extension point).

The estate's footprint counts the organisation's devices. Other domains know other impacts of
its digital services that no device of the inventory carries — the energy and emissions of the
AI systems it uses through a provider's API (the register of algorithms, with EcoLogits). They
are shown on the footprint page as separate lines, never added to the estate's total (their
methods differ and some overlap: a self-hosted model runs on servers already counted).

A domain registers a provider from its AppConfig.ready(): `register(key, provider)`, where the
provider returns the year's `Line`, or None when it has nothing for that year.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from jalon.tenancy.models import Organisation


@dataclass(frozen=True, slots=True)
class Line:
    label: str
    gwp_kg: float
    low_kg: float | None = None
    high_kg: float | None = None
    energy_kwh: float | None = None
    source: str = ""
    url: str = ""  # the domain's page that details it


Provider = Callable[[Organisation, int], Line | None]

_providers: dict[str, Provider] = {}


def register(key: str, provider: Provider) -> None:
    _providers[key] = provider


def unregister(key: str) -> None:
    _providers.pop(key, None)


def lines(organisation: Organisation, year: int) -> list[Line]:
    out = []
    for key in sorted(_providers):
        line = _providers[key](organisation, year)
        if line is not None:
            out.append(line)
    return out
