"""Sign-in attempts (for throttling) and invitations to join an organisation.

Both live in the database rather than in a cache so that several server processes share them.
Only a SHA-256 of an invitation token is stored: the token itself is only in the e-mail.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jalon.tenancy.models import Organisation, Role


class LoginAttempt(models.Model):
    """Password checks counted under one key in the current throttling window.

    Four kinds of key (accounts/throttle.py): the account typed (`username`), the account from
    one address (`username` and `ip`), one address (`ip`) across every account, and the account
    from a browser that signed in to it before (its device cookie's nonce, in `key` only).
    `key` is a SHA-256 of the kind and the values, `count` the checks reserved since `at` (when
    the window opened); tenancy.throttling counts atomically on this row.
    """

    class Kind(models.TextChoices):
        ACCOUNT = "account", _("Compte")
        ACCOUNT_ADDRESS = "account_address", _("Compte depuis une adresse")
        ADDRESS = "address", _("Adresse")
        ACCOUNT_DEVICE = "account_device", _("Compte depuis un appareil connu")

    key = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    username = models.CharField(max_length=150, blank=True, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    count = models.PositiveIntegerField(default=0)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ("-at",)

    def __str__(self) -> str:
        return f"{self.kind} {self.username} {self.ip or ''} ×{self.count}"


class Invitation(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="invitations")
    email = models.EmailField(_("adresse électronique"))
    role = models.CharField(_("rôle"), max_length=10, choices=Role.choices, default=Role.VIEWER)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation} ({self.role})"

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode("utf-8")).hexdigest()

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)

    @property
    def is_pending(self) -> bool:
        return (self.accepted_at is None and self.revoked_at is None
                and self.expires_at > timezone.now())
