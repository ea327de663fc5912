"""Public pages of the audits domain: the published declarations at stable addresses (one
per service and kind: publishing a new version replaces the old one at the same address),
and the eco-design declaration as bot-readable JSON."""

from __future__ import annotations

from typing import Any, Final

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.views.decorators.http import require_http_methods

from jalon.audits import selectors
from jalon.audits.models import Declaration, DeclarationKind
from jalon.audits.views import labels
from jalon.core import audits as rules
from jalon.tenancy import scope

DOMAIN: Final = "audits"
ANONYMOUS: Final = {"user": AnonymousUser(), "organisation": None, "messages": ()}


def _published(org_slug: str, service_id: int, kind: str) -> tuple[Any, Declaration]:
    organisation = scope.public_organisation(org_slug, DOMAIN)
    service = get_object_or_404(selectors.services(organisation), pk=service_id)
    declaration = selectors.published_declaration(service, kind)
    if declaration is None:
        raise Http404("No published declaration")
    return organisation, declaration


@require_http_methods(["GET"])
def index(request: HttpRequest, org_slug: str) -> HttpResponse:
    organisation = scope.public_organisation(org_slug, DOMAIN)
    rows = []
    for declaration in selectors.public_declarations(organisation):
        status = selectors.declaration_status(declaration)
        rows.append({"d": declaration, "status": status,
                     "mention": rules.homepage_mention(declaration.state, status)})
    return HttpResponse(render_to_string("audits/public/index.html", {
        **ANONYMOUS, "public_org": organisation, "rows": rows, **labels()}, request=request))


def _page(request: HttpRequest, org_slug: str, service_id: int, kind: str) -> HttpResponse:
    organisation, declaration = _published(org_slug, service_id, kind)
    status = selectors.declaration_status(declaration)
    return HttpResponse(render_to_string("audits/public/declaration.html", {
        **ANONYMOUS, "public_org": organisation, "declaration": declaration,
        "d": declaration.content, "validity": status,
        "mention": rules.homepage_mention(declaration.state, status), **labels()},
        request=request))


@require_http_methods(["GET"])
def accessibility(request: HttpRequest, org_slug: str, service_id: int) -> HttpResponse:
    return _page(request, org_slug, service_id, DeclarationKind.RGAA)


@require_http_methods(["GET"])
def ecodesign(request: HttpRequest, org_slug: str, service_id: int) -> HttpResponse:
    return _page(request, org_slug, service_id, DeclarationKind.RGESN)


@require_http_methods(["GET"])
def ecodesign_json(request: HttpRequest, org_slug: str, service_id: int) -> JsonResponse:
    """The RGESN declaration for robots (like a robots.txt of eco-design): the content as
    generated, plus its version, date and validity."""
    _organisation, declaration = _published(org_slug, service_id, DeclarationKind.RGESN)
    body = {"type": "rgesn-declaration", "format_version": 1,
            "version": declaration.version,
            "established_on": declaration.established_on.isoformat(),
            "status": selectors.declaration_status(declaration), **declaration.content}
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Access-Control-Allow-Origin"] = "*"
    return response
