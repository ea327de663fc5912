"""The task queue's choice (jalon/taskqueue.py) and, on Redis, enqueuing on commit.

The workers themselves are tested on both queues by tests/inventory/test_worker*.py.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import transaction
from django_tasks import default_task_backend
from tests.taskqueues import REDIS_URL, queue_env

from jalon import taskqueue
from jalon.footprint.tasks import recompute_footprint

JALON = str(Path(sys.executable).parent / "jalon")


def test_the_database_is_the_default_and_rq_a_short_name():
    assert taskqueue.backend_path(None) == taskqueue.backend_path("") == taskqueue.DATABASE
    assert taskqueue.backend_path("database") == "django_tasks_db.DatabaseBackend"
    assert taskqueue.backend_path("rq") == taskqueue.backend_path("RQ") == taskqueue.RQ
    # django-tasks-rq's own class would enqueue before commit: Jalon's subclass is used.
    assert taskqueue.backend_path("django_tasks_rq.RQBackend") == taskqueue.RQ
    other = "django_tasks.backends.dummy.DummyBackend"
    assert taskqueue.backend_path(other) == other
    queues = taskqueue.rq_queues("redis://redis.internal:6379/2", ["default"], 60)
    assert queues == {"default": {"URL": "redis://redis.internal:6379/2", "DEFAULT_TIMEOUT": 60}}


@pytest.fixture
def rq_backend(settings) -> Iterator[None]:
    for _env in queue_env("rq"):  # skips without Redis; flushes database 15 around the test
        settings.TASKS = {"default": {"BACKEND": taskqueue.RQ, "QUEUES": ["default"]}}
        settings.RQ_QUEUES = taskqueue.rq_queues(REDIS_URL, ["default"], 60)
        yield


def queued() -> list[str]:
    import django_rq

    return list(django_rq.get_queue("default").get_job_ids())


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_on_redis_a_task_is_queued_when_its_transaction_commits(rq_backend):
    with transaction.atomic():
        result = recompute_footprint.enqueue(41)
        # A worker on another machine must not see it before the rows it reads are committed.
        assert queued() == []
    assert queued() == [result.id]  # the id given at once is the job's: callers store it
    assert default_task_backend.get_result(result.id).args == [41]

    with pytest.raises(RuntimeError), transaction.atomic():
        recompute_footprint.enqueue(42)
        raise RuntimeError("rolled back")
    assert queued() == [result.id]  # nothing queued for a change that rolled back

    outside = recompute_footprint.enqueue(43)  # outside a transaction: at once
    assert queued() == [result.id, outside.id]


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in path.read_text().split()] if path.exists() else []


def alive(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/stat")
    # A zombie (state Z) has exited; only its parent's wait is missing.
    return stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.redis
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_on_redis_a_killed_workers_scheduler_stops_too(tmp_path):
    """RQ forks its scheduler: a worker killed by SIGKILL (the out-of-memory killer) must not
    leave it running, orphaned, with the scheduler lock (jalon/taskqueue_rq.Scheduler)."""
    for queue in queue_env("rq"):
        env = {k: v for k, v in os.environ.items()
               if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
        env.update(queue, JALON_DATA_DIR=str(tmp_path), JALON_CACHE_DIR="")
        subprocess.run([JALON, "manage", "migrate", "--noinput", "-v", "0"], env=env,
                       check=True, timeout=300)
        worker = subprocess.Popen([JALON, "worker"], env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 120
            while not (scheduler := children(worker.pid)):
                assert time.monotonic() < deadline and worker.poll() is None
                time.sleep(0.2)
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=30)
            deadline = time.monotonic() + 30
            while alive(scheduler[0]):
                assert time.monotonic() < deadline, "the scheduler outlived its worker"
                time.sleep(0.2)
        finally:
            if worker.poll() is None:
                worker.kill()
            for pid in children(worker.pid):
                os.kill(pid, signal.SIGKILL)
