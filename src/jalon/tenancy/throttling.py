"""The sliding window every throttle of Jalon counts with (sign-in failures, public forms).

At most `limit` events may fall within any `window`: once `limit` recent events are counted,
the next one is allowed when the oldest of them leaves the window.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence


def wait_seconds(newest_first: Sequence[dt.datetime], limit: int, window: dt.timedelta,
                 now: dt.datetime) -> int:
    """Seconds before one more event is allowed (0 when not blocked), given the times of the
    most recent events, newest first (at least the `limit` most recent, those in the window)."""
    if len(newest_first) < limit:
        return 0
    release = newest_first[limit - 1] + window
    return max(1, math.ceil((release - now).total_seconds()))
