"""The task queue's choice (jalon/taskqueue.py) and, on Redis, enqueuing on commit.

The workers themselves are tested on both queues by tests/inventory/test_worker*.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import transaction
from django_tasks import default_task_backend
from tests.taskqueues import REDIS_URL, queue_env

from jalon import taskqueue
from jalon.footprint.tasks import recompute_footprint


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
