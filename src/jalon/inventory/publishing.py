"""What the inventory publishes, declared in the publishing registry (InventoryConfig.ready()).

- the dataset "inventory" (aggregates per category: devices in service, average age, share of
  refurbished or reused), in the footprint's group "empreinte": it is published with the
  footprint, as before;
- the indicator sources computed from the inventory (inventory/indicators.py), recomputed after
  every inventory change (events.INVENTORY).

This module imports the registry only: the inventory knows none of its consumers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Final

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jalon import events
from jalon.inventory import indicators, selectors
from jalon.inventory.models import Asset
from jalon.inventory.selectors import published_inventory_date
from jalon.publishing import registry
from jalon.tenancy.models import Organisation

GROUP: Final = "empreinte"  # the footprint's dataset group: published with the footprint
SOURCES: Final = {  # key: (label, unit)
    "avg_lifespan_retired": (_("Durée de vie moyenne des équipements retirés"), "ans"),
    "reuse_spend_share": (_("Part des achats consacrée au reconditionné ou réemployé"), "%"),
    "refurbished_purchase_share": (_("Part des équipements achetés reconditionnés"), "%"),
    "reuse_rate_retired": (_("Taux de réemploi des équipements retirés"), "%"),
    "end_of_life_route_share": (_("Part des équipements retirés avec une filière"), "%"),
    "weee_recycled_kg": (_("DEEE envoyés au recyclage"), "kg"),
}


def inventory_rows(organisation: Organisation, today: dt.date | None = None
                   ) -> Iterable[list[Any]]:
    """The published aggregates: those frozen when an import started waiting for review
    (selectors.published_version), else those of the current inventory."""
    pinned = selectors.pinned_publication(organisation)
    if pinned is not None:
        return [list(row) for row in pinned.dataset_rows]
    return live_inventory_rows(organisation, today)


def live_inventory_rows(organisation: Organisation, today: dt.date | None = None
                        ) -> Iterable[list[Any]]:
    """Per category: devices in service, average age (years), refurbished or reused share.

    Aggregates only (quantity-weighted); never a device, a name or a user.
    """
    today = today or timezone.localdate()
    sums: dict[str, dict[str, float]] = {}
    rows = (Asset.objects.filter(organisation=organisation).exclude(category="")
            .exclude(retirement_date__lte=today)
            .values_list("category", "quantity", "commissioning_date", "purchase_date",
                         "condition"))
    for category, quantity, commissioned, purchased, condition in rows:
        entry = sums.setdefault(category, {"count": 0, "aged": 0, "age": 0.0, "second": 0})
        entry["count"] += quantity
        start = commissioned or purchased
        if start is not None and start <= today:
            entry["aged"] += quantity
            entry["age"] += quantity * (today - start).days / 365.25
        if condition in ("refurbished", "reused"):
            entry["second"] += quantity
    for category in sorted(sums):
        entry = sums[category]
        age = round(entry["age"] / entry["aged"], 2) if entry["aged"] else ""
        share = round(entry["second"] / entry["count"], 4) if entry["count"] else ""
        yield [category, int(entry["count"]), age, share]


def modified(organisation: Organisation) -> dt.datetime:
    return published_inventory_date(organisation) or organisation.created_at


def register() -> None:
    registry.register(
        registry.Dataset(
            "inventory", GROUP, "Parc informatique en service (agrégats)",
            "Par catégorie : équipements en service, âge moyen, part reconditionnée ou "
            "réemployée.", registry.SCHEMA_DIR / "inventory.schema.json", inventory_rows, modified,
            order=21),
        *(registry.IndicatorSource(key, "inventory", label, unit, indicators.FORMULAS[key],
                                   listens=(events.INVENTORY,),
                                   provenance=indicators.provenance)
          for key, (label, unit) in SOURCES.items()),
    )
