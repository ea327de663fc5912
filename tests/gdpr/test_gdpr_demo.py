"""The demo's part of the domain: fast, idempotent, every state a DPO needs to see."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django.utils import timezone
from tests import factories
from tests.factories import OrganisationFactory

from jalon.catalogue.demo import seed_services
from jalon.gdpr import demo, publishing, selectors
from jalon.gdpr.models import (
    Breach,
    DataSubjectRequest,
    HostingProfile,
    ProcessingActivity,
    PurgeRecord,
    PurgeTask,
    TrainingCampaign,
)
from jalon.publishing.indicators import compute

pytestmark = pytest.mark.django_db


def test_demo_is_fast_idempotent_and_complete():
    org = OrganisationFactory(slug="val-de-lisiere")
    admin = factories.member(org, "admin", username="admin")
    people = {"admin": admin, "dpo": factories.member(org, "editor", username="dpo")}
    seed_services(org, admin)
    started = time.perf_counter()
    created = demo.seed_demo(org, people, lambda _m: None)
    elapsed = time.perf_counter() - started
    assert elapsed < 3.0, elapsed
    assert created and demo.seed_demo(org, people, lambda _m: None) == []
    assert ProcessingActivity.objects.filter(organisation=org).count() == 20
    assert ProcessingActivity.objects.filter(organisation=org, services__isnull=False
                                             ).distinct().count() >= 12
    states = {row.state for row in selectors.request_rows(org, timezone.localdate())}
    assert {"late", "paused", "due_soon", "running", "answered_on_time",
            "answered_late"} <= states
    statuses = set(DataSubjectRequest.objects.filter(organisation=org)
                   .values_list("status", flat=True))
    assert {"received", "in_progress", "waiting", "extended", "answered", "refused",
            "withdrawn"} <= statuses
    assert Breach.objects.filter(organisation=org).count() == 2
    assert PurgeRecord.objects.filter(organisation=org, declaration="gdpr.datasubjectrequest"
                                      ).exists()
    assert PurgeTask.objects.filter(activity__organisation=org, status="confirmed").exists()
    assert PurgeTask.objects.filter(activity__organisation=org, status="due").exists()
    assert HostingProfile.objects.filter(organisation=org).count() >= 10
    assert TrainingCampaign.objects.filter(organisation=org).count() == 4
    for spec in demo.DEMO_INDICATORS:
        assert compute(spec["computed"], org), spec["computed"]
    on_time = compute(publishing.ON_TIME_KEY, org)[-1].value
    assert 0 < on_time < 100
    body = Client().get(f"/p/{org.slug}/gdpr/").content.decode()
    assert "Gestion des ressources humaines et paie" in body
    assert "Action sociale" not in body  # a draft is not published
