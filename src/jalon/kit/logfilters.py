"""Logging filters (settings.LOGGING).

A refused access (PermissionDenied → 403) is ordinary: a member without a capability followed
a link, a probe. Django's request logger records it with the exception's traceback, which
filled the logs with stack traces that hid real errors (issue 9). The filter keeps the one-line
warning ("Forbidden (Permission denied): /o/…/") and drops the traceback; any other exception
keeps its traceback.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied


class PermissionDeniedWithoutTraceback(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        exc_info = record.exc_info
        if exc_info and isinstance(exc_info[1], PermissionDenied):
            record.exc_info = None
            record.exc_text = None
        return True
