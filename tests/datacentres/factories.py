"""Factories of the data centres domain, on top of tests/factories.py."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory
from tests.factories import OrganisationFactory

from jalon.datacentres.models import PracticeStatus, Site, SiteYear


class SiteFactory(DjangoModelFactory[Site]):
    class Meta:
        model = Site

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Salle serveurs {n}")
    kind = "server_room"
    it_power_kw = 30.0
    declared_pue = 1.8
    inventory_sites = "Salle serveurs"


class SiteYearFactory(DjangoModelFactory[SiteYear]):
    class Meta:
        model = SiteYear

    site = factory.SubFactory(SiteFactory)
    year = 2025
    it_kwh = 150_000.0
    total_kwh = 255_000.0


class PracticeStatusFactory(DjangoModelFactory[PracticeStatus]):
    class Meta:
        model = PracticeStatus

    site = factory.SubFactory(SiteFactory)
    number = "3.1.1"
    status = "implemented"
    evidence = "Compte rendu du comité."
