"""Every write to the catalogue: each in a transaction, each leaving an audit event.

Callers (views, API) pass objects obtained through `selectors` (hence scoped to the request's
organisation). Values are checked here with the same rules as the CSV reader
(jalon.core.catalogue); a bad value raises django's ValidationError keyed by field, in French.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jalon import events
from jalon.catalogue.models import DigitalService
from jalon.core import catalogue as core
from jalon.tenancy.audit import record
from jalon.tenancy.models import Organisation

EDITABLE: Final = ("name", "kind", "description", "url", "sample_urls", "audience",
                   "owner_team", "provider", "hosting_provider", "hosting_country", "status",
                   "in_service_since", "retired_on")
MAX_IMPORT_BYTES: Final = 2 * 1024 * 1024


def clean_values(values: Mapping[str, Any], current: DigitalService | None = None
                 ) -> dict[str, Any]:
    """Checked and normalised values (only the fields given), or ValidationError by field."""
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise ValidationError({name: _("Champ inconnu.") for name in sorted(unknown)})
    out: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    checks: dict[str, Any] = {
        "kind": core.parse_kind, "audience": core.parse_audience,
        "status": core.parse_status,
        "url": core.clean_url, "hosting_country": core.clean_country,
        "sample_urls": lambda v: "\n".join(core.clean_sample_urls(v)),
    }
    for name, value in values.items():
        if isinstance(value, str):
            value = value.strip()
        try:
            if name == "name":
                if not value:
                    raise core.InvalidValue(_("Indiquez le nom du service."))
                if len(value) > core.MAX_NAME:
                    raise core.InvalidValue(_("Au plus %(n)d caractères.") % {"n": core.MAX_NAME})
            elif name in ("kind", "audience") and not value:
                raise core.InvalidValue(_("Ce champ est obligatoire."))
            elif name in checks:
                value = checks[name](value or "")
            elif name in ("in_service_since", "retired_on"):
                if value is not None and not isinstance(value, dt.date):
                    raise core.InvalidValue(_("Date attendue (AAAA-MM-JJ)."))
            elif isinstance(value, str) and len(value) > (
                    2000 if name == "description" else core.MAX_TEXT):
                raise core.InvalidValue(_("Texte trop long."))
        except core.InvalidValue as exc:
            errors[name] = [str(exc)]
            continue
        out[name] = value if value is not None else (
            None if name in ("in_service_since", "retired_on") else "")
    if not errors:
        since = out.get("in_service_since", getattr(current, "in_service_since", None))
        retired = out.get("retired_on", getattr(current, "retired_on", None))
        try:
            core.check_dates(since, retired)
        except core.InvalidValue as exc:
            errors["retired_on"] = [str(exc)]
    if errors:
        raise ValidationError(errors)
    return out


def _check_name(organisation: Organisation, name: str, exclude: int | None = None) -> None:
    rows = DigitalService.objects.filter(organisation=organisation, name__iexact=name)
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    if rows.exists():
        raise ValidationError({"name": [_("Un autre service de l'organisation porte déjà ce "
                                          "nom ; choisissez-en un autre.")]})


def create_service(actor: Any, organisation: Organisation, values: Mapping[str, Any]
                   ) -> DigitalService:
    cleaned = clean_values(values)
    for required in ("name", "kind", "audience"):
        if not cleaned.get(required):
            raise ValidationError({required: [_("Ce champ est obligatoire.")]})
    with transaction.atomic():
        _check_name(organisation, cleaned["name"])
        service = DigitalService.objects.create(organisation=organisation, **cleaned)
        record(actor, "catalogue.create", organisation, target=service.name,
               service_id=service.pk, kind=service.kind)
        events.announce(events.CATALOGUE, organisation.pk)
    return service


def update_service(actor: Any, service: DigitalService, values: Mapping[str, Any]
                   ) -> DigitalService:
    cleaned = clean_values(values, current=service)
    changed = {k: v for k, v in cleaned.items() if getattr(service, k) != v}
    if not changed:
        return service
    with transaction.atomic():
        if "name" in changed:
            _check_name(service.organisation, changed["name"], exclude=service.pk)
        for name, value in changed.items():
            setattr(service, name, value)
        service.save()
        record(actor, "catalogue.update", service.organisation, target=service.name,
               service_id=service.pk, fields=sorted(changed))
        events.announce(events.CATALOGUE, service.organisation_id)
    return service


def delete_service(actor: Any, service: DigitalService) -> None:
    with transaction.atomic():
        record(actor, "catalogue.delete", service.organisation, target=service.name,
               service_id=service.pk)
        events.announce(events.CATALOGUE, service.organisation_id)
        service.delete()


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    created: int = 0
    updated: int = 0
    errors: list[core.CellError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def import_csv(actor: Any, organisation: Organisation, data: bytes, file_name: str = ""
               ) -> ImportOutcome:
    """Create or update (by name, case-insensitive) one service per line of a CSV file. All
    or nothing: any bad line and nothing is written (the outcome lists the errors)."""
    if len(data) > MAX_IMPORT_BYTES:
        return ImportOutcome(errors=[core.CellError(0, "", "", _(
            "Fichier trop volumineux (plus de %(mb)d Mo) ; découpez-le en plusieurs "
            "fichiers.") % {"mb": MAX_IMPORT_BYTES // (1024 * 1024)})])
    parsed = core.parse_services(data)
    if not parsed.ok:
        return ImportOutcome(errors=parsed.errors, ignored_columns=parsed.ignored_columns)
    created = updated = 0
    with transaction.atomic():
        existing = {s.name.casefold(): s for s in DigitalService.objects.select_for_update()
                    .filter(organisation=organisation)}
        for row in parsed.rows:
            values = row.values()
            service = existing.get(row.name.casefold())
            if service is None:
                DigitalService.objects.create(organisation=organisation, **values)
                created += 1
            else:  # only the columns the file has: the others keep their value
                for name in parsed.columns:
                    setattr(service, name, values[name])
                service.save()
                updated += 1
        record(actor, "catalogue.import", organisation, target=file_name or "CSV",
               created=created, updated=updated, lines=len(parsed.rows),
               encoding=parsed.encoding, delimiter=parsed.delimiter)
        events.announce(events.CATALOGUE, organisation.pk)
    return ImportOutcome(created=created, updated=updated,
                         ignored_columns=parsed.ignored_columns)
