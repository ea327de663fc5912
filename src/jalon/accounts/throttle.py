"""Sign-in throttling: how many password checks are let through, per window
(settings.LOGIN_WINDOW_SECONDS), under three keys counted in the database (shared by every
process):

- the account typed, from one address: settings.LOGIN_ATTEMPTS (5) — the lock an attacker at
  one address meets;
- the account, from every address: settings.LOGIN_ACCOUNT_ATTEMPTS (20) — an attack spread
  over many addresses still meets a limit, and the account's owner keeps a margin to sign in
  from their own address meanwhile;
- the address, across every account: settings.LOGIN_ADDRESS_ATTEMPTS (100) — one office
  behind one address (NAT, proxy) is many people: failures on one account never block the
  others, only a spray over many accounts does.

A check is *reserved* before the password is checked (`begin`, atomic per key:
tenancy.throttling.take), so that parallel attempts cannot all pass a count taken before any
of them is recorded. A refused attempt is answered before the password is checked, so that a
right guess during the wait reveals nothing. A successful sign-in gives its reservation back
and clears the (account, address) counter (`succeeded`); a password reset clears the account
(`clear`). OWASP Authentication Cheat Sheet, "Protect against automated attacks"; ANSSI
recommandations relatives à l'authentification multifacteur et aux mots de passe (R29).

The account-wide key lets whoever knows an identifier lock its owner out, by failing from
enough addresses. A browser that has signed in to the account before carries a *device
cookie* (OWASP, "Slow Down Online Guessing Attacks with Device Cookies"): its attempts are
counted under a key of their own — the account from that device, settings.LOGIN_ATTEMPTS —
and not under the account-wide or (account, address) keys, so an attack from elsewhere does not
lock the owner's own browser, and the device is itself locked after its own failures. The
cookie is signed, bound to the account by a digest of its identifier (never the identifier
itself), and carries a random nonce; it is strictly necessary to the security of the
sign-in, hence exempt from consent (CNIL, délibération 2020-091, art. 5: "traceurs
permettant l'authentification … et ceux destinés à assurer la sécurité du mécanisme").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from jalon.accounts.models import LoginAttempt
from jalon.tenancy import throttling

Kind = LoginAttempt.Kind


def _normalise(username: str) -> str:
    return username.strip().lower()[:150]


def _window() -> dt.timedelta:
    return dt.timedelta(seconds=settings.LOGIN_WINDOW_SECONDS)


def _key(kind: str, username: str, ip: str | None) -> str:
    return hashlib.sha256(f"{kind}\x00{username}\x00{ip or ''}".encode()).hexdigest()


DEVICE_COOKIE = "jalon_device"
_DEVICE_SALT = "jalon.accounts.throttle.device"


def _account_digest(name: str) -> str:
    return hashlib.sha256(f"device\x00{name}".encode()).hexdigest()[:32]


def device_of(request: HttpRequest, username: str) -> str | None:
    """The nonce of the request's device cookie when it was issued for `username`, else None
    (no cookie, a forged or expired one, or one of another account)."""
    if settings.LOGIN_DEVICE_DAYS <= 0:
        return None
    value = request.get_signed_cookie(DEVICE_COOKIE, default=None, salt=_DEVICE_SALT,
                                      max_age=dt.timedelta(days=settings.LOGIN_DEVICE_DAYS))
    if not value:
        return None
    digest, _sep, nonce = value.partition(":")
    if not nonce or not secrets.compare_digest(digest, _account_digest(_normalise(username))):
        return None
    return nonce


def remember_device(response: HttpResponse, username: str) -> None:
    """After a complete sign-in: give the browser a device cookie for this account (a new
    nonce each time, so a copied cookie stops counting as this device's once it signs in)."""
    if settings.LOGIN_DEVICE_DAYS <= 0:
        return
    value = f"{_account_digest(_normalise(username))}:{secrets.token_urlsafe(16)}"
    response.set_signed_cookie(
        DEVICE_COOKIE, value, salt=_DEVICE_SALT, max_age=settings.LOGIN_DEVICE_DAYS * 86400,
        path=reverse("accounts:login"), secure=settings.SECURE_COOKIES, httponly=True,
        samesite="Lax")


def _keys(username: str, ip: str | None,
          device: str | None = None) -> list[tuple[str, int, dict[str, object]]]:
    """(key, limit, row fields) in the order they are taken: the narrowest first."""
    name = _normalise(username)
    keys: list[tuple[str, int, dict[str, object]]]
    if device:
        keys = [(_key(Kind.ACCOUNT_DEVICE, name, device), settings.LOGIN_ATTEMPTS,
                 {"kind": Kind.ACCOUNT_DEVICE, "username": name, "ip": None})]
    else:
        keys = [
            (_key(Kind.ACCOUNT_ADDRESS, name, ip), settings.LOGIN_ATTEMPTS,
             {"kind": Kind.ACCOUNT_ADDRESS, "username": name, "ip": ip}),
            (_key(Kind.ACCOUNT, name, None), settings.LOGIN_ACCOUNT_ATTEMPTS,
             {"kind": Kind.ACCOUNT, "username": name, "ip": None})]
    if ip:
        keys.append((_key(Kind.ADDRESS, "", ip), settings.LOGIN_ADDRESS_ATTEMPTS,
                     {"kind": Kind.ADDRESS, "username": "", "ip": ip}))
    return keys


def begin(username: str, ip: str | None, device: str | None = None) -> int:
    """Reserve one password check for `username` from `ip` (and from a known `device`, see
    device_of): 0 when reserved (counted under every key), else the seconds to wait (nothing
    counted)."""
    now = timezone.now()
    taken: list[str] = []
    for key, limit, fields in _keys(username, ip, device):
        wait = throttling.take(LoginAttempt, key, limit, _window(), now, **fields)
        if wait:
            for done in taken:
                throttling.give_back(LoginAttempt, done)
            return wait
        taken.append(key)
    return 0


def succeeded(username: str, ip: str | None, device: str | None = None) -> None:
    """The reserved check was a success: it counts against nothing."""
    for key, _limit, fields in _keys(username, ip, device):
        if fields["kind"] in (Kind.ACCOUNT_ADDRESS, Kind.ACCOUNT_DEVICE):
            LoginAttempt.objects.filter(key=key).delete()
        else:
            throttling.give_back(LoginAttempt, key)


def record_failure(username: str, ip: str | None) -> int:
    """Count a failure without a password check (kept for callers that check elsewhere)."""
    return begin(username, ip)


def clear(username: str) -> None:
    """Forget the failures on an account (its password was just reset by its owner)."""
    LoginAttempt.objects.filter(username=_normalise(username),
                                kind__in=(Kind.ACCOUNT, Kind.ACCOUNT_ADDRESS,
                                          Kind.ACCOUNT_DEVICE)).delete()


def purge(now: dt.datetime | None = None) -> int:
    """Delete the counters whose window has ended (the privacy purge does too)."""
    now = now or timezone.now()
    deleted, _by_model = LoginAttempt.objects.filter(at__lt=now - _window()).delete()
    return deleted
