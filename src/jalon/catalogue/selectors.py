"""Reads of the catalogue. Callers pass an organisation obtained from tenancy.scope."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from jalon.catalogue.models import Audience, DigitalService, ServiceStatus
from jalon.tenancy.models import Organisation


@dataclass(frozen=True, slots=True)
class ServiceFilters:
    kind: str = ""
    audience: str = ""
    status: str = ""
    q: str = ""


def services(organisation: Organisation) -> QuerySet[DigitalService]:
    return DigitalService.objects.filter(organisation=organisation)


def service_list(organisation: Organisation, filters: ServiceFilters) -> QuerySet[DigitalService]:
    """The organisation's services, filtered, by name."""
    rows = services(organisation)
    for name in ("kind", "audience", "status"):
        if value := getattr(filters, name):
            rows = rows.filter(**{name: value})
    if text := filters.q.strip():
        rows = rows.filter(Q(name__icontains=text) | Q(url__icontains=text)
                           | Q(description__icontains=text) | Q(provider__icontains=text)
                           | Q(owner_team__icontains=text)
                           | Q(hosting_provider__icontains=text))
    return rows.order_by("name", "id")


def service(organisation: Organisation, service_id: int) -> DigitalService:
    """One service of the organisation; another organisation's id is a 404."""
    return get_object_or_404(services(organisation), pk=service_id)


def public_services(organisation: Organisation) -> QuerySet[DigitalService]:
    """What the organisation offers the public: audience public, not retired."""
    return (services(organisation).filter(audience=Audience.PUBLIC)
            .exclude(status=ServiceStatus.RETIRED).order_by("kind", "name", "id"))


def in_service_on(organisation: Organisation, day: dt.date) -> QuerySet[DigitalService]:
    """Services in service on `day`: past the project stage, opened by then (or undated),
    not retired by then. A service marked retired without a date counts as retired."""
    return (services(organisation)
            .exclude(status=ServiceStatus.IN_PROJECT)
            .filter(Q(in_service_since__isnull=True) | Q(in_service_since__lte=day))
            .filter(Q(retired_on__gt=day)
                    | Q(retired_on__isnull=True, status__in=[ServiceStatus.IN_SERVICE,
                                                             ServiceStatus.BEING_RETIRED])))


def counts_by_kind_and_audience(rows: QuerySet[DigitalService]) -> Counter[tuple[str, str]]:
    return Counter(rows.values_list("kind", "audience"))
