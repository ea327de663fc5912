"""jalon manage gdpr_daily: the daily purge (with its records), the purges due in other
systems, and the reminders of requests due in seven days or today. Run it from a timer."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from jalon.gdpr.tasks import run_daily


class Command(BaseCommand):
    help = "Purge des données personnelles, purges à confirmer et rappels d'échéance."

    def handle(self, *args: Any, **options: Any) -> None:
        outcome = run_daily()
        purged = sum(outcome["purged"].values())
        self.stdout.write(f"{purged} ligne(s) purgée(s), {outcome['purge_tasks']} purge(s) à "
                          f"confirmer créée(s), {outcome['reminders']} rappel(s) envoyé(s).")
