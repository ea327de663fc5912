"""Erasing a person's data on request, and purging data whose retention has ended.

Both run in one transaction and are audited; the audit event records counts only, never the
person's identity (it would store again what was just erased).
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from jalon.privacy.registry import Entry, personal_fields
from jalon.privacy.selectors import subject_rows
from jalon.tenancy.audit import record
from jalon.tenancy.models import Organisation

_BATCH = 500


@dataclass(frozen=True)
class Erasure:
    """What an erasure did: rows erased (deleted or anonymised) and rows found but kept, by
    declaration name."""

    erased: dict[str, int] = field(default_factory=dict)
    kept: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.erased.values())


def _delete(entry: Entry, rows: QuerySet[Any]) -> int:
    _total, by_model = rows.delete()
    return by_model.get(entry.label, 0)


def _anonymise(entry: Entry, rows: QuerySet[Any]) -> int:
    """Blank the entry's fields in `rows` (a JSON key is removed and its removal noted as
    "<key>_erased"); rows already anonymised are not counted again."""
    pending = rows.filter(entry.not_anonymised())
    json_keys = entry.json_keys()
    if not json_keys:
        return pending.update(**entry.blanks())
    count, last = 0, None
    while True:
        batch = pending.order_by("pk")
        if last is not None:
            batch = batch.filter(pk__gt=last)
        chunk = list(batch[:_BATCH])
        if not chunk:
            return count
        for row in chunk:
            for name, blank in entry.blanks().items():
                setattr(row, name, blank)
            for column, key in json_keys:
                stored = dict(getattr(row, column) or {})
                if key in stored:
                    del stored[key]
                    stored[f"{key}_erased"] = True
                setattr(row, column, stored)
            row.save(update_fields=[*entry.blanks(), *{c for c, _k in json_keys}])
            count += 1
        last = chunk[-1].pk


def _apply(entry: Entry, rows: QuerySet[Any], how: str) -> int:
    return _delete(entry, rows) if how == "delete" else _anonymise(entry, rows)


def erase(actor: Any, organisation: Organisation | None, subject_value: str) -> Erasure:
    """Erase (delete or anonymise, as declared) every row about one person in `organisation`
    (None: the platform's own rows). Declarations with on_erasure="keep" are counted, not
    touched."""
    result = Erasure()
    with transaction.atomic():
        for entry in personal_fields():
            rows = subject_rows(entry, organisation, subject_value)
            if rows is None:
                continue
            if entry.on_erasure == "keep":
                if count := rows.count():
                    result.kept[entry.name] = count
                continue
            if count := _apply(entry, rows, entry.on_erasure):
                result.erased[entry.name] = count
        record(actor, "privacy.erased", organisation, erased=result.erased, kept=result.kept)
    return result


def _expired(entry: Entry, now: dt.datetime) -> QuerySet[Any] | None:
    rows = entry.rows()
    date = f"{entry.date_field}__lt"
    if entry.retention is None:
        return None
    if isinstance(entry.retention, dt.timedelta) or entry.organisation_field is None:
        retention = entry.retention_for(None)
        return None if retention is None else rows.filter(**{date: now - retention})
    # A retention chosen per organisation: one condition per organisation present.
    org_field = entry.organisation_field
    ids = set(rows.values_list(org_field, flat=True).distinct())
    organisations = Organisation.objects.in_bulk([i for i in ids if i is not None])
    conditions = []
    for org_id in ids:
        retention = entry.retention_for(organisations.get(org_id) if org_id else None)
        if retention is not None:
            owner = Q(**{org_field: org_id}) if org_id else Q(**{f"{org_field}__isnull": True})
            conditions.append(owner & Q(**{date: now - retention}))
    if not conditions:
        return None
    return rows.filter(functools.reduce(operator.or_, conditions))


@dataclass(frozen=True)
class Purged:
    """What a purge did to one declaration's rows of one organisation (None: platform rows),
    given to the purge listeners (e.g. the GDPR domain's purge records)."""

    name: str
    purpose: Any
    organisation_id: int | None
    count: int
    action: str  # "delete" | "anonymise"
    retention: dt.timedelta | None
    date_field: str


PurgeListener = Callable[[dt.datetime, list[Purged]], Any]
_purge_listeners: dict[str, PurgeListener] = {}


def on_purge(listener: PurgeListener) -> PurgeListener:
    """Call `listener(now, purged)` inside every purge's transaction, with what it did per
    declaration and organisation (nothing when nothing was purged). Idempotent per listener."""
    _purge_listeners[f"{listener.__module__}.{listener.__qualname__}"] = listener
    return listener


def _breakdown(entry: Entry, rows: QuerySet[Any]) -> list[Purged]:
    """The rows about to be purged, counted per organisation (before the purge)."""
    pending = rows if entry.on_expiry == "delete" else rows.filter(entry.not_anonymised())
    if entry.organisation_field is None:
        counts: list[tuple[int | None, int]] = [(None, pending.count())]
    else:
        counts = [(row[entry.organisation_field], row["n"]) for row in
                  pending.values(entry.organisation_field).annotate(n=Count("pk", distinct=True))
                  .order_by(entry.organisation_field)]
    out = []
    for org_id, count in counts:
        if not count:
            continue
        organisation = (Organisation.objects.filter(pk=org_id).first()
                        if org_id is not None else None)
        out.append(Purged(entry.name, entry.purpose, org_id, count, entry.on_expiry,
                          entry.retention_for(organisation), entry.date_field))
    return out


def purge_expired(now: dt.datetime | None = None) -> dict[str, int]:
    """Delete or anonymise (as declared) every row past its retention; counts by declaration
    name. Idempotent: a second run finds nothing more to do."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    purged: list[Purged] = []
    with transaction.atomic():
        for entry in personal_fields():
            rows = _expired(entry, now)
            if rows is None:
                continue
            if _purge_listeners:
                purged += _breakdown(entry, rows)
            if count := _apply(entry, rows, entry.on_expiry):
                counts[entry.name] = count
        if counts:
            record(None, "privacy.purged", None, counts=counts)
            for listener in list(_purge_listeners.values()):
                listener(now, purged)
    return counts
