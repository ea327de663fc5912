"""Per-organisation API tokens: `Authorization: Bearer jal_...`.

A token resolves to one organisation and one role; every endpoint works on that organisation
only (request.organisation), never on an id or slug given by the caller.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer

from jalon.tenancy.models import ApiToken, Organisation, Role
from jalon.tenancy.scope import can

LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class TokenAuth(HttpBearer):
    openapi_description = "Jeton d'API d'une organisation (Paramètres → Jetons d'API)."

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        if not token.startswith("jal_") or len(token) > 100:
            return None
        api_token = (ApiToken.objects.select_related("organisation", "created_by")
                     .filter(key_hash=ApiToken.hash(token), revoked_at__isnull=True).first())
        if api_token is None:
            return None
        now = timezone.now()
        if api_token.last_used_at is None or now - api_token.last_used_at >= LAST_USED_RESOLUTION:
            # At most one write a minute per token, not one per request.
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
            api_token.last_used_at = now
        request.api_token = api_token  # type: ignore[attr-defined]
        request.organisation = api_token.organisation  # type: ignore[attr-defined]
        request.role = Role(api_token.role)  # type: ignore[attr-defined]
        return api_token


def organisation(request: HttpRequest) -> Organisation:
    return request.organisation  # type: ignore[attr-defined,no-any-return]


def token(request: HttpRequest) -> ApiToken:
    return request.api_token  # type: ignore[attr-defined,no-any-return]


def require(request: HttpRequest, minimum: Role) -> None:
    if not can(request.role, minimum):  # type: ignore[attr-defined]
        raise HttpError(403, f"Ce jeton a le rôle « {request.role} » ; "  # type: ignore[attr-defined]
                             f"cette opération demande « {minimum} » ou plus.")


def actor(request: HttpRequest) -> Any:
    """The person answerable for an API write: whoever created the token."""
    return token(request).created_by
