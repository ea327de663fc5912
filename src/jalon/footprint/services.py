"""Computing and caching footprints, publishing them. Views call these; they never compute.

`footprint_for` is the one entry point for a footprint: it returns the stored result of the
organisation's current inventory version, or runs the engine once and stores it. Concurrent
first requests may both compute, but the unique constraint and get_or_create keep one row.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from typing import Any, Final

from django.core.cache import cache

from jalon.core import engine
from jalon.core.factors import FactorSet, load_factor_set
from jalon.core.output import footprint_to_dict, scenario_to_dict
from jalon.core.scenario import HORIZON, ScenarioParams, run_scenario
from jalon.footprint import hypotheses
from jalon.footprint.models import FootprintResult
from jalon.tenancy.models import Organisation

METHODS: Final = ("stock", "flux")
DIMENSIONS: Final = ("entity", "site")
DIMENSIONS_KEY: Final = ",".join(DIMENSIONS)
LIFESPAN_RULE: Final = "reference"
SCENARIO_CACHE_SECONDS: Final = 600

logger = logging.getLogger(__name__)


def factor_set() -> FactorSet:
    return load_factor_set()  # cached by the core: loaded once per process


def compute_footprint(organisation: Organisation, year: int, method: str) -> dict[str, Any]:
    """Run the engine on the organisation's assets now (seconds for a large inventory)."""
    frame = hypotheses.frame_for(organisation)
    options = engine.Options(year=year, method=method,  # type: ignore[arg-type]
                             lifespan_rule=LIFESPAN_RULE, dimensions=DIMENSIONS)
    return footprint_to_dict(engine.compute(frame, factor_set(), options))


def footprint_result(organisation: Organisation, year: int, method: str) -> FootprintResult:
    key = {"organisation": organisation, "inventory_version": organisation.inventory_version,
           "year": year, "method": method, "lifespan_rule": LIFESPAN_RULE,
           "dimensions": DIMENSIONS_KEY}
    found = FootprintResult.objects.filter(**key).first()
    if found is not None:
        return found
    try:
        data = compute_footprint(organisation, year, method)
    except Exception:
        # The engine leaves out the devices it cannot compute (engine.computable); should it
        # fail all the same, the pages (public ones first) keep the last good result of an
        # earlier inventory version rather than answering 500. The error goes to the logs.
        same = {k: v for k, v in key.items() if k != "inventory_version"}
        previous = (FootprintResult.objects.filter(
            **same, inventory_version__lt=organisation.inventory_version)
            .order_by("-inventory_version").first())
        if previous is None:
            raise
        logger.exception("footprint of %s (%s, %s) failed; the result of inventory version %s "
                         "is served", organisation.slug, year, method,
                         previous.inventory_version)
        return previous
    result, created = FootprintResult.objects.get_or_create(**key, defaults={"data": data})
    if created:
        # Results of older inventory versions can never be read again.
        FootprintResult.objects.filter(
            organisation=organisation,
            inventory_version__lt=organisation.inventory_version).delete()
    return result


def footprint_for(organisation: Organisation, year: int, method: str = "stock"
                  ) -> dict[str, Any]:
    """The footprint JSON (docs/json-output.md, plus by_entity and by_site), cached."""
    data: dict[str, Any] = footprint_result(organisation, year, method).data
    return data


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
