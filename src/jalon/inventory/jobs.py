"""Import jobs that are never lost: a lease renewed while a task works, limits on its time and
memory, and a sweep that retries or fails a job whose worker died, and removes orphan files.

Why: the task queue (django-tasks) marks a task RUNNING when a worker claims it and never looks
at it again; a worker killed by the out-of-memory killer, a deploy or a reboot leaves the
import "analysing" or "applying" for ever. The import row carries its own lease
(`heartbeat_at`), renewed every HEARTBEAT seconds by a thread of the running task; the sweep
(`jalon worker` at start and every SWEEP_EVERY seconds, and `jalon imports-sweep`) treats a lease
older than LEASE seconds as a dead worker: the step is queued again (up to MAX_ATTEMPTS runs)
or the import fails with a message saying what to do. Both steps are safe to run twice: the
analysis rewrites its own results, the application is one transaction (a killed worker's
transaction is rolled back by the database).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import resource
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from jalon import taskqueue
from jalon.inventory.models import ImportStatus, InventoryImport

logger = logging.getLogger(__name__)

HEARTBEAT = 10  # seconds between two renewals of a running task's lease (at most)
SWEEP_EVERY = 60  # seconds between two sweeps in a running worker


def lease_seconds() -> int:
    """A lease older than this means the worker died (several missed heartbeats)."""
    return int(getattr(settings, "IMPORT_LEASE_SECONDS", 90))


def heartbeat_seconds() -> float:
    """Several beats per lease, so that one late beat does not look like a dead worker."""
    return max(0.5, min(HEARTBEAT, lease_seconds() / 4))


def max_attempts() -> int:
    return int(getattr(settings, "IMPORT_MAX_ATTEMPTS", 2))


def time_limit() -> int:
    return int(getattr(settings, "IMPORT_TIME_LIMIT_SECONDS", 600))


def memory_limit_bytes() -> int:
    return int(getattr(settings, "IMPORT_MEMORY_LIMIT_MB", 0)) * 1024 * 1024


class JobLimitExceeded(Exception):
    """The task ran longer than its time limit."""


# --------------------------------------------------------------------------- running a step


@dataclass
class Lease:
    """Renews `heartbeat_at` of one import from a daemon thread while the step runs."""

    import_id: int
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self.renew()
        self._thread = threading.Thread(target=self._run, name=f"lease-{self.import_id}",
                                        daemon=True)
        self._thread.start()

    def renew(self) -> None:
        InventoryImport.objects.filter(pk=self.import_id).update(heartbeat_at=timezone.now())

    def _run(self) -> None:
        try:
            while not self._stop.wait(heartbeat_seconds()):
                try:
                    self.renew()
                except Exception:  # a locked SQLite file: the next beat will do
                    logger.debug("lease of import %s not renewed", self.import_id,
                                 exc_info=True)
        finally:
            connection.close()  # the thread's own connection

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=heartbeat_seconds() + 5)


@contextlib.contextmanager
def limits(seconds: int | None = None, memory_bytes: int | None = None) -> Iterator[None]:
    """Run the block under a time limit (SIGALRM, main thread only: the worker runs its tasks
    there) and a memory ceiling (RLIMIT_AS, restored afterwards). Exceeding the time raises
    JobLimitExceeded, exceeding memory raises MemoryError, both inside the block."""
    seconds = time_limit() if seconds is None else seconds
    memory_bytes = memory_limit_bytes() if memory_bytes is None else memory_bytes
    use_alarm = seconds > 0 and threading.current_thread() is threading.main_thread()
    previous_handler: Any = None
    if use_alarm:
        def expired(signum: int, frame: FrameType | None) -> None:
            raise JobLimitExceeded(seconds)

        previous_handler = signal.signal(signal.SIGALRM, expired)
        signal.setitimer(signal.ITIMER_REAL, seconds)
    previous_memory = resource.getrlimit(resource.RLIMIT_AS)
    if memory_bytes > 0:
        hard = previous_memory[1]
        ceiling = memory_bytes if hard == resource.RLIM_INFINITY else min(memory_bytes, hard)
        resource.setrlimit(resource.RLIMIT_AS, (ceiling, hard))
    try:
        yield
    finally:
        if memory_bytes > 0:
            resource.setrlimit(resource.RLIMIT_AS, previous_memory)
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous_handler)


def limit_message(exc: BaseException) -> str:
    if isinstance(exc, JobLimitExceeded):
        return _("L'opération a dépassé sa limite de %(seconds)d secondes et a été arrêtée. "
                 "Relancez-la ; si elle échoue encore, découpez le fichier ou demandez à "
                 "l'administrateur d'augmenter JALON_IMPORT_TIME_LIMIT.") % {
            "seconds": time_limit()}
    return _("L'opération a dépassé la mémoire permise (%(mb)d Mo) et a été arrêtée. "
             "Découpez le fichier ou demandez à l'administrateur d'augmenter "
             "JALON_IMPORT_MEMORY_MB.") % {"mb": memory_limit_bytes() // (1024 * 1024)}


# --------------------------------------------------------------------------- the sweep


@dataclass
class SweepReport:
    retried: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    files_removed: list[str] = field(default_factory=list)


def sweep(now: dt.datetime | None = None) -> SweepReport:
    """Retry or fail the imports whose lease expired; remove orphan files."""
    from jalon.inventory import tasks  # tasks imports this module

    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=lease_seconds())
    report = SweepReport()
    stale = InventoryImport.objects.filter(status__in=InventoryImport.WORKING,
                                           heartbeat_at__lt=cutoff)
    for source in stale:
        step = (tasks.analyse_import if source.status == ImportStatus.ANALYSING
                else tasks.apply_import)
        restart = (ImportStatus.PENDING if source.status == ImportStatus.ANALYSING
                   else ImportStatus.APPLYING)
        # Conditional: another sweep (another worker) may be handling the same import.
        claimed = InventoryImport.objects.filter(
            pk=source.pk, status=source.status, heartbeat_at=source.heartbeat_at)
        if source.attempts < max_attempts():
            if claimed.update(status=restart, progress=0, heartbeat_at=now,
                              attempts=F("attempts") + 1) != 1:
                continue
            taskqueue.abandon(source.task_id)
            logger.warning("import %s: worker lost during %s, queued again", source.pk,
                           source.status)
            source.refresh_from_db()
            _enqueue(source, step)
            report.retried.append(source.pk)
        else:
            message = _("Le traitement s'est interrompu %(count)d fois (processus arrêté : "
                        "mémoire, redémarrage du serveur). L'inventaire n'a pas changé. "
                        "Relancez l'import depuis cette page ; si cela se reproduit, "
                        "découpez le fichier ou prévenez l'administrateur.") % {
                "count": source.attempts}
            if claimed.update(status=ImportStatus.FAILED, progress=100, finished_at=now,
                              error=message) != 1:
                continue
            taskqueue.abandon(source.task_id)
            logger.warning("import %s: worker lost %s times, failed", source.pk,
                           source.attempts)
            report.failed.append(source.pk)
    report.files_removed = sweep_files(now)
    return report


def _enqueue(source: InventoryImport, step: Any) -> None:
    result = step.enqueue(source.pk)
    InventoryImport.objects.filter(pk=source.pk).update(task_id=str(result.id)[:64])


# The working files (analysed frame, extracted ZIP) of imports in these states are still needed.
KEEP_FILES = (ImportStatus.PENDING, ImportStatus.ANALYSING, ImportStatus.PREVIEW,
              ImportStatus.APPLYING, ImportStatus.FAILED)
ORPHAN_AGE = dt.timedelta(hours=1)  # an upload being written has no import row yet


def sweep_files(now: dt.datetime | None = None) -> list[str]:
    """Remove upload files no import needs: working files (analysed frame, extracted ZIP) of
    finished imports, uploaded files of cancelled imports only, half-written uploads, files no
    import refers to. The uploaded file of an applied import stays: it is what was imported."""
    import shutil

    root = Path(settings.UPLOAD_DIR)
    if not root.is_dir():
        return []
    now = now or timezone.now()
    needed: set[str] = set()
    kept = InventoryImport.objects.exclude(status=ImportStatus.CANCELLED)
    for pk, stored, status in kept.values_list("pk", "stored_path", "status"):
        path = Path(stored)
        needed.add(f"{path.parent.name}/{path.name}")
        if status in KEEP_FILES:
            needed.update({f"{path.parent.name}/{path.with_suffix('.d').name}",
                           f"{path.parent.name}/import-{pk}.parquet"})
    removed: list[str] = []
    limit = now.timestamp() - ORPHAN_AGE.total_seconds()
    for folder in root.iterdir():
        if not folder.is_dir():
            continue
        for entry in folder.iterdir():
            if f"{folder.name}/{entry.name}" in needed:
                continue
            try:
                if entry.stat().st_mtime > limit:
                    continue  # being written, or its import row is being created
                if entry.is_dir():
                    shutil.rmtree(entry)
                else:
                    entry.unlink()
            except FileNotFoundError:
                continue
            removed.append(str(entry.relative_to(root)))
    return removed


class SweepThread(threading.Thread):
    """Runs the sweep every SWEEP_EVERY seconds inside `jalon worker`."""

    def __init__(self, every: float = SWEEP_EVERY) -> None:
        super().__init__(name="import-sweep", daemon=True)
        self.every = every
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.wait(self.every):
            try:
                close_old_connections()
                sweep()
            except Exception:
                logger.exception("import sweep failed")
        connection.close()

    def stop(self) -> None:
        self._halt.set()
