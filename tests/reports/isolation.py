"""The reports domain's part of the tenant isolation walk (tests/web/test_isolation.py)."""

from __future__ import annotations

from typing import Any

from tests.reports.factories import (
    AnswerTemplateFactory,
    CategoryFactory,
    FaqEntryFactory,
    ReportFactory,
    ReportPhotoFactory,
    TeamFactory,
)

from jalon.reports.models import (
    AnswerTemplate,
    Category,
    FaqEntry,
    Report,
    Team,
    Territory,
    TriageModelRecord,
)
from jalon.tenancy.models import Organisation

TARGET_IDS = {"report_id", "photo_id", "category_id", "team_id", "template_id", "entry_id",
              "request_id"}
STRING_VALUES = {"photo": "0"}


def seed(target: Organisation, pk: int, secret: str) -> None:
    team = TeamFactory(pk=pk, organisation=target, name=secret)
    CategoryFactory(pk=pk, organisation=target, code="secret", label=secret, team=team)
    report = ReportFactory(pk=pk, organisation=target, description=secret, address=secret,
                           email="victime@a.fr")
    ReportPhotoFactory(pk=pk, report=report)
    AnswerTemplateFactory(pk=pk, organisation=target, title=secret, body=secret)
    FaqEntryFactory(pk=pk, organisation=target, question=secret, answer=secret)
    Territory.objects.create(organisation=target, name=secret, n_points=5, polygons=[[[
        [1.6, 47.3], [1.7, 47.3], [1.7, 47.4], [1.6, 47.4], [1.6, 47.3]]]])


def snapshot(org: Organisation) -> dict[str, Any]:
    return {
        "reports": list(Report.objects.filter(organisation=org).values()),
        "report_categories": list(Category.objects.filter(organisation=org).values()),
        "report_teams": list(Team.objects.filter(organisation=org).values()),
        "answer_templates": list(AnswerTemplate.objects.filter(organisation=org).values()),
        "faq": list(FaqEntry.objects.filter(organisation=org).values()),
        "triage_models": TriageModelRecord.objects.filter(organisation=org).count(),
        "territory": list(Territory.objects.filter(organisation=org).values()),
    }
