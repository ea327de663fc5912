"""The footprint's publication moves from Organisation.public_footprint to a Publication row
(domain "footprint"); the inventory aggregates dataset follows the footprint's publication."""

from typing import Any

from django.db import migrations


def forward(apps: Any, schema_editor: Any) -> None:
    Organisation = apps.get_model("tenancy", "Organisation")
    Publication = apps.get_model("tenancy", "Publication")
    for organisation_id in Organisation.objects.filter(public_footprint=True).values_list(
            "pk", flat=True):
        Publication.objects.update_or_create(organisation_id=organisation_id, domain="footprint",
                                             defaults={"published": True})


def backward(apps: Any, schema_editor: Any) -> None:
    Organisation = apps.get_model("tenancy", "Organisation")
    Publication = apps.get_model("tenancy", "Publication")
    published = Publication.objects.filter(domain="footprint", published=True)
    Organisation.objects.filter(pk__in=published.values("organisation_id")).update(
        public_footprint=True)


class Migration(migrations.Migration):

    dependencies = [
        ("tenancy", "0003_capabilities"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.RemoveField(model_name="organisation", name="public_footprint"),
    ]
