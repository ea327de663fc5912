"""`jalon imports-sweep`: retry or fail the imports whose worker died, remove orphan files."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from jalon.inventory import jobs


class Command(BaseCommand):
    help = "Retry or fail imports whose worker died (expired lease); remove orphan files."

    def handle(self, *args: Any, **options: Any) -> None:
        report = jobs.sweep()
        self.stdout.write(f"retried: {report.retried or '-'}; failed: {report.failed or '-'}; "
                          f"files removed: {len(report.files_removed)}")
