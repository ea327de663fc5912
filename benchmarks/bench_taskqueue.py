"""Benchmark: queue latency of the two task queues, the time from a task being queued to a
worker starting it (docs/deployment.md, "The task queue: database or Redis").

    .venv/bin/python benchmarks/bench_taskqueue.py [tasks]   # default 40

For each queue — the database (django-tasks-db on a temporary SQLite file) and Redis through RQ
(database 14 of 127.0.0.1:6379, flushed; skipped when no server answers) — one idle `jalon
worker` runs, and `tasks` recomputations of an empty organisation's indicators are queued one
at a time, each after the previous one finished and a random pause (so that queuing falls
anywhere in the database worker's polling interval). The latency is the task's `started_at`
minus its `enqueued_at`, as the queue reports them (django-tasks' `get_result`). Prints the
median, 95th percentile and maximum, with the load average.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
JALON = str(Path(sys.executable).parent / "jalon")
REDIS_URL = "redis://127.0.0.1:6379/14"


def child(tasks: int) -> None:
    """Runs in a process whose environment selects the queue."""
    import django

    django.setup()
    from django.core.management import call_command
    from django_tasks import TaskResultStatus, default_task_backend
    from tests.factories import OrganisationFactory

    from jalon.strategy.tasks import recompute_indicators

    call_command("migrate", verbosity=0)
    organisation = OrganisationFactory()
    worker = subprocess.Popen([JALON, "worker", "--no-startup-delay"], env=os.environ,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    rng = random.Random(7)  # noqa: S311 - pauses of a benchmark, not a secret
    latencies = []
    try:
        recompute_indicators.enqueue(organisation.pk)  # a first task: the worker is up
        time.sleep(8)
        for _ in range(tasks):
            result = recompute_indicators.enqueue(organisation.pk)
            deadline = time.monotonic() + 60
            while True:
                current = default_task_backend.get_result(result.id)
                if current.status in (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED):
                    break
                assert time.monotonic() < deadline, current.status
                time.sleep(0.05)
            assert current.started_at and current.enqueued_at, current
            latencies.append((current.started_at - current.enqueued_at).total_seconds())
            time.sleep(rng.uniform(0.1, 1.5))
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    print(json.dumps(latencies))


def measure(backend: str, tasks: int) -> list[float] | None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "JALON_TASK_BACKEND", "DJANGO_SETTINGS_MODULE")}
    if backend == "rq":
        from redis import Redis
        from redis.exceptions import RedisError

        try:
            Redis.from_url(REDIS_URL, socket_connect_timeout=2).flushdb()
        except RedisError as exc:
            print(f"rq: skipped, no Redis at {REDIS_URL}: {exc}")
            return None
        env.update(JALON_TASK_BACKEND="rq", JALON_REDIS_URL=REDIS_URL)
    with tempfile.TemporaryDirectory() as data:
        env.update(JALON_DATA_DIR=data, JALON_CACHE_DIR="", DJANGO_SETTINGS_MODULE="jalon.settings",
                   PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])))
        done = subprocess.run([sys.executable, __file__, "--child", str(tasks)], env=env,
                              capture_output=True, text=True, timeout=3600, check=True)
    latencies: list[float] = json.loads(done.stdout.strip().splitlines()[-1])
    return latencies


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        child(int(sys.argv[2]))
        return
    tasks = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    print(f"load average before: {Path('/proc/loadavg').read_text().split()[:3]}")
    for backend in ("database", "rq"):
        latencies = measure(backend, tasks)
        if latencies is None:
            continue
        ordered = sorted(latencies)
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        print(f"{backend}: {len(ordered)} tasks, queued → started: median "
              f"{statistics.median(ordered) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
              f"max {ordered[-1] * 1000:.0f} ms")
    print(f"load average after: {Path('/proc/loadavg').read_text().split()[:3]}")


if __name__ == "__main__":
    main()
