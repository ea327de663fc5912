"""Factories of the budget domain, on top of tests/factories.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory
from tests.factories import OrganisationFactory

from jalon.budget.models import ClassificationRule, Rating, SpendingImport, SpendingLine


class SpendingLineFactory(DjangoModelFactory[SpendingLine]):
    class Meta:
        model = SpendingLine

    organisation = factory.SubFactory(OrganisationFactory)
    year = 2025
    account = "2183"
    function = "020"
    label = factory.Sequence(lambda n: f"PC portables (lot {n})")
    supplier = "UGAP"
    amount_ht = Decimal("1000.00")
    amount_ttc = Decimal("1200.00")
    payment_date = dt.date(2025, 3, 1)
    section = "investment"
    in_annex = True
    kind = "new_equipment"
    kind_rule = "L-DEVICE"


class RatingFactory(DjangoModelFactory[Rating]):
    class Meta:
        model = Rating

    line = factory.SubFactory(SpendingLineFactory)
    axis = "climate_mitigation"
    rating = "unfavourable"
    rationale = "Fabrication"
    source = "ADEME"


class SpendingImportFactory(DjangoModelFactory[SpendingImport]):
    class Meta:
        model = SpendingImport

    organisation = factory.SubFactory(OrganisationFactory)
    year = 2025
    file_name = "mandats.csv"
    sha256 = "0" * 64
    data = b"Compte;Libell\xe9;Montant TTC\r\n2183;PC;1200,00\r\n"
    mapping = factory.LazyFunction(lambda: {"Compte": "account", "Libellé": "label",
                                            "Montant TTC": "amount_ttc"})
    header_order = factory.LazyFunction(lambda: ["Compte", "Libellé", "Montant TTC"])


class ClassificationRuleFactory(DjangoModelFactory[ClassificationRule]):
    class Meta:
        model = ClassificationRule

    organisation = factory.SubFactory(OrganisationFactory)
    match = "label"
    pattern = "copieur"
    kind = "repair_maintenance"
