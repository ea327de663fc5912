"""The Redis queue (RQ) behind django-tasks, for installations whose workers run on several
machines (JALON_TASK_BACKEND=rq; jalon.taskqueue chooses). Three things differ from
django-tasks-rq as published, each for a reason:

- **Enqueue on commit.** The database backend writes its task row in the caller's transaction:
  a worker cannot see the task before the rows it reads are committed, and a rollback removes
  it. Redis is outside the transaction: enqueued at once, a task can be picked by a worker of
  another machine before the import row it reads is committed (it then finds nothing, or an
  old status, and does nothing). `RQBackend.enqueue` therefore pushes the job when the
  transaction commits (Django's `transaction.on_commit`), at once outside a transaction, and
  drops it on rollback. The task's id is chosen at once, so the caller can store it (the
  import row's `task_id`). django-rq's own `COMMIT_MODE=on_db_commit` does not cover this:
  it wraps `Queue.enqueue_call`, and django-tasks-rq calls `create_job` + `enqueue_job`.
- **No fork per job.** RQ's default worker forks a child for each job; a forked child
  deadlocks in Polars' thread pool (initialised in the parent). `run_worker` uses RQ's
  SimpleWorker, which runs jobs in its own main thread — where the import steps' time limit
  (SIGALRM, inventory/jobs.limits) works — and closes stale database connections around each
  job, as Django does around a request.
- **A dead worker's job is marked failed by the import sweep** (`abandon`), as on the database
  queue, instead of waiting for RQ's own clean-up of abandoned jobs (after the job's timeout).
- **The scheduler dies with its worker.** RQ forks its scheduler into a child process; a worker
  killed (SIGKILL, the out-of-memory killer) left that child running for ever, orphaned
  (seen in the recovery test), and holding the scheduler lock. `Scheduler` asks Linux to send
  it SIGTERM when its parent dies (prctl PR_SET_PDEATHSIG), which its own handler turns into
  a clean stop that releases the lock.

Sources: django-tasks-rq 0.12.0 `backend.RQBackend.enqueue` (the job creation below is its
code, with the id chosen beforehand); rq 3.0 `worker_classes.SimpleWorker`,
`job_lifecycle.record_job_failure`, `registry.StartedJobRegistry.remove_executions`.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import sys
from typing import Any, TypeVar

import django_rq
from django.db import close_old_connections, connection, transaction
from django_rq.queues import get_queues
from django_tasks.base import TASK_MAX_PRIORITY, Task, TaskResult, TaskResultStatus
from django_tasks.signals import task_enqueued
from django_tasks.utils import get_random_id
from django_tasks_rq import backend as rq_backend
from redis.exceptions import RedisError
from rq.callbacks import Callback
from rq.defaults import DEFAULT_LOGGING_DATE_FORMAT, DEFAULT_LOGGING_FORMAT
from rq.exceptions import NoSuchJobError
from rq.job import JobStatus
from rq.job_lifecycle import record_job_failure
from rq.scheduler import RQScheduler
from rq.worker import SimpleWorker
from typing_extensions import ParamSpec

logger = logging.getLogger(__name__)

T = TypeVar("T")
P = ParamSpec("P")


class RQBackend(rq_backend.RQBackend):
    """django-tasks-rq's backend, enqueuing when the current transaction commits."""

    def enqueue(
        self,
        task: Task[P, T],
        args: P.args,  # type: ignore[valid-type]
        kwargs: P.kwargs,  # type: ignore[valid-type]
    ) -> TaskResult[T]:
        self.validate_task(task)
        task_result: TaskResult[T] = TaskResult(
            task=task, id=get_random_id(), status=TaskResultStatus.READY, enqueued_at=None,
            started_at=None, last_attempted_at=None, finished_at=None, args=args,
            kwargs=kwargs, backend=self.alias, errors=[], worker_ids=[])
        if connection.in_atomic_block:
            transaction.on_commit(lambda: self._push(task_result))
        else:
            self._push(task_result)
        return task_result

    def _push(self, task_result: TaskResult[Any]) -> None:
        task = task_result.task
        queue = django_rq.get_queue(task.queue_name, job_class=rq_backend.Job)
        job = queue.create_job(
            task.module_path, args=task_result.args, kwargs=task_result.kwargs,
            job_id=task_result.id,
            status=JobStatus.SCHEDULED if task.run_after else JobStatus.QUEUED,
            on_failure=Callback(rq_backend.failed_callback),
            on_success=Callback(rq_backend.success_callback),
            meta={"backend_name": self.alias})
        if task.run_after is None:
            job = queue.enqueue_job(job, at_front=task.priority == TASK_MAX_PRIORITY)
        else:
            job = queue.schedule_job(job, task.run_after)
        object.__setattr__(task_result, "enqueued_at", job.enqueued_at)
        task_enqueued.send(type(self), task_result=task_result)


