"""The real task worker: an import enqueued is run by `jalon worker`, on both task queues.

The rest of the suite runs tasks inline (tests/settings.py); this test uses Jalon's own
settings in a separate data folder, with the database-backed queue of django-tasks-db, then
with Redis through RQ (tests/taskqueues.py), and runs each stage with two `jalon worker
--batch` processes started together, as separate processes as in production.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests import paths

FIXTURE = paths.FIXTURES / "canonical.csv"
JALON = str(Path(sys.executable).parent / "jalon")

SETUP = f"""
from django.core.files.uploadedfile import SimpleUploadedFile
from jalon.inventory import services
from tests.factories import OperatorFactory, OrganisationFactory, member
org = OrganisationFactory(operator=OperatorFactory(name="GIP", slug="gip"), name="Ville",
                          slug="ville", kind="commune")
user = member(org, "editor", username="editeur")
data = open({str(FIXTURE)!r}, "rb").read()
source = services.start_import(user, org, SimpleUploadedFile("inventaire.csv", data))
print(source.pk, source.status)
"""

CONFIRM = """
from jalon.inventory import services
from jalon.inventory.models import InventoryImport
source = InventoryImport.objects.get()
print(source.status)
services.confirm_import(source.uploaded_by, source, "replace")
print(InventoryImport.objects.get().status)
"""

REPORT = """
import json
from jalon.inventory.models import Asset, InventoryImport
source = InventoryImport.objects.get()
print(json.dumps({"status": source.status, "progress": source.progress,
                  "assets": Asset.objects.count(), "used": source.counts.get("used")}))
"""


def run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run([JALON, *args], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def work(env: dict[str, str]) -> None:
    """Two workers at once until the queue is empty: the task runs once, in one of them."""
    logs = [Path(env["JALON_DATA_DIR"]) / f"worker-{n}.log" for n in range(2)]
    workers = []
    for log in logs:
        with log.open("w") as output:
            workers.append(subprocess.Popen([JALON, "worker", "--batch", "--no-startup-delay"],
                                            env=env, stdout=output, stderr=subprocess.STDOUT))
    for process, log in zip(workers, logs, strict=True):
        assert process.wait(timeout=300) == 0, log.read_text()[-2000:]


def test_imports_are_run_by_the_worker(tmp_path, task_queue):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "JALON_TASK_BACKEND", "DJANGO_SETTINGS_MODULE")}
    # PYTHONPATH: the set-up script makes its organisation with the test factories.
    env.update(JALON_DATA_DIR=str(tmp_path), JALON_CACHE_DIR="",
               PYTHONPATH=os.pathsep.join(filter(None, [str(paths.ROOT),
                                                        env.get("PYTHONPATH")])),
               **task_queue)
    run(["manage", "migrate", "--noinput", "-v", "0"], env)

    created = run(["manage", "shell", "-v", "0", "-c", SETUP], env).split()
    assert created[-1] == "pending"  # enqueued, not run: no worker yet

    work(env)
    statuses = run(["manage", "shell", "-v", "0", "-c", CONFIRM], env).split()
    assert statuses == ["preview", "applying"]

    work(env)
    printed = run(["manage", "shell", "-v", "0", "-c", REPORT], env)
    report = json.loads(printed.strip().splitlines()[-1])
    assert report["status"] == "done" and report["progress"] == 100
    assert report["assets"] == report["used"] > 0
