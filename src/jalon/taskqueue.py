"""Which task queue Jalon runs on: its own database (the embedded default) or Redis through RQ.

One place for the choice, read by the settings (`TASKS`, `RQ_QUEUES`), by `jalon worker` and
by the import sweep (inventory/jobs.py). The task code is the same on both: django-tasks'
`@task` and `.enqueue()`; only the backend and the worker differ.

- `JALON_TASK_BACKEND` unset or `database`: django-tasks-db, the queue is a table of Jalon's
  database; nothing else to run.
- `JALON_TASK_BACKEND=rq`: django-tasks-rq on the Redis server of `JALON_REDIS_URL`
  (default redis://127.0.0.1:6379/0), for installations whose workers run on several machines
  (docs/deployment.md says when to switch). The backend is `jalon.taskqueue_rq.RQBackend`,
  which enqueues on commit (see there why).

A dotted path is still accepted, as before short names existed.

This module is imported by the settings: it imports nothing from Django at module level.
"""

from __future__ import annotations

import contextlib
from typing import Any

DATABASE = "django_tasks_db.DatabaseBackend"
RQ = "jalon.taskqueue_rq.RQBackend"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
# django-tasks-rq's own class enqueues inside an open transaction: mapped to Jalon's subclass.
ALIASES = {"": DATABASE, "database": DATABASE, "db": DATABASE, "rq": RQ, "redis": RQ,
           "django_tasks_rq.RQBackend": RQ, "django_tasks_rq.backend.RQBackend": RQ}
# A ceiling for any job on RQ (RQ's own default, 180 s, would stop a long audit campaign or a
# large footprint recomputation; the database worker has none). The import steps stop earlier,
# at JALON_IMPORT_TIME_LIMIT (inventory/jobs.limits).
DEFAULT_RQ_JOB_TIMEOUT = 6 * 3600


def backend_path(name: str | None) -> str:
    """The django-tasks backend class for JALON_TASK_BACKEND (a short name or a dotted path)."""
    value = (name or "").strip()
    return ALIASES.get(value.lower(), ALIASES.get(value, value))


def is_rq(path: str) -> bool:
    return path == RQ


def rq_queues(url: str, names: list[str], timeout: int) -> dict[str, dict[str, Any]]:
    """django-rq's RQ_QUEUES: every queue of the task backend on the one Redis server."""
    return {name: {"URL": url, "DEFAULT_TIMEOUT": timeout} for name in names}


def _settings() -> dict[str, Any]:
    from django.conf import settings

    config: dict[str, Any] = settings.TASKS["default"]
    return config


def uses_rq() -> bool:
    """Whether the configured default backend is RQ."""
    return is_rq(_settings()["BACKEND"])


def queue_names() -> list[str]:
    return list(_settings().get("QUEUES") or ["default"])


def abandon(task_id: str) -> None:
    """Mark failed the task a dead worker left running, whatever the backend, so that it does
    not show as running for ever (the sweep queues a new task for the import). Best effort: a
    task already finished, or gone, is left alone."""
    if not task_id:
        return
    if uses_rq():
        from jalon.taskqueue_rq import abandon as abandon_rq

        abandon_rq(task_id)
        return
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - django-tasks-db is a dependency
        return
    from django.utils import timezone

    with contextlib.suppress(Exception):
        DBTaskResult.objects.filter(id=task_id, status="RUNNING").update(
            status="FAILED", finished_at=timezone.now(),
            exception_class_path="jalon.inventory.jobs.WorkerLost",
            traceback="worker lost: lease expired")
