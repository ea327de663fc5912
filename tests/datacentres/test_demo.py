"""The demo part: two server rooms and one colocation contract, idempotent and fast."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from tests.factories import AssetFactory, OrganisationFactory, UserFactory

from jalon.datacentres import demo, publishing, reports, selectors, services
from jalon.datacentres.models import Site, SiteYear

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_fast_and_tells_a_story():
    org = OrganisationFactory(slug="val-de-lisiere")
    for name in ("srv-esx-01", "srv-esx-pra", "srv-vdi-01", "srv-vdi-02", "srv-inconnu"):
        AssetFactory(organisation=org, category="server", name=name)
    people = {"admin": UserFactory()}
    started = time.perf_counter()
    created = demo.seed_demo(org, people, lambda _m: None)
    assert time.perf_counter() - started < 3
    assert created
    assert demo.seed_demo(org, people, lambda _m: None) == []
    assert Site.objects.filter(organisation=org).count() == 3
    assert SiteYear.objects.filter(site__organisation=org).count() == 8
    today = dt.date(2026, 5, 1)
    rates = {s.name: selectors.conformity(s, today) for s in Site.objects.all()}
    assert rates[demo.COLOCATION].conformant
    assert 0.5 < rates[demo.MAIN].rate < 0.9
    assert rates[demo.BACKUP].rate < 0.5
    share = selectors.conformant_share(org, today)
    assert (share.servers, share.in_conformant, share.unassigned) == (5, 2, 1)
    # The main room's PUE falls; the back-up room's energy is estimated.
    values = {v.year: v.value for v in publishing.pue_values(org, today)}
    assert values[2022] == pytest.approx(392_900 / 201_500)
    assert values[2025] < values[2024]
    backup = Site.objects.get(name=demo.BACKUP)
    assert all(y.energy().estimated for y in backup.years.all())
    colocation = Site.objects.get(name=demo.COLOCATION)
    assert colocation.in_eed_scope
    # Annex I information filled on every site, in the formats the services check.
    for site in Site.objects.filter(organisation=org):
        assert site.lau_code and site.owner_email and site.operator_phone and site.structure
        assert services.clean_site({"lau_code": site.lau_code,
                                    "electrical_redundancy": site.electrical_redundancy})
    lines = {line.field.code: line for line in
             reports.kpi_report(colocation, colocation.years.get(year=2025)).lines}
    assert lines["lau_code"].value == "35238" and lines["mixed_services"].value == "yes"
    assert not [code for code, line in lines.items() if line.field.annex == "I" and line.missing]
