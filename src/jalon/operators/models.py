"""What the operators app stores of its own: the inventory size of each member, counted once
per inventory version for the operator's dashboard.

Why: summing the quantity of every asset of 400 members of 10,000 devices is a scan of 4
million rows — seconds on PostgreSQL, on every load of the dashboard (benchmarks/
bench_operator_scale.py). Every change of an inventory bumps Organisation.inventory_version
(inventory.tasks.bump_inventory_version: imports, API, lifecycle events, hypotheses), the key
the stored footprints already use; a count stored with the version it was made for is exact as
long as the versions match, and the dashboard recounts, in one aggregate query, only the
members whose version moved on (operators.dashboard.inventory_sizes).
"""

from django.db import models

from jalon.tenancy.models import Organisation


class InventorySize(models.Model):
    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE,
                                        primary_key=True, related_name="+")
    inventory_version = models.PositiveIntegerField()
    devices = models.PositiveBigIntegerField()
    counted_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.organisation_id} v{self.inventory_version}: {self.devices}"


class FootprintSummary(models.Model):
    """The part of a member's stored footprint the dashboard shows — its total and its
    per-category carbon footprint — kept for the FootprintResult row it was read from.

    Why: a stored result is the whole JSON contract (about 32 KB for 10,000 devices, by entity
    and by site included); reading the by-category part of 400 of them on every load cost a
    third of the dashboard's time (bench_operator_scale.py). A result is never changed once
    stored (a new inventory version gives a new row), so a summary keyed by the result's id is
    exact while that id is the member's latest."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE,
                                        primary_key=True, related_name="+")
    result_id = models.BigIntegerField()
    gwp_kg = models.FloatField()
    by_category = models.JSONField(default=dict)  # {category: kgCO2e}

    def __str__(self) -> str:
        return f"{self.organisation_id} #{self.result_id}: {self.gwp_kg}"
