"""Import jobs in process: the sweep retries or fails an import whose lease expired, a stuck
import can be cancelled or retried from its page, orphan files are removed, and each step has
a time limit and a memory ceiling."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from tests.factories import OperatorFactory, OrganisationFactory, member

from jalon.inventory import jobs, services, tasks
from jalon.inventory.models import Asset, ImportStatus, InventoryImport
from jalon.tenancy.models import AuditEvent, Role

CSV = b"inventory_number,name,category\nA1,PC 1,laptop\nA2,PC 2,laptop\n"


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    return settings.UPLOAD_DIR


@pytest.fixture
def org(db):
    return OrganisationFactory(operator=OperatorFactory(name="GIP", slug="gip"),
                               name="Ville", slug="ville", kind="commune")


@pytest.fixture
def editor(org):
    return member(org, Role.EDITOR, username="editor")


def started(editor, org) -> InventoryImport:
    return services.start_import(editor, org, SimpleUploadedFile("a.csv", CSV))


def stale(source: InventoryImport, status: str, attempts: int = 0) -> None:
    """The state a killed worker leaves: the step running, its lease long expired."""
    InventoryImport.objects.filter(pk=source.pk).update(
        status=status, attempts=attempts,
        heartbeat_at=timezone.now() - dt.timedelta(minutes=10))


def url(name, org, *args):
    return reverse(f"inventory:{name}", args=[org.slug, *args])


def test_sweep_retries_a_lost_analysis(editor, org):
    source = started(editor, org)
    stale(source, ImportStatus.ANALYSING)
    report = jobs.sweep()
    assert report.retried == [source.pk]
    source.refresh_from_db()
    # Queued again (tasks run inline in the tests): analysed.
    assert source.status == ImportStatus.PREVIEW and source.attempts == 1


def test_sweep_retries_a_lost_application(editor, org):
    source = started(editor, org)
    # Confirmed, claimed by a worker that died before committing anything.
    InventoryImport.objects.filter(pk=source.pk).update(confirmed_by=editor, mode="merge")
    stale(source, ImportStatus.APPLYING)
    assert jobs.sweep().retried == [source.pk]
    source.refresh_from_db()
    assert source.status == ImportStatus.DONE and source.attempts == 1
    assert Asset.objects.count() == 2


def test_sweep_does_not_touch_a_live_lease(editor, org):
    source = started(editor, org)
    InventoryImport.objects.filter(pk=source.pk).update(status=ImportStatus.ANALYSING,
                                                        heartbeat_at=timezone.now())
    assert jobs.sweep().retried == []
    source.refresh_from_db()
    assert source.status == ImportStatus.ANALYSING


def test_sweep_fails_after_the_last_attempt_with_what_to_do(editor, org):
    source = started(editor, org)
    stale(source, ImportStatus.ANALYSING, attempts=2)
    assert jobs.sweep().failed == [source.pk]
    source.refresh_from_db()
    assert source.status == ImportStatus.FAILED
    assert "interrompu 2 fois" in source.error and "Relancez" in source.error


def test_the_command_sweeps(editor, org, capsys):
    source = started(editor, org)
    stale(source, ImportStatus.ANALYSING, attempts=5)
    call_command("import_sweep")
    assert f"failed: [{source.pk}]" in capsys.readouterr().out


def test_a_stuck_import_can_be_cancelled_or_retried_from_its_page(client, editor, org):
    client.force_login(editor)
    source = started(editor, org)
    stale(source, ImportStatus.ANALYSING)
    page = client.get(url("import_detail", org, source.pk)).content.decode()
    assert "Abandonner cet import" in page
    client.post(url("import_cancel", org, source.pk))
    source.refresh_from_db()
    assert source.status == ImportStatus.CANCELLED

    failed = started(editor, org)
    InventoryImport.objects.filter(pk=failed.pk).update(status=ImportStatus.FAILED,
                                                        error="processus arrêté")
    page = client.get(url("import_detail", org, failed.pk)).content.decode()
    assert "Relancer l&#x27;import" in page or "Relancer l'import" in page
    assert client.post(url("import_retry", org, failed.pk)).status_code == 302
    failed.refresh_from_db()
    assert failed.status == ImportStatus.PREVIEW and failed.error == ""
    assert AuditEvent.objects.filter(action="inventory.import_retry").exists()
    # Only a failed import is retried.
    client.post(url("import_retry", org, failed.pk))
    failed.refresh_from_db()
    assert failed.status == ImportStatus.PREVIEW


def test_a_failed_application_is_retried_as_an_application(client, editor, org, monkeypatch):
    from jalon.inventory import apply

    source = started(editor, org)
    real = apply._write
    monkeypatch.setattr(apply, "_write", lambda *a: (_ for _ in ()).throw(OSError("disque")))
    services.confirm_import(editor, source, "merge")
    source.refresh_from_db()
    assert source.status == ImportStatus.FAILED and not Asset.objects.exists()
    monkeypatch.setattr(apply, "_write", real)
    services.retry_import(editor, source)
    source.refresh_from_db()
    assert source.status == ImportStatus.DONE and Asset.objects.count() == 2


def test_a_viewer_cannot_retry(client, org, editor):
    source = started(editor, org)
    client.force_login(member(org, Role.VIEWER, username="viewer"))
    assert client.post(url("import_retry", org, source.pk)).status_code == 403


def test_orphan_files_are_swept_and_live_ones_kept(editor, org, upload_dir):
    live = started(editor, org)
    assert tasks.frame_path(live).is_file()
    cancelled = services.start_import(editor, org, SimpleUploadedFile("b.csv", CSV + b"\n"))
    services.cancel_import(editor, cancelled)
    folder = Path(live.stored_path).parent
    half_written = folder / ".upload-abc"
    half_written.write_bytes(b"x")
    orphan_frame = folder / "import-999.parquet"
    orphan_frame.write_bytes(b"x")
    old = time.time() - 2 * 3600
    for path in folder.iterdir():
        os.utime(path, (old, old))
    removed = jobs.sweep().files_removed
    assert Path(live.stored_path).is_file() and tasks.frame_path(live).is_file()
    assert not Path(cancelled.stored_path).exists()
    assert not half_written.exists() and not orphan_frame.exists()
    assert len(removed) == 3


def test_time_limit_stops_a_step():
    with pytest.raises(jobs.JobLimitExceeded), jobs.limits(seconds=1, memory_bytes=0):
        time.sleep(3)


def test_memory_ceiling_stops_a_step():
    with pytest.raises(MemoryError), jobs.limits(seconds=0, memory_bytes=2 * 1024**3):
        bytearray(3 * 1024**3)
    bytearray(10 * 1024**2)  # the ceiling is lifted afterwards


def test_an_analysis_over_its_limit_fails_with_a_message(editor, org, settings, monkeypatch):
    from jalon.inventory import analysis

    def slow(*args, **kwargs):
        time.sleep(3)

    monkeypatch.setattr(analysis, "analyse", slow)
    settings.IMPORT_TIME_LIMIT_SECONDS = 1
    source = started(editor, org)
    source.refresh_from_db()
    assert source.status == ImportStatus.FAILED
    assert "limite de 1 secondes" in source.error
