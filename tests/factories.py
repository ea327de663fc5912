"""Test factories (factory_boy): organisations, people and tokens are made here, never by hand.

Every factory builds a valid, realistic object with the fewest arguments; tests override only
what they assert on. Slugs and usernames are sequences so that factories can be called freely.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

from jalon.accounts import services as account_services
from jalon.catalogue.models import DigitalService
from jalon.inventory.models import Asset, InventoryImport, LifecycleEvent
from jalon.tenancy.models import (
    ApiToken,
    Membership,
    Operator,
    OperatorAdmin,
    Organisation,
    Publication,
)

PASSWORD = "Mot-de-passe-de-test-2026"


class OperatorFactory(DjangoModelFactory[Operator]):
    class Meta:
        model = Operator
        django_get_or_create = ("slug",)

    name = "GIP Numérique des territoires"
    slug = "gip"


class OrganisationFactory(DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)

    operator = factory.SubFactory(OperatorFactory)
    slug = factory.Sequence(lambda n: f"ville-{n}")
    name = factory.LazyAttribute(lambda o: f"Ville {o.slug}")
    kind = "commune"


class UserFactory(DjangoModelFactory[Any]):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"agent-{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.fr")
    password = factory.django.Password(PASSWORD)


class MembershipFactory(DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = "viewer"


class OperatorAdminFactory(DjangoModelFactory[OperatorAdmin]):
    class Meta:
        model = OperatorAdmin

    user = factory.SubFactory(UserFactory)
    operator = factory.SubFactory(OperatorFactory)


class PublicationFactory(DjangoModelFactory[Publication]):
    class Meta:
        model = Publication
        django_get_or_create = ("organisation", "domain")

    organisation = factory.SubFactory(OrganisationFactory)
    domain = "footprint"
    published = True


def published(organisation: Organisation, domain: str, value: bool = True) -> Publication:
    """Set what `organisation` publishes for `domain` (creating or updating its one row)."""
    row, _ = Publication.objects.update_or_create(organisation=organisation, domain=domain,
                                                  defaults={"published": value})
    return row


class AssetFactory(DjangoModelFactory[Asset]):
    class Meta:
        model = Asset

    organisation = factory.SubFactory(OrganisationFactory)
    category = "laptop"
    inventory_number = factory.Sequence(lambda n: f"PC-{n:05d}")
    manufacturer = "Dell"
    model = "Latitude 5440"
    purchase_date = dt.date(2022, 3, 1)


class InventoryImportFactory(DjangoModelFactory[InventoryImport]):
    """An import record as the upload leaves it (the file itself is not written)."""

    class Meta:
        model = InventoryImport

    organisation = factory.SubFactory(OrganisationFactory)
    file_name = "export-glpi.csv"
    stored_path = factory.LazyAttribute(lambda i: f"imports/{i.organisation.slug}/{i.file_name}")
    sha256 = "0" * 64


class LifecycleEventFactory(DjangoModelFactory[LifecycleEvent]):
    class Meta:
        model = LifecycleEvent

    asset = factory.SubFactory(AssetFactory)
    kind = "repaired"
    date = dt.date(2024, 2, 1)


class DigitalServiceFactory(DjangoModelFactory[DigitalService]):
    class Meta:
        model = DigitalService

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Service en ligne {n}")
    kind = "website"
    audience = "public"
    url = "https://www.ville.example"
    hosting_country = "FR"


def member(organisation: Organisation, role: str = "viewer", username: str | None = None,
           **extra: Any) -> Any:
    """A user who is a member of `organisation` with `role`; returns the user."""
    user = UserFactory(**({"username": username} if username else {}), **extra)
    MembershipFactory(user=user, organisation=organisation, role=role)
    return user


def api_token(organisation: Organisation, role: str = "editor", name: str | None = None,
              actor: Any = None) -> tuple[ApiToken, str]:
    """An API token made through the accounts service (audited), by `actor` or else by a new
    admin of the organisation; returns (token, secret)."""
    actor = actor if actor is not None else member(organisation, "admin")
    return account_services.create_api_token(actor, organisation, name or role, role)


# --- added by batch 2


class ApiTokenFactory(DjangoModelFactory[ApiToken]):
    """A token row written directly, for tests that need a fixed primary key or hash; its
    secret is unknown (use `api_token` for a token to authenticate with)."""

    class Meta:
        model = ApiToken

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Jeton {n}")
    role = "viewer"
    prefix = "jal_test"
    key_hash = factory.LazyFunction(lambda: ApiToken.hash(ApiToken.new_secret()))

# --- added by batch 3


class BareAssetFactory(AssetFactory):
    """An asset with only the fields the test gives (no number, maker, model or purchase date):
    for tests whose figures depend on every field of the inventory (footprint, indicators)."""

    inventory_number = ""
    manufacturer = ""
    model = ""
    purchase_date = None
