"""Per-asset PUE supplied by other domains (an extension point of the footprint).

The engine multiplies the yearly energy of data-centre devices (servers, storage) by the PUE of
the room that hosts them: the asset's own `pue` column, else the reference factor set's default
(`core.engine`). A domain that knows where servers are hosted, and the PUE of those rooms
(`jalon.datacentres`), registers a provider here from its AppConfig.ready(); the footprint
consults every provider each time it builds the engine's frame, so the footprint uses the
measured PUE of the hosting room.

A provider returns, for an organisation, `{column: {value: pue}}` where column is one of
MATCH_COLUMNS: an asset whose `site`, `name` or `inventory_number` equals a value (compared
without case or surrounding spaces) takes that PUE, the most specific column winning
(inventory number, then name, then site). The provider's PUE replaces the asset's own value:
the room's register is the managed record. A provider's domain announces its changes as
inventory changes (`inventory.tasks.bump_inventory_version`), so that cached footprints,
keyed on the inventory version, are recomputed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final

import polars as pl

from jalon.inventory.selectors import asset_frame
from jalon.tenancy.models import Organisation

PueMap = Mapping[str, Mapping[str, float]]
PueProvider = Callable[[Organisation], PueMap]

# Least specific first: a later column overrides an earlier one.
MATCH_COLUMNS: Final = ("site", "name", "inventory_number")

_providers: dict[str, PueProvider] = {}


def register(key: str, provider: PueProvider) -> None:
    """Declare a provider (idempotent per key)."""
    _providers[key] = provider


def unregister(key: str) -> None:
    _providers.pop(key, None)


def _key(value: str) -> str:
    return value.strip().casefold()


def apply(organisation: Organisation, frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with the providers' PUE in the `pue` column where they know the asset."""
    for provider in list(_providers.values()):
        mapping = provider(organisation)
        for column in MATCH_COLUMNS:
            values = {_key(k): float(v) for k, v in mapping.get(column, {}).items()}
            if not values or column not in frame.columns:
                continue
            key = pl.col(column).cast(pl.Utf8).str.strip_chars().str.to_lowercase()
            found = key.replace_strict(values, default=None, return_dtype=pl.Float64)
            frame = frame.with_columns(
                pl.coalesce(found, pl.col("pue").cast(pl.Float64)).alias("pue"))
    return frame


def frame_for(organisation: Organisation) -> pl.DataFrame:
    """The engine's frame of the organisation's assets, with the providers' PUE."""
    return apply(organisation, asset_frame(organisation))
