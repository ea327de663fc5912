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
from django.db import transaction
from django.utils.translation import gettext

from jalon.core import engine
from jalon.core.factors import FactorSet, load_factor_set
from jalon.core.output import footprint_to_dict, scenario_to_dict
from jalon.core.scenario import (
    HORIZON,
    CurrentValues,
    ScenarioParams,
    current_values,
    run_scenario,
)
from jalon.footprint import hypotheses
from jalon.footprint.models import FootprintResult, SavedScenario
from jalon.inventory.selectors import published_version
from jalon.kit import related
from jalon.tenancy.audit import record
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


# --- Scenarios a team keeps (issue 9, item 6) ------------------------------------------------

ACTION_KIND: Final = "strategy.action"  # jalon.kit.related kind of a strategy action
CURRENT_CACHE_SECONDS: Final = 600


class ScenarioError(ValueError):
    """A scenario that cannot be saved as asked (name taken, unknown action); the message is
    French and says what to do."""


def params_to_dict(params: ScenarioParams) -> dict[str, Any]:
    return {"lifespans": dict(params.lifespans), "refurbished": dict(params.refurbished),
            "reduction": dict(params.reduction), "mix": params.country}


def params_from_dict(data: dict[str, Any]) -> ScenarioParams:
    def floats(key: str) -> dict[str, float]:
        return {str(k): float(v) for k, v in (data.get(key) or {}).items()}

    return ScenarioParams(lifespans=floats("lifespans"), refurbished=floats("refurbished"),
                          reduction=floats("reduction"), country=data.get("mix") or None)


def current_values_for(organisation: Organisation, start_year: int
                       ) -> dict[str, CurrentValues]:
    """Per category, what the scenario's inputs change today (units, mean lifespan,
    refurbished share), cached per inventory version."""
    key = f"jalon:scenario-current:{organisation.pk}:{organisation.inventory_version}:{start_year}"
    cached: dict[str, CurrentValues] | None = cache.get(key)
    if cached is not None:
        return cached
    found = current_values(hypotheses.frame_for(organisation), factor_set(), start_year)
    cache.set(key, found, CURRENT_CACHE_SECONDS)
    return found


def _checked_action(organisation: Organisation, action_id: int | None) -> int | None:
    if action_id is None:
        return None
    if action_id not in {pk for pk, _label in related.choices(ACTION_KIND, organisation)}:
        raise ScenarioError(gettext("Cette action n'existe pas dans la stratégie de "
                                    "l'organisation : choisissez-en une dans la liste."))
    return action_id


def _free_name(organisation: Organisation, name: str, exclude: int | None = None) -> str:
    name = name.strip()
    if not name:
        raise ScenarioError(gettext("Donnez un nom au scénario."))
    taken = SavedScenario.objects.filter(organisation=organisation, name=name)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise ScenarioError(gettext("Un scénario s'appelle déjà « %(name)s » : choisissez un "
                                    "autre nom.") % {"name": name})
    return name


def save_scenario(actor: Any, organisation: Organisation, *, name: str, params: ScenarioParams,
                  start_year: int, description: str = "", action_id: int | None = None
                  ) -> SavedScenario:
    """Keep a scenario under a name, optionally linked to an action of the strategy; audited
    (« footprint.scenario_saved »)."""
    with transaction.atomic():
        scenario = SavedScenario.objects.create(
            organisation=organisation, name=_free_name(organisation, name),
            description=description.strip(), start_year=start_year,
            parameters=params_to_dict(params),
            action_id=_checked_action(organisation, action_id),
            created_by=actor if getattr(actor, "is_authenticated", False) else None)
        record(actor, "footprint.scenario_saved", organisation, target=scenario.name,
               scenario_id=scenario.pk, start_year=start_year, action_id=scenario.action_id,
               parameters=scenario.parameters)
    return scenario


def update_scenario(actor: Any, scenario: SavedScenario, *, name: str, description: str,
                    action_id: int | None) -> SavedScenario:
    """Rename, describe or (un)link a saved scenario; audited (« footprint.scenario_updated »).
    What it changes is not edited: save another scenario instead, so that a comparison made
    earlier still means what it meant."""
    organisation = scenario.organisation
    with transaction.atomic():
        before = {"name": scenario.name, "action_id": scenario.action_id}
        scenario.name = _free_name(organisation, name, exclude=scenario.pk)
        scenario.description = description.strip()
        scenario.action_id = _checked_action(organisation, action_id)
        scenario.save()
        record(actor, "footprint.scenario_updated", organisation, target=scenario.name,
               scenario_id=scenario.pk, before=before, action_id=scenario.action_id)
    return scenario


def delete_scenario(actor: Any, scenario: SavedScenario) -> None:
    with transaction.atomic():
        record(actor, "footprint.scenario_deleted", scenario.organisation, target=scenario.name,
               scenario_id=scenario.pk, parameters=scenario.parameters)
        scenario.delete()
