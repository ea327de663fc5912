"""Links from one domain's record to the records of other domains that refer to it, without
the first domain knowing the others (an extension point).

A record kind is a string ("algorithms.system"); a domain whose records point at records of
that kind registers a provider returning, for one of them, its links as (label, URL) pairs —
the GDPR register lists the processing activities that use an algorithm. The page of the
referred record shows `links(kind, record)`, grouped by the providers' titles.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

Provider = Callable[[Any], list[tuple[str, str]]]


@dataclass(frozen=True)
class Group:
    title: str | Promise
    links: list[tuple[str, str]]


_providers: dict[str, dict[str, tuple[str | Promise, Provider]]] = {}


def register(kind: str, key: str, title: str | Promise, provider: Provider) -> None:
    _providers.setdefault(kind, {})[key] = (title, provider)


def unregister(kind: str, key: str) -> None:
    _providers.get(kind, {}).pop(key, None)


def links(kind: str, record: Any) -> list[Group]:
    groups = []
    for key in sorted(_providers.get(kind, {})):
        title, provider = _providers[kind][key]
        found = provider(record)
        if found:
            groups.append(Group(title, found))
    return groups


# The other direction: a domain whose records may be linked to records of `kind` asks the
# domain that owns them which records an organisation may link to, as (id, label) pairs — a
# saved footprint scenario is linked to an action of the strategy without the footprint
# importing the strategy. The owner registers one provider per kind.
ChoicesProvider = Callable[[Any], list[tuple[int, str]]]
_choices: dict[str, ChoicesProvider] = {}


def register_choices(kind: str, provider: ChoicesProvider) -> None:
    _choices[kind] = provider


def choices(kind: str, organisation: Any) -> list[tuple[int, str]]:
    """The records of `kind` the organisation may link to (none when no domain owns them)."""
    provider = _choices.get(kind)
    return provider(organisation) if provider is not None else []
