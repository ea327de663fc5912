"""Sign-in counters get a fourth key: the account from a browser that signed in to it before
(its device cookie, accounts/throttle.py)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_login_counters'),
    ]

    operations = [
        migrations.AlterField(
            model_name='loginattempt',
            name='kind',
            field=models.CharField(choices=[('account', 'Compte'), ('account_address', 'Compte depuis une adresse'), ('address', 'Adresse'), ('account_device', 'Compte depuis un appareil connu')], max_length=20),
        ),
    ]
