"""The personal-data domain's part of the tenant isolation walk (tests/web/test_isolation.py):
one object of the target organisation per integer path parameter, with the secret in a text."""

from __future__ import annotations

from typing import Any

from tests.gdpr.factories import (
    BreachFactory,
    DataSubjectRequestFactory,
    HostingProfileFactory,
    ProcessingActivityFactory,
    ProcessorFactory,
    PurgeTaskFactory,
    RequestDocumentFactory,
    TrainingCampaignFactory,
)

from jalon.gdpr.models import (
    Breach,
    DataSubjectRequest,
    HostingProfile,
    ProcessingActivity,
    Processor,
    PurgeTask,
    RegisterSettings,
    RequestDocument,
    RequestPause,
    TrainingAttendance,
    TrainingCampaign,
)
from jalon.tenancy.models import Organisation

TARGET_IDS = {"activity_id", "processor_id", "request_id", "document_id", "breach_id",
              "task_id", "campaign_id"}
STRING_VALUES = {"action": "extend"}


def seed(target: Organisation, pk: int, secret: str) -> None:
    activity = ProcessingActivityFactory(pk=pk, organisation=target, name=secret,
                                         purposes=secret)
    ProcessorFactory(pk=pk, activity=activity, name=secret)
    request = DataSubjectRequestFactory(pk=pk, organisation=target, requester_name=secret,
                                        description=secret)
    RequestDocumentFactory(pk=pk, request=request, name=f"{secret}.pdf")
    BreachFactory(pk=pk, organisation=target, title=secret, description=secret)
    PurgeTaskFactory(pk=pk, activity=activity, proof=secret)
    HostingProfileFactory(pk=pk, organisation=target, activity=activity, provider=secret)
    TrainingCampaignFactory(pk=pk, organisation=target, title=secret)


def snapshot(org: Organisation) -> dict[str, Any]:
    return {
        "gdpr_activities": list(ProcessingActivity.objects.filter(organisation=org).values()),
        "gdpr_processors": list(Processor.objects.filter(activity__organisation=org).values()),
        "gdpr_requests": list(DataSubjectRequest.objects.filter(organisation=org).values()),
        "gdpr_pauses": RequestPause.objects.filter(request__organisation=org).count(),
        "gdpr_documents": list(RequestDocument.objects.filter(request__organisation=org)
                               .values("pk", "name", "size")),
        "gdpr_breaches": list(Breach.objects.filter(organisation=org).values()),
        "gdpr_tasks": list(PurgeTask.objects.filter(activity__organisation=org).values()),
        "gdpr_hosting": list(HostingProfile.objects.filter(organisation=org).values()),
        "gdpr_campaigns": list(TrainingCampaign.objects.filter(organisation=org).values()),
        "gdpr_attendance": TrainingAttendance.objects.filter(
            campaign__organisation=org).count(),
        "gdpr_register": list(RegisterSettings.objects.filter(organisation=org).values()),
    }
