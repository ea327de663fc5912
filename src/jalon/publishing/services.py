"""Publishing and withdrawing a domain of an organisation (tenancy.Publication), audited.

Every switch goes through here: the footprint page's button, the strategy's public toggle and
the publication page (/o/<org_slug>/publication/). The domains are those declared in the
registry; what a published domain shows (public home sections, datasets, reports) is read by
the public pages through `jalon.tenancy.scope`.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from jalon.publishing import registry
from jalon.tenancy import audit
from jalon.tenancy.models import Organisation, Publication


def _set(actor: Any, organisation: Organisation, domain: str, published: bool) -> bool:
    """Switch `domain` on or off; returns whether anything changed (audited when it did)."""
    if registry.registry.get(registry.Domain, domain) is None:
        raise ValueError(f"unknown publishing domain: {domain!r}")
    with transaction.atomic():
        row, _created = Publication.objects.select_for_update().get_or_create(
            organisation=organisation, domain=domain)
        if row.published == published:
            return False
        row.published = published
        row.changed_by = actor if getattr(actor, "is_authenticated", False) else None
        row.save()
        audit.record(actor, f"{domain}.published" if published else f"{domain}.unpublished",
                     organisation, target=organisation.slug, domain=domain)
    return True


def publish(actor: Any, organisation: Organisation, domain: str) -> bool:
    """Publish the organisation's `domain` (its public section, datasets...)."""
    return _set(actor, organisation, domain, True)


def withdraw(actor: Any, organisation: Organisation, domain: str) -> bool:
    """Withdraw the publication of the organisation's `domain`."""
    return _set(actor, organisation, domain, False)


def set_published(actor: Any, organisation: Organisation, domain: str, published: bool
                  ) -> bool:
    return _set(actor, organisation, domain, published)
