"""This domain's part of the tenant-isolation walk (tests/web/test_isolation.py)."""

from __future__ import annotations

from typing import Any

from tests.datacentres.factories import PracticeStatusFactory, SiteFactory, SiteYearFactory

from jalon.datacentres.models import PracticeStatus, Site, SiteYear
from jalon.tenancy.models import Organisation

TARGET_IDS = {"site_id", "site_year_id"}
STRING_VALUES = {"number": "3.1.1"}


def seed(target: Organisation, pk: int, secret: str) -> None:
    site = SiteFactory(pk=pk, organisation=target, name=f"Salle {secret}", notes=secret)
    SiteYearFactory(pk=pk, site=site, year=2025, notes=secret)
    PracticeStatusFactory(site=site, number="3.1.1", evidence=secret)


def snapshot(organisation: Organisation) -> dict[str, Any]:
    return {
        "sites": list(Site.objects.filter(organisation=organisation).values()),
        "years": list(SiteYear.objects.filter(site__organisation=organisation).values()),
        "practices": list(PracticeStatus.objects.filter(site__organisation=organisation)
                          .values()),
    }
