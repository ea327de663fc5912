"""The public strategy page (/p/<org_slug>/strategy/): its tree, indicators, charts, embeds and
published annual reviews. Strategy-specific pages; the generic public pages (home, open data)
are in jalon.publishing.

Same for everyone (no user, no session, no personal data: never an author, a member or a
device user), cacheable (Cache-Control: public). Everything is a 404 unless the organisation
publishes its strategy (tenancy.Publication, decided by tenancy.scope). The embeddable chart
page is the one page any site may frame.
"""

from __future__ import annotations

from typing import Final

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.clickjacking import xframe_options_exempt

from jalon.publishing import opendata
from jalon.publishing import report as assembled_report
from jalon.strategy import presenters, publishing, report, selectors, status
from jalon.strategy.models import Indicator, Strategy

PUBLIC_MAX_AGE: Final = 300
INDICATORS_PER_PAGE: Final = 4  # keeps a page under ~330 DOM elements
EMBED_CSP: Final = ("default-src 'none'; style-src 'self'; img-src 'self' data:; "
                    "frame-ancestors *; base-uri 'none'; form-action 'none'")
ANONYMOUS: Final = {"user": AnonymousUser(), "organisation": None, "messages": ()}


def _public(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"  # readable from any site
    return response


def _indicator(strategy: Strategy, indicator_id: int) -> status.IndicatorStatus:
    indicator = (Indicator.objects.filter(strategy=strategy, pk=indicator_id)
                 .select_related("definition").prefetch_related("values").first())
    if indicator is None:
        raise Http404("No such indicator")
    return status.assess_indicator(indicator)


def _embed_url(request: HttpRequest, slug: str, indicator_id: int) -> str:
    return request.build_absolute_uri(
        reverse("publicstrategy:chart_embed", args=[slug, indicator_id]))


@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
def index(request: HttpRequest, org_slug: str) -> HttpResponse:
    organisation, strategy = selectors.public_strategy(org_slug)
    page = Paginator(publishing.statuses(strategy), INDICATORS_PER_PAGE).get_page(
        request.GET.get("page"))
    indicators = []
    for item in page.object_list:
        view = presenters.indicator_view(item, chart=False)
        indicators.append({
            "view": view,
            "svg_url": reverse("publicstrategy:chart_svg", args=[org_slug, view.indicator.pk]),
            "embed_url": _embed_url(request, org_slug, view.indicator.pk),
        })
    nodes = publishing.tree(strategy)
    context = {
        **ANONYMOUS, "public_org": organisation, "strategy": strategy, "page": page,
        "indicators": indicators, "nodes": nodes if page.number == 1 else [],
        "action_counts": publishing.action_counts(nodes),
        "resources": opendata.published_datasets(organisation),
        "reports": list(reversed(report.published_years(strategy))),
    }
    return HttpResponse(render_to_string("strategy/public/index.html", context,
                                         request=request))


@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
def chart_svg(request: HttpRequest, org_slug: str, indicator_id: int) -> HttpResponse:
    _organisation, strategy = selectors.public_strategy(org_slug)
    chart = presenters.indicator_chart(_indicator(strategy, indicator_id), "chart")
    return _public(HttpResponse('<?xml version="1.0" encoding="UTF-8"?>\n' + chart.svg,
                                content_type="image/svg+xml"))


@xframe_options_exempt
@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
def chart_embed(request: HttpRequest, org_slug: str, indicator_id: int) -> HttpResponse:
    """A minimal page with the chart and its table, which any site may put in an iframe."""
    organisation, strategy = selectors.public_strategy(org_slug)
    view = presenters.indicator_view(_indicator(strategy, indicator_id), prefix="embed")
    response = HttpResponse(render_to_string("strategy/public/embed.html", {
        **ANONYMOUS, "public_org": organisation, "v": view,
        "page_url": request.build_absolute_uri(reverse("publicstrategy:index",
                                                       args=[org_slug])),
    }, request=request))
    response["Content-Security-Policy"] = EMBED_CSP
    return response


@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
def report_pdf(request: HttpRequest, org_slug: str, year: int) -> HttpResponse:
    """A published annual review: published strategy, and an introduction saved for the year."""
    organisation, strategy = selectors.public_strategy(org_slug)
    if year not in report.published_years(strategy):
        raise Http404("No published review for this year")
    return assembled_report.pdf_response(organisation, year, request)
