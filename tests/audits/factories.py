"""Factories of the audits domain, on top of tests/factories.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory
from tests.factories import DigitalServiceFactory

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


def result(url: str, score: int = 85, grade: str = "A", violations: int = 0,
           status: str = "ok") -> dict[str, Any]:
    """A stored result shaped like audits_browser.Auditor.audit's."""
    if status != "ok":
        return {"url": url, "status": status, "message": "délai dépassé"}
    return {
        "url": url, "status": "ok", "http_status": 200, "final_url": url, "title": "Page",
        "ecoindex": {"score": score, "grade": grade, "dom_nodes": 120, "requests": 8,
                     "size_kb": 90.0, "ghg_g": 1.3, "water_cl": 1.95,
                     "partial_scores": {"dom": 88.0, "requests": 85.0, "size": 90.0},
                     "what_if": [], "spread": {"score": {"median": score, "min": score - 1,
                                                         "max": score + 1, "range": 2,
                                                         "runs": 3}},
                     "runs": []},
        "axe": {"violations": [
            {"id": "image-alt", "impact": "critical", "help": "Images must have alternate text",
             "help_url": "", "nodes": 2, "rgaa": ["1.1"], "rgaa_tests": ["1.1.1"],
             "elements": [{"target": ["img"], "html": "<img>", "summary": ""}]}][:violations]},
        "rgesn": [{"id": "compression", "criterion": "6.3", "result": "pass",
                   "evidence": "3 ressource(s) texte compressée(s)"}],
        "protocol": {"runs": 3}, "tools": {"chromium": "156", "axe_core": "4.12.1"}}


class SamplePageFactory(DjangoModelFactory[SamplePage]):
    class Meta:
        model = SamplePage

    service = factory.SubFactory(DigitalServiceFactory)
    organisation = factory.SelfAttribute("service.organisation")
    kind = "home"
    url = factory.Sequence(lambda n: f"https://www.ville.example/page-{n}")


class CampaignFactory(DjangoModelFactory[Campaign]):
    class Meta:
        model = Campaign

    name = factory.Sequence(lambda n: f"Campagne {n}")
    status = "done"
    total_pages = 1
    done_pages = 1


class PageAuditFactory(DjangoModelFactory[PageAudit]):
    class Meta:
        model = PageAudit

    service = factory.SubFactory(DigitalServiceFactory)
    organisation = factory.SelfAttribute("service.organisation")
    url = factory.Sequence(lambda n: f"https://www.ville.example/p{n}")
    kind = "home"
    status = "ok"
    ecoindex = 85
    grade = "A"
    dom_nodes = 120
    requests = 8
    size_kb = 90.0
    axe_violations = 0
    rgesn_failed = 0
    result = factory.LazyAttribute(lambda o: result(o.url, int(o.ecoindex or 0), o.grade))
    measured_at = factory.LazyFunction(timezone.now)


class RgaaGridFactory(DjangoModelFactory[RgaaGrid]):
    class Meta:
        model = RgaaGrid

    service = factory.SubFactory(DigitalServiceFactory)
    organisation = factory.SelfAttribute("service.organisation")
    size = 25


class RgaaEntryFactory(DjangoModelFactory[RgaaEntry]):
    class Meta:
        model = RgaaEntry

    grid = factory.SubFactory(RgaaGridFactory)
    criterion = "1.1"
    status = "C"


class RgesnGridFactory(DjangoModelFactory[RgesnGrid]):
    class Meta:
        model = RgesnGrid

    service = factory.SubFactory(DigitalServiceFactory)
    organisation = factory.SelfAttribute("service.organisation")


class RgesnEntryFactory(DjangoModelFactory[RgesnEntry]):
    class Meta:
        model = RgesnEntry

    grid = factory.SubFactory(RgesnGridFactory)
    criterion = "1.1"
    status = "C"


class DeclarationFactory(DjangoModelFactory[Declaration]):
    class Meta:
        model = Declaration

    service = factory.SubFactory(DigitalServiceFactory)
    organisation = factory.SelfAttribute("service.organisation")
    kind = "rgaa"
    version = factory.Sequence(lambda n: n + 1)
    established_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))
    rate = 75.0
    state = "partial"
    content = factory.LazyAttribute(lambda o: {"service": o.service.name, "state": o.state})
    published = True
