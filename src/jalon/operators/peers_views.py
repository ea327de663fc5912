"""The peers page: an organisation beside anonymised peers of its operator (see peers.py)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render

from jalon.kit.formatting import fr_number
from jalon.operators import peers
from jalon.tenancy.capabilities import Capability
from jalon.tenancy.models import OrganisationKind
from jalon.tenancy.scope import OrganisationRequest, organisation_view


def _number(value: float | None, precision: int) -> str:
    return fr_number(value, precision)


def _present(row: peers.Row) -> dict[str, Any]:
    precision = row.definition.precision
    return {
        "name": row.definition.name,
        "unit": row.definition.unit,
        "direction": row.definition.direction,
        "computed": bool(row.definition.computed),
        "own": _number(row.own.value, precision) if row.own else None,
        "own_date": row.own.date if row.own else None,
        "compared": row.compared,
        "peer_count": row.peer_count,
        "minimum": _number(row.minimum, precision),
        "median": _number(row.median, precision),
        "maximum": _number(row.maximum, precision),
        "peers": [{"label": p.label, "value": _number(p.value, precision)} for p in row.peers],
    }


@organisation_view(capability=Capability.READ)
def index(request: OrganisationRequest) -> HttpResponse:
    organisation = request.organisation
    comparison = peers.compare(organisation, salt=settings.SECRET_KEY)
    return render(request, "operators/peers/index.html", {
        "comparison": comparison,
        "rows": [_present(row) for row in comparison.rows],
        "kind_label": OrganisationKind(organisation.kind).label
        if organisation.kind in OrganisationKind.values else organisation.kind,
        "enough_peers": comparison.peer_total >= comparison.k,
    })
