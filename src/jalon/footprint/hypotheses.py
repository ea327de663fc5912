"""An organisation's hypotheses per device category: read, replaced, restored (audited), and
applied to the frame the engine computes from (jalon.core.hypotheses holds the pure part).

A change announces itself as an inventory change (the cached footprints are keyed on the
inventory version), so every page, export and indicator uses the new value at once.
"""

from __future__ import annotations

from typing import Any

import polars as pl
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jalon.core import hypotheses as core
from jalon.footprint import pue
from jalon.footprint.models import HypothesisOverride
from jalon.inventory.selectors import asset_frame
from jalon.inventory.tasks import bump_inventory_version
from jalon.tenancy.audit import record
from jalon.tenancy.models import Organisation


def overrides(organisation: Organisation) -> list[core.Override]:
    return [core.Override(o.category, o.key, o.value, o.reason)
            for o in HypothesisOverride.objects.filter(organisation=organisation)]


def by_category(organisation: Organisation) -> dict[str, dict[str, core.Override]]:
    out: dict[str, dict[str, core.Override]] = {}
    for override in overrides(organisation):
        out.setdefault(override.category, {})[override.key] = override
    return out


def frame_for(organisation: Organisation) -> pl.DataFrame:
    """The engine's frame: the inventory, the organisation's hypotheses where a device has no
    value of its own, then the PUE of the rooms that host servers (footprint.pue)."""
    frame = core.apply_overrides(asset_frame(organisation), overrides(organisation))
    return pue.apply(organisation, frame)


def set_override(actor: Any, organisation: Organisation, category: str, key: str,
                 value: float, reason: str) -> HypothesisOverride:
    problem = core.check_override(key, value)
    if problem is not None:
        low, high = core.BOUNDS.get(key, (0.0, 0.0))
        raise ValidationError({"value": _("Une valeur entre %(low)s et %(high)s.")
                               % {"low": f"{low:g}", "high": f"{high:g}"}})
    if not reason.strip():
        raise ValidationError({"reason": _("Dites pourquoi cette valeur remplace celle de "
                                           "Jalon (source, mesure, contrat…).")})
    with transaction.atomic():
        previous = HypothesisOverride.objects.filter(organisation=organisation,
                                                     category=category, key=key).first()
        row, _created = HypothesisOverride.objects.update_or_create(
            organisation=organisation, category=category, key=key,
            defaults={"value": value, "reason": reason.strip()})
        record(actor, "footprint.hypothesis_set", organisation, target=f"{category}/{key}",
               value=value, previous=previous.value if previous else None,
               reason=reason.strip())
        bump_inventory_version(organisation)
    return row


def clear_override(actor: Any, organisation: Organisation, category: str, key: str) -> bool:
    with transaction.atomic():
        row = HypothesisOverride.objects.filter(organisation=organisation, category=category,
                                                key=key).first()
        if row is None:
            return False
        record(actor, "footprint.hypothesis_cleared", organisation, target=f"{category}/{key}",
               value=row.value)
        row.delete()
        bump_inventory_version(organisation)
    return True
