"""The client's address behind the configured reverse proxies (settings.TRUSTED_PROXIES).

Shared by everything that counts requests per address: sign-in throttling (accounts) and the
anonymous public forms (publicforms).
"""

from __future__ import annotations

import functools
import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _trusted(address: str, networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]
             ) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in networks)


@functools.cache
def _networks(proxies: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network,
                                                  ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, unless it is one of settings.TRUSTED_PROXIES.

    Behind trusted proxies, X-Forwarded-For is read from the right (the addresses the proxies
    appended) and the first address that is not a trusted proxy is the client: whatever a
    client writes at the left of the header itself cannot choose its throttling key.
    """
    remote: str | None = request.META.get("REMOTE_ADDR") or None
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    if remote is None or not networks or not _trusted(remote, networks):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for address in reversed([a.strip() for a in forwarded.split(",") if a.strip()]):
        if not _trusted(address, networks):
            try:
                return str(ipaddress.ip_address(address))
            except ValueError:
                return remote  # a malformed header: fall back to the proxy's address
    return remote
