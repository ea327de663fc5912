"""What the data centres domain publishes: the public home section, the annual report section
and the strategy's computed indicators."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from tests.datacentres.factories import PracticeStatusFactory, SiteFactory, SiteYearFactory
from tests.factories import AssetFactory, OrganisationFactory, published

from jalon.core import datacentres as core
from jalon.datacentres.publishing import CONFORMANT_SHARE_KEY, PUE_KEY
from jalon.publishing import indicators

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 5, 1)


@pytest.fixture
def org():
    org = OrganisationFactory(slug="ville", name="Ville")
    conformant = SiteFactory(organisation=org, name="Colocation", kind="colocation",
                             inventory_sites="", hosted_assets="srv-1\nsrv-2",
                             notes="Contrat secret 42")
    for practice in core.load_practices():
        if practice.is_expected:
            PracticeStatusFactory(site=conformant, number=practice.number)
    room = SiteFactory(organisation=org, name="Salle", inventory_sites="Salle serveurs")
    SiteYearFactory(site=room, year=2024, it_kwh=100_000.0, total_kwh=190_000.0)
    SiteYearFactory(site=room, year=2025, it_kwh=100_000.0, total_kwh=170_000.0)
    SiteYearFactory(site=conformant, year=2025, it_kwh=1_000_000.0, total_kwh=1_300_000.0)
    for name, site in (("srv-1", ""), ("srv-2", ""), ("srv-3", "Salle serveurs"),
                       ("srv-4", "Cave")):
        AssetFactory(organisation=org, category="server", name=name, site=site)
    return org


def test_indicators(org):
    share = indicators.compute(CONFORMANT_SHARE_KEY, org, TODAY)
    assert [(v.year, v.value, v.kind) for v in share] == [(2026, 50.0, "estimate")]
    assert share[0].detail["not_assigned_to_a_room"] == 1
    pue = {v.year: v.value for v in indicators.compute(PUE_KEY, org, TODAY)}
    assert pue[2024] == pytest.approx(1.9)
    assert pue[2025] == pytest.approx(1_470_000 / 1_100_000)


def test_public_home_section_without_private_details(org):
    client = Client()
    assert client.get("/p/ville/").status_code == 404  # nothing published
    published(org, "datacentres")
    body = client.get("/p/ville/").content.decode()
    assert "Nos salles serveurs" in body and "Colocation" in body
    assert "50 % des serveurs" in body
    assert "srv-1" not in body and "Contrat secret" not in body


def test_report_section(org):
    from django.template.loader import render_to_string

    from jalon.datacentres.publishing import report_context

    context = report_context(org, 2025)
    assert context is not None and context["overall_pue"] == pytest.approx(1_470_000 / 1_100_000)
    html = render_to_string("datacentres/report_section.html", context)
    assert "Salles serveurs et centres de données" in html and "Colocation" in html
    assert report_context(OrganisationFactory(), 2025) is None
