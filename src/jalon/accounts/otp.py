"""A second factor at sign-in: TOTP (RFC 6238, any authenticator application) and single-use
backup codes, through django-otp; the enrolment QR code is an SVG drawn on the server (segno):
no script, no third-party request.

Optional for everyone; an organisation can require it of its administrators
(Organisation.require_admin_otp): an administrator signed in without it is sent to enrol (no
device yet) or to give a code (`SecondFactorMiddleware`). ANSSI, Recommandations relatives à
l'authentification multifacteur et aux mots de passe (2021): a second factor for privileged
accounts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import segno
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from jalon.tenancy.models import Organisation
from jalon.tenancy.scope import may_create_tokens

BACKUP_CODES = 10
PENDING = "jalon_otp_pending"  # session key: the user who gave a right password, no code yet


def has_device(user: Any) -> bool:
    return bool(user_has_device(user, confirmed=True))


def required(user: Any) -> bool:
    """Whether an organisation the user administers requires a second factor of its
    administrators. One query in the usual case (no such organisation)."""
    if not getattr(user, "is_authenticated", False):
        return False
    candidates = (Organisation.objects.filter(require_admin_otp=True)
                  .filter(Q(memberships__user=user) | Q(operator__admins__user=user))
                  .select_related("operator").distinct())
    # Holding ADMINISTER is what may_create_tokens checks too.
    return any(may_create_tokens(user, organisation) for organisation in candidates)


def verify(user: Any, code: str) -> Any:
    """The device the code belongs to, or None: digits are a TOTP code, letters and digits a
    backup code (used up). Each kind is checked on its own devices only, so that a failure on
    one does not slow down the other (django-otp delays a device after its failures,
    OTP_TOTP_THROTTLE_FACTOR / OTP_STATIC_THROTTLE_FACTOR)."""
    code = "".join(code.split()).lower()
    if not code or len(code) > 16:
        return None
    model: Any = TOTPDevice if code.isdigit() else StaticDevice
    with transaction.atomic():
        for device in model.objects.filter(user=user, confirmed=True):
            if device.verify_token(code):
                return device
    return None


def pending_totp(user: Any) -> TOTPDevice:
    """The device being enrolled (unconfirmed), created once and kept until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Jalon", confirmed=False)


def confirmed_totp(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def new_backup_codes(user: Any) -> list[str]:
    """Replace the user's backup codes by BACKUP_CODES new ones (shown once)."""
    device, _created = StaticDevice.objects.get_or_create(user=user, name="Codes de secours",
                                                          defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
    device.token_set.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def backup_codes_left(user: Any) -> int:
    return int(StaticToken.objects.filter(device__user=user, device__confirmed=True).count())


def remove_devices(user: Any) -> None:
    for device in devices_for_user(user, confirmed=None):
        device.delete()


def base32_secret(device: TOTPDevice) -> str:
    import base64

    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


def qr_svg(uri: str, title: str) -> SafeString:
    """The otpauth:// URI as an inline SVG (dark modules on white, no script)."""
    svg = segno.make(uri, error="m").svg_inline(scale=4, border=2, title=title, dark="#000",
                                               light="#fff")
    return mark_safe(svg.replace("<svg ", '<svg role="img" focusable="false" ', 1))  # noqa: S308


def code_input(label: str) -> SafeString:
    return format_html('<input type="text" name="code" id="id_code" inputmode="numeric" '
                       'autocomplete="one-time-code" required maxlength="16" '
                       'aria-label="{}">', label)


ALLOWED_NAMES = {"accounts:otp_verify", "accounts:security", "accounts:logout"}


class SecondFactorMiddleware:
    """Administrators of an organisation that requires a second factor reach nothing but the
    enrolment, the code page and sign-out until their session is verified."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and not user.is_verified()
                and not self._allowed(request) and required(user)):
            target = "accounts:otp_verify" if has_device(user) else "accounts:security"
            return redirect(reverse(target) + "?required=1")
        return self.get_response(request)

    @staticmethod
    def _allowed(request: HttpRequest) -> bool:
        path = request.path_info
        if path.startswith(("/static/", "/i18n/")):
            return True
        return any(path == reverse(name) for name in ALLOWED_NAMES)
