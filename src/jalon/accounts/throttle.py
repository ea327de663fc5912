"""Sign-in throttling: settings.LOGIN_ATTEMPTS failures per settings.LOGIN_WINDOW_SECONDS,
counted per username and per client address, in the database (shared by every process).

A blocked sign-in is refused before the password is even checked, so that a correct guess
during the wait reveals nothing. A successful sign-in clears the username's counter.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from jalon.accounts.models import LoginAttempt
from jalon.tenancy import throttling


def _normalise(username: str) -> str:
    return username.strip().lower()[:150]


def _window() -> dt.timedelta:
    return dt.timedelta(seconds=settings.LOGIN_WINDOW_SECONDS)


def wait_seconds(username: str, ip: str | None) -> int:
    """Seconds before another attempt is allowed (0 when not blocked)."""
    now = timezone.now()
    recent = LoginAttempt.objects.filter(at__gte=now - _window())
    waits = [0]
    for condition in (Q(username=_normalise(username)), Q(ip=ip) if ip else None):
        if condition is not None:
            times = list(recent.filter(condition).order_by("-at")
                         .values_list("at", flat=True)[: settings.LOGIN_ATTEMPTS])
            waits.append(throttling.wait_seconds(times, settings.LOGIN_ATTEMPTS, _window(),
                                                 now))
    return max(waits)


def record_failure(username: str, ip: str | None) -> None:
    now = timezone.now()
    LoginAttempt.objects.create(username=_normalise(username), ip=ip, at=now)
    # Forget what no window can count any more.
    LoginAttempt.objects.filter(at__lt=now - _window()).delete()


def clear(username: str) -> None:
    LoginAttempt.objects.filter(username=_normalise(username)).delete()
