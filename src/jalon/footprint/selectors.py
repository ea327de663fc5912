"""Reads around the footprint: last import, inventory date, the factor set's sources."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from jalon.footprint.models import SavedScenario
from jalon.footprint.services import factor_set
from jalon.inventory.selectors import inventory_date, last_import, published_inventory_date
from jalon.tenancy import scope

__all__ = ["inventory_date", "last_import", "published_footprint_version",
           "published_inventory_date", "sources"]
FOOTPRINT = "footprint"  # the publishing domain (footprint/publishing.py)


def published_footprint_version(slug: str) -> tuple[int, int] | None:
    """(organisation id, inventory version) of a published footprint, else None: one fast
    SQL statement, decided by tenancy.scope (public checks are decided there only)."""
    found = scope.published_at(slug, FOOTPRINT)
    return (found[0], found[1]) if found else None


# "; see docs/reference-data.md" in a source's text: a file of Jalon's repository.
_REPOSITORY_FILE = re.compile(r";?\s*see docs/[\w./-]+\.md")


@lru_cache(maxsize=4)
def _sources(name: str, version: str) -> tuple[dict[str, Any], ...]:
    """Distinct references of the factor set, one per URL (a set cites ~100 rows of them)."""
    grouped: dict[str, dict[str, Any]] = {}
    for row in factor_set().sources():
        cited = [u.strip() for u in str(row.get("source_url") or "").split(";") if u.strip()]
        # Only web addresses are links: Jalon's own working assumptions cite a file of its
        # repository ("docs/reference-data.md (Jalon repository)"), which a deployed Jalon
        # does not serve and pyproject declares no public address for (issue 9: a broken
        # link on the footprint and public pages); the source's text says it is Jalon's.
        urls = [u for u in cited if u.startswith(("https://", "http://"))]
        source = _REPOSITORY_FILE.sub("", str(row["source"]))
        key = cited[0] if cited else source
        entry = grouped.setdefault(key, {"source": source, "urls": urls,
                                         "files": [], "years": [], "licence": row["licence"]})
        for field, value in (("files", row["file"]), ("years", row["year"])):
            if value and value not in entry[field]:
                entry[field].append(value)
    return tuple(grouped.values())


def sources() -> tuple[dict[str, Any], ...]:
    factors = factor_set()
    return _sources(factors.name, factors.version)


def saved_scenarios(organisation: Any) -> QuerySet[SavedScenario]:
    return SavedScenario.objects.filter(organisation=organisation).select_related("created_by")


def saved_scenario(organisation: Any, scenario_id: int) -> SavedScenario:
    """A saved scenario of the organisation (404 for another organisation's)."""
    return get_object_or_404(saved_scenarios(organisation), pk=scenario_id)


def scenarios_of_action(organisation_id: int, action_id: int) -> QuerySet[SavedScenario]:
    return SavedScenario.objects.filter(organisation_id=organisation_id, action_id=action_id)
