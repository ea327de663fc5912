"""The registry of personal data (declarations only; reads in selectors, writes in services).

An `Entry` says which fields of a model hold personal data, why (purpose), how a person's rows
are found (`subject`: a lookup matched without regard to case, after `subject_transform`), how
long they are kept (`retention` after `date_field`; a timedelta, or a callable given the
organisation, or None: kept until erased), what happens when the retention ends (`on_expiry`)
and on an erasure request (`on_erasure`): "delete" the row, "anonymise" the fields (blank them;
the row stays), or "keep" (listed by `find`, left to another procedure, said in `purpose`).

A field is a column name, or "column.key" for one key of a JSON column (the audit trail keeps a
submitter's data under `details["personal"]`: erasing it removes that key, not the event).
`where` restricts the rows concerned (e.g. some audit actions only). Rows belong to the
organisation reached by `organisation_field` (None: platform data, outside any organisation).
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

    from jalon.tenancy.models import Organisation

# Where audit events keep a submitter's personal data: AuditEvent.details[PERSONAL_KEY].
PERSONAL_KEY = "personal"

Retention = dt.timedelta | Callable[["Organisation | None"], dt.timedelta | None] | None
OnExpiry = Literal["delete", "anonymise"]
OnErasure = Literal["delete", "anonymise", "keep"]


@dataclass(frozen=True)
class Entry:
    name: str
    model: type[models.Model]
    fields: tuple[str, ...]
    purpose: _StrOrPromise
    subject: str | None
    retention: Retention
    date_field: str
    organisation_field: str | None
    where: Q | None = None
    on_expiry: OnExpiry = "delete"
    on_erasure: OnErasure = "delete"
    subject_transform: Callable[[str], str] | None = None
    audit_actions: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return self.model._meta.label

    def retention_for(self, organisation: Organisation | None) -> dt.timedelta | None:
        if self.retention is None or isinstance(self.retention, dt.timedelta):
            return self.retention
        return self.retention(organisation)

    def rows(self) -> models.QuerySet[Any]:
        """Every row this entry covers."""
        queryset = self.model._default_manager.all()
        return queryset.filter(self.where) if self.where is not None else queryset

    def plain_fields(self) -> list[str]:
        return [f for f in self.fields if "." not in f]

    def json_keys(self) -> list[tuple[str, str]]:
        return [(f.split(".", 1)[0], f.split(".", 1)[1]) for f in self.fields if "." in f]

    def blanks(self) -> dict[str, Any]:
        """The anonymised value of each plain field."""
        return {name: _blank(self.model._meta.get_field(name)) for name in self.plain_fields()}

    def not_anonymised(self) -> Q:
        """Rows that still hold some personal value (so that anonymising twice counts once)."""
        conditions = [Q(**{f"{name}__isnull": False}) if blank is None else ~Q(**{name: blank})
                      for name, blank in self.blanks().items()]
        conditions += [Q(**{f"{column}__has_key": key}) for column, key in self.json_keys()]
        return functools.reduce(operator.or_, conditions)


_registry: dict[str, Entry] = {}


def _blank(field: Any) -> Any:
    if isinstance(field, models.JSONField):
        return None if field.null else {}
    if field.null:
        return None
    if isinstance(field, (models.CharField, models.TextField)):
        return ""
    raise ImproperlyConfigured(
        f"{field.model._meta.label}.{field.name} cannot be anonymised (not null, not text): "
        "declare on_expiry/on_erasure='delete'")


def _check(entry: Entry) -> None:
    meta = entry.model._meta
    try:
        for name in entry.fields:
            column, _dot, key = name.partition(".")
            field = meta.get_field(column)
            if key and not isinstance(field, models.JSONField):
                raise ImproperlyConfigured(f"{entry.name}: {column} is not a JSON field")
        meta.get_field(entry.date_field)
        if entry.organisation_field:
            meta.get_field(entry.organisation_field.split("__", 1)[0])
    except FieldDoesNotExist as error:
        raise ImproperlyConfigured(f"{entry.name}: {error}") from error
    if "anonymise" in (entry.on_expiry, entry.on_erasure):
        entry.blanks()  # raises when a field cannot be blanked


def register(model: type[models.Model], *, fields: tuple[str, ...], purpose: _StrOrPromise,
             subject: str | None, retention: Retention, date_field: str,
             organisation_field: str | None = "organisation", name: str | None = None,
             where: Q | None = None, on_expiry: OnExpiry = "delete",
             on_erasure: OnErasure = "delete",
             subject_transform: Callable[[str], str] | None = None,
             audit_actions: tuple[str, ...] = ()) -> Entry:
    """Declare personal data (from an `AppConfig.ready()`). `name` defaults to the model's
    label in lower case; declaring the same name twice is an error."""
    entry = Entry(name=name or model._meta.label_lower, model=model, fields=tuple(fields),
                  purpose=purpose, subject=subject, retention=retention, date_field=date_field,
                  organisation_field=organisation_field, where=where, on_expiry=on_expiry,
                  on_erasure=on_erasure, subject_transform=subject_transform,
                  audit_actions=tuple(audit_actions))
    if entry.name in _registry:
        raise ImproperlyConfigured(f"Personal data {entry.name!r} is declared twice")
    if not entry.fields:
        raise ImproperlyConfigured(f"{entry.name}: no field declared")
    _check(entry)
    _registry[entry.name] = entry
    return entry


def register_audit(actions: tuple[str, ...], *, purpose: _StrOrPromise, subject: str | None,
                   retention: Retention, name: str | None = None) -> Entry:
    """Declare the personal data that audit events of `actions` carry under
    `details["personal"]` (a dict; `subject` is one of its keys). On expiry and on erasure the
    key is removed and the event itself stays in the trail."""
    from jalon.tenancy.models import AuditEvent

    actions = tuple(actions)
    return register(
        AuditEvent, name=name or f"audit:{actions[0]}", fields=(f"details.{PERSONAL_KEY}",),
        purpose=purpose, subject=f"details__{PERSONAL_KEY}__{subject}" if subject else None,
        retention=retention, date_field="at", organisation_field="organisation",
        where=Q(action__in=actions), on_expiry="anonymise", on_erasure="anonymise",
        audit_actions=actions)


def unregister(name: str) -> None:
    """Remove a declaration (for tests)."""
    _registry.pop(name, None)


def personal_fields() -> tuple[Entry, ...]:
    """The whole inventory of the personal data Jalon stores, by name."""
    return tuple(sorted(_registry.values(), key=lambda entry: entry.name))


def is_declared_audit_action(action: str) -> bool:
    return any(action in entry.audit_actions for entry in _registry.values())
