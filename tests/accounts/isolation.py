"""Tokens, second-factor requirement and the audit trail in the tenant-isolation walk
(tests/web/test_isolation.py): the token routes (revoke, re-own) and the audit export are
walked with a member of another organisation; none may take over, revoke or read the target's
tokens or trail."""

from __future__ import annotations

from typing import Any

from jalon.tenancy.models import ApiToken, AuditEvent, Organisation

TARGET_IDS: set[str] = set()  # token_id is already a target of the walk


def seed(target: Organisation, pk: int, secret: str) -> None:
    # No audit event here: the walk checks that foreign API calls leave the trail empty.
    target.require_admin_otp = False
    target.save(update_fields=["require_admin_otp"])


def snapshot(org: Organisation) -> dict[str, Any]:
    org.refresh_from_db()
    return {
        "require_admin_otp": org.require_admin_otp,
        "token_owners": list(ApiToken.objects.filter(organisation=org)
                             .values("pk", "created_by", "expires_at", "revoked_at")),
        "audit_origins": list(AuditEvent.objects.filter(organisation=org)
                              .values("pk", "ip", "user_agent")),
    }
