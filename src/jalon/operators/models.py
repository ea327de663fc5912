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
