"""Clear the out-of-bounds values of legacy rows before 0006 adds the CHECK constraints (in a
migration of its own: PostgreSQL refuses to ALTER a table with pending trigger events left by
the updates in the same transaction)."""

from typing import Any

from django.db import migrations


# Bounds as of this migration (jalon.core.bounds), copied: a migration must not change later.
BOUNDS = {
    "lifespan_years": (0, 100, True), "purchase_price_eur": (0, 9_999_999_999.99, False),
    "annual_kwh": (0, 10_000_000, False), "cpu_units": (0, 100_000, False),
    "cpu_cores": (0, 100_000, False), "ram_gb": (0, 1_000_000, False),
    "ssd_count": (0, 100_000, False), "ssd_capacity_gb": (0, 10_000_000, False),
    "hdd_count": (0, 100_000, False), "hdd_capacity_gb": (0, 10_000_000, False),
    "pue": (1, 10, False), "weight_kg": (0, 100_000, False),
}


def clear_out_of_bounds(apps: Any, schema_editor: Any) -> None:
    """Legacy rows written before the CHECK constraints (a PATCH that skipped validation, a
    script): an out-of-bounds optional value is cleared, so that the engine uses its reference
    value, as for a value never given; a quantity is brought within 1..1,000,000. Without
    this, adding the constraints fails on PostgreSQL, which checks the rows already there."""
    from django.db.models import Q

    asset = apps.get_model("inventory", "Asset")
    for name, (low, high, exclusive) in BOUNDS.items():
        within = Q(**{f"{name}__gt" if exclusive else f"{name}__gte": low, f"{name}__lte": high})
        asset.objects.filter(**{f"{name}__isnull": False}).exclude(within).update(**{name: None})
    asset.objects.filter(quantity__lt=1).update(quantity=1)
    asset.objects.filter(quantity__gt=1_000_000).update(quantity=1_000_000)


class Migration(migrations.Migration):

    dependencies = [
        ("inventory", "0004_routes"),
    ]

    operations = [
        migrations.RunPython(clear_out_of_bounds, migrations.RunPython.noop),
    ]
