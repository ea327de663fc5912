"""The counting every throttle of Jalon uses (sign-in checks, API requests, public forms).

Two tools:

- `wait_seconds`: a sliding window over event rows (public forms keep one row per accepted
  submission): at most `limit` events within any `window`.
- `take` / `give_back`: an atomic counter row per key, for throttles that must hold under
  parallel requests. Checking a count and then recording an event are two statements, and
  parallel requests all pass the check before any of them records (30 parallel sign-ins let
  11 password checks through instead of 5). `take` is one conditional statement instead,
  ``UPDATE … SET count = count + 1 WHERE key = %s AND count < %s``: the database serialises
  writers on the row (a row lock on PostgreSQL, the database write lock on SQLite), so exactly
  `limit` callers see one updated row. The row is created by the first caller; a concurrent
  creation fails on the unique key and that caller retries the update.

A counter model has the fields `key` (unique), `count` and `at` (when its window opened).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import F


def wait_seconds(newest_first: Sequence[dt.datetime], limit: int, window: dt.timedelta,
                 now: dt.datetime) -> int:
    """Seconds before one more event is allowed (0 when not blocked), given the times of the
    most recent events, newest first (at least the `limit` most recent, those in the window)."""
    if len(newest_first) < limit:
        return 0
    release = newest_first[limit - 1] + window
    return max(1, math.ceil((release - now).total_seconds()))


def take(model: type[models.Model], key: str, limit: int, window: dt.timedelta,
         now: dt.datetime, **create: Any) -> int:
    """Count one event under `key` if fewer than `limit` were counted in the window opened by
    the first of them: 0 when counted, else the seconds until the window ends.

    `create` gives the other fields of a new counter row. A window older than `window` is
    restarted first (one statement: of parallel callers, only one matches it)."""
    manager = model._default_manager
    manager.filter(key=key, at__lt=now - window).update(count=0, at=now)
    if limit > 0:
        for _attempt in range(5):
            if manager.filter(key=key, count__lt=limit).update(count=F("count") + 1):
                return 0
            current = manager.filter(key=key).values_list("count", flat=True).first()
            if current is not None and current >= limit:
                break  # full: refused
            if current is None:
                try:
                    with transaction.atomic():
                        manager.create(key=key, count=1, at=now, **create)
                    return 0
                except IntegrityError:
                    pass  # created by a parallel caller: count on its row
            # Created meanwhile with room left (or just created by another): update again.
    opened: dt.datetime | None = manager.filter(key=key).values_list("at", flat=True).first()
    if opened is None:
        return max(1, math.ceil(window.total_seconds()))
    return max(1, math.ceil((opened + window - now).total_seconds()))


def give_back(model: type[models.Model], key: str) -> None:
    """Uncount one event (a reservation that turned out not to be a failure)."""
    model._default_manager.filter(key=key, count__gt=0).update(count=F("count") - 1)


def count(model: type[models.Model], key: str) -> int:
    value: Any = model._default_manager.filter(key=key).values_list("count", flat=True).first()
    return int(value or 0)
