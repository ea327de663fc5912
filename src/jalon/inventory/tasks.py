"""Background tasks of an import: analysis (read + classify for the preview) and application.

They run in the task worker (`jalon worker`, on the database or the Redis queue), inline in
tests. Each takes the import id only; the state lives in the InventoryImport row, whose status
and progress the import page polls.
"""

from __future__ import annotations

import logging
from pathlib import Path

import polars as pl
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from jalon import events
from jalon.core.readers import ReaderError
from jalon.inventory import analysis, apply, jobs, mappings, problems, routes
from jalon.inventory.models import (
    ImportMode,
    ImportStatus,
    InventoryImport,
    InventoryPublication,
)
from jalon.inventory.uploads import UnsafeArchive
from jalon.tenancy.audit import record
from jalon.tenancy.models import Organisation

logger = logging.getLogger(__name__)


def frame_path(source: InventoryImport) -> Path:
    """The classified frame of an analysis, kept for the application step."""
    return Path(source.stored_path).with_name(f"import-{source.pk}.parquet")


def _progress(source: InventoryImport, status: str, progress: int) -> None:
    # Saved outside any transaction on purpose: the import page reads it while we work.
    # Conditional: a cancellation or a sweep that took the import over is never undone.
    source.progress = progress
    InventoryImport.objects.filter(pk=source.pk, status=status).update(
        progress=progress, heartbeat_at=timezone.now())


def _claim(import_id: int, start: str, status: str) -> InventoryImport | None:
    """Take the import from `start` to `status` (a conditional update: a duplicate run, a
    cancellation or a sweep that got there first wins), with a fresh lease."""
    claimed = InventoryImport.objects.filter(pk=import_id, status=start).update(
        status=status, progress=5, heartbeat_at=timezone.now())
    if claimed != 1:
        return None
    return InventoryImport.objects.select_related("organisation").get(pk=import_id)


@task()
def analyse_import(import_id: int) -> None:
    source = _claim(import_id, ImportStatus.PENDING, ImportStatus.ANALYSING)
    if source is None:
        return  # cancelled, or already analysed by a duplicate run
    lease = jobs.Lease(source.pk)
    lease.start()
    try:
        with jobs.limits():
            _analyse(source)
    except (jobs.JobLimitExceeded, MemoryError) as exc:
        logger.warning("analysis of import %s stopped: %r", import_id, exc)
        _analysis_failed(source, jobs.limit_message(exc), [])
    finally:
        lease.stop()


def _analyse(source: InventoryImport) -> None:
    stored = Path(source.stored_path)
    override, remembered = source.mapping_override, source.mapping_remembered
    try:
        result = _run_analysis(source, stored, override)
        if not source.mapping_override and not remembered:
            # A layout corrected before: read the file again with that correction.
            memory = mappings.remembered(source.organisation, list(result.mapping))
            if memory and memory != {h: result.mapping.get(h) for h in memory}:
                override, remembered = memory, True
                result = _run_analysis(source, stored, override)
    except ReaderError as exc:
        headers = analysis.source_headers(stored)
        memory = (mappings.remembered(source.organisation, headers)
                  if headers and not source.mapping_override and not remembered else None)
        if memory:
            source.mapping_override = memory
            source.mapping_remembered = True
            source.save(update_fields=["mapping_override", "mapping_remembered"])
            try:
                result = _run_analysis(source, stored, memory)
            except ReaderError as again:
                _analysis_failed(source, problems.reader_error_message(again, stored,
                                                                       source.file_name),
                                 headers)
                return
            override, remembered = memory, True
        else:
            _analysis_failed(source, problems.reader_error_message(exc, stored,
                                                                   source.file_name), headers)
            return
    except UnsafeArchive as exc:
        _analysis_failed(source, _("Archive refusée : %(reason)s") % {"reason": exc}, [])
        return
    except (jobs.JobLimitExceeded, MemoryError):
        raise
    except Exception as exc:  # a bug must not leave the import "analysing" forever
        logger.exception("analysis of import %s failed", source.pk)
        _analysis_failed(source, _("L'analyse a échoué : %(error)s") % {"error": exc}, [])
        return
    _progress(source, ImportStatus.ANALYSING, 80)
    result.frame.write_parquet(frame_path(source))
    source.formats = result.formats
    source.set_mapping(result.mapping)
    source.header_fingerprint = mappings.fingerprint(list(result.mapping))
    source.mapping_remembered = remembered
    if remembered:
        source.mapping_override = override
    source.counts = {**result.counts, "plan": apply.plan(
        source.organisation_id, result.frame.get_column("inventory_number"))}
    source.classification = result.classification
    source.unclassified = result.unclassified
    source.problems = result.problems
    source.problem_count = result.problem_count
    source.unused_columns = result.unused
    source.routes = result.routes
    source.circularity = result.circularity
    source.error = ""
    source.status, source.progress = ImportStatus.PREVIEW, 100
    _save_if(source, ImportStatus.ANALYSING)


def _run_analysis(source: InventoryImport, stored: Path, override: dict[str, str]
                  ) -> analysis.Analysis:
    return analysis.analyse(stored, source.file_name, override,
                            routes.rules_for(source.organisation),
                            year=timezone.localdate().year - 1)


