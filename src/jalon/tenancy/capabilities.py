"""Capabilities per domain: what a member (or an API token) may do in an organisation.

A capability names a domain and an action. Roles are presets of capabilities (viewer, editor,
admin); an organisation's admin can grant capabilities per member and per API token beyond or
instead of a role (a DPO who manages personal data but does not see the inventory).
Whether a request holds a capability is decided in `jalon.tenancy.scope` only.
"""

from __future__ import annotations

from typing import Final

from django.db import models
from django.utils.translation import gettext_lazy as _

from jalon.tenancy.models import Role


class Capability(models.TextChoices):
    READ = "read", _("Tout consulter")
    EDIT_INVENTORY = "inventory.edit", _("Modifier l'inventaire")
    EDIT_STRATEGY = "strategy.edit", _("Modifier la stratégie")
    EDIT_CATALOGUE = "catalogue.edit", _("Modifier le catalogue des services")
    MANAGE_AUDITS = "audits.manage", _("Gérer les audits des services")
    MANAGE_ALGORITHMS = "algorithms.manage", _("Gérer le registre des algorithmes")
    MANAGE_PERSONAL_DATA = "personal_data.manage", _("Gérer les données personnelles")
    MANAGE_FEEDBACK = "feedback.manage", _("Gérer les avis et signalements")
    MANAGE_BUDGET = "budget.manage", _("Gérer le budget")
    PUBLISH = "publishing.manage", _("Choisir ce qui est publié")
    ADMINISTER = "organisation.admin", _("Administrer l'organisation")


EDIT_CAPABILITIES: Final = frozenset(Capability) - {Capability.READ, Capability.ADMINISTER}

# What each role grants (the roles existing before capabilities map onto them unchanged:
# a viewer reads, an editor also changes every domain, an admin also administers).
ROLE_CAPABILITIES: Final[dict[Role, frozenset[Capability]]] = {
    Role.VIEWER: frozenset({Capability.READ}),
    Role.EDITOR: frozenset({Capability.READ} | EDIT_CAPABILITIES),
    Role.ADMIN: frozenset(Capability),
}


def capabilities_of(role: Role | None, granted: frozenset[str] | set[str] = frozenset()
                    ) -> frozenset[Capability]:
    """A member's capabilities: those of the role, plus those granted individually."""
    base = ROLE_CAPABILITIES[role] if role is not None else frozenset()
    return base | frozenset(Capability(c) for c in granted if c in Capability.values)
