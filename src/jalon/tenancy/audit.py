"""Recording who changed what (services call this inside their transaction), from where.

`record` adds the client's address and user agent of the request being served: the
`RequestContextMiddleware` keeps them in a context variable for the request's duration, so that
services need no request argument (background tasks have none: both stay empty). Both are
personal data, declared to jalon.privacy (privacy/platform.py) and blanked after
settings.AUDIT_PERSONAL_DAYS (CNIL, délibération 2021-122 on logging: 6 months to 1 year).
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from typing import Any, NamedTuple

from django.http import HttpRequest, HttpResponse

from jalon.tenancy.client import client_ip
from jalon.tenancy.models import AuditEvent, Organisation

USER_AGENT_LENGTH = 300


class Origin(NamedTuple):
    ip: str | None
    user_agent: str


_origin: contextvars.ContextVar[Origin | None] = contextvars.ContextVar("jalon_audit_origin",
                                                                        default=None)


def origin_of(request: HttpRequest) -> Origin:
    return Origin(client_ip(request),
                  request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_LENGTH])


class RequestContextMiddleware:
    """Keeps the request's address and user agent for the audit events it writes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _origin.set(origin_of(request))
        try:
            return self.get_response(request)
        finally:
            _origin.reset(token)


def record(actor: Any, action: str, organisation: Organisation | None = None,
           target: str = "", **details: Any) -> AuditEvent:
    origin = _origin.get() or Origin(None, "")
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        organisation=organisation, action=action, target=target[:200], details=details,
        ip=origin.ip, user_agent=origin.user_agent)
