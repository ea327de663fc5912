"""Sign-in failures become atomic counters per key (account, account from an address,
address): the old rows, one per failure, only served a 15-minute window and are dropped."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("accounts", "0001_initial")]

    operations = [
        migrations.DeleteModel(name="LoginAttempt"),
        migrations.CreateModel(
            name="LoginAttempt",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("key", models.CharField(max_length=64, unique=True)),
                ("kind", models.CharField(choices=[("account", "Compte"),
                                                   ("account_address",
                                                    "Compte depuis une adresse"),
                                                   ("address", "Adresse")], max_length=20)),
                ("username", models.CharField(blank=True, db_index=True, max_length=150)),
                ("ip", models.GenericIPAddressField(blank=True, db_index=True, null=True)),
                ("count", models.PositiveIntegerField(default=0)),
                ("at", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
            ],
            options={"ordering": ("-at",)},
        ),
    ]
