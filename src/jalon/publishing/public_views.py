"""Public pages of a published strategy (opt-in, Strategy.public) and its open data.

Same for everyone (no user, no session, no personal data: never an author, a member or a
device user), cacheable (Cache-Control: public). Everything is a 404 unless the organisation's
current strategy is public. The embeddable chart page is the one page any site may frame.
"""

from __future__ import annotations

import json
from typing import Any, Final

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.clickjacking import xframe_options_exempt

from jalon.strategy import opendata, report
from jalon.strategy.models import Indicator, Strategy
from jalon.strategy.report_views import pdf_response
from jalon.strategy.status import assess_indicator

PUBLIC_MAX_AGE: Final = 300
INDICATORS_PER_PAGE: Final = 4  # keeps a page under ~330 DOM elements
EMBED_CSP: Final = ("default-src 'none'; style-src 'self'; img-src 'self' data:; "
                    "frame-ancestors *; base-uri 'none'; form-action 'none'")
ANONYMOUS: Final = {"user": AnonymousUser(), "organisation": None, "messages": ()}


def _public(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"  # open data: readable from any site
    return response


def _indicator(strategy: Strategy, indicator_id: int) -> Any:
    indicator = (Indicator.objects.filter(strategy=strategy, pk=indicator_id)
                 .select_related("definition").prefetch_related("values").first())
    if indicator is None:
        raise Http404("No such indicator")
    return assess_indicator(indicator)


def _embed_url(request: HttpRequest, slug: str, indicator_id: int) -> str:
    return request.build_absolute_uri(
        reverse("publicstrategy:chart_embed", args=[slug, indicator_id]))


@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
def index(request: HttpRequest, org_slug: str) -> HttpResponse:
    organisation, strategy = opendata.public_strategy(org_slug)
    page = Paginator(opendata.statuses(strategy), INDICATORS_PER_PAGE).get_page(
        request.GET.get("page"))
    indicators = []
    for status in page.object_list:
        view = report.indicator_view(status, chart=False)
        indicators.append({
            "view": view,
            "svg_url": reverse("publicstrategy:chart_svg", args=[org_slug, view.indicator.pk]),
            "embed_url": _embed_url(request, org_slug, view.indicator.pk),
        })
    nodes = report.tree_view(strategy) if page.number == 1 else []
    context = {
        **ANONYMOUS, "public_org": organisation, "strategy": strategy, "page": page,
        "indicators": indicators, "nodes": nodes,
        "action_counts": report.action_counts(report.tree_view(strategy)),
        "resources": opendata.published_resources(organisation),
        "reports": list(reversed([y for y in opendata.published_years(strategy)
                                  if y in report.available_years(strategy)])),
    }
    return HttpResponse(render_to_string("strategy/public/index.html", context,
                                         request=request))


@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
def chart_svg(request: HttpRequest, org_slug: str, indicator_id: int) -> HttpResponse:
    _organisation, strategy = opendata.public_strategy(org_slug)
    svg = report.chart_svg(_indicator(strategy, indicator_id), "chart")
    return _public(HttpResponse('<?xml version="1.0" encoding="UTF-8"?>\n' + svg,
                                content_type="image/svg+xml"))


@xframe_options_exempt
@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
def chart_embed(request: HttpRequest, org_slug: str, indicator_id: int) -> HttpResponse:
    """A minimal page with the chart and its table, which any site may put in an iframe."""
    organisation, strategy = opendata.public_strategy(org_slug)
    view = report.indicator_view(_indicator(strategy, indicator_id), prefix="embed")
    response = HttpResponse(render_to_string("strategy/public/embed.html", {
        **ANONYMOUS, "public_org": organisation, "v": view,
        "page_url": request.build_absolute_uri(reverse("publicstrategy:index",
                                                       args=[org_slug])),
    }, request=request))
    response["Content-Security-Policy"] = EMBED_CSP
    return response


@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
def report_pdf(request: HttpRequest, org_slug: str, year: int) -> HttpResponse:
    """A published annual review: public strategy, and an introduction saved for the year."""
    organisation, strategy = opendata.public_strategy(org_slug)
    if (year not in opendata.published_years(strategy)
            or year not in report.available_years(strategy)):
        raise Http404("No published review for this year")
    document = report.render_document(organisation, strategy, year)
    return pdf_response(document, request, f"bilan-{organisation.slug}-{year}.pdf")


# --- Open data ---------------------------------------------------------------------------------

def _urls(request: HttpRequest, slug: str) -> opendata.Urls:
    def absolute(name: str, *args: Any) -> str:
        return request.build_absolute_uri(reverse(name, args=[slug, *args]))

    return opendata.Urls(
        catalogue=absolute("opendata:catalogue_jsonld"),
        page=absolute("publicstrategy:index"),
        csv=lambda name: absolute("opendata:csv", name),
        schema=lambda name: absolute("opendata:schema", name))


@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
def catalogue_jsonld(request: HttpRequest, org_slug: str) -> HttpResponse:
    organisation, strategy = opendata.public_strategy(org_slug)
    data = opendata.catalogue(organisation, strategy, _urls(request, org_slug))
    body = json.dumps(opendata.to_jsonld(data), ensure_ascii=False, indent=2)
    return _public(HttpResponse(body, content_type="application/ld+json; charset=utf-8"))


@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
def catalogue_ttl(request: HttpRequest, org_slug: str) -> HttpResponse:
    organisation, strategy = opendata.public_strategy(org_slug)
    data = opendata.catalogue(organisation, strategy, _urls(request, org_slug))
    return _public(HttpResponse(opendata.to_turtle(data),
                                content_type="text/turtle; charset=utf-8"))


@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
def csv_resource(request: HttpRequest, org_slug: str, name: str) -> HttpResponse:
    organisation, strategy = opendata.public_strategy(org_slug)
    if name not in {r.name for r in opendata.published_resources(organisation)}:
        raise Http404("No such resource")
    response = HttpResponse(opendata.csv_text(name, organisation, strategy).encode("utf-8"),
                            content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{org_slug}-{name}.csv"'
    return _public(response)


@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
def schema(request: HttpRequest, org_slug: str, name: str) -> HttpResponse:
    opendata.public_strategy(org_slug)
    return _public(HttpResponse(opendata.schema_bytes(name),
                                content_type="application/json; charset=utf-8"))
