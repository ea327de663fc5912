"""Reads for accounts and organisation settings. Callers pass an organisation from scope.py."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from jalon.accounts.models import Invitation
from jalon.tenancy import scope
from jalon.tenancy.capabilities import Capability
from jalon.tenancy.models import ApiToken, AuditEvent, Membership, Organisation


def members(organisation: Organisation) -> QuerySet[Membership]:
    return (Membership.objects.filter(organisation=organisation).select_related("user")
            .order_by("user__last_name", "user__first_name", "user__username"))


def admin_count(organisation: Organisation) -> int:
    """Members holding ADMINISTER (operator administrators not counted)."""
    return sum(Capability.ADMINISTER in scope.held(m)
               for m in Membership.objects.filter(organisation=organisation))


def pending_invitations(organisation: Organisation) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        organisation=organisation, accepted_at__isnull=True, revoked_at__isnull=True,
        expires_at__gt=timezone.now()).select_related("invited_by")


def pending_invitation(token: str) -> Invitation | None:
    """The invitation a token opens, if it can still be accepted."""
    if not token or len(token) > 100:
        return None
    invitation = (Invitation.objects.select_related("organisation")
                  .filter(token_hash=Invitation.hash(token)).first())
    return invitation if invitation is not None and invitation.is_pending else None


def api_tokens(organisation: Organisation) -> QuerySet[ApiToken]:
    return (ApiToken.objects.filter(organisation=organisation).select_related("created_by")
            .order_by("revoked_at", "-created_at"))


def audit_events(organisation: Organisation) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(organisation=organisation).select_related("actor")


def operator_organisations(user: Any) -> QuerySet[Organisation]:
    return (Organisation.objects.filter(operator__in=scope.administered_operators(user))
            .select_related("operator").order_by("operator__name", "name"))
