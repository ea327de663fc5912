"""Change notifications: a domain announces that an organisation's data changed, once; the
domains that compute from it subscribe. The announcer knows no subscriber.

`announce` runs the handlers once the current transaction commits (nothing is announced for a
change that rolled back). Handlers typically enqueue a background task. They run in subscription
order, which follows INSTALLED_APPS (the footprint, then the indicators that read it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from django.db import transaction

# Topics: what changed.
INVENTORY: Final = "inventory"  # assets, lifecycle events, imports of an organisation
CATALOGUE: Final = "catalogue"  # the organisation's digital services

Handler = Callable[[int], None]  # receives the organisation's id
AnyHandler = Callable[[str, int], None]  # receives the topic and the organisation's id

_subscribers: dict[str, dict[str, Handler]] = {}
_any_subscribers: dict[str, AnyHandler] = {}


def subscribe(topic: str, handler: Handler) -> Handler:
    """Call `handler(organisation_id)` after every committed change announced on `topic`.
    Idempotent per handler (keyed on its qualified name)."""
    key = f"{handler.__module__}.{handler.__qualname__}"
    _subscribers.setdefault(topic, {})[key] = handler
    return handler


def subscribe_any(handler: AnyHandler) -> AnyHandler:
    """Call `handler(topic, organisation_id)` after every committed change, whatever its
    topic, once the topic's own subscribers have run (for consumers whose interest is only
    known at run time: the computed indicators, whose sources say what they listen to)."""
    _any_subscribers[f"{handler.__module__}.{handler.__qualname__}"] = handler
    return handler


def subscribers(topic: str) -> list[Handler]:
    return list(_subscribers.get(topic, {}).values())


def any_subscribers() -> list[AnyHandler]:
    return list(_any_subscribers.values())


def announce(topic: str, organisation_id: int) -> None:
    """Announce a change of `topic` for one organisation (after commit)."""

    def notify() -> None:
        for handler in subscribers(topic):
            handler(organisation_id)
        for any_handler in list(_any_subscribers.values()):
            any_handler(topic, organisation_id)

    transaction.on_commit(notify)
