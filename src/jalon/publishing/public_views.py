"""The organisation's public home (/p/<org_slug>/) and its open data (/p/<org_slug>/data/).

Same for everyone (no user, no session, no personal data), cacheable (Cache-Control: public).
An organisation is visible here only for what it publishes (tenancy.Publication, decided by
tenancy.scope): the home lists the PublicSections of its published domains, the open data the
Datasets of its published domains; anything else is a 404. Built from the registry only: this
module imports no domain.
"""

from __future__ import annotations

from typing import Any, Final

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.safestring import mark_safe
from django.views.decorators.cache import cache_control
from django.views.decorators.vary import vary_on_headers

from jalon.publishing import fastpath, opendata, registry
from jalon.tenancy import scope
from jalon.tenancy.models import Organisation

PUBLIC_MAX_AGE: Final = fastpath.PUBLIC_MAX_AGE
ANONYMOUS: Final = {"user": AnonymousUser(), "organisation": None, "messages": ()}


def _public(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"  # open data: readable from any site
    return response


def _home_html(request: HttpRequest, organisation: Organisation, domains: frozenset[str]
               ) -> str:
    sections = []
    for section in registry.public_sections():
        if section.domain not in domains:
            continue
        context = section.context(organisation, request)
        if context is None:
            continue
        html = render_to_string(section.template, {**ANONYMOUS, "public_org": organisation,
                                                   **context}, request=request)
        sections.append({"key": section.key, "title": section.title,
                         "html": mark_safe(html),  # noqa: S308  # a rendered (auto-escaped) template
                         "url": reverse(section.url_name, args=[organisation.slug])
                         if section.url_name else ""})
    return render_to_string("publishing/home.html", {
        **ANONYMOUS, "public_org": organisation, "sections": sections,
        "has_data": bool(opendata.published_datasets(organisation, set(domains))),
    }, request=request)


@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
def home(request: HttpRequest, org_slug: str) -> HttpResponse:
    """What the organisation publishes, section by section (registry order), cached: the key
    holds the inventory version and the published domains, so a publication or an inventory
    change shows at once; other changes within PUBLIC_MAX_AGE. The response carries an ETag
    (a 304 when the reader has it) and its key, under which `fastpath.PublicHomeMiddleware`
    keeps it for the next anonymous readers."""
    published = scope.published_at(org_slug)
    if published is None:
        raise Http404("Nothing published here")
    organisation_id, _version, domains = published
    key = fastpath.page_key(published, translation.get_language(), request.is_secure())

    def build() -> str:
        organisation = get_object_or_404(Organisation, pk=organisation_id)
        return _home_html(request, organisation, domains)

    response = HttpResponse(fastpath.page_html(key, build))
    response["ETag"] = fastpath.etag_of(response.content)
    response.public_page_key = key  # type: ignore[attr-defined]
    conditional = get_conditional_response(request, etag=response["ETag"], response=response)
    return conditional  # type: ignore[return-value]


# --- Open data ---------------------------------------------------------------------------------

def _urls(request: HttpRequest, slug: str) -> opendata.Urls:
    def absolute(name: str, *args: Any) -> str:
        return request.build_absolute_uri(reverse(name, args=[slug, *args]))

    return opendata.Urls(
        catalogue=absolute("opendata:catalogue_jsonld"),
        page=absolute("public:home"),
        csv=lambda name: absolute("opendata:csv", name),
        schema=lambda name: absolute("opendata:schema", name))


def _catalogue(request: HttpRequest, org_slug: str) -> dict[str, Any]:
    organisation = scope.public_organisation(org_slug)
    return opendata.catalogue(organisation, _urls(request, org_slug))


def _catalogue_response(request: HttpRequest, org_slug: str, fmt: str) -> HttpResponse:
    body, media_type = opendata.serialise(_catalogue(request, org_slug), fmt)
    return _public(HttpResponse(body, content_type=f"{media_type}; charset=utf-8"))


@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
def catalogue_jsonld(request: HttpRequest, org_slug: str) -> HttpResponse:
    return _catalogue_response(request, org_slug, "jsonld")


@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
def catalogue_ttl(request: HttpRequest, org_slug: str) -> HttpResponse:
    return _catalogue_response(request, org_slug, "ttl")


@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
def catalogue_rdf(request: HttpRequest, org_slug: str) -> HttpResponse:
    return _catalogue_response(request, org_slug, "rdf")


@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
@vary_on_headers("Accept")
def catalogue(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The catalogue in the serialisation the Accept header prefers (JSON-LD by default)."""
    return _catalogue_response(request, org_slug,
                               opendata.negotiate(request.headers.get("Accept", "")))


@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
def csv_resource(request: HttpRequest, org_slug: str, name: str) -> HttpResponse:
    organisation = scope.public_organisation(org_slug)
    dataset = opendata.published_dataset(organisation, name)
    response = HttpResponse(opendata.csv_text(dataset, organisation).encode("utf-8"),
                            content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{org_slug}-{name}.csv"'
    return _public(response)


@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
def schema(request: HttpRequest, org_slug: str, name: str) -> HttpResponse:
    organisation = scope.public_organisation(org_slug)
    dataset = opendata.published_dataset(organisation, name)
    return _public(HttpResponse(opendata.schema_bytes(dataset),
                                content_type="application/json; charset=utf-8"))
