"""The audits domain in the tenant-isolation walk (tests/web/test_isolation.py): one object of
the target organisation per integer path parameter, on the target's service `pk`."""

from __future__ import annotations

from typing import Any

from tests.audits.factories import (
    CampaignFactory,
    DeclarationFactory,
    PageAuditFactory,
    RgaaGridFactory,
    RgesnGridFactory,
)

from jalon.audits.models import (
    Campaign,
    Declaration,
    PageAudit,
    RgaaEntry,
    RgaaGrid,
    RgesnEntry,
    RgesnGrid,
    SamplePage,
)
from jalon.catalogue.models import DigitalService
from jalon.tenancy.models import Organisation

TARGET_IDS = {"audit_id", "campaign_id", "rgaa_grid_id", "rgesn_grid_id", "declaration_id"}
STRING_VALUES = {"kind": "rgaa"}


def seed(target: Organisation, pk: int, secret: str) -> None:
    service = DigitalService.objects.get(organisation=target, pk=pk)
    campaign = CampaignFactory(pk=pk, organisation=target, name=secret)
    campaign.services.set([service])
    PageAuditFactory(pk=pk, service=service, campaign=campaign, url=f"https://{secret}.fr/")
    RgaaGridFactory(pk=pk, service=service, auditor=secret)
    RgesnGridFactory(pk=pk, service=service, referent=secret)
    DeclarationFactory(pk=pk, service=service, content={"contact": secret})


def snapshot(org: Organisation) -> dict[str, Any]:
    return {
        "audit_campaigns": list(Campaign.objects.filter(organisation=org).values()),
        "page_audits": list(PageAudit.objects.filter(organisation=org).values()),
        "sample_pages": list(SamplePage.objects.filter(organisation=org).values()),
        "rgaa_grids": list(RgaaGrid.objects.filter(organisation=org).values()),
        "rgaa_entries": list(RgaaEntry.objects.filter(grid__organisation=org).values()),
        "rgesn_grids": list(RgesnGrid.objects.filter(organisation=org).values()),
        "rgesn_entries": list(RgesnEntry.objects.filter(grid__organisation=org).values()),
        "declarations": list(Declaration.objects.filter(organisation=org).values()),
    }