def _save_if(source: InventoryImport, status: str) -> bool:
    """Save every field, unless the import left `status` meanwhile (cancelled by the user,
    or taken over by the sweep after a lost lease)."""
    fields = {f.attname: getattr(source, f.attname) for f in InventoryImport._meta.concrete_fields
              if not f.primary_key}
    # `attempts` grows at each retry: a run presumed dead that was only slow writes nothing.
    return InventoryImport.objects.filter(pk=source.pk, status=status,
                                          attempts=source.attempts).update(**fields) == 1


def _analysis_failed(source: InventoryImport, message: str, headers: list[str]) -> None:
    source.status, source.progress, source.error = ImportStatus.FAILED, 100, message
    # A previous preview no longer describes the file as now mapped.
    source.counts, source.classification, source.unclassified = {}, [], []
    source.problems, source.problem_count = [], 0
    source.unused_columns, source.routes, source.circularity = {}, [], {}
    if headers and not source.mapping:
        # Offer every header to the mapping form, so that the user can say which is which.
        source.set_mapping({h: source.mapping_override.get(h, "ignore") for h in headers})
        source.header_fingerprint = mappings.fingerprint(headers)
    source.finished_at = timezone.now()
    _save_if(source, ImportStatus.ANALYSING)


def bump_inventory_version(organisation: Organisation) -> None:
    """Every change of the assets invalidates the cached footprints (keyed on the version);
    the change is announced once committed, for the domains that compute from the inventory."""
    Organisation.objects.filter(pk=organisation.pk).update(
        inventory_version=F("inventory_version") + 1)
    schedule_footprint(organisation.pk)


def schedule_footprint(organisation_id: int) -> None:
    """Announce an inventory change (after commit): the footprint and the computed indicators
    subscribe to it (jalon.events); the inventory knows none of them."""
    events.announce(events.INVENTORY, organisation_id)


@task()
def apply_import(import_id: int) -> None:
    source = InventoryImport.objects.select_related("organisation").get(pk=import_id)
    if source.status != ImportStatus.APPLYING:
        return
    attempt = source.attempts
    lease = jobs.Lease(source.pk)
    lease.start()
    try:
        with jobs.limits():
            _apply(source, attempt)
    except Exception as exc:
        # The transaction rolled back: the previous inventory is intact.
        logger.exception("import %s failed", import_id)
        message = (jobs.limit_message(exc)
                   if isinstance(exc, (jobs.JobLimitExceeded, MemoryError))
                   else _("Détail : %(error)s") % {"error": exc})
        InventoryImport.objects.filter(pk=source.pk, status=ImportStatus.APPLYING,
                                       attempts=attempt).update(
            status=ImportStatus.FAILED, progress=100, finished_at=timezone.now(),
            error=_("L'import a échoué et l'inventaire précédent est inchangé. %(detail)s")
            % {"detail": message})
        return
    finally:
        lease.stop()
    frame_path(source).unlink(missing_ok=True)


def _apply(source: InventoryImport, attempt: int) -> None:
    # Routed again: the organisation's rules may have changed since the preview.
    frame = routes.assign(pl.read_parquet(frame_path(source)), source.organisation)
    _progress(source, ImportStatus.APPLYING, 20)
    # Preparing the rows happens before the transaction so that the write lock is held for
    # the writes only.
    assets = apply.prepare(frame)
    _progress(source, ImportStatus.APPLYING, 50)
    with transaction.atomic():
        # Only the run the sweep last queued may write (attempts grows at each retry): a run
        # presumed dead that was only slow rolls back here.
        current = (InventoryImport.objects.select_for_update()
                   .filter(pk=source.pk, status=ImportStatus.APPLYING, attempts=attempt))
        if not current.exists():
            logger.warning("import %s superseded, not applied by this run", source.pk)
            return
        organisation = source.organisation
        before = Organisation.objects.values_list("inventory_version", flat=True).get(
            pk=organisation.pk)
        write = (apply.merge_inventory if source.mode == ImportMode.MERGE
                 else apply.replace_inventory)
        publication = publish_on_apply(organisation, before)
        written = write(source, assets)
        bump_inventory_version(organisation)
        source.counts = {**source.counts, **written}
        record(source.confirmed_by, "inventory.import", organisation,
               target=source.file_name, import_id=source.pk, mode=source.mode,
               sha256=source.sha256, **{k: v for k, v in source.counts.items()
                                        if k != "plan"})
        source.status, source.progress = ImportStatus.DONE, 100
        source.finished_at = timezone.now()
        source.inventory_version = before + 1
        if publication.auto_publish:
            source.published_at, source.published_by = source.finished_at, source.confirmed_by
        source.error = ""
        source.save()


def publish_on_apply(organisation: Organisation, version: int) -> InventoryPublication:
    """Before an import changes the inventory: an organisation that reviews its imports keeps
    its public pages on the version they show now (`version`, unless an earlier import is
    already waiting for review); one that publishes automatically shows the new one."""
    publication, _created = InventoryPublication.objects.select_for_update().get_or_create(
        organisation=organisation)
    if publication.auto_publish:
        publication.version = None
        publication.save(update_fields=["version"])
    elif publication.version is None:
        publication.version = version
        # The aggregates the open data publish, frozen as they are now (inventory/publishing).
        publication.dataset_rows = frozen_rows(organisation)
        publication.save(update_fields=["version", "dataset_rows"])
    return publication


def frozen_rows(organisation: Organisation) -> list[list[object]]:
    from jalon.inventory.publishing import live_inventory_rows

    return [list(row) for row in live_inventory_rows(organisation)]
