"""Accepting a public submission: the domain's service, the audit event and the throttling
counter, in one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from jalon.privacy.registry import PERSONAL_KEY
from jalon.publicforms import throttle
from jalon.tenancy.audit import record
from jalon.tenancy.models import Organisation


@dataclass(frozen=True)
class Submission:
    """What the component knows about a submission, handed to the domain's service.

    `address_hash` is personal data (a salted hash of the client's address): a domain that
    stores it declares it through jalon.privacy."""

    domain: str
    action: str
    received_at: dt.datetime
    address_hash: str
    language: str


Service = Callable[[Organisation, dict[str, Any], Submission], Any]


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(item) for item in value]
    return str(value)


def personal_details(cleaned_data: Mapping[str, Any]) -> dict[str, Any]:
    """The submitted data as the audit event keeps it (under details["personal"])."""
    return {name: _jsonable(value) for name, value in cleaned_data.items()}


def accept(service: Service, organisation: Organisation, cleaned_data: dict[str, Any],
           submission: Submission) -> Any:
    """Store a valid submission: all of it, or nothing (a ValidationError from the service
    rolls everything back and is shown with the form)."""
    with transaction.atomic():
        stored = service(organisation, cleaned_data, submission)
        pk = getattr(stored, "pk", None)
        record(None, submission.action, organisation, target=str(pk) if pk is not None else "",
               domain=submission.domain, **{PERSONAL_KEY: personal_details(cleaned_data)})
        throttle.hit(organisation, submission.domain, submission.address_hash)
    return stored
