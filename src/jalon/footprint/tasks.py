"""Background work: precompute the footprint after an import, so that pages read it warm.

The inventory announces every change (events.INVENTORY, once committed); the footprint
subscribes (FootprintConfig.ready) and enqueues `recompute_footprint` for the new version.
"""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from jalon.footprint import services
from jalon.footprint.publishing import footprint_years
from jalon.publishing.indicators import years as indicator_years
from jalon.tenancy.models import Organisation


@task()
def recompute_footprint(organisation_id: int) -> int:
    """Compute the current year (stock first: dashboard and public page) for the current
    inventory version, then the other years that publications read (the indicators' five,
    the open data's and the report's three, stock method); returns that version.

    A version's results can only be computed while it is current (the assets are replaced
    by an import): those years must exist before a next import waits for review, when the
    published side goes on reading this version (footprint/publishing.py)."""
    organisation = Organisation.objects.get(pk=organisation_id)
    today = timezone.localdate()
    for method in services.METHODS:
        services.footprint_result(organisation, today.year, method)
    for year in sorted(set(indicator_years(today)) | set(footprint_years(today)), reverse=True):
        services.footprint_result(organisation, year, "stock")
    return organisation.inventory_version


def on_inventory_change(organisation_id: int) -> None:
    """Subscribed to events.INVENTORY (FootprintConfig.ready): precompute the new footprint."""
    recompute_footprint.enqueue(organisation_id)
