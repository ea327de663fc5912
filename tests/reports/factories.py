"""Factories of the reports domain, building on tests/factories.py."""

from __future__ import annotations

import io
from typing import Any

import factory
from factory.django import DjangoModelFactory
from PIL import Image
from tests.factories import OrganisationFactory

from jalon.reports import services
from jalon.reports.models import (
    AnswerTemplate,
    Category,
    FaqEntry,
    Report,
    ReportPhoto,
    Team,
)


class TeamFactory(DjangoModelFactory[Team]):
    class Meta:
        model = Team

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Équipe {n}")


class CategoryFactory(DjangoModelFactory[Category]):
    class Meta:
        model = Category
        django_get_or_create = ("organisation", "code")

    organisation = factory.SubFactory(OrganisationFactory)
    code = "voirie"
    label = "Voirie et trottoirs"
    description = "Nids-de-poule, trottoirs abîmés."


class ReportFactory(DjangoModelFactory[Report]):
    class Meta:
        model = Report

    organisation = factory.SubFactory(OrganisationFactory)
    description = "Nid de poule devant le 12 rue des Lilas"
    address = "12 rue des Lilas"
    follow_token_hash = factory.Sequence(lambda n: services.token_hash(f"token-{n}"))


class AnswerTemplateFactory(DjangoModelFactory[AnswerTemplate]):
    class Meta:
        model = AnswerTemplate

    organisation = factory.SubFactory(OrganisationFactory)
    title = "Accusé de réception"
    body = "Votre signalement est pris en compte."


class FaqEntryFactory(DjangoModelFactory[FaqEntry]):
    class Meta:
        model = FaqEntry

    organisation = factory.SubFactory(OrganisationFactory)
    question = "Quels sont les horaires de la déchetterie ?"
    answer = "Du lundi au samedi, de 9 h à 18 h."


def jpeg(size: tuple[int, int] = (64, 48), *, gps: bool = False, **save: Any) -> bytes:
    """A small JPEG, with EXIF (camera, date, GPS position) when `gps`."""
    image = Image.new("RGB", size, (200, 80, 40))
    out = io.BytesIO()
    if gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"  # Make
        exif[0x0110] = "Phone 12"  # Model
        exif[0x0132] = "2026:03:01 10:00:00"  # DateTime
        exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
        gps_ifd = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 7.0)}
        exif[0x8825] = gps_ifd  # GPSInfo
        save["exif"] = exif
    image.save(out, format="JPEG", **save)
    return out.getvalue()


class ReportPhotoFactory(DjangoModelFactory[ReportPhoto]):
    class Meta:
        model = ReportPhoto

    report = factory.SubFactory(ReportFactory)
    data = factory.LazyFunction(jpeg)
    width = 64
    height = 48
