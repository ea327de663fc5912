"""Personal data, declared in one registry: what is stored about people, where, why, for how
long, how a person's rows are found, erased, and purged when their retention ends.

Usage (in a domain's `AppConfig.ready()`)::

    from jalon import privacy
    privacy.register(Feedback, fields=("email", "name"), subject="email",
                     retention=timedelta(days=365), date_field="created_at",
                     purpose=_("Répondre à l'avis déposé"), organisation_field="organisation")

and, for the audit events a domain writes with a submitter's data under
`details["personal"]` (publicforms does so), `privacy.register_audit(actions=(...), ...)`.

Then `privacy.personal_fields()` (the inventory), `privacy.find(organisation, value)`,
`privacy.erase(actor, organisation, value)` and `privacy.purge_expired(now)` (also
`jalon manage purge_personal_data` and the `purge_personal_data` task). See
docs/personal-data.md.

The names are imported lazily: this package is imported while Django loads its apps, before
models can be.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jalon.privacy.registry import (
        PERSONAL_KEY,
        Entry,
        is_declared_audit_action,
        personal_fields,
        register,
        register_audit,
        unregister,
    )
    from jalon.privacy.selectors import Found, find
    from jalon.privacy.services import Erasure, Purged, erase, on_purge, purge_expired

_WHERE = {
    "PERSONAL_KEY": "registry", "Entry": "registry", "is_declared_audit_action": "registry",
    "personal_fields": "registry", "register": "registry", "register_audit": "registry",
    "unregister": "registry", "Found": "selectors", "find": "selectors", "Erasure": "services",
    "erase": "services", "purge_expired": "services", "Purged": "services",
    "on_purge": "services",
}

__all__ = [
    "PERSONAL_KEY", "Entry", "Erasure", "Found", "Purged", "erase", "find",
    "is_declared_audit_action", "on_purge", "personal_fields", "purge_expired", "register",
    "register_audit", "unregister",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'jalon.privacy' has no attribute {name!r}")
    return getattr(importlib.import_module(f"jalon.privacy.{_WHERE[name]}"), name)
