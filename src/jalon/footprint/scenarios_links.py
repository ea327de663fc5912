"""The saved scenarios linked to a strategy action, for the action's page (jalon.kit.related,
kind "strategy.action"): the footprint never imports the strategy."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from jalon.footprint.models import SavedScenario


def action_scenarios(action: Any) -> list[tuple[str, str]]:
    """(name, URL) of the organisation's saved scenarios linked to `action`. The strategy's
    page sets `organisation_id` on the action it passes (the scope: another organisation's
    scenario is never listed, even for a reused id)."""
    organisation_id = getattr(action, "organisation_id", None)
    if organisation_id is None:
        return []
    rows = (SavedScenario.objects.filter(organisation_id=organisation_id, action_id=action.pk)
            .select_related("organisation").order_by("name", "id"))
    return [(row.name, reverse("footprint:scenario", args=[row.organisation.slug]) + "?"
             + urlencode({"saved": row.pk})) for row in rows]
