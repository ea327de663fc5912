"""Background work of the strategy app: recompute the indicators computed from the inventory.

Pages and the API also recompute lazily (services.recompute_computed_indicators) when the
stored values come from an older inventory version; this task is for explicit runs (the
"Recalculer" button, scripts) and is enqueued after every change an indicator source listens
to (events.INVENTORY, events.CATALOGUE: subscribed in StrategyConfig.ready).
"""

from __future__ import annotations

from django_tasks import task

from jalon.publishing import registry
from jalon.strategy import services
from jalon.tenancy.models import Organisation


@task()
def recompute_indicators(organisation_id: int) -> int:
    """Recompute every computed indicator of the organisation; returns how many."""
    organisation = Organisation.objects.get(pk=organisation_id)
    return services.recompute_computed_indicators(organisation, force=True)


def on_change(topic: str, organisation_id: int) -> None:
    """Subscribed to every change (StrategyConfig.ready): when an indicator source listens to
    `topic` (events.INVENTORY for the estate's formulas, events.CATALOGUE for the services'),
    recompute the computed indicators — after the footprint, whose own subscriber ran first."""
    if any(topic in source.listens for source in registry.indicator_sources()):
        recompute_indicators.enqueue(organisation_id)
