"""Throttling of public forms: settings.PUBLICFORMS_ADDRESS_LIMIT submissions per
PUBLICFORMS_ADDRESS_WINDOW_SECONDS from one client address (across every organisation), and
PUBLICFORMS_ORGANISATION_LIMIT per PUBLICFORMS_ORGANISATION_WINDOW_SECONDS to one organisation.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from jalon.publicforms.models import SubmissionHit
from jalon.tenancy import throttling
from jalon.tenancy.models import Organisation

Reason = Literal["address", "organisation"]


def address_hash(address: str | None) -> str:
    """A salted hash of the client's address (keyed by SECRET_KEY): enough to count, useless
    to find the address back without the key."""
    return salted_hmac("jalon.publicforms.address", (address or "unknown").strip().lower(),
                       algorithm="sha256").hexdigest()


def _windows() -> tuple[tuple[Reason, int, dt.timedelta], ...]:
    return (
        ("address", settings.PUBLICFORMS_ADDRESS_LIMIT,
         dt.timedelta(seconds=settings.PUBLICFORMS_ADDRESS_WINDOW_SECONDS)),
        ("organisation", settings.PUBLICFORMS_ORGANISATION_LIMIT,
         dt.timedelta(seconds=settings.PUBLICFORMS_ORGANISATION_WINDOW_SECONDS)),
    )


def retention(_organisation: object = None) -> dt.timedelta:
    """How long a counter is useful: the longest window."""
    return max(window for _reason, _limit, window in _windows())


def wait_seconds(organisation: Organisation, address: str) -> tuple[int, Reason | None]:
    """Seconds before another submission is accepted (0 when not blocked) and why."""
    now = timezone.now()
    waits: list[tuple[int, Reason | None]] = [(0, None)]
    for reason, limit, window in _windows():
        who = Q(address_hash=address) if reason == "address" else Q(organisation=organisation)
        times = list(SubmissionHit.objects.filter(who, at__gte=now - window)
                     .order_by("-at").values_list("at", flat=True)[:limit])
        wait = throttling.wait_seconds(times, limit, window, now)
        if wait:
            waits.append((wait, reason))
    return max(waits, key=lambda wait: wait[0])


def hit(organisation: Organisation, domain: str, address: str) -> None:
    now = timezone.now()
    SubmissionHit.objects.create(organisation=organisation, domain=domain, address_hash=address,
                                 at=now)
    # Forget what no window can count any more.
    SubmissionHit.objects.filter(at__lt=now - retention()).delete()
