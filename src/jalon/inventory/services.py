"""Every write to the inventory: each in a transaction, each leaving an audit event.

Views call these with objects they obtained through `selectors` (hence already scoped to the
request's organisation); services never trust an id on their own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from jalon.core import eol
from jalon.inventory import mappings, routes, selectors, tasks
from jalon.inventory.models import (
    Asset,
    Disposal,
    EventKind,
    ImportMode,
    ImportStatus,
    InventoryImport,
    InventoryPublication,
    LifecycleEvent,
    Route,
    RouteField,
    RouteRule,
)
from jalon.inventory.uploads import store_upload
from jalon.tenancy.audit import record
from jalon.tenancy.models import ApiToken, Organisation


class ImportStateError(Exception):
    """The import is not in a state that allows this (already applied, cancelled, running)."""


class RemovalNotConfirmed(ImportStateError):
    """Replacing would remove devices and the user did not confirm that number."""

    def __init__(self, removed: int) -> None:
        super().__init__(f"replacing removes {removed} devices: confirm that number "
                         "(expected_removed)")
        self.removed = removed


# Every change of the assets goes through this one function (defined beside the tasks it
# schedules, which the apply task also calls).
bump_inventory_version = tasks.bump_inventory_version


# --------------------------------------------------------------------------- imports


def start_import(actor: Any, organisation: Organisation, upload: UploadedFile[bytes]
                 ) -> InventoryImport:
    """Store the file and queue its analysis; the preview is ready when the task has run."""
    stored = store_upload(upload, organisation.pk)
    with transaction.atomic():
        source = InventoryImport.objects.create(
            organisation=organisation, uploaded_by=actor,
            file_name=(upload.name or "")[:255], stored_path=str(stored.path),
            sha256=stored.sha256, size=stored.size)
        record(actor, "inventory.upload", organisation, target=source.file_name,
               import_id=source.pk, sha256=stored.sha256, size=stored.size)
    return _enqueue(source, tasks.analyse_import)


def correct_mapping(actor: Any, source: InventoryImport, columns: dict[str, str]
                    ) -> InventoryImport:
    """Re-analyse the file with the user's mapping (source header -> canonical column), and
    remember it for the next file with the same header row."""
    with transaction.atomic():
        changed = _transition(source, InventoryImport.MAPPABLE, ImportStatus.PENDING,
                              mapping_override=columns, confirmed_by=None, error="",
                              attempts=0, mapping_remembered=False)
        if not changed:
            raise ImportStateError("the mapping can only be corrected before the import")
        mappings.remember(actor, source.organisation, list(columns), columns)
        record(actor, "inventory.import_mapping", source.organisation,
               target=source.file_name, import_id=source.pk, mapping=columns)
    return _enqueue(source, tasks.analyse_import)


def confirm_import(actor: Any, source: InventoryImport, mode: str,
                   expected_removed: int | None = None) -> InventoryImport:
    """Apply the analysed file to the inventory, in the background.

    Replacing removes the devices the file does not list: when it would remove any, the
    caller must pass the number it showed the user (`expected_removed`), counted again here
    so that a page left open while the inventory changed cannot remove more than it said."""
    if mode not in ImportMode.values:
        raise ValueError(f"unknown mode {mode!r}")
    if not source.counts.get("used"):
        raise ImportStateError("no device was read from this file")
    if mode == ImportMode.REPLACE:
        plan = selectors.import_plan(source)
        removed = plan["replace"]["removed"] if plan else 0
        if removed and expected_removed != removed:
            raise RemovalNotConfirmed(removed)
    with transaction.atomic():
        changed = _transition(source, (ImportStatus.PREVIEW,), ImportStatus.APPLYING,
                              mode=mode, confirmed_by=actor, attempts=0,
                              heartbeat_at=timezone.now())
        if not changed:
            raise ImportStateError("only an import waiting for confirmation can be applied")
        record(actor, "inventory.import_confirm", source.organisation, target=source.file_name,
               import_id=source.pk, mode=mode)
    return _enqueue(source, tasks.apply_import)


def cancel_import(actor: Any, source: InventoryImport) -> None:
    """Abandon an import before it changes the inventory, also while it is queued or being
    analysed (a task still running sees it and stops; an apply already running finishes or
    rolls back as a whole and cannot be cancelled)."""
    with transaction.atomic():
        changed = _transition(source, InventoryImport.CANCELLABLE, ImportStatus.CANCELLED,
                              finished_at=timezone.now())
        if not changed:
            raise ImportStateError("this import can no longer be cancelled")
        record(actor, "inventory.import_cancel", source.organisation, target=source.file_name,
               import_id=source.pk)
    tasks.frame_path(source).unlink(missing_ok=True)


def retry_import(actor: Any, source: InventoryImport) -> InventoryImport:
    """Run a failed import again: its analysis, or its application when it had been confirmed
    (the inventory is unchanged by a failed application: it is one transaction)."""
    applying = source.confirmed_by_id is not None and tasks.frame_path(source).is_file()
    target = ImportStatus.APPLYING if applying else ImportStatus.PENDING
    with transaction.atomic():
        changed = _transition(source, (ImportStatus.FAILED,), target, attempts=0, error="",
                              finished_at=None, heartbeat_at=timezone.now())
        if not changed:
            raise ImportStateError("only a failed import can be run again")
        record(actor, "inventory.import_retry", source.organisation, target=source.file_name,
               import_id=source.pk, step="apply" if applying else "analysis")
    return _enqueue(source, tasks.apply_import if applying else tasks.analyse_import)


def publish_inventory(actor: Any, organisation: Organisation) -> int:
    """Put the current inventory on the public pages: the imports waiting for review are
    published. Returns how many."""
    with transaction.atomic():
        publication, _created = InventoryPublication.objects.select_for_update().get_or_create(
            organisation=organisation)
        pending = selectors.imports_awaiting_review(organisation)
        ids = list(pending.values_list("pk", flat=True))
        now = timezone.now()
        pending.update(published_at=now, published_by=actor)
        publication.version, publication.dataset_rows = None, []
        publication.published_at, publication.published_by = now, actor
        publication.save()
        organisation.refresh_from_db(fields=["inventory_version"])
        record(actor, "inventory.publish", organisation,
               target=f"v{organisation.inventory_version}", import_ids=ids)
        # The public pages and the indicators computed from the inventory read it again.
        tasks.schedule_footprint(organisation.pk)
    return len(ids)


def set_auto_publish(actor: Any, organisation: Organisation, auto_publish: bool) -> None:
    """Whether an applied import goes public at once (True) or after an editor's review."""
    with transaction.atomic():
        publication, _created = InventoryPublication.objects.select_for_update().get_or_create(
            organisation=organisation)
        if publication.auto_publish == auto_publish:
            return
        publication.auto_publish = auto_publish
        publication.save(update_fields=["auto_publish"])
        record(actor, "inventory.auto_publish", organisation, target=organisation.slug,
               auto_publish=auto_publish)
    if auto_publish and publication.version is not None:
        publish_inventory(actor, organisation)


