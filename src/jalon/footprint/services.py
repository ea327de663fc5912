"""Computing and caching footprints, publishing them. Views call these; they never compute.

`footprint_for` is the one entry point for a footprint: it returns the stored result of the
organisation's current inventory version, or runs the engine once and stores it. Concurrent
first requests may both compute, but the unique constraint and get_or_create keep one row.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Any, Final

from django.core.cache import cache

from jalon.core import engine
from jalon.core.factors import FactorSet, load_factor_set
from jalon.core.output import footprint_to_dict, scenario_to_dict
from jalon.core.scenario import HORIZON, ScenarioParams, run_scenario
from jalon.footprint import hypotheses
from jalon.footprint.models import FootprintResult
from jalon.inventory.selectors import published_version
from jalon.tenancy.models import Organisation

METHODS: Final = ("stock", "flux")
DIMENSIONS: Final = ("entity", "site")
DIMENSIONS_KEY: Final = ",".join(DIMENSIONS)
LIFESPAN_RULE: Final = "reference"
SCENARIO_CACHE_SECONDS: Final = 600


def factor_set() -> FactorSet:
    return load_factor_set()  # cached by the core: loaded once per process


def compute_footprint(organisation: Organisation, year: int, method: str) -> dict[str, Any]:
    """Run the engine on the organisation's assets now (seconds for a large inventory)."""
    frame = hypotheses.frame_for(organisation)
    options = engine.Options(year=year, method=method,  # type: ignore[arg-type]
                             lifespan_rule=LIFESPAN_RULE, dimensions=DIMENSIONS)
    return footprint_to_dict(engine.compute(frame, factor_set(), options))


def footprint_result(organisation: Organisation, year: int, method: str,
                     version: int | None = None) -> FootprintResult:
    """The stored result for the current inventory version, or for `version` (the one the
    public pages show while an import waits for review: inventory.selectors.published_version).
    An older version's result exists only if it was computed while it was current (the
    footprint task does that after every change); without it, the current one is returned."""
    key = {"organisation": organisation, "inventory_version": organisation.inventory_version,
           "year": year, "method": method, "lifespan_rule": LIFESPAN_RULE,
           "dimensions": DIMENSIONS_KEY}
    if version is not None and version != organisation.inventory_version:
        pinned = FootprintResult.objects.filter(**{**key, "inventory_version": version}).first()
        if pinned is not None:
            return pinned
    found = FootprintResult.objects.filter(**key).first()
    if found is not None:
        return found
    data = compute_footprint(organisation, year, method)
    result, created = FootprintResult.objects.get_or_create(**key, defaults={"data": data})
    if created:
        # Results of older inventory versions can never be read again, except the published
        # one while an import waits for review.
        FootprintResult.objects.filter(
            organisation=organisation,
            inventory_version__lt=organisation.inventory_version).exclude(
            inventory_version=published_version(organisation)).delete()
    return result


def footprint_for(organisation: Organisation, year: int, method: str = "stock",
                  version: int | None = None) -> dict[str, Any]:
    """The footprint JSON (docs/json-output.md, plus by_entity and by_site), cached."""
    data: dict[str, Any] = footprint_result(organisation, year, method, version).data
    return data


def published_footprint_for(organisation: Organisation, year: int, method: str = "stock"
                            ) -> dict[str, Any]:
    """The footprint the public pages show (the inventory version published)."""
    return footprint_for(organisation, year, method, published_version(organisation))


def scenario_for(organisation: Organisation, params: ScenarioParams, start_year: int
                 ) -> dict[str, Any] | None:
    """Baseline versus scenario (scenario_to_dict), cached a few minutes per parameter set."""
    raw = json.dumps([organisation.pk, organisation.inventory_version, start_year,
                      dataclasses.asdict(params)], sort_keys=True)
    key = "jalon:scenario:" + hashlib.sha256(raw.encode()).hexdigest()
    cached: dict[str, Any] | None = cache.get(key)
    if cached is not None:
        return cached
    frame = hypotheses.frame_for(organisation)
    if frame.height == 0:
        return None
    result = run_scenario(frame, factor_set(), params, start_year,
                          until=max(HORIZON, start_year))
    data = scenario_to_dict(result)
    cache.set(key, data, SCENARIO_CACHE_SECONDS)
    return data
