"""Factories of the personal-data domain (on top of tests/factories.py)."""

from __future__ import annotations

import datetime as dt

import factory
from factory.django import DjangoModelFactory
from tests.factories import OrganisationFactory

from jalon.gdpr.models import (
    Breach,
    DataSubjectRequest,
    HostingProfile,
    ProcessingActivity,
    Processor,
    PurgeTask,
    RequestDocument,
    TrainingCampaign,
)


class ProcessingActivityFactory(DjangoModelFactory[ProcessingActivity]):
    class Meta:
        model = ProcessingActivity

    organisation = factory.SubFactory(OrganisationFactory)
    reference = factory.Sequence(lambda n: f"T-{n + 1:03d}")
    name = factory.Sequence(lambda n: f"Traitement {n}")
    purposes = "Gérer les inscriptions."
    legal_basis = "public_task"
    data_subjects = "Usagers"
    data_categories = "Identité, coordonnées"
    retention_value = 2
    retention_unit = "years"
    created_on = dt.date(2025, 1, 10)


class ProcessorFactory(DjangoModelFactory[Processor]):
    class Meta:
        model = Processor

    activity = factory.SubFactory(ProcessingActivityFactory)
    name = "Éditeur"


class DataSubjectRequestFactory(DjangoModelFactory[DataSubjectRequest]):
    class Meta:
        model = DataSubjectRequest

    organisation = factory.SubFactory(OrganisationFactory)
    reference = factory.Sequence(lambda n: f"DDP-2026-{n + 1:03d}")
    kind = "access"
    received_on = dt.date(2026, 3, 2)
    due_on = dt.date(2026, 4, 2)
    requester_email = "personne@exemple.fr"


class RequestDocumentFactory(DjangoModelFactory[RequestDocument]):
    class Meta:
        model = RequestDocument

    request = factory.SubFactory(DataSubjectRequestFactory)
    name = "piece.pdf"
    content_type = "application/pdf"
    content = b"%PDF-1.4"
    size = 8


class BreachFactory(DjangoModelFactory[Breach]):
    class Meta:
        model = Breach

    organisation = factory.SubFactory(OrganisationFactory)
    reference = factory.Sequence(lambda n: f"VDP-2026-{n + 1:03d}")
    title = "Perte d'une clé USB"
    aware_at = factory.LazyFunction(lambda: dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC))
    nature = "confidentiality"
    description = "Clé USB perdue."


class PurgeTaskFactory(DjangoModelFactory[PurgeTask]):
    class Meta:
        model = PurgeTask

    activity = factory.SubFactory(ProcessingActivityFactory)
    due_on = dt.date(2026, 1, 10)


class HostingProfileFactory(DjangoModelFactory[HostingProfile]):
    class Meta:
        model = HostingProfile

    organisation = factory.SubFactory(OrganisationFactory)
    provider = "OVHcloud"
    storage_country = "FR"


class TrainingCampaignFactory(DjangoModelFactory[TrainingCampaign]):
    class Meta:
        model = TrainingCampaign

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Campagne {n}")
    topic = "cybersecurity"
    starts_on = dt.date(2026, 1, 5)
    agents_concerned = 100
