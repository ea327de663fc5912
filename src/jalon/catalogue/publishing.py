"""What the catalogue publishes, declared in the publishing registry (CatalogueConfig.ready):
the organisation's public services as open data, a section of its public home, a section of
the annual report, and an indicator (share of public services hosted in the EU/EEA).

Only public services (audience public, not retired) are published, and only what the public
may know of them: no owning team (it may name people), no page sample.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Final, cast

from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jalon import events
from jalon.catalogue import selectors
from jalon.catalogue.models import Audience, ServiceKind, ServiceStatus
from jalon.core import catalogue as core
from jalon.publishing.indicators import as_of, yearly_value, years
from jalon.publishing.registry import (
    ComputedValue,
    Context,
    Dataset,
    DatasetGroup,
    Domain,
    IndicatorSource,
    PublicSection,
    ReportSection,
    Row,
    register,
)
from jalon.tenancy.models import Organisation

DOMAIN: Final = "catalogue"
SCHEMA: Final = (Path(__file__).resolve().parent.parent / "data" / "schemas" / "opendata"
                 / "services.schema.json")
EU_SHARE_KEY: Final = "public_services_hosted_in_eu_share"
FIELDS: Final = ("id", "name", "kind", "description", "url", "provider", "hosting_provider",
                 "hosting_country", "status", "in_service_since")


def _lazy(text: Any) -> str:
    """A lazily translated string where the registry types a str."""
    return cast(str, text)


# --- Open data ---------------------------------------------------------------------------------

def service_rows(organisation: Organisation) -> Iterable[Row]:
    """The public services, one row each, cells in the Table Schema's field order."""
    for s in selectors.public_services(organisation).order_by("name", "id"):
        yield (s.pk, s.name, s.kind, s.description, s.url, s.provider, s.hosting_provider,
               s.hosting_country, s.status,
               s.in_service_since.isoformat() if s.in_service_since else "")


def modified(organisation: Organisation) -> dt.datetime:
    latest = selectors.services(organisation).aggregate(latest=Max("updated_at"))["latest"]
    return cast(dt.datetime, latest or organisation.created_at)


def has_public_services(organisation: Organisation) -> bool:
    return selectors.public_services(organisation).exists()


# --- Public home -------------------------------------------------------------------------------

def public_context(organisation: Organisation, request: HttpRequest) -> Context | None:
    rows = list(selectors.public_services(organisation))
    if not rows:
        return None
    labels = dict(ServiceKind.choices)
    groups = [{"kind": kind, "label": labels[kind],
               "services": [s for s in rows if s.kind == kind]}
              for kind in ServiceKind.values]
    return {"service_groups": [g for g in groups if g["services"]], "service_count": len(rows),
            "status_labels": dict(ServiceStatus.choices)}


# --- Annual report -----------------------------------------------------------------------------

def report_context(organisation: Organisation, year: int) -> Context | None:
    """Services in service at the end of `year` (today for the current year), by kind and
    audience."""
    day = as_of(year, timezone.localdate())
    counts = selectors.counts_by_kind_and_audience(selectors.in_service_on(organisation, day))
    if not counts:
        return None
    rows = []
    for kind, label in ServiceKind.choices:
        public, agents = counts[(kind, Audience.PUBLIC)], counts[(kind, Audience.AGENTS)]
        if public or agents:
            rows.append({"kind": kind, "label": label, "public": public, "agents": agents,
                         "total": public + agents})
    return {"rows": rows, "as_of": day, "year": year,
            "public": sum(r["public"] for r in rows), "agents": sum(r["agents"] for r in rows),
            "total": sum(r["total"] for r in rows)}


# --- Indicator ---------------------------------------------------------------------------------

def eu_hosted_share(organisation: Organisation, today: dt.date) -> list[ComputedValue]:
    """Per year of the last five: share (%) of the public services in service at the end of
    the year (today for the current year) hosted in the EU or the EEA. A service whose hosting
    country is unknown counts as not hosted there (it is listed in the detail)."""
    out = []
    for year in years(today):
        day = as_of(year, today)
        rows = list(selectors.in_service_on(organisation, day).filter(audience=Audience.PUBLIC)
                    .values_list("hosting_country", flat=True))
        if not rows:
            continue
        inside = sum(1 for country in rows if core.in_eu_eea(country))
        unknown = sum(1 for country in rows if not country)
        detail = {"public_services": len(rows), "hosted_in_eu_eea": inside,
                  "country_unknown": unknown}
        out.append(yearly_value(year, 100.0 * inside / len(rows), detail, today))
    return out


def register_all() -> None:
    register(
        Domain(DOMAIN, _lazy(_("Catalogue des services numériques")),
               _lazy(_("Les services numériques ouverts au public : sites, démarches en "
                       "ligne, applications.")), order=30),
        DatasetGroup(
            "services", DOMAIN, "Services numériques",
            "Les services numériques que la collectivité offre au public : sites internet, "
            "démarches en ligne, applications mobiles, API, agents conversationnels ; avec "
            "leur éditeur et leur hébergement.",
            keywords=("services numériques", "démarches en ligne", "sites internet",
                      "hébergement"), order=30),
        Dataset(
            "services", "services", "Catalogue des services numériques publics",
            "Une ligne par service numérique ouvert au public (hors services retirés) : "
            "type, adresse, éditeur, hébergeur, pays d'hébergement, statut.",
            SCHEMA, service_rows, modified, available=has_public_services, order=30),
        PublicSection("services", DOMAIN, _lazy(_("Nos services numériques")),
                      "catalogue/public_section.html", public_context, order=30),
        ReportSection("services", _lazy(_("Services numériques")), "catalogue/report_section.html",
                      report_context, domain=DOMAIN, order=30),
        IndicatorSource(
            EU_SHARE_KEY, DOMAIN,
            _lazy(_("Part des services numériques publics hébergés dans l'UE ou l'EEE")), "%",
            eu_hosted_share, listens=(events.CATALOGUE,),
            description=_lazy(_("Services ouverts au public, en service en fin d'année, dont "
                                "le pays d'hébergement est dans l'Union européenne ou "
                                "l'Espace économique européen ; un pays inconnu compte comme "
                                "hors UE/EEE."))),
    )
