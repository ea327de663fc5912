"""Background work of the strategy app: recompute the indicators computed from the inventory.

Pages and the API also recompute lazily (services.recompute_computed_indicators) when the
stored values come from an older inventory version; this task is for explicit runs (the
"Recalculer" button, scripts) and is enqueued after every inventory change (events.INVENTORY,
subscribed in StrategyConfig.ready).
"""

from __future__ import annotations

from django_tasks import task

from jalon.strategy import services
from jalon.tenancy.models import Organisation


@task()
def recompute_indicators(organisation_id: int) -> int:
    """Recompute every computed indicator of the organisation; returns how many."""
    organisation = Organisation.objects.get(pk=organisation_id)
    return services.recompute_computed_indicators(organisation, force=True)


def on_inventory_change(organisation_id: int) -> None:
    """Subscribed to events.INVENTORY (StrategyConfig.ready): recompute the indicators computed
    from the inventory (and from the footprint, precomputed just before)."""
    recompute_indicators.enqueue(organisation_id)
