"""Reads of the feedback domain. Callers pass an organisation obtained from tenancy.scope.

The indicators are computed in the database by grouping identical answers to the five indicator
questions (a few dozen rows whatever the number of responses), then in
jalon.core.feedback_indicators.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from jalon.catalogue import selectors as catalogue
from jalon.catalogue.models import Audience, DigitalService
from jalon.core import feedback_indicators as fi
from jalon.feedback.models import FeedbackForm, FormVersion, Response
from jalon.tenancy.models import Organisation

TREND_MONTHS = 12


def forms(organisation: Organisation) -> QuerySet[FeedbackForm]:
    return FeedbackForm.objects.filter(organisation=organisation).select_related("service")


def service(organisation: Organisation, service_id: int) -> DigitalService:
    """A service of the organisation's catalogue (404 for another organisation's)."""
    return catalogue.service(organisation, service_id)


def form_of(organisation: Organisation, service_id: int) -> FeedbackForm | None:
    """The form of one of the organisation's services (404 for a service of another
    organisation; None when the service has no form yet)."""
    found = service(organisation, service_id)
    return forms(organisation).filter(service=found).first()


def form(organisation: Organisation, service_id: int) -> FeedbackForm:
    return get_object_or_404(forms(organisation), service_id=service_id)


def versions(form: FeedbackForm) -> QuerySet[FormVersion]:
    return form.versions.order_by("-number")


def public_form(organisation: Organisation | int, service_id: int
                ) -> tuple[FeedbackForm, FormVersion]:
    """An open form and its current version, for the public answer page (404 otherwise); one
    query (the page is the platform's busiest). `organisation` may be its id, as
    `tenancy.scope.published_at` gives it."""
    org_id = organisation if isinstance(organisation, int) else organisation.pk
    version = (FormVersion.objects.select_related("form__service")
               .filter(form__organisation_id=org_id, form__active=True,
                       form__service_id=service_id).order_by("-number").first())
    if version is None:
        raise Http404
    return version.form, version


def responses(organisation: Organisation) -> QuerySet[Response]:
    return Response.objects.filter(organisation=organisation)


def comments(organisation: Organisation, service_id: int | None = None, text: str = ""
             ) -> QuerySet[Response]:
    rows = (responses(organisation).exclude(comment="")
            .select_related("form__service", "version", "theme_triage__theme__parent"))
    if service_id is not None:
        rows = rows.filter(form__service_id=service_id)
    if text.strip():
        rows = rows.filter(comment__icontains=text.strip())
    return rows.order_by("-received_at", "-id")


def _rows(rows: QuerySet[Response]) -> list[Mapping[str, Any]]:
    return list(rows.values("satisfaction", "comprehension", "no_help", "reached",
                            "help_quality").annotate(n=Count("id")).order_by())


def _answer_row(row: Mapping[str, Any]) -> fi.AnswerRow:
    return fi.AnswerRow(row["satisfaction"], row["comprehension"], row["no_help"],
                        row["reached"], row["help_quality"], row["n"])


def tally(rows: QuerySet[Response]) -> fi.Tally:
    return fi.tally(_answer_row(row) for row in _rows(rows))


def monthly_tallies(rows: QuerySet[Response], start: dt.date) -> dict[fi.Month, fi.Tally]:
    """Tallies per calendar month (in the site's time zone) of the responses since `start`."""
    grouped = (rows.filter(received_at__date__gte=start)
               .annotate(month=TruncMonth("received_at"))
               .values("month", "satisfaction", "comprehension", "no_help", "reached",
                       "help_quality").annotate(n=Count("id")).order_by())
    by_month: dict[fi.Month, list[fi.AnswerRow]] = {}
    for row in grouped:
        month = row["month"]
        by_month.setdefault((month.year, month.month), []).append(_answer_row(row))
    return {month: fi.tally(items) for month, items in by_month.items()}


@dataclass(frozen=True)
class Trend:
    points: list[fi.MonthPoint]
    overall: fi.Indicators  # over the whole window

    @property
    def last(self) -> fi.MonthPoint:
        return self.points[-1]


def trend(rows: QuerySet[Response], today: dt.date | None = None,
          months: int = TREND_MONTHS) -> Trend:
    """The indicators of the last `months` calendar months (the current one last), each with
    its change from the month before."""
    today = today or timezone.localdate()
    keys = fi.months_ending(today, months + 1)
    start = dt.date(keys[0][0], keys[0][1], 1)
    by_month = monthly_tallies(rows, start)
    before = by_month.get(keys[0], fi.Tally())
    points = fi.series(by_month, keys[1:], before=before)
    overall = fi.indicators(fi.total(by_month.get(k, fi.Tally()) for k in keys[1:]))
    return Trend(points, overall)


@dataclass(frozen=True)
class ServiceRow:
    service: DigitalService
    form: FeedbackForm | None
    responses: int
    last_response: dt.datetime | None
    indicators: fi.Indicators | None


def service_rows(organisation: Organisation, since: dt.date) -> list[ServiceRow]:
    """Every public service (not retired) and every service with a form: its form, its
    number of responses since `since` and their indicators."""
    by_service = {f.service_id: f for f in forms(organisation)}
    counts = {row["form__service_id"]: row for row in
              responses(organisation).filter(received_at__date__gte=since)
              .values("form__service_id").annotate(n=Count("id"), last=Max("received_at"))
              .order_by()}
    grouped: dict[int, list[fi.AnswerRow]] = {}
    for row in (responses(organisation).filter(received_at__date__gte=since)
                .values("form__service_id", "satisfaction", "comprehension", "no_help",
                        "reached", "help_quality").annotate(n=Count("id")).order_by()):
        grouped.setdefault(row["form__service_id"], []).append(_answer_row(row))
    services = (catalogue.services(organisation)
                .filter(Q(pk__in=by_service) | Q(pk__in=catalogue.public_services(organisation)))
                .order_by("name", "id"))
    out = []
    for s in services:
        count: Mapping[str, Any] = counts.get(s.pk, {})
        out.append(ServiceRow(s, by_service.get(s.pk), count.get("n", 0), count.get("last"),
                              fi.indicators(fi.tally(grouped[s.pk])) if s.pk in grouped
                              else None))
    return out


@dataclass(frozen=True)
class Coverage:
    """Services open to the public and in service on `day`, and those with a feedback
    button placed by then (the "100 %" target of Île-de-France)."""

    day: dt.date
    services: int
    with_button: int
    missing: list[str]

    @property
    def share(self) -> float | None:
        return 100.0 * self.with_button / self.services if self.services else None


def coverage(organisation: Organisation, day: dt.date | None = None) -> Coverage:
    day = day or timezone.localdate()
    public = list(catalogue.in_service_on(organisation, day).filter(audience=Audience.PUBLIC)
                  .order_by("name").values_list("pk", "name"))
    placed = set(forms(organisation).filter(active=True, button_placed_on__lte=day)
                 .values_list("service_id", flat=True))
    return Coverage(day, len(public), sum(1 for pk, _ in public if pk in placed),
                    [name for pk, name in public if pk not in placed])


def services_without_form(organisation: Organisation) -> QuerySet[DigitalService]:
    return (catalogue.services(organisation).filter(feedback_form__isnull=True)
            .order_by("name", "id"))
