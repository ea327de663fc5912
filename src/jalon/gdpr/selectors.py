"""Reads of the personal-data domain. Callers pass an organisation obtained from tenancy.scope;
another organisation's id is a 404."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from jalon.catalogue.models import DigitalService
from jalon.core import gdpr_deadlines as clock
from jalon.gdpr.models import (
    CLOSED_STATUSES,
    Breach,
    DataSubjectRequest,
    HostingProfile,
    ProcessingActivity,
    PurgeRecord,
    PurgeTask,
    PurgeTaskStatus,
    TrainingCampaign,
)
from jalon.tenancy.models import Organisation


def activities(organisation: Organisation) -> QuerySet[ProcessingActivity]:
    return ProcessingActivity.objects.filter(organisation=organisation)


def activity_list(organisation: Organisation, q: str = "", status: str = ""
                  ) -> QuerySet[ProcessingActivity]:
    rows = activities(organisation).prefetch_related("services")
    if status:
        rows = rows.filter(status=status)
    if text := q.strip():
        rows = rows.filter(Q(name__icontains=text) | Q(purposes__icontains=text)
                           | Q(reference__icontains=text) | Q(owner_team__icontains=text))
    return rows.order_by("reference", "name", "id")


def activity(organisation: Organisation, activity_id: int) -> ProcessingActivity:
    return get_object_or_404(activities(organisation), pk=activity_id)


def services(organisation: Organisation) -> QuerySet[DigitalService]:
    return DigitalService.objects.filter(organisation=organisation).order_by("name")


def requests(organisation: Organisation) -> QuerySet[DataSubjectRequest]:
    return DataSubjectRequest.objects.filter(organisation=organisation)


def request(organisation: Organisation, request_id: int) -> DataSubjectRequest:
    return get_object_or_404(requests(organisation).select_related("activity"), pk=request_id)


@dataclass(frozen=True)
class RequestRow:
    request: DataSubjectRequest
    deadline: clock.Deadline
    state: str
    days_left: int | None

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self.state])


STATE_LABELS: dict[str, Any] = {
    "answered_on_time": _("Répondue dans le délai"), "answered_late": _("Répondue en retard"),
    "late": _("En retard"), "due_today": _("Échéance aujourd'hui"),
    "due_soon": _("Échéance proche"), "paused": _("Délai suspendu"),
    "running": _("Dans le délai"),
}


def request_row(request: DataSubjectRequest, today: dt.date) -> RequestRow:
    deadline = clock.deadline(request.received_on, pauses=request.pauses(),
                              extended=bool(request.extension_informed_on), today=today)
    closed_on = request.answered_on if request.status in CLOSED_STATUSES else None
    state = clock.state(deadline, closed_on, today)
    if request.status in CLOSED_STATUSES and closed_on is None:
        state = "answered_on_time"
    days_left = None if closed_on else (deadline.final_due_on - today).days
    return RequestRow(request, deadline, state, days_left)


def request_rows(organisation: Organisation, today: dt.date, *, state: str = "",
                 kind: str = "", status: str = "") -> list[RequestRow]:
    """Requests with their deadline state; late and due soon first, then by due date."""
    rows = requests(organisation).prefetch_related("request_pauses")
    if kind:
        rows = rows.filter(kind=kind)
    if status:
        rows = rows.filter(status=status)
    out = [request_row(r, today) for r in rows]
    if state == "open":
        out = [r for r in out if r.request.status not in CLOSED_STATUSES]
    elif state:
        out = [r for r in out if r.state == state]
    order = {"late": 0, "due_today": 1, "due_soon": 2, "paused": 3, "running": 4}
    out.sort(key=lambda r: (order.get(r.state, 9), r.deadline.final_due_on
                            if r.state in order else dt.date.max - (r.request.answered_on
                                                                    or dt.date.min)))
    return out


def breaches(organisation: Organisation) -> QuerySet[Breach]:
    return Breach.objects.filter(organisation=organisation).prefetch_related("activities")


def breach(organisation: Organisation, breach_id: int) -> Breach:
    return get_object_or_404(breaches(organisation), pk=breach_id)


def purge_records(organisation: Organisation) -> QuerySet[PurgeRecord]:
    return PurgeRecord.objects.filter(organisation=organisation)


def purge_tasks(organisation: Organisation) -> QuerySet[PurgeTask]:
    return (PurgeTask.objects.filter(activity__organisation=organisation)
            .select_related("activity"))


def purge_task(organisation: Organisation, task_id: int) -> PurgeTask:
    return get_object_or_404(purge_tasks(organisation), pk=task_id)


def hosting_profiles(organisation: Organisation) -> QuerySet[HostingProfile]:
    return (HostingProfile.objects.filter(organisation=organisation)
            .select_related("service", "activity"))


def campaigns(organisation: Organisation) -> QuerySet[TrainingCampaign]:
    return (TrainingCampaign.objects.filter(organisation=organisation)
            .annotate(trained=Count("attendances")))


def campaign(organisation: Organisation, campaign_id: int) -> TrainingCampaign:
    return get_object_or_404(campaigns(organisation), pk=campaign_id)


@dataclass(frozen=True)
class Portfolio:
    rows: list[dict[str, Any]]
    average: float | None
    eu_share: float | None  # share of activities' profiles under EU jurisdiction (%)


def portfolio(organisation: Organisation) -> Portfolio:
    """Every service and activity with its sovereignty profile (or none yet), scored."""
    from jalon.core.sovereignty import under_eu_jurisdiction

    profiles = list(hosting_profiles(organisation))
    by_service = {p.service_id: p for p in profiles if p.service_id}
    by_activity = {p.activity_id: p for p in profiles if p.activity_id}
    rows: list[dict[str, Any]] = []
    for s in services(organisation):
        p = by_service.get(s.pk)
        rows.append({"kind": "service", "subject": s, "profile": p,
                     "score": p.score if p else None})
    for a in activities(organisation).exclude(status="ended"):
        p = by_activity.get(a.pk)
        rows.append({"kind": "activity", "subject": a, "profile": p,
                     "score": p.score if p else None})
    scored = [r["score"].value for r in rows if r["score"]]
    activity_profiles = [by_activity[a] for a in by_activity]
    eu = ([under_eu_jurisdiction(p.facts()) for p in activity_profiles]
          if activity_profiles else [])
    return Portfolio(rows, sum(scored) / len(scored) if scored else None,
                     100.0 * sum(eu) / len(eu) if eu else None)


@dataclass(frozen=True)
class Overview:
    activities: int
    dpia_needed: int
    dpia_missing: int
    open_requests: int
    late_requests: int
    due_soon_requests: int
    on_time_share: float | None
    open_breaches: int
    due_purge_tasks: int
    last_purge: dt.datetime | None


def overview(organisation: Organisation, today: dt.date) -> Overview:
    acts = list(activities(organisation).exclude(status="ended").select_related("dpia"))
    needed = [a for a in acts if a.screening.dpia_needed]
    missing = [a for a in needed if not hasattr(a, "dpia")]
    rows = request_rows(organisation, today)
    answered = [r for r in rows if r.state in ("answered_on_time", "answered_late")]
    on_time = sum(1 for r in answered if r.state == "answered_on_time")
    last = purge_records(organisation).order_by("-ran_at").first()
    return Overview(
        activities=len(acts), dpia_needed=len(needed), dpia_missing=len(missing),
        open_requests=sum(1 for r in rows if r.request.status not in CLOSED_STATUSES),
        late_requests=sum(1 for r in rows if r.state == "late"),
        due_soon_requests=sum(1 for r in rows if r.state in ("due_soon", "due_today")),
        on_time_share=100.0 * on_time / len(answered) if answered else None,
        open_breaches=breaches(organisation).filter(closed_on__isnull=True).count(),
        due_purge_tasks=purge_tasks(organisation).filter(status=PurgeTaskStatus.DUE).count(),
        last_purge=last.ran_at if last else None)
