"""Jobs are never lost: a real `jalon worker` is killed (SIGKILL) in the middle of an analysis
and in the middle of an application; the import is taken up again by the two workers started
after it, within seconds here (lease and sweep shortened by the environment) and within five
minutes with the defaults (90 s lease, sweep every 60 s).

Like tests/inventory/test_worker.py, these use Jalon's own settings in a separate data folder,
processes started as in production, and run on both task queues: the database (django-tasks-db)
and Redis through RQ (tests/taskqueues.py; `make test-redis`).
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests import paths

JALON = str(Path(sys.executable).parent / "jalon")
ROWS = 200_000
LEASE = 20

SETUP = """
from django.core.files.uploadedfile import SimpleUploadedFile
from jalon.inventory import services
from tests.factories import OperatorFactory, OrganisationFactory, member
org = OrganisationFactory(operator=OperatorFactory(name="GIP", slug="gip"), name="Ville",
                          slug="ville", kind="commune")
user = member(org, "editor", username="editeur")
data = open({path!r}, "rb").read()
source = services.start_import(user, org, SimpleUploadedFile("inventaire.csv", data))
print(source.pk, source.status)
"""

CONFIRM = """
from jalon.inventory import services
from jalon.inventory.models import InventoryImport
source = InventoryImport.objects.get()
services.confirm_import(source.uploaded_by, source, "merge")
print(InventoryImport.objects.get().status)
"""

# The queue's view of a task through django-tasks (the same call on both backends).
STATE = """
import json
from django_tasks import default_task_backend
from jalon.inventory.models import Asset, InventoryImport
source = InventoryImport.objects.get()
print(json.dumps({{"status": source.status, "progress": source.progress,
                  "attempts": source.attempts, "error": source.error,
                  "assets": Asset.objects.count(), "used": source.counts.get("used"),
                  "task_id": source.task_id,
                  "task": default_task_backend.get_result({task_id!r}).status
                          if {task_id!r} else None}}))
"""


@pytest.fixture
def env(tmp_path, task_queue):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "JALON_TASK_BACKEND", "DJANGO_SETTINGS_MODULE")}
    env.update(JALON_DATA_DIR=str(tmp_path), JALON_CACHE_DIR="",
               JALON_IMPORT_LEASE_SECONDS=str(LEASE), JALON_IMPORT_SWEEP_SECONDS="1",
               PYTHONPATH=os.pathsep.join(filter(None, [str(paths.ROOT),
                                                        env.get("PYTHONPATH")])),
               **task_queue)
    run(["manage", "migrate", "--noinput", "-v", "0"], env)
    big = tmp_path / "big.csv"
    subprocess.run([sys.executable, str(paths.ROOT / "benchmarks" / "generate_inventory.py"),
                    str(ROWS), str(big)], check=True, capture_output=True)
    created = run(["manage", "shell", "-v", "0", "-c", SETUP.format(path=str(big))], env)
    assert created.split()[-1] == "pending"
    return env


def run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run([JALON, *args], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def state(env: dict[str, str], task_id: str = "") -> dict[str, object]:
    """The import, and the status of the task `task_id` as its queue reports it."""
    printed = run(["manage", "shell", "-v", "0", "-c", STATE.format(task_id=task_id)], env)
    result: dict[str, object] = json.loads(printed.strip().splitlines()[-1])
    return result


def peek(env: dict[str, str]) -> tuple[str, int, int]:
    """(status, progress, attempts) read straight from the SQLite file: fast enough to catch a
    step, and the moment a sweep takes the import over (attempts + 1)."""
    with sqlite3.connect(Path(env["JALON_DATA_DIR"]) / "jalon.sqlite3", timeout=30) as db:
        row = db.execute("SELECT status, progress, attempts FROM inventory_inventoryimport"
                         ).fetchone()
    return str(row[0]), int(row[1]), int(row[2])


def worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([JALON, "worker", "--no-startup-delay", "--interval", "0.2"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_for(env: dict[str, str], check, timeout: float = 600) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while True:
        current = state(env)
        if check(current):
            return current
        assert time.monotonic() < deadline, current
        time.sleep(0.2)


def kill_when(env: dict[str, str], process: subprocess.Popen[bytes], check) -> None:
    """SIGKILL the worker as soon as the import is in the state `check` waits for."""
    deadline = time.monotonic() + 240
    try:
        while not check(*peek(env)[:2]):
            assert time.monotonic() < deadline and process.poll() is None, peek(env)
            time.sleep(0.02)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)


def taken_over(env: dict[str, str], timeout: float = 600) -> float:
    """Seconds until a sweep queues the import again (its attempts go from 0 to 1)."""
    start = time.monotonic()
    while peek(env)[2] < 1:
        assert time.monotonic() - start < timeout, peek(env)
        time.sleep(0.1)
    return time.monotonic() - start


def stop(*processes: subprocess.Popen[bytes]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def test_a_worker_killed_mid_analysis_then_mid_apply_loses_nothing(env):
    first = worker(env)
    kill_when(env, first, lambda status, progress: status == "analysing")
    killed = time.monotonic()
    stuck = state(env)
    dead_task = str(stuck["task_id"])
    assert stuck["status"] == "analysing" and stuck["attempts"] == 0
    assert state(env, dead_task)["task"] == "RUNNING"  # as the killed worker left it

    # Two workers: the sweep of one of them takes the import up; it is analysed once.
    second, third = worker(env), worker(env)
    try:
        taken_over(env)
        detected_analysis = time.monotonic() - killed
        analysed = wait_for(env, lambda s: s["status"] == "preview")
        recovery_analysis = time.monotonic() - killed
        assert analysed["attempts"] >= 1 and analysed["used"] == ROWS
        assert analysed["task_id"] != dead_task
        assert state(env, dead_task)["task"] == "FAILED"  # the dead worker's task is closed
    finally:
        stop(second, third)

    assert run(["manage", "shell", "-v", "0", "-c", CONFIRM], env).split()[-1] == "applying"
    fourth = worker(env)
    kill_when(env, fourth, lambda status, progress: status == "applying" and progress >= 50)
    killed = time.monotonic()
    stuck = state(env)
    dead_task = str(stuck["task_id"])
    assert stuck["assets"] in (0, ROWS)  # one transaction: nothing half-written
    assert stuck["attempts"] == 0 and state(env, dead_task)["task"] == "RUNNING"

    fifth, sixth = worker(env), worker(env)
    try:
        taken_over(env)
        detected_apply = time.monotonic() - killed
        done = wait_for(env, lambda s: s["status"] == "done")
        recovery_apply = time.monotonic() - killed
        assert state(env, dead_task)["task"] == "FAILED"
    finally:
        stop(fifth, sixth)
    # Applied exactly once (no device twice), whatever the number of runs it took: on a
    # loaded machine a slow run may also be taken over, and then writes nothing.
    assert done["assets"] == ROWS and done["attempts"] >= 1, done
    print(f"after SIGKILL ({env.get('JALON_TASK_BACKEND') or 'database'} queue, lease {LEASE} s, "
          f"sweep 1 s): analysis queued again after {detected_analysis:.1f} s, done after "
          f"{recovery_analysis:.1f} s; application queued again after {detected_apply:.1f} s, "
          f"done after {recovery_apply:.1f} s")
    # The product's guarantee: a dead worker's job is retried (or failed) within five minutes.
    # Here the lease is 20 s, so this holds with a wide margin even on a loaded machine, where
    # a fixed 120 s for the whole re-run did not (131-160 s seen at load 14); with the defaults
    # (90 s lease, 60 s sweep) the bound is 150 s.
    assert detected_analysis < 300 and detected_apply < 300
