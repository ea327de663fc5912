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

from jalon.strategy.models import AnnualReport, Strategy
from jalon.tenancy import audit


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
