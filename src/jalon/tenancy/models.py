"""Operators host organisations; people belong to organisations through memberships.

Operator (a GIP, an OPSN, a région for its communes) → Organisation (an authority) →
Membership (user, role preset, capabilities). Operator administrators manage every organisation
of their operator. Tenant data always hangs off an Organisation and is only reached through
`scope.py`, which alone decides access.

Capabilities are stored as a JSON list of `Capability` values on the membership and on the API
token, not in a through table: the set is small and closed (an enum in code), it is always read
whole with its membership or token (one row, no join on every request), and it is written whole
by one audited service. The one question asked across rows ("does anyone else still
administer?") concerns a handful of members and is answered in Python
(`accounts.services`), portably on SQLite and PostgreSQL. `None` means "not chosen yet": `save()`
fills the preset of the role, so that a membership created with a role alone gets that role's
capabilities; an empty list is a member who may do nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Operator(models.Model):
    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganisationKind(models.TextChoices):
    COMMUNE = "commune", _("Commune")
    EPCI = "epci", _("EPCI")
    DEPARTEMENT = "departement", _("Département")
    REGION = "region", _("Région")
    OTHER = "other", _("Autre")


class Organisation(models.Model):
    operator = models.ForeignKey(Operator, on_delete=models.PROTECT, related_name="organisations")
    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=OrganisationKind.choices)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)
    insee_code = models.CharField(_("code INSEE ou code EPCI"), max_length=9, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    agents = models.PositiveIntegerField(_("nombre d'agents"), null=True, blank=True)
    # Bumped by every change of the inventory: keys the cached footprint results.
    inventory_version = models.PositiveIntegerField(default=0)
    # Administrators (members holding ADMINISTER, operator administrators) must sign in with
    # a second factor (accounts.otp); those without one are sent to enrol at sign-in.
    require_admin_otp = models.BooleanField(
        _("exiger la double authentification des administrateurs"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    VIEWER = "viewer", _("Lecture")
    EDITOR = "editor", _("Édition")
    ADMIN = "admin", _("Administration")


ROLE_RANK = {Role.VIEWER: 1, Role.EDITOR: 2, Role.ADMIN: 3}


def _preset(role: str) -> list[str]:
    from jalon.tenancy.capabilities import preset_values

    return preset_values(role)


class CapabilitiesMixin(models.Model):
    """A `role` (the preset label) and the `capabilities` actually held (JSON list)."""

    role: str
    capabilities = models.JSONField(_("capacités"), null=True, blank=True, default=None)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.capabilities is None:
            self.capabilities = _preset(self.role)
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "capabilities"}
        super().save(*args, **kwargs)


class Membership(CapabilitiesMixin):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="memberships")
    role = models.CharField(_("rôle"), max_length=10, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "organisation"],
                                               name="one_membership_per_organisation")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.role})"


class OperatorAdmin(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="operator_roles")
    operator = models.ForeignKey(Operator, on_delete=models.CASCADE, related_name="admins")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "operator"],
                                               name="one_admin_role_per_operator")]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.operator_id}"


class AuditEvent(models.Model):
    """Who changed what, when: written by services, never by views directly."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    organisation = models.ForeignKey(Organisation, null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="audit_events")
    action = models.CharField(max_length=100)
    target = models.CharField(max_length=200, blank=True)
    details = models.JSONField(default=dict, blank=True)
    # Where the change came from (tenancy.audit): personal data, blanked after
    # settings.AUDIT_PERSONAL_DAYS (privacy/platform.py).
    ip = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)
    user_agent = models.CharField(_("navigateur"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        # An organisation's trail, latest first (its audit page, the operator's dashboard's
        # last activity of every member) without reading the whole trail.
        indexes = (models.Index(fields=["organisation", "-at"],
                                name="auditevent_organisation_at"),)

    def __str__(self) -> str:
        return f"{self.action} {self.target}".strip()


def default_token_expiry() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=settings.API_TOKEN_DEFAULT_DAYS)


class ApiToken(CapabilitiesMixin):
    """A per-organisation API token. Only a SHA-256 of the secret is stored."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="api_tokens")
    name = models.CharField(_("nom"), max_length=100)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # The client address of the last use (recorded with last_used_at): personal data when a
    # person runs the client, blanked with the audit trail's addresses (privacy/platform.py).
    last_used_ip = models.GenericIPAddressField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Chosen at creation (accounts.forms.ApiTokenForm): settings.API_TOKEN_DEFAULT_DAYS by
    # default, at most settings.API_TOKEN_MAX_DAYS (ANSSI: secrets have a limited lifetime).
    expires_at = models.DateTimeField(default=default_token_expiry)

    def __str__(self) -> str:
        return self.name

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired

    @staticmethod
    def hash(secret: str) -> str:
        return hashlib.sha256(secret.encode("utf-8")).hexdigest()

    @classmethod
    def new_secret(cls) -> str:
        return "jal_" + secrets.token_urlsafe(32)


class Publication(models.Model):
    """What an organisation publishes, domain by domain (footprint, strategy, services...).

    One row per (organisation, domain) the organisation has chosen about; the domains are
    declared in the publishing registry (jalon.publishing.registry.Domain). A domain without a
    row is not published. Read through `jalon.tenancy.scope` (public checks) and
    written by `jalon.publishing.services` (audited).
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="publications")
    domain = models.CharField(max_length=40)
    published = models.BooleanField(default=False)
    changed_at = models.DateTimeField(auto_now=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "domain"],
                                               name="one_publication_per_domain")]

    def __str__(self) -> str:
        return f"{self.organisation} {self.domain}: {self.published}"


class RateCounter(models.Model):
    """Requests counted per key and time bucket (the API's rate limit per token,
    jalon.api.auth); counted atomically by jalon.tenancy.throttling.take."""

    key = models.CharField(max_length=100, unique=True)
    count = models.PositiveIntegerField(default=0)
    at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key} ×{self.count}"
