"""The FAQ assistant's answering threshold becomes a setting of the organisation
(its trade-off measured in benchmarks/eval_faq.py)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0002_territory_outline'),
    ]

    operations = [
        migrations.AddField(
            model_name='triagesettings',
            name='faq_threshold',
            field=models.FloatField(default=0.25, help_text="Entre 0,1 et 0,9. Plus haut, l'assistant se trompe moins souvent mais oriente plus souvent vers une personne. Mesuré sur 80 questions de test : à 0,25 il répond à 75 % des questions (19 % de réponses fausses), à 0,35 à 48 % (10 %), à 0,40 à 30 % (6 %).", verbose_name="confiance minimale de l'assistant pour répondre"),
        ),
    ]
