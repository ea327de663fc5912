"""The organisation's navigation, extended by each domain without editing a shared template.

The platform's own sections (dashboard, inventory, footprint, services, strategy…) are written
in templates/_orgnav.html; a domain app adds its entry by calling `register(Section(...))` from
its AppConfig.ready(). The entry is shown to members holding its capability, after the built-in
sections, in `order`.

Two more lists are extended the same way (issue 9, navigation and empty states):
- `FirstStep`: the first-run checklist of a new organisation's dashboard (import an inventory,
  choose a strategy template, publish), each step ticked from the organisation's real state by
  the domain that owns it (`register_first_step` from its AppConfig.ready()).
- the header's entry to the operator's pages, shown to operator administrators
  (`operator_url` in every page's context).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise

from jalon.tenancy.capabilities import Capability
from jalon.tenancy.models import Organisation
from jalon.tenancy.scope import administered_operators, has

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


@dataclass(frozen=True)
class FirstStep:
    """One step of a new organisation's first-run checklist."""

    key: str  # e.g. "inventory"
    label: StrOrPromise  # what to do, lazily translated: "Importer l'inventaire du parc"
    url_name: str  # where to do it, reversed with the organisation's slug
    done: Callable[[Organisation], bool]  # read from the organisation's real state
    capability: Capability = Capability.READ  # who is sent to the page (others see the step)
    order: int = 100


_FIRST_STEPS: dict[str, FirstStep] = {}


def register_first_step(step: FirstStep) -> None:
    _FIRST_STEPS[step.key] = step


def unregister_first_step(key: str) -> None:
    _FIRST_STEPS.pop(key, None)


def first_steps(request: HttpRequest, organisation: Organisation) -> list[dict[str, Any]]:
    """The checklist of `organisation`, each step {"key", "label", "url", "done"} in order
    ("url" empty when the member may not do the step, or its page is not mounted)."""
    steps = []
    for step in sorted(_FIRST_STEPS.values(), key=lambda s: (s.order, s.key)):
        url = ""
        if has(request, step.capability):
            try:
                url = reverse(step.url_name, args=[organisation.slug])
            except NoReverseMatch:
                url = ""
        steps.append({"key": step.key, "label": step.label, "url": url,
                      "done": bool(step.done(organisation))})
    return steps


def _operator_url(request: HttpRequest) -> str:
    """The operator's pages, for those who administer an operator ('' for anyone else)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    if not administered_operators(user).exists():
        return ""
    try:
        return reverse("operator:index")
    except NoReverseMatch:
        return ""


def context(request: HttpRequest) -> dict[str, Any]:
    """Template context processor: `domain_sections`, the registered entries the scoped
    request may see, each {"label", "url", "current"}; `operator_url`, the header's entry to
    the operator's pages (lazy: one query, only on pages that show the header)."""
    from django.utils.functional import SimpleLazyObject

    operator_url = SimpleLazyObject(lambda: _operator_url(request))
    organisation = getattr(request, "organisation", None)
    if organisation is None:
        return {"domain_sections": [], "operator_url": operator_url}
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
    return {"domain_sections": entries, "operator_url": operator_url}
