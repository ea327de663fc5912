"""Capabilities per member and per API token, filled from the roles they had.

The mapping is frozen here (a migration must not follow later changes of the code):
viewer → read; editor → read and every edit/manage capability; admin → all of them.
"""

from typing import Any

from django.db import migrations, models

READ = "read"
EDIT = ["inventory.edit", "strategy.edit", "catalogue.edit", "audits.manage",
        "algorithms.manage", "personal_data.manage", "feedback.manage", "budget.manage"]
PUBLISH, ADMINISTER = "publishing.manage", "organisation.admin"
ROLE_CAPABILITIES = {
    "viewer": [READ],
    "editor": [READ, *EDIT],
    "admin": [READ, *EDIT, PUBLISH, ADMINISTER],
}


def capabilities_for_role(role: str) -> list[str]:
    """The capabilities a member or token with this old role holds (none for an unknown role)."""
    return list(ROLE_CAPABILITIES.get(role, []))


def fill(apps: Any, schema_editor: Any) -> None:
    for model in ("Membership", "ApiToken"):
        rows = apps.get_model("tenancy", model).objects.filter(capabilities__isnull=True)
        for row in rows.only("pk", "role").iterator():
            row.capabilities = capabilities_for_role(row.role)
            row.save(update_fields=["capabilities"])


class Migration(migrations.Migration):

    dependencies = [
        ('tenancy', '0002_publication'),
    ]

    operations = [
        migrations.AddField(
            model_name='apitoken',
            name='capabilities',
            field=models.JSONField(blank=True, default=None, null=True, verbose_name='capacités'),
        ),
        migrations.AddField(
            model_name='membership',
            name='capabilities',
            field=models.JSONField(blank=True, default=None, null=True, verbose_name='capacités'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
