"""Background tasks of an import: analysis (read + classify for the preview) and application.

They run in the django-tasks worker (`django-admin db_worker`), inline in tests. Each takes
the import id only; the state lives in the InventoryImport row, whose status and progress the
import page polls.
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
from jalon.inventory import analysis, apply, problems, routes
from jalon.inventory.models import ImportMode, ImportStatus, InventoryImport
from jalon.inventory.uploads import UnsafeArchive
from jalon.tenancy.audit import record
from jalon.tenancy.models import Organisation

logger = logging.getLogger(__name__)


def frame_path(source: InventoryImport) -> Path:
    """The classified frame of an analysis, kept for the application step."""
    return Path(source.stored_path).with_name(f"import-{source.pk}.parquet")


def _progress(source: InventoryImport, status: str, progress: int) -> None:
    # Saved outside any transaction on purpose: the import page reads it while we work.
    source.status, source.progress = status, progress
    source.save(update_fields=["status", "progress"])


@task()
def analyse_import(import_id: int) -> None:
    source = InventoryImport.objects.select_related("organisation").get(pk=import_id)
    if source.status != ImportStatus.PENDING:
        return  # cancelled, or already analysed by a duplicate run
    _progress(source, ImportStatus.ANALYSING, 10)
    stored = Path(source.stored_path)
    try:
        result = analysis.analyse(stored, source.file_name, source.mapping_override,
                                  routes.rules_for(source.organisation),
                                  year=timezone.localdate().year - 1)
    except ReaderError as exc:
        _analysis_failed(source, problems.reader_error_message(exc, stored, source.file_name),
                         analysis.source_headers(stored))
        return
    except UnsafeArchive as exc:
        _analysis_failed(source, _("Archive refusée : %(reason)s") % {"reason": exc}, [])
        return
    except Exception as exc:  # a bug must not leave the import "analysing" forever
        logger.exception("analysis of import %s failed", import_id)
        _analysis_failed(source, _("L'analyse a échoué : %(error)s") % {"error": exc}, [])
        return
    source.progress = 80
    source.save(update_fields=["progress"])
    result.frame.write_parquet(frame_path(source))
    source.formats = result.formats
    source.set_mapping(result.mapping)
    source.counts = result.counts
    source.classification = result.classification
    source.unclassified = result.unclassified
    source.problems = result.problems
    source.problem_count = result.problem_count
    source.unused_columns = result.unused
    source.routes = result.routes
    source.circularity = result.circularity
    source.error = ""
    source.status, source.progress = ImportStatus.PREVIEW, 100
    source.save()


def _analysis_failed(source: InventoryImport, message: str, headers: list[str]) -> None:
    source.status, source.progress, source.error = ImportStatus.FAILED, 100, message
    # A previous preview no longer describes the file as now mapped.
    source.counts, source.classification, source.unclassified = {}, [], []
    source.problems, source.problem_count = [], 0
    source.unused_columns, source.routes, source.circularity = {}, [], {}
    if headers and not source.mapping:
        # Offer every header to the mapping form, so that the user can say which is which.
        source.set_mapping({h: source.mapping_override.get(h, "ignore") for h in headers})
    source.finished_at = timezone.now()
    source.save()


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
    try:
        # Routed again: the organisation's rules may have changed since the preview.
        frame = routes.assign(pl.read_parquet(frame_path(source)), source.organisation)
        _progress(source, ImportStatus.APPLYING, 20)
        # Building the rows is the slow Python part; it happens before the transaction so
        # that the write lock is held for the inserts only.
        assets = apply.build_assets(frame, source)
        _progress(source, ImportStatus.APPLYING, 50)
        with transaction.atomic():
            write = (apply.merge_inventory if source.mode == ImportMode.MERGE
                     else apply.replace_inventory)
            written = write(source, assets)
            bump_inventory_version(source.organisation)
            source.counts = {**source.counts, **written}
            record(source.confirmed_by, "inventory.import", source.organisation,
                   target=source.file_name, import_id=source.pk, mode=source.mode,
                   sha256=source.sha256, **source.counts)
            source.status, source.progress = ImportStatus.DONE, 100
            source.finished_at = timezone.now()
            source.error = ""
            source.save()
    except Exception as exc:
        # The transaction rolled back: the previous inventory is intact.
        logger.exception("import %s failed", import_id)
        source.status, source.progress = ImportStatus.FAILED, 100
        source.finished_at = timezone.now()
        source.error = _("L'import a échoué et l'inventaire précédent est inchangé. "
                         "Détail : %(error)s") % {"error": exc}
        source.save(update_fields=["status", "progress", "finished_at", "error"])
        return
    frame_path(source).unlink(missing_ok=True)