def _transition(source: InventoryImport, allowed: Iterable[str], status: str,
                **changes: Any) -> bool:
    """Change the status only if it still is one of `allowed`: a conditional UPDATE, so that
    two clicks or two people cannot start the same step twice."""
    changed = InventoryImport.objects.filter(pk=source.pk, status__in=list(allowed)).update(
        status=status, progress=0, **changes)
    return changed == 1


def _enqueue(source: InventoryImport, job: Any) -> InventoryImport:
    result = job.enqueue(source.pk)
    InventoryImport.objects.filter(pk=source.pk).update(task_id=str(result.id)[:64])
    source.refresh_from_db()
    return source


# --------------------------------------------------------------------------- lifecycle


def add_event(actor: Any, asset: Asset, *, kind: str, date: dt.date, disposal: str = "",
              beneficiary: str = "", weee_weight_kg: float | None = None, note: str = ""
              ) -> LifecycleEvent:
    """Record what happened to an asset; a retirement also retires the asset itself."""
    with transaction.atomic():
        event = LifecycleEvent.objects.create(
            asset=asset, kind=kind, date=date, disposal=disposal, beneficiary=beneficiary,
            weee_weight_kg=weee_weight_kg, note=note, actor=actor)
        if kind == EventKind.RETIRED:
            asset.retirement_date, asset.disposal = date, disposal
            asset.route, asset.route_rule = ((disposal, eol.DISPOSAL_RULE) if disposal else
                                             routes.route_of_asset(asset))
            asset.save(update_fields=["retirement_date", "disposal", "route", "route_rule",
                                      "updated_at"])
            bump_inventory_version(asset.organisation)
        record(actor, "inventory.event", asset.organisation, target=_label(asset),
               asset_id=asset.pk, kind=kind, date=date.isoformat(), disposal=disposal)
    return event


def retire_assets(actor: Any, organisation: Organisation, asset_ids: Iterable[int], *,
                  date: dt.date, disposal: str, beneficiary: str = "",
                  weee_weight_kg: float | None = None, note: str = "") -> int:
    """Retire several assets of the organisation at once; returns how many."""
    if disposal not in Disposal.values:
        raise ValueError(f"unknown disposal route {disposal!r}")
    with transaction.atomic():
        ids = list(Asset.objects.filter(organisation=organisation, pk__in=list(asset_ids))
                   .values_list("pk", flat=True))
        if not ids:
            return 0
        LifecycleEvent.objects.bulk_create([
            LifecycleEvent(asset_id=pk, kind=EventKind.RETIRED, date=date, disposal=disposal,
                           beneficiary=beneficiary, weee_weight_kg=weee_weight_kg, note=note,
                           actor=actor)
            for pk in ids])
        Asset.objects.filter(pk__in=ids).update(retirement_date=date, disposal=disposal,
                                                route=disposal, route_rule=eol.DISPOSAL_RULE,
                                                updated_at=timezone.now())
        bump_inventory_version(organisation)
        record(actor, "inventory.retire", organisation, target=f"{len(ids)} assets",
               asset_ids=ids[:500], count=len(ids), date=date.isoformat(), disposal=disposal)
    return len(ids)


