"""Cached footprint results: one engine run per inventory version, year, method and breakdown.

Pages read these rows instead of recomputing: a 100,000-device inventory takes seconds to
compute but a page must answer in milliseconds. A change of the inventory bumps
Organisation.inventory_version, so older rows are never read again (and are pruned).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jalon.tenancy.models import Organisation


class FootprintResult(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="footprint_results")
    inventory_version = models.PositiveIntegerField()
    year = models.PositiveSmallIntegerField()
    method = models.CharField(max_length=10)
    lifespan_rule = models.CharField(max_length=10, default="reference")
    dimensions = models.CharField(max_length=100, blank=True)  # e.g. "entity,site"
    data = models.JSONField()  # footprint_to_dict: the JSON contract (docs/json-output.md)
    computed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = (models.UniqueConstraint(
            fields=["organisation", "inventory_version", "year", "method", "lifespan_rule",
                    "dimensions"], name="one_footprint_result_per_key"),)

    def __str__(self) -> str:
        return f"{self.organisation_id} v{self.inventory_version} {self.year} {self.method}"


class HypothesisOverride(models.Model):
    """An organisation's own value for a per-device hypothesis of a category (its lifespan, its
    yearly kWh, its room's PUE), used for its devices that carry no value of their own. Set and
    removed through footprint.hypotheses (audited); shown beside the figure and in the report."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="hypothesis_overrides")
    category = models.CharField(max_length=40)
    key = models.CharField(max_length=20)  # jalon.core.hypotheses.OVERRIDABLE
    value = models.FloatField()
    reason = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category", "key"]
        constraints = (
            models.UniqueConstraint(fields=["organisation", "category", "key"],
                                    name="one_override_per_hypothesis"),
            models.CheckConstraint(condition=models.Q(value__gte=0),
                                   name="override_value_not_negative"),
        )

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.category} {self.key}={self.value}"


class SavedScenario(models.Model):
    """A scenario a team keeps: a name, what it changes (the parameters of
    jalon.core.scenario.ScenarioParams, as entered), its start year, and optionally the action
    of the strategy it supports. The link is the action's id, offered and checked through
    jalon.kit.related (kind "strategy.action"): the footprint does not import the strategy.
    Written by footprint.services (audited)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="saved_scenarios")
    name = models.CharField(_("nom"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    start_year = models.PositiveSmallIntegerField(_("année de départ"))
    # {"lifespans": {category: years}, "refurbished": {category: share 0–1},
    #  "reduction": {category: share 0–1}, "mix": country or null}
    parameters = models.JSONField(default=dict)
    action_id = models.PositiveIntegerField(_("action de la stratégie"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = (models.UniqueConstraint(fields=["organisation", "name"],
                                               name="one_scenario_name_per_organisation"),)

    def __str__(self) -> str:
        return self.name
