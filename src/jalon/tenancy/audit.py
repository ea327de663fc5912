"""Recording who changed what (services call this inside their transaction)."""

from __future__ import annotations

from typing import Any

from jalon.tenancy.models import AuditEvent, Organisation


def record(actor: Any, action: str, organisation: Organisation | None = None,
           target: str = "", **details: Any) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        organisation=organisation, action=action, target=target[:200], details=details)
