"""`jalon manage purge_personal_data`: delete or anonymise personal data past its retention.

Run it daily (a cron job or systemd timer, docs/personal-data.md); running it twice is harmless.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from jalon.privacy.services import purge_expired


class Command(BaseCommand):
    help = "Delete or anonymise personal data whose retention has ended."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = purge_expired()
        if not counts:
            self.stdout.write(_("Aucune donnée personnelle arrivée au terme de sa conservation."))
            return
        for name, count in counts.items():
            self.stdout.write(_("%(name)s : %(count)d ligne(s) effacée(s) ou anonymisée(s)")
                              % {"name": name, "count": count})
