"""Every read of the reports domain, always from an organisation."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from jalon.core import duplicates
from jalon.core import territory as geo
from jalon.reports.models import (
    CLOSED_STATUSES,
    AnswerTemplate,
    Category,
    FaqEntry,
    FaqExchange,
    Report,
    ReportStatus,
    Team,
    Territory,
    TriageModelRecord,
    TriageSettings,
    TriageState,
)
from jalon.tenancy.models import Organisation

VALIDATED = (TriageState.CONFIRMED, TriageState.CORRECTED, TriageState.MANUAL)


def reports(organisation: Organisation) -> QuerySet[Report]:
    return Report.objects.filter(organisation=organisation)


def report(organisation: Organisation, report_id: int) -> Report:
    return get_object_or_404(reports(organisation).select_related(
        "category", "citizen_category", "team", "duplicate_of", "triaged_by"), pk=report_id)


def report_by_token(organisation: Organisation, token_hash: str) -> Report | None:
    return (reports(organisation).select_related("category", "duplicate_of")
            .filter(follow_token_hash=token_hash).first())


@dataclass(frozen=True)
class ReportFilters:
    status: str = ""
    category: str = ""
    team: int | None = None
    triage: str = ""
    q: str = ""


def report_list(organisation: Organisation, filters: ReportFilters) -> QuerySet[Report]:
    rows = reports(organisation).select_related("category", "team")
    if filters.status == "open":
        rows = rows.exclude(status__in=CLOSED_STATUSES)
    elif filters.status:
        rows = rows.filter(status=filters.status)
    if filters.category:
        rows = rows.filter(category__code=filters.category)
    if filters.team:
        rows = rows.filter(team_id=filters.team)
    if filters.triage:
        rows = rows.filter(triage_state=filters.triage)
    if filters.q:
        rows = rows.filter(Q(description__icontains=filters.q) | Q(address__icontains=filters.q))
    return rows


def status_counts(organisation: Organisation) -> dict[str, int]:
    counts = dict(reports(organisation).values_list("status").annotate(n=Count("id"))
                  .values_list("status", "n"))
    return {s: counts.get(s, 0) for s in ReportStatus.values}


def triage_counts(organisation: Organisation) -> dict[str, int]:
    counts = dict(reports(organisation).values_list("triage_state").annotate(n=Count("id"))
                  .values_list("triage_state", "n"))
    return {s: counts.get(s, 0) for s in TriageState.values}


def categories(organisation: Organisation) -> QuerySet[Category]:
    return Category.objects.filter(organisation=organisation)


def teams(organisation: Organisation) -> QuerySet[Team]:
    return Team.objects.filter(organisation=organisation)


def answer_templates(organisation: Organisation) -> QuerySet[AnswerTemplate]:
    return AnswerTemplate.objects.filter(organisation=organisation)


def faq(organisation: Organisation) -> QuerySet[FaqEntry]:
    return FaqEntry.objects.filter(organisation=organisation)


def published_faq(organisation: Organisation) -> QuerySet[FaqEntry]:
    return faq(organisation).filter(published=True)


def triage_settings(organisation: Organisation) -> TriageSettings:
    """The organisation's settings, or the defaults (unsaved) when it never changed them."""
    return (TriageSettings.objects.filter(organisation=organisation).first()
            or TriageSettings(organisation=organisation))


def model_records(organisation: Organisation) -> QuerySet[TriageModelRecord]:
    return TriageModelRecord.objects.filter(organisation=organisation).defer("data")


def active_model_record(organisation: Organisation) -> TriageModelRecord | None:
    return (TriageModelRecord.objects.filter(organisation=organisation, active=True)
            .order_by("-created_at", "-id").first())


def validated_examples(organisation: Organisation) -> Iterator[tuple[str, str]]:
    """(description, category code) of every report whose category a person chose or
    confirmed: the training examples added to the bundled ones."""
    yield from (reports(organisation).filter(triage_state__in=VALIDATED,
                                             category__isnull=False)
                .values_list("description", "category__code").iterator())


