"""The operator's dashboard (/operator/dashboard/): its members' inventory size, footprint per
agent, strategy status and last activity, the consolidated footprint with its chart and table,
filters by kind and population band, and the export (CSV, XLSX) of the members shown.

Operator administrators only (`tenancy.scope.operator_view`: 404 for anyone else); every read
is filtered on the operators they administer (`operators.dashboard`). Views parse, call the
selectors and render."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from jalon.kit import charts
from jalon.kit.formatting import fr_number
from jalon.operators import dashboard, dashboard_exports
from jalon.operators.peers import POPULATION_BANDS
from jalon.tenancy.models import OrganisationKind
from jalon.tenancy.scope import OperatorRequest, operator_view


def _tonnes(kg: float) -> str:
    return fr_number(kg / 1000, 1) + "\u202ft"


def _chart(board: dashboard.Dashboard) -> str:
    bars = [charts.Bar(label, value) for _key, label, value in board.by_category]
    return charts.bar_chart(
        "operator-footprint", bars,
        title=_("Empreinte carbone %(year)d des membres, par catégorie d'équipement")
        % {"year": board.year},
        desc=_("Somme des empreintes (méthode stock) des membres affichés, en tonnes de CO2e, "
               "par catégorie ; les valeurs sont dans le tableau à côté."), fmt=_tonnes)


def _sort_links(board: dashboard.Dashboard) -> list[dict[str, Any]]:
    labels = {"name": _("nom"), "-devices": _("équipements"), "-per_agent":
              _("empreinte par agent"), "-activity": _("dernière activité"), "kind": _("type")}
    return [{"key": key, "label": labels[key], "current": key == board.filters.sort,
             "query": board.filters.query(sort=key, page=1)} for key in dashboard.SORTS]


@require_GET
@operator_view
def index(request: OperatorRequest) -> HttpResponse:
    operators = request.operators
    filters = dashboard.parse_filters(request.GET, operators)
    board = dashboard.dashboard(operators, filters, timezone.localdate())
    page = Paginator(board.members, dashboard.PAGE_SIZE).get_page(filters.page)
    kinds = dashboard.kind_counts(operators, board)
    return render(request, "operators/dashboard/index.html", {
        "board": board,
        "totals": board.totals,
        "page": page,
        "operators": operators,
        "chart": _chart(board) if board.by_category else "",
        "kinds": [(value, label, kinds.get(value, 0))
                  for value, label in OrganisationKind.choices],
        "bands": [(index, label) for index, (_low, _high, label) in enumerate(POPULATION_BANDS)],
        "sorts": _sort_links(board),
        "base_query": filters.query(page=1),
        "export_query": filters.query(page=1, sort="name"),
    })


@require_GET
@operator_view
def export(request: OperatorRequest, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404("Unknown export format")
    operators = request.operators
    filters = dashboard.parse_filters(request.GET, operators)
    board = dashboard.dashboard(operators, filters, timezone.localdate())
    name = f"jalon-membres-{timezone.localdate().isoformat()}.{fmt}"
    if fmt == "csv":
        response = HttpResponse("\ufeff" + dashboard_exports.to_csv(board),
                                content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            dashboard_exports.to_xlsx(board),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
