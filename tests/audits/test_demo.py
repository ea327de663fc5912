"""The demo's audits: seeded from the committed results of a real browser pass against the
demo's own pages (loopback), fast and idempotent; grids, declarations and indicators."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from tests import factories
from tests.factories import OrganisationFactory

from jalon.audits import demo, publishing
from jalon.audits.models import Declaration, PageAudit, RgaaEntry
from jalon.catalogue.demo import seed_services

pytestmark = pytest.mark.django_db


def test_seed_is_fast_idempotent_and_complete():
    agglomeration = OrganisationFactory(slug="val-de-lisiere")
    admin = factories.member(agglomeration, "admin")
    seed_services(agglomeration, admin)
    started = time.perf_counter()
    created = demo.seed_demo(agglomeration, {"admin": admin}, lambda _m: None)
    assert time.perf_counter() - started < 3
    assert created
    assert demo.seed_demo(agglomeration, {"admin": admin}, lambda _m: None) == []
    audits = PageAudit.objects.filter(organisation=agglomeration)
    assert audits.count() == 7
    assert all(a.url.startswith("http://127.0.0.1:8000/") for a in audits)
    assert {a.status for a in audits} == {"ok", "http_error", "not_html"}
    ok = audits.filter(status="ok").first()
    assert ok is not None and ok.result["tools"]["axe_core"]
    assert RgaaEntry.objects.filter(grid__service__organisation=agglomeration).count() == 20
    declarations = Declaration.objects.filter(organisation=agglomeration, published=True)
    assert {d.kind for d in declarations} == {"rgaa", "rgesn"}
    rgaa = declarations.get(kind="rgaa")
    assert rgaa.state == "partial" and rgaa.rate is not None and 50 <= rgaa.rate < 100
    today = rgaa.established_on
    for key, formula in publishing.FORMULAS.items():
        assert formula(agglomeration, today), key
    assert {spec["computed"] for spec in demo.DEMO_INDICATORS} == set(publishing.FORMULAS)
    response = Client().get(f"/p/val-de-lisiere/audits/{rgaa.service_id}/accessibilite/")
    assert response.status_code == 200
    assert "Accessibilité : partiellement conforme" in response.content.decode()