PR_SET_PDEATHSIG = 1  # linux/prctl.h


class Scheduler(RQScheduler):
    """RQ's scheduler, which stops when the worker that forked it dies."""

    def work(self) -> None:
        parent = os.getppid()
        if sys.platform.startswith("linux"):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the worker died before the request took effect
            return
        super().work()  # type: ignore[no-untyped-call]


class Worker(SimpleWorker):
    """RQ's SimpleWorker (no fork per job) with Django's database connections kept fresh."""

    def _start_scheduler(self, burst: bool = False, logging_level: str | None = "INFO",
                         date_format: str = DEFAULT_LOGGING_DATE_FORMAT,
                         log_format: str = DEFAULT_LOGGING_FORMAT) -> None:
        # rq 3.0 Worker._start_scheduler, with Jalon's Scheduler.
        self.scheduler = Scheduler(
            self.queues, connection=self.connection,
            logging_level=logging_level if logging_level is not None else self.log.level,
            date_format=date_format, log_format=log_format, serializer=self.serializer)
        self.scheduler.acquire_locks()  # type: ignore[no-untyped-call]
        if self.scheduler.acquired_locks:
            if burst:
                try:
                    self.scheduler.register_birth()
                    self.scheduler.enqueue_scheduled_jobs()  # type: ignore[no-untyped-call]
                finally:
                    self.scheduler.release_locks()  # type: ignore[no-untyped-call]
                    self.scheduler.register_death()
            else:
                self.scheduler.start()  # type: ignore[no-untyped-call]

    def subscribe(self) -> None:
        # The channel of stop and kill commands, as RQ's own subscribe but read every second:
        # with rq 3.0's 60-second read, redis-py 8's PubSubWorkerThread.stop() (which joins the
        # thread) held a worker with the scheduler 60 s at exit (measured: `--batch` on an
        # empty queue took 61 s instead of 1 s).
        self.pubsub = self.connection.pubsub()
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
        self.pubsub_thread = self.pubsub.run_in_thread(  # type: ignore[assignment]  # rq: None
            sleep_time=1, daemon=True, exception_handler=self._pubsub_exception_handler)

    def execute_job(self, job: Any, queue: Any) -> None:
        close_old_connections()
        try:
            super().execute_job(job, queue)
        finally:
            close_old_connections()


def run_worker(queue_names: list[str], *, burst: bool = False, name: str | None = None,
               max_jobs: int | None = None) -> bool:
    """Work the queues until stopped (SIGTERM, SIGINT: after the running job) or, in burst
    mode, until they are empty. Runs RQ's scheduler too: tasks deferred with `run_after`
    (scheduled audit campaigns) are enqueued when due."""
    queues = get_queues(*queue_names, job_class=rq_backend.Job)  # type: ignore[no-untyped-call]
    worker = Worker(queues, connection=queues[0].connection, job_class=rq_backend.Job,
                    name=name)
    return bool(worker.work(burst=burst, with_scheduler=True, max_jobs=max_jobs,
                            logging_level="INFO"))


def abandon(task_id: str) -> None:
    """Mark failed the RQ job of a dead worker (still STARTED), with the reason."""
    from django_tasks_rq.backend import Job

    with contextlib.suppress(NoSuchJobError, RedisError):
        redis = django_rq.get_connection()
        job = Job.fetch(task_id, connection=redis)
        if job.get_status() != JobStatus.STARTED:
            return
        with redis.pipeline() as pipeline:
            job.started_job_registry.remove_executions(job, pipeline=pipeline)
            record_job_failure(job, "worker lost: lease expired", pipeline)
            pipeline.execute()
        logger.info("task %s of a dead worker marked failed", task_id)
