"""The strategy's publication moves from Strategy.public to a Publication row of its
organisation (domain "strategy"): published when the organisation's current strategy (the one
covering this year, else the most recent) was public."""


from django.utils import timezone
from typing import Any

from django.db import migrations


def forward(apps: Any, schema_editor: Any) -> None:
    Strategy = apps.get_model("strategy", "Strategy")
    Publication = apps.get_model("tenancy", "Publication")
    year = timezone.localdate().year
    organisations = Strategy.objects.values_list("organisation_id", flat=True).distinct()
    for organisation_id in set(organisations):
        rows = Strategy.objects.filter(organisation_id=organisation_id).order_by(
            "-period_start", "title")
        current = (rows.filter(period_start__lte=year, period_end__gte=year).first()
                   or rows.first())
        if current is not None and current.public:
            Publication.objects.update_or_create(organisation_id=organisation_id,
                                                 domain="strategy",
                                                 defaults={"published": True})


def backward(apps: Any, schema_editor: Any) -> None:
    Strategy = apps.get_model("strategy", "Strategy")
    Publication = apps.get_model("tenancy", "Publication")
    published = Publication.objects.filter(domain="strategy", published=True)
    Strategy.objects.filter(organisation_id__in=published.values("organisation_id")).update(
        public=True)


class Migration(migrations.Migration):

    dependencies = [
        ("strategy", "0002_indicator_target_defined_computed_version"),
        ("tenancy", "0002_publication"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.RemoveField(model_name="strategy", name="public"),
    ]