def likely_duplicates(organisation: Organisation, target: Report,
                      days: int = 60) -> list[tuple[Report, duplicates.Likely]]:
    """Reports of the last `days` days (not themselves duplicates) near the target and with a
    similar text, best first."""
    since = target.received_at - dt.timedelta(days=days)
    rows = list(reports(organisation).filter(received_at__gte=since)
                .exclude(pk=target.pk).exclude(status=ReportStatus.DUPLICATE)
                .select_related("category")[:500])

    def candidate(r: Report) -> duplicates.Candidate:
        return duplicates.Candidate(
            r.pk, r.description, r.address,
            float(r.latitude) if r.latitude is not None else None,
            float(r.longitude) if r.longitude is not None else None,
            r.category.code if r.category else "")

    found = duplicates.likely_duplicates(candidate(target), [candidate(r) for r in rows])
    by_pk = {r.pk: r for r in rows}
    return [(by_pk[f.key], f) for f in found]


@dataclass(frozen=True)
class FaqStats:
    asked: int
    answered: int
    handed_to_human: int

    @property
    def answer_rate(self) -> float | None:
        return 100 * self.answered / self.asked if self.asked else None

    @property
    def human_share(self) -> float | None:
        return 100 * self.handed_to_human / self.asked if self.asked else None


def faq_stats(organisation: Organisation, days: int = 365) -> FaqStats:
    rows = FaqExchange.objects.filter(organisation=organisation,
                                      asked_at__gte=timezone.now() - dt.timedelta(days=days))
    agg = rows.aggregate(asked=Count("id"), answered=Count("id", filter=Q(answered=True)),
                         human=Count("id", filter=Q(handed_to_human=True)))
    return FaqStats(agg["asked"], agg["answered"], agg["human"])


def unanswered_questions(organisation: Organisation, limit: int = 20) -> list[str]:
    return list(FaqExchange.objects.filter(organisation=organisation, answered=False)
                .values_list("question", flat=True)[:limit])


def triage_quality_of_people(organisation: Organisation) -> dict[str, Any]:
    """How often people agreed with the first suggestion (confirmed vs corrected)."""
    counts = Counter(reports(organisation).filter(
        triage_state__in=(TriageState.CONFIRMED, TriageState.CORRECTED))
        .values_list("triage_state", flat=True))
    total = counts[TriageState.CONFIRMED] + counts[TriageState.CORRECTED]
    return {"confirmed": counts[TriageState.CONFIRMED],
            "corrected": counts[TriageState.CORRECTED], "total": total,
            "agreement": 100 * counts[TriageState.CONFIRMED] / total if total else None}


def monthly_received(organisation: Organisation, months: int = 12) -> list[tuple[str, int]]:
    today = timezone.localdate()
    start = (today.replace(day=1) - dt.timedelta(days=31 * (months - 1))).replace(day=1)
    counts = Counter(f"{d:%Y-%m}" for d in reports(organisation)
                     .filter(received_at__date__gte=start)
                     .values_list("received_at", flat=True))
    out, day = [], start
    while day <= today:
        key = f"{day:%Y-%m}"
        out.append((key, counts.get(key, 0)))
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return out


def territory_record(organisation: Organisation) -> Territory | None:
    return Territory.objects.filter(organisation=organisation).first()


# Outlines read from their rows, per (organisation, time of the last upload): a large outline
# (tens of thousands of points) is not rebuilt from JSON at every report.
_OUTLINES: dict[tuple[int, str], geo.Territory] = {}


def territory(organisation: Organisation) -> geo.Territory | None:
    """The organisation's outline, or None when it stored none."""
    row = (Territory.objects.filter(organisation=organisation)
           .values_list("updated_at", flat=True).first())
    if row is None:
        return None
    key = (organisation.pk, row.isoformat())
    outline = _OUTLINES.get(key)
    if outline is None:
        stored = Territory.objects.filter(organisation=organisation).values_list(
            "polygons", flat=True).first()
        outline = geo.from_json(stored)
        if outline is None:
            return None
        if len(_OUTLINES) > 16:
            _OUTLINES.clear()
        _OUTLINES[key] = outline
    return outline


def located_reports(organisation: Organisation, filters: ReportFilters | None = None,
                    limit: int = 500) -> list[Report]:
    """The most recent reports with a position (for the plans), newest first."""
    rows = report_list(organisation, filters) if filters else reports(organisation)
    return list(rows.filter(latitude__isnull=False, longitude__isnull=False)
                .order_by("-received_at", "-id")[:limit])
