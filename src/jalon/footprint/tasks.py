"""Background work: precompute the footprint after an import, so that pages read it warm.

The inventory announces every change (events.INVENTORY, once committed); the footprint
subscribes (FootprintConfig.ready) and enqueues `recompute_footprint` for the new version.
"""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from jalon.footprint import services
from jalon.tenancy.models import Organisation


@task()
def recompute_footprint(organisation_id: int) -> int:
    """Compute the current year (stock first: dashboard and public page) for the current
    inventory version; returns that version."""
    organisation = Organisation.objects.get(pk=organisation_id)
    year = timezone.localdate().year
    for method in services.METHODS:
        services.footprint_result(organisation, year, method)
    return organisation.inventory_version


def on_inventory_change(organisation_id: int) -> None:
    """Subscribed to events.INVENTORY (FootprintConfig.ready): precompute the new footprint."""
    recompute_footprint.enqueue(organisation_id)
