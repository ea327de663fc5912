"""The strategy's annual review: its years, its introduction (AnnualReport), what is public.

The review itself is assembled by jalon.publishing.report from the sections the domains declare
(the strategy's in strategy/publishing.py); the pages that show it are strategy/report_views.py
(members) and strategy/public_views.py (published PDFs).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jalon.strategy import services
from jalon.strategy.models import AnnualReport, IndicatorValue, Strategy
from jalon.tenancy import audit


class ClosureError(ValueError):
    """A year that cannot be closed (not over yet) or reopened (no reason)."""


def available_years(strategy: Strategy, today: dt.date | None = None) -> list[int]:
    """Years a review can be written for: the strategy's period, up to the current year."""
    last = min(strategy.period_end, (today or timezone.localdate()).year)
    return list(range(strategy.period_start, last + 1))


def published_years(strategy: Strategy) -> list[int]:
    """Years with an annual report (an introduction saved): published with a public strategy."""
    saved = set(AnnualReport.objects.filter(strategy=strategy).exclude(introduction="")
                .values_list("year", flat=True))
    return [year for year in available_years(strategy) if year in saved]


@transaction.atomic
def save_introduction(actor: Any, strategy: Strategy, year: int, text: str) -> AnnualReport:
    report, created = AnnualReport.objects.get_or_create(strategy=strategy, year=year)
    if report.introduction != text or created:
        report.introduction = text
        report.save()
        audit.record(actor, "strategy.report.introduction", strategy.organisation,
                     target=f"{strategy.pk}:{year}", year=year)
    return report


def closure(strategy: Strategy, year: int) -> AnnualReport | None:
    """The review of `year` if it is closed, else None."""
    return (AnnualReport.objects.filter(strategy=strategy, year=year, closed_at__isnull=False)
            .select_related("closed_by").first())


@transaction.atomic
def close_year(actor: Any, strategy: Strategy, year: int, presented_on: dt.date | None,
               today: dt.date | None = None) -> AnnualReport:
    """Record that the review of `year` was presented: the year's computed values are kept
    as they are now (brought up to the current inventory first), whatever later imports say.
    Only a year that is over can be closed. Audited (« strategy.year_closed »)."""
    today = today or timezone.localdate()
    if year >= today.year:
        raise ClosureError(_("L'année %(year)s n'est pas terminée : elle ne peut pas être "
                             "close.") % {"year": year})
    if presented_on is not None and not dt.date(year, 12, 31) < presented_on <= today:
        raise ClosureError(_("La date de présentation du bilan %(year)s doit suivre la fin de "
                             "l'année %(year)s et ne pas dépasser aujourd'hui.") % {"year": year})
    services.recompute_computed_indicators(strategy.organisation)
    report, _created = AnnualReport.objects.get_or_create(strategy=strategy, year=year)
    report.presented_on = presented_on
    report.closed_at = timezone.now()
    report.closed_by = actor if getattr(actor, "is_authenticated", False) else None
    report.save()
    frozen = (IndicatorValue.objects
              .filter(indicator__strategy=strategy, date__year=year,
                      inventory_version__isnull=False).count())
    audit.record(actor, "strategy.year_closed", strategy.organisation,
                 target=f"{strategy.pk}:{year}", year=year,
                 presented_on=presented_on.isoformat() if presented_on else None,
                 computed_values=frozen)
    return report


@transaction.atomic
def reopen_year(actor: Any, strategy: Strategy, year: int, reason: str) -> AnnualReport:
    """Reopen a closed year (the next import recomputes its values; the former ones are kept
    in the history). The reason is required. Audited (« strategy.year_reopened »)."""
    reason = (reason or "").strip()
    if not reason:
        raise ClosureError(_("Indiquez pourquoi l'année est rouverte."))
    report = AnnualReport.objects.get(strategy=strategy, year=year, closed_at__isnull=False)
    report.closed_at = None
    report.closed_by = None
    report.save()
    audit.record(actor, "strategy.year_reopened", strategy.organisation,
                 target=f"{strategy.pk}:{year}", year=year, reason=reason)
    return report
