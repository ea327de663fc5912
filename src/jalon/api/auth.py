"""Per-organisation API tokens: `Authorization: Bearer jal_...`.

A token resolves to one organisation and the capabilities it was given; every endpoint works on
that organisation only (request.organisation), never on an id or slug given by the caller.
What a token may do is decided by `jalon.tenancy.scope` (scope_to_token, has); this module only
turns a refusal into the API's 403.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer

from jalon.tenancy import scope
from jalon.tenancy.capabilities import ROLE_CAPABILITIES, Capability, ordered
from jalon.tenancy.models import ApiToken, Organisation, Role
from jalon.tenancy.scope import OrganisationRequest

LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class ApiRequest(OrganisationRequest):
    """For type checking only: a request authenticated by `TokenAuth`, which sets these."""

    api_token: ApiToken


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
        authenticated = cast(ApiRequest, scope.scope_to_token(request, api_token))
        authenticated.api_token = api_token
        return api_token


def _authenticated(request: HttpRequest) -> ApiRequest:
    """The endpoints' request, which `TokenAuth` (the API's auth) went through."""
    return cast(ApiRequest, request)


def organisation(request: HttpRequest) -> Organisation:
    return _authenticated(request).organisation


def token(request: HttpRequest) -> ApiToken:
    return _authenticated(request).api_token


def capabilities(request: HttpRequest) -> list[str]:
    """The token's capabilities (values), for showing them."""
    return [c.value for c in ordered(_authenticated(request).capabilities)]


def require(request: HttpRequest, capability: Capability) -> None:
    """403 unless the token holds `capability` (decided by scope.has)."""
    if not scope.has(request, capability):
        held = ", ".join(capabilities(request)) or "aucune"
        roles = " ou ".join(f"« {role.value} »" for role in Role
                            if capability in ROLE_CAPABILITIES[role])
        raise HttpError(403, f"Cette opération demande la capacité « {capability.value} » "
                             f"({capability.label}), que donne le rôle {roles} ; ce jeton "
                             f"(rôle « {_authenticated(request).role} ») a : {held}. Un "
                             "administrateur de l'organisation peut créer un jeton qui l'a.")


def actor(request: HttpRequest) -> Any:
    """The person answerable for an API write: whoever created the token."""
    return token(request).created_by
