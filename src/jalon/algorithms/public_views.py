"""The public register of an organisation's algorithms (opt-in: the « algorithms » domain of
the publication page), readable without JavaScript and without sign-in; the « report an error
or contest a decision » form is a jalon.publicforms form (public_urls.py)."""

from __future__ import annotations

from typing import Final

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods

from jalon.algorithms import selectors
from jalon.algorithms.publishing import DOMAIN
from jalon.tenancy.scope import public_organisation

PUBLIC_MAX_AGE: Final = 300
ANONYMOUS: Final = {"user": AnonymousUser(), "organisation": None, "messages": ()}


@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
@require_http_methods(["GET", "HEAD"])
def register(request: HttpRequest, org_slug: str) -> HttpResponse:
    organisation = public_organisation(org_slug, DOMAIN)
    return render(request, "algorithms/public/register.html", {
        **ANONYMOUS, "public_org": organisation,
        "rows": selectors.public_systems(organisation)})


@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
@require_http_methods(["GET", "HEAD"])
def detail(request: HttpRequest, org_slug: str, algorithm_id: int) -> HttpResponse:
    organisation = public_organisation(org_slug, DOMAIN)
    system = selectors.public_system(organisation, algorithm_id)
    return render(request, "algorithms/public/detail.html", {
        **ANONYMOUS, "public_org": organisation, "system": system,
        "evaluation": getattr(system, "evaluation", None),
        "evaluated": selectors.evaluated_before_deployment(system),
        "bias": selectors.latest_bias(system),
        "services": [s for s in system.services.all() if s.audience == "public"]})
