"""What the reports domain publishes (ReportsConfig.ready): the domain switch (which also opens
the public report form, the follow-up pages, the FAQ assistant and the Open311 interface), the
reports as open data (no description, no photo, no e-mail, positions rounded), a section of
the public home, and two indicators for the strategy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Final, cast

from django.db.models import Max
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jalon.publishing.indicators import as_of, yearly_value, years
from jalon.publishing.registry import (
    ComputedValue,
    Context,
    Dataset,
    DatasetGroup,
    Domain,
    IndicatorSource,
    PublicSection,
    Row,
    register,
)
from jalon.reports import selectors
from jalon.reports.models import CLOSED_STATUSES, ReportStatus, TriageState
from jalon.tenancy.models import Organisation

DOMAIN: Final = "reports"
TOPIC: Final = "reports"  # jalon.events topic: an organisation's reports changed
SCHEMA: Final = Path(__file__).resolve().parent / "opendata" / "reports.schema.json"
RESOLVED_KEY: Final = "reports_resolved_within_30_days_share"
AGREEMENT_KEY: Final = "reports_ai_triage_confirmed_share"
RESOLUTION_DAYS: Final = 30


def _lazy(text: Any) -> str:
    return cast(str, text)


def _round(value: Any) -> str:
    return f"{float(value):.3f}" if value is not None else ""


def report_rows(organisation: Organisation) -> Iterable[Row]:
    for r in (selectors.reports(organisation).select_related("category")
              .order_by("received_at", "id")):
        yield (r.pk, r.reference, r.category.code if r.category else "",
               r.category.label if r.category else "", r.status,
               r.received_at.date().isoformat(),
               r.closed_at.date().isoformat() if r.closed_at else "",
               _round(r.latitude), _round(r.longitude), r.triage_state)


def modified(organisation: Organisation) -> dt.datetime:
    latest = selectors.reports(organisation).aggregate(latest=Max("updated_at"))["latest"]
    return cast(dt.datetime, latest or organisation.created_at)


def has_reports(organisation: Organisation) -> bool:
    return selectors.reports(organisation).exists()


def public_context(organisation: Organisation, request: HttpRequest) -> Context | None:
    counts = selectors.status_counts(organisation)
    return {"total": sum(counts.values()),
            "resolved": counts[ReportStatus.RESOLVED],
            "open": sum(n for s, n in counts.items() if s not in CLOSED_STATUSES),
            "form_url": reverse("reports_public:form", args=[organisation.slug]),
            "faq_url": reverse("reports_public:faq", args=[organisation.slug])}


def resolved_share(organisation: Organisation, today: dt.date) -> list[ComputedValue]:
    """Per year: share (%) of the reports received that year (and not rejected or duplicate)
    that were resolved within 30 days."""
    out = []
    for year in years(today):
        day = as_of(year, today)
        rows = list(selectors.reports(organisation)
                    .filter(received_at__year=year, received_at__date__lte=day)
                    .exclude(status__in=(ReportStatus.REJECTED, ReportStatus.DUPLICATE))
                    .values_list("received_at", "closed_at", "status"))
        if not rows:
            continue
        quick = sum(1 for received, closed, status in rows
                    if status == ReportStatus.RESOLVED and closed is not None
                    and closed - received <= dt.timedelta(days=RESOLUTION_DAYS))
        out.append(yearly_value(year, 100.0 * quick / len(rows),
                                {"reports": len(rows), "resolved_within_30_days": quick}, today))
    return out


def agreement_share(organisation: Organisation, today: dt.date) -> list[ComputedValue]:
    """Per year: share (%) of the AI's first suggestions that people confirmed (the rest they
    corrected) — how often the model was right where a person checked it."""
    out = []
    for year in years(today):
        states = list(selectors.reports(organisation)
                      .filter(received_at__year=year,
                              triage_state__in=(TriageState.CONFIRMED, TriageState.CORRECTED))
                      .values_list("triage_state", flat=True))
        if not states:
            continue
        confirmed = sum(1 for s in states if s == TriageState.CONFIRMED)
        out.append(yearly_value(year, 100.0 * confirmed / len(states),
                                {"validated": len(states), "confirmed": confirmed}, today))
    return out


def register_all() -> None:
    register(
        Domain(DOMAIN, _lazy(_("Signalements et FAQ")),
               _lazy(_("Le formulaire public de signalement, le suivi des signalements, "
                       "l'interface Open311 et l'assistant de la FAQ.")), order=60),
        DatasetGroup(
            "signalements", DOMAIN, "Signalements des usagers",
            "Les signalements déposés par les usagers (voirie, éclairage, propreté…) : "
            "catégorie, statut, dates de dépôt et de clôture, position arrondie.",
            keywords=("signalements", "Open311", "voirie", "propreté"), order=60),
        Dataset(
            "signalements", "signalements", "Signalements des usagers",
            "Une ligne par signalement, sans description, sans photo ni adresse "
            "électronique ; position arrondie à 0,001 degré.",
            SCHEMA, report_rows, modified, available=has_reports, order=60),
        PublicSection("reports", DOMAIN, _lazy(_("Signaler un problème")),
                      "reports/public_section.html", public_context,
                      url_name="reports_public:form", order=60),
        IndicatorSource(
            RESOLVED_KEY, DOMAIN,
            _lazy(_("Part des signalements résolus en 30 jours au plus")), "%",
            resolved_share, listens=(TOPIC,),
            description=_lazy(_("Signalements reçus dans l'année, hors rejets et doublons, "
                                "résolus au plus 30 jours après leur dépôt."))),
        IndicatorSource(
            AGREEMENT_KEY, DOMAIN,
            _lazy(_("Part des suggestions de l'IA confirmées par un agent")), "%",
            agreement_share, listens=(TOPIC,),
            description=_lazy(_("Parmi les catégories suggérées par le modèle de tri et "
                                "vérifiées par une personne, part confirmées (les autres "
                                "ont été corrigées)."))),
    )


def today() -> dt.date:
    return timezone.localdate()
