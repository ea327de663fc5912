"""Per-organisation API tokens: `Authorization: Bearer jal_...`.

A token resolves to one organisation and the capabilities it was given; every endpoint works on
that organisation only (request.organisation), never on an id or slug given by the caller.
What a token may do is decided by `jalon.tenancy.scope` (token_is_usable, scope_to_token, has);
this module only turns a refusal into the API's 401/403/429.

A token authenticates until it expires (chosen at creation, at most a year), is revoked, or its
creator can no longer create tokens (removed, deactivated, without ADMINISTER: checked at every
request). Each token has a rate limit (settings.API_RATE_LIMIT requests per
API_RATE_WINDOW_SECONDS, a sliding window counted atomically in the database so that every
server process shares it): beyond it, 429 with `Retry-After`. Its last use (time and client
address) is recorded at most once a minute, or when the address changes.
"""

from __future__ import annotations

import datetime as dt
import math
from functools import partial
from typing import Any, cast

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.security import HttpBearer

from jalon.tenancy import scope, throttling
from jalon.tenancy.capabilities import ROLE_CAPABILITIES, Capability, ordered
from jalon.tenancy.client import client_ip
from jalon.tenancy.models import ApiToken, Organisation, RateCounter, Role
from jalon.tenancy.scope import OrganisationRequest

LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class ApiRequest(OrganisationRequest):
    """For type checking only: a request authenticated by `TokenAuth`, which sets these."""

    api_token: ApiToken


class RateLimited(HttpError):
    """Too many requests with one token: answered 429 with Retry-After (`install`)."""

    def __init__(self, wait: int) -> None:
        self.wait = wait
        super().__init__(429, f"Trop de requêtes avec ce jeton : au plus "
                              f"{settings.API_RATE_LIMIT} par {settings.API_RATE_WINDOW_SECONDS} "
                              f"secondes. Réessayez dans {wait} s (en-tête Retry-After).")


def rate_wait(token: ApiToken, now: dt.datetime) -> int:
    """Count one request of `token`: 0 when allowed, else the seconds to wait.

    A sliding window approximated by two fixed buckets (the current one and the previous one,
    weighted by how much of it still lies within the window): at most `limit` requests in any
    window, within a few per cent, with two counter rows per token. The current bucket is
    counted by one conditional UPDATE (tenancy.throttling.take): parallel requests cannot
    overshoot."""
    limit, seconds = settings.API_RATE_LIMIT, settings.API_RATE_WINDOW_SECONDS
    if limit <= 0:
        return 0
    window = dt.timedelta(seconds=seconds)
    bucket = int(now.timestamp()) // seconds
    start = dt.datetime.fromtimestamp(bucket * seconds, tz=dt.UTC)
    elapsed = (now - start).total_seconds()
    previous = throttling.count(RateCounter, f"api:{token.pk}:{bucket - 1}")
    carried = math.floor(previous * (1 - elapsed / seconds))
    key = f"api:{token.pk}:{bucket}"
    if not throttling.take(RateCounter, key, limit - carried, window, start):
        if not RateCounter.objects.filter(key=key, count=1).exists():
            return 0
        # A new bucket: forget the buckets no window can count any more.
        RateCounter.objects.filter(key__startswith=f"api:{token.pk}:",
                                   at__lt=start - window).delete()
        return 0
    current = throttling.count(RateCounter, key)
    if current >= limit or previous == 0:
        return max(1, math.ceil(seconds - elapsed))
    # When the previous bucket's weight will have fallen enough for one more request.
    needed = seconds * (1 - (limit - current - 1) / previous)
    return max(1, min(math.ceil(needed - elapsed), math.ceil(seconds - elapsed)))


class TokenAuth(HttpBearer):
    openapi_description = ("Jeton d'API d'une organisation (Paramètres → Jetons d'API), valable "
                           "jusqu'à son expiration ; limité en nombre de requêtes par minute "
                           "(429 et Retry-After au-delà).")

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        if not token.startswith("jal_") or len(token) > 100:
            return None
        now = timezone.now()
        api_token = (ApiToken.objects.select_related("organisation__operator", "created_by")
                     .filter(key_hash=ApiToken.hash(token)).first())
        if api_token is None or not scope.token_is_usable(api_token, now):
            return None
        wait = rate_wait(api_token, now)
        if wait:
            raise RateLimited(wait)
        ip = client_ip(request)
        if (api_token.last_used_at is None or ip != api_token.last_used_ip
                or now - api_token.last_used_at >= LAST_USED_RESOLUTION):
            # At most one write a minute per token (or when the address changes).
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now, last_used_ip=ip)
            api_token.last_used_at, api_token.last_used_ip = now, ip
        authenticated = cast(ApiRequest, scope.scope_to_token(request, api_token))
        authenticated.api_token = api_token
        return api_token


def _rate_limited(request: HttpRequest, exc: RateLimited, api: NinjaAPI) -> HttpResponse:
    response = api.create_response(request, {"detail": str(exc)}, status=429)
    response["Retry-After"] = str(exc.wait)
    return response


def install(api: NinjaAPI) -> None:
    """Answer RateLimited with 429 and Retry-After (RFC 6585 §4, RFC 9110 §10.2.3)."""
    api.add_exception_handler(RateLimited, partial(_rate_limited, api=api))


RATE_LIMITED_RESPONSE = {
    "description": "Trop de requêtes avec ce jeton (limite par jeton et par fenêtre glissante).",
    "headers": {"Retry-After": {"description": "Secondes à attendre avant de réessayer.",
                                "schema": {"type": "integer", "minimum": 1}}},
    "content": {"application/json": {"schema": {
        "type": "object", "properties": {"detail": {"type": "string"}},
        "required": ["detail"]}}},
}


def document_rate_limit(schema: Any) -> Any:
    """Add the 429 answer to every operation that needs a token (the OpenAPI document)."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            if isinstance(operation, dict) and operation.get("security"):
                operation.setdefault("responses", {}).setdefault("429", RATE_LIMITED_RESPONSE)
    return schema


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
