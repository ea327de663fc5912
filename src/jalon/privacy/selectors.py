"""Reading personal data: every row about one person (for an access or erasure request)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from jalon.privacy.registry import Entry, personal_fields
from jalon.tenancy.models import Organisation


@dataclass(frozen=True)
class Found:
    """One stored row about the person: which declaration, which row, what it holds."""

    entry: Entry
    pk: Any
    values: dict[str, Any]
    date: dt.datetime | dt.date | None


def of_organisation(entry: Entry, organisation: Organisation | None) -> QuerySet[Any] | None:
    """The entry's rows that belong to `organisation` (None: platform data, outside any
    organisation); None when the entry has no such rows by construction."""
    rows = entry.rows()
    if entry.organisation_field is None:
        return rows if organisation is None else None
    if organisation is None:
        return rows.filter(**{f"{entry.organisation_field}__isnull": True})
    return rows.filter(**{entry.organisation_field: organisation})


def subject_rows(entry: Entry, organisation: Organisation | None, value: str
                 ) -> QuerySet[Any] | None:
    """The rows of `entry` about the person designated by `value` (e.g. an e-mail address)."""
    value = value.strip()
    if entry.subject is None or not value:
        return None
    rows = of_organisation(entry, organisation)
    if rows is None:
        return None
    if entry.subject_transform is not None:
        value = entry.subject_transform(value)
    matching = rows.filter(**{f"{entry.subject}__iexact": value})
    # Through a primary key list, so that joins (e.g. a user's memberships) never duplicate a
    # row and the query can be updated or deleted.
    return entry.model._default_manager.filter(pk__in=matching.values("pk"))


def _values(entry: Entry, row: Any) -> dict[str, Any]:
    values = {name: getattr(row, name) for name in entry.plain_fields()}
    for column, key in entry.json_keys():
        stored = getattr(row, column) or {}
        values[f"{column}.{key}"] = stored.get(key) if isinstance(stored, dict) else None
    return values


def find(organisation: Organisation | None, subject_value: str) -> list[Found]:
    """Every row of every declared model about one person, in `organisation` (None: the
    platform's own rows, such as sign-in attempts)."""
    found = []
    for entry in personal_fields():
        rows = subject_rows(entry, organisation, subject_value)
        if rows is None:
            continue
        for row in rows.order_by("pk"):
            found.append(Found(entry=entry, pk=row.pk, values=_values(entry, row),
                               date=getattr(row, entry.date_field)))
    return found
