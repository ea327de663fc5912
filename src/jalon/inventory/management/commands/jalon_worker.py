"""`jalon worker`: the task queue's worker, with the import sweep (inventory/jobs.py).

At start, then every IMPORT_SWEEP_SECONDS in a thread, imports whose lease expired (their
worker died) are queued again or failed, and orphan upload files removed. The queue itself is
the configured backend's (jalon/taskqueue.py):

- database (default): django-tasks' database worker (`db_worker`); options pass through to it;
- rq: an RQ worker without fork on the task queues (jalon/taskqueue_rq.py). It takes the
  options the tests and the docs use with both: `--batch` (work until the queue is empty, RQ's
  burst mode), `--queue-name`, `--worker-id`, `--max-tasks`; `--interval` and
  `--[no-]startup-delay` are accepted and have nothing to do (RQ waits on Redis, it does not
  poll).
"""

from __future__ import annotations

import argparse
import logging
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from jalon import taskqueue
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
            if taskqueue.uses_rq():
                _rq_worker(worker_args)
            else:
                from django.core.management import execute_from_command_line

                execute_from_command_line(["jalon worker", "db_worker", *worker_args])
        finally:
            sweeper.stop()


def _rq_worker(worker_args: list[str]) -> None:
    from jalon.taskqueue_rq import run_worker

    parser = argparse.ArgumentParser(prog="jalon worker", exit_on_error=False)
    parser.add_argument("--batch", "--burst", action="store_true", dest="burst")
    parser.add_argument("--queue-name", action="append", dest="queues")
    parser.add_argument("--worker-id")
    parser.add_argument("--max-tasks", type=int)
    parser.add_argument("--interval", type=float)  # the database worker's polling
    parser.add_argument("--startup-delay", "--no-startup-delay", action="store_true")
    try:
        options, unknown = parser.parse_known_args(worker_args)
    except argparse.ArgumentError as exc:
        raise CommandError(str(exc)) from exc
    if unknown:
        raise CommandError(f"unknown option for the RQ worker: {' '.join(unknown)}")
    queues = options.queues or taskqueue.queue_names()
    run_worker(queues, burst=options.burst, name=options.worker_id,
               max_jobs=options.max_tasks)
