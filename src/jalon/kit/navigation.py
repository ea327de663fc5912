"""The organisation's navigation, extended by each domain without editing a shared template.

The platform's own sections (dashboard, inventory, footprint, services, strategy…) are written
in templates/_orgnav.html; a domain app adds its entry by calling `register(Section(...))` from
its AppConfig.ready(). The entry is shown to members holding its capability, after the built-in
sections, in `order`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise

from jalon.tenancy.capabilities import Capability
from jalon.tenancy.scope import has

StrOrPromise = str | Promise


@dataclass(frozen=True)
class Section:
    key: str  # the domain, e.g. "audits"
    label: StrOrPromise  # lazily translated
    url_name: str  # reversed with the organisation's slug: "audits:index"
    capability: Capability = Capability.READ  # who sees the entry
    order: int = 100

    def path_prefix(self, slug: str) -> str:
        """Pages under this prefix mark the entry as the current one."""
        return f"/o/{slug}/{self.key}/"


_SECTIONS: dict[str, Section] = {}


def register(section: Section) -> None:
    _SECTIONS[section.key] = section


def unregister(key: str) -> None:
    _SECTIONS.pop(key, None)


def sections() -> list[Section]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))


def context(request: HttpRequest) -> dict[str, Any]:
    """Template context processor: `domain_sections`, the registered entries the scoped
    request may see, each {"label", "url", "current"}."""
    organisation = getattr(request, "organisation", None)
    if organisation is None:
        return {"domain_sections": []}
    entries = []
    for section in sections():
        if not has(request, section.capability):
            continue
        try:
            url = reverse(section.url_name, args=[organisation.slug])
        except NoReverseMatch:
            continue  # a domain whose pages are not mounted (yet)
        entries.append({"label": section.label, "url": url,
                        "current": request.path.startswith(section.path_prefix(
                            organisation.slug))})
    return {"domain_sections": entries}
