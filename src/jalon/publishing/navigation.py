"""Links between an organisation's public pages (issue 9): every page under /p/<org_slug>/
shows the public home and the full page of each published domain (strategy, services,
audits…), read from the registry's PublicSections, so a reader of the footprint finds the
strategy and the other way round. A template context processor; the domains are not imported.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from jalon.publishing import registry
from jalon.tenancy import scope


def public_links(slug: str, path: str = "") -> list[dict[str, Any]]:
    """The public pages of the organisation `slug`: [{"label", "url", "current"}], the home
    first, then each published domain's own page in the registry's order; [] when it
    publishes nothing."""
    published = scope.published_at(slug)
    if published is None:
        return []
    domains = published[2]
    home = reverse("public:home", args=[slug])
    links = [{"label": _home_label(), "url": home, "current": path == home}]
    for section in registry.public_sections():
        if section.domain not in domains or not section.url_name:
            continue
        try:
            url = reverse(section.url_name, args=[slug])
        except NoReverseMatch:
            continue
        if url == home:
            continue
        links.append({"label": section.title, "url": url,
                      "current": bool(path) and path.startswith(url)})
    return links


def _home_label() -> str:
    from django.utils.translation import gettext

    return gettext("Accueil")


def context(request: HttpRequest) -> dict[str, Any]:
    """`public_links` on public pages (/p/<org_slug>/…), empty elsewhere."""
    path = request.path
    if not path.startswith("/p/"):
        return {"public_links": []}
    slug = path.split("/")[2] if path.count("/") >= 3 else ""
    if not slug:
        return {"public_links": []}
    if path == f"/p/{slug}/":
        # The public home links each section's full page from the section itself (and keeps
        # under its EcoIndex budget of elements): no second list there.
        return {"public_links": []}
    return {"public_links": public_links(slug, path)}
