"""`jalon worker`: the task queue's worker, with the import sweep (inventory/jobs.py).

At start, then every IMPORT_SWEEP_SECONDS in a thread, imports whose lease expired (their
worker died) are queued again or failed, and orphan upload files removed. The queue itself is
django-tasks' database worker (`db_worker`); options pass through to it.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from jalon.inventory import jobs

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run the background task worker, sweeping imports whose worker died."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("worker_args", nargs="*")

    def run_from_argv(self, argv: list[str]) -> None:
        # Every option belongs to the underlying worker: keep them all, unparsed.
        self._worker_args = argv[2:]
        super().run_from_argv(argv[:2])

    def handle(self, *args: Any, **options: Any) -> None:
        worker_args = getattr(self, "_worker_args", list(options.get("worker_args") or []))
        report = jobs.sweep()
        if report.retried or report.failed:
            logger.warning("import sweep at start: retried %s, failed %s", report.retried,
                           report.failed)
        sweeper = jobs.SweepThread(float(getattr(settings, "IMPORT_SWEEP_SECONDS",
                                                 jobs.SWEEP_EVERY)))
        sweeper.start()
        try:
            from django.core.management import execute_from_command_line

            execute_from_command_line(["jalon worker", "db_worker", *worker_args])
        finally:
            sweeper.stop()
