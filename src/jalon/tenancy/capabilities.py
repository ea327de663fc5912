"""Capabilities per domain: what a member (or an API token) may do in an organisation.

A capability names a domain and an action. Roles are presets of capabilities (viewer, editor,
admin): choosing a role gives its capabilities; an organisation's admin can then grant or remove
capabilities per member and per API token (a DPO who manages personal data but does not see the
inventory). Whether a request holds a capability is decided in `jalon.tenancy.scope` only.

A new capability is held by nobody until granted: add a data migration granting it to the
members who should hold it (for instance every member holding ADMINISTER).
"""

from __future__ import annotations

from typing import Final

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jalon.tenancy.models import Role

StrOrPromise = str | Promise


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


# Changing a domain's data. Publishing stays with the admins, as before capabilities.
EDIT_CAPABILITIES: Final = frozenset(Capability) - {Capability.READ, Capability.PUBLISH,
                                                    Capability.ADMINISTER}

# What each role grants (the roles existing before capabilities map onto them unchanged:
# a viewer reads, an editor also changes every domain, an admin also publishes and
# administers).
ROLE_CAPABILITIES: Final[dict[Role, frozenset[Capability]]] = {
    Role.VIEWER: frozenset({Capability.READ}),
    Role.EDITOR: frozenset({Capability.READ} | EDIT_CAPABILITIES),
    Role.ADMIN: frozenset(Capability),
}


# How the settings pages group the capabilities (legend, members), in this order.
GROUPS: Final[tuple[tuple[StrOrPromise, tuple[Capability, ...]], ...]] = (
    (_("Consultation"), (Capability.READ,)),
    (_("Domaines"), (Capability.EDIT_INVENTORY, Capability.EDIT_STRATEGY,
                     Capability.EDIT_CATALOGUE, Capability.MANAGE_AUDITS,
                     Capability.MANAGE_ALGORITHMS, Capability.MANAGE_PERSONAL_DATA,
                     Capability.MANAGE_FEEDBACK, Capability.MANAGE_BUDGET)),
    (_("Organisation"), (Capability.PUBLISH, Capability.ADMINISTER)),
)
ORDER: Final = {c: i for i, c in enumerate(c for _g, group in GROUPS for c in group)}


def ordered(capabilities: frozenset[Capability] | set[Capability]) -> list[Capability]:
    """In the order of the settings pages (read first, administer last)."""
    return sorted(capabilities, key=ORDER.__getitem__)


def parse(values: object) -> frozenset[Capability]:
    """Stored or submitted values → capabilities; unknown values are ignored."""
    if not isinstance(values, (list, tuple, set, frozenset)):
        return frozenset()
    return frozenset(Capability(v) for v in values if v in Capability.values)


def preset(role: Role | str | None) -> frozenset[Capability]:
    """The capabilities a role gives (none for an unknown role)."""
    return ROLE_CAPABILITIES.get(Role(role), frozenset()) if role in Role.values else frozenset()


def preset_values(role: Role | str | None) -> list[str]:
    """What is stored for a role's preset."""
    return [c.value for c in ordered(preset(role))]


def capabilities_of(role: Role | str | None, stored: object = None) -> frozenset[Capability]:
    """The capabilities held by a membership or token: those stored, or (never chosen, None)
    those of its role."""
    return preset(role) if stored is None else parse(stored)