# --------------------------------------------------------------------------- route rules


def _checked_rule(field: str, pattern: str, route: str) -> None:
    if field not in RouteField.values:
        raise ValidationError(_("Champ inconnu : %(field)s.") % {"field": field})
    if route not in Route.values:
        raise ValidationError(_("Filière inconnue : %(route)s.") % {"route": route})
    try:
        eol.compile_pattern(pattern)
    except eol.RuleError as exc:
        raise ValidationError(
            _("Ce motif n'est pas une expression régulière valide (%(error)s).")
            % {"error": exc}) from exc


def _reroute(organisation: Organisation) -> int:
    changed = routes.recompute(organisation)
    if changed:
        bump_inventory_version(organisation)
    return changed


def create_route_rule(actor: Any, organisation: Organisation, *, field: str, pattern: str,
                      route: str, note: str = "", position: int | None = None) -> RouteRule:
    """Add one of the organisation's rules (tried before the shipped ones) and route every
    device again. Raises ValidationError for an unknown field or route or a bad pattern."""
    _checked_rule(field, pattern, route)
    with transaction.atomic():
        if position is None:
            last = RouteRule.objects.filter(organisation=organisation).aggregate(
                p=Max("position"))["p"]
            position = 0 if last is None else last + 1
        rule = RouteRule.objects.create(organisation=organisation, position=position,
                                        field=field, pattern=pattern.strip(), route=route,
                                        note=note)
        changed = _reroute(organisation)
        record(actor, "inventory.route_rule_created", organisation, target=rule.name,
               field=field, pattern=rule.pattern, route=route, note=note, position=position,
               assets_rerouted=changed)
    return rule


def update_route_rule(actor: Any, rule: RouteRule, *, field: str, pattern: str, route: str,
                      note: str = "", position: int | None = None) -> RouteRule:
    _checked_rule(field, pattern, route)
    with transaction.atomic():
        before = {"field": rule.field, "pattern": rule.pattern, "route": rule.route,
                  "note": rule.note, "position": rule.position}
        rule.field, rule.pattern, rule.route, rule.note = field, pattern.strip(), route, note
        if position is not None:
            rule.position = position
        rule.save()
        changed = _reroute(rule.organisation)
        after = {"field": rule.field, "pattern": rule.pattern, "route": rule.route,
                 "note": rule.note, "position": rule.position}
        record(actor, "inventory.route_rule_updated", rule.organisation, target=rule.name,
               changes={k: [str(before[k]), str(after[k])] for k in after
                        if before[k] != after[k]},
               assets_rerouted=changed)
    return rule


def delete_route_rule(actor: Any, rule: RouteRule) -> None:
    with transaction.atomic():
        organisation, name = rule.organisation, rule.name
        values = {"field": rule.field, "pattern": rule.pattern, "route": rule.route}
        rule.delete()
        changed = _reroute(organisation)
        record(actor, "inventory.route_rule_deleted", organisation, target=name,
               assets_rerouted=changed, **values)


def _label(asset: Asset) -> str:
    return asset.inventory_number or asset.name or f"#{asset.pk}"


# --------------------------------------------------------------------------- single assets
# Written through the API (one asset at a time, by a token); the web pages write through imports.

PROTECTED = {"id", "organisation", "organisation_id", "source_import", "source_import_id",
             "source_line", "rule", "route", "route_rule", "updated_at"}
# What a route is read from: a change of one routes the asset again.
ROUTE_INPUTS = {"status", "comment", "disposal", "retirement_date"}


def _validated(asset: Asset) -> None:
    asset.full_clean(exclude=["organisation", "source_import"])


@transaction.atomic
def create_asset(token: ApiToken, organisation: Organisation, values: dict[str, Any]) -> Asset:
    asset = Asset(organisation=organisation,
                  **{k: v for k, v in values.items() if k not in PROTECTED})
    if asset.category:
        asset.rule = "api"
    asset.route, asset.route_rule = routes.route_of_asset(asset)
    _validated(asset)
    asset.save()
    bump_inventory_version(organisation)
    record(token.created_by, "inventory.asset_created", organisation, target=_label(asset),
           asset_id=asset.pk, via="api", token=token.prefix)
    return asset


@transaction.atomic
def update_asset(token: ApiToken, asset: Asset, values: dict[str, Any]) -> Asset:
    changes = {k: v for k, v in values.items() if k not in PROTECTED
               and getattr(asset, k) != v}
    if not changes:
        return asset
    before = {k: getattr(asset, k) for k in changes}
    for key, value in changes.items():
        setattr(asset, key, value)
    if "category" in changes:
        asset.rule = "api" if asset.category else ""
    if ROUTE_INPUTS & set(changes):
        asset.route, asset.route_rule = routes.route_of_asset(asset)
    _validated(asset)
    asset.save()
    bump_inventory_version(asset.organisation)
    record(token.created_by, "inventory.asset_updated", asset.organisation, target=_label(asset),
           asset_id=asset.pk, via="api", token=token.prefix,
           changes={k: [str(before[k]), str(v)] for k, v in changes.items()})
    return asset
