"""Tenant isolation, without a hand-written list of URLs.

Every URL pattern of the project is enumerated from the resolver, and every operation of the API
from its OpenAPI document. A person who administers organisation B asks for organisation A's
pages, with ids of A's objects in the path; an API token of B asks for A's objects. Every answer
must be a 404 (or 403/405), and A's data must be unchanged. A new URL that forgets the tenancy
scope makes this test fail; a new integer path parameter must be added to TARGET_IDS.

A domain app joins the walk with tests/<app>/isolation.py, which defines TARGET_IDS (its integer
path parameters), optionally STRING_VALUES, seed(target, pk, secret) creating one object of the
target organisation per parameter with primary key `pk` and `secret` in its text, and
snapshot(organisation) -> dict of the organisation's rows that no foreign request may change.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from tests import factories
from tests.factories import (
    ApiTokenFactory,
    AssetFactory,
    DigitalServiceFactory,
    InventoryImportFactory,
    LifecycleEventFactory,
    MembershipFactory,
    OperatorFactory,
    OrganisationFactory,
    PublicationFactory,
    UserFactory,
)

from jalon.accounts.models import Invitation
from jalon.api.api import api
from jalon.catalogue.models import DigitalService
from jalon.inventory.models import Asset, InventoryImport, LifecycleEvent
from jalon.strategy.models import (
    Action,
    AnnualReport,
    Axis,
    Indicator,
    IndicatorDefinition,
    IndicatorValue,
    Objective,
    Strategy,
)
from jalon.tenancy.models import (
    ApiToken,
    AuditEvent,
    Membership,
    Organisation,
    Publication,
)

pytestmark = pytest.mark.django_db

ID = 4242  # every object of the target organisation has this primary key
SECRET = "ZZSECRET-OF-A"  # appears in the target organisation's data only
# Integer path parameters and the object of the target organisation they point to.
TARGET_IDS = {"asset_id", "import_id", "membership_id", "invitation_id", "token_id",
              "event_id", "pk", "id", "strategy_id", "axis_id", "objective_id", "action_id",
              "indicator_id", "value_id", "definition_id", "report_id", "service_id"}
# The domain apps' contributions (tests/<app>/isolation.py).
DOMAINS: list[ModuleType] = [
    importlib.import_module(f"tests.{path.parent.name}.isolation")
    for path in sorted(Path(__file__).resolve().parents[1].glob("*/isolation.py"))]
for _domain in DOMAINS:
    TARGET_IDS |= set(_domain.TARGET_IDS)
# Integer path parameters that are not object ids.
NUMBER_VALUES = {"year": 2025}
# Values for string path parameters other than org_slug.
STRING_VALUES = {"fmt": "csv", "format": "csv", "uidb64": "MQ", "token": "x" * 20}
for _domain in DOMAINS:
    STRING_VALUES.update(getattr(_domain, "STRING_VALUES", {}))
PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
ALLOWED_SIGNED_IN = {403, 404, 405}


def walk(patterns=None, prefix: str = "") -> Iterator[tuple[str, str]]:
    """(route, name) for every URL pattern of the project, however deep."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route, entry.name or ""


def concrete(route: str, slug: str) -> str:
    if route.startswith("^") or "(?P<" in route:
        pytest.fail(f"regex URL pattern not handled by the isolation test: {route}")

    def value(match: re.Match) -> str:
        converter, name = match.group("converter") or "str", match.group("name")
        if name == "org_slug":
            return slug
        if converter == "int" and name in NUMBER_VALUES:
            return str(NUMBER_VALUES[name])
        if converter == "int":
            if name not in TARGET_IDS:
                pytest.fail(f"{route}: integer parameter {name!r} has no target object; add "
                            "one of the target organisation with pk=ID and list it here")
            return str(ID)
        return STRING_VALUES.get(name, "x")

    return "/" + PARAM.sub(value, route)


@pytest.fixture
def world():
    operator = OperatorFactory(name="GIP", slug="gip")
    target = OrganisationFactory(operator=operator, name=f"Ville {SECRET}", slug="cible",
                                 kind="commune", siren="213300015")
    attacker_org = OrganisationFactory(operator=operator, name="Ville B", slug="autre",
                                       kind="commune")
    victim = UserFactory(username="victime", email="victime@a.fr", password="x")
    MembershipFactory(pk=ID, user=victim, organisation=target, role="admin")
    attacker = UserFactory(username="attaquant", email="attaquant@b.fr", password="x")
    MembershipFactory(user=attacker, organisation=attacker_org, role="admin")
    source = InventoryImportFactory(pk=ID, organisation=target, file_name=f"{SECRET}.csv",
                                    stored_path="/nonexistent", sha256="0" * 64,
                                    status="preview", counts={"used": 1})
    asset = AssetFactory(pk=ID, organisation=target, category="laptop",
                         inventory_number=SECRET, source_import=source)
    LifecycleEventFactory(pk=ID, asset=asset, kind="repaired", date=dt.date(2025, 1, 1))
    Invitation.objects.create(pk=ID, organisation=target, email="invite@a.fr", role="viewer",
                              token_hash="0" * 64,
                              expires_at=timezone.now() + dt.timedelta(days=7))
    ApiTokenFactory(pk=ID, organisation=target, name=SECRET, role="admin",
                    prefix="jal_target", key_hash="1" * 64)
    strategy = Strategy.objects.create(pk=ID, organisation=target, title=SECRET,
                                       period_start=2024, period_end=2028)
    axis = Axis.objects.create(pk=ID, strategy=strategy, title=SECRET)
    objective = Objective.objects.create(pk=ID, axis=axis, title=SECRET)
    Action.objects.create(pk=ID, objective=objective, title=SECRET)
    definition = IndicatorDefinition.objects.create(pk=ID, key="secret", organisation=target,
                                                    name=SECRET, unit="%")
    indicator = Indicator.objects.create(pk=ID, strategy=strategy, objective=objective,
                                         definition=definition, target_kind="level",
                                         target_value=100, target_date=dt.date(2027, 12, 31))
    IndicatorValue.objects.create(pk=ID, indicator=indicator, date=dt.date(2025, 1, 1),
                                  value=42, comment=SECRET)
    AnnualReport.objects.create(pk=ID, strategy=strategy, year=2025, introduction=SECRET)
    DigitalServiceFactory(pk=ID, organisation=target, name=SECRET, kind="website",
                          audience="public", url="https://secret.example")
    for domain in DOMAINS:
        domain.seed(target, ID, SECRET)
    # The attacker's own organisation has data too, under other ids.
    AssetFactory(organisation=attacker_org, category="laptop", inventory_number="B-1")
    _token, attacker_secret = factories.api_token(attacker_org, "admin", name="b",
                                                  actor=attacker)
    return {"target": target, "attacker": attacker, "attacker_org": attacker_org,
            "attacker_secret": attacker_secret}


def snapshot(org: Organisation) -> dict:
    org.refresh_from_db()
    domains: dict = {}
    for domain in DOMAINS:
        domains.update(domain.snapshot(org))
    return {
        **domains,
        "organisation": (org.name, org.slug, org.siren, org.inventory_version),
        "publications": list(Publication.objects.filter(organisation=org)
                             .values("domain", "published")),
        "assets": list(Asset.objects.filter(organisation=org).values()),
        "imports": list(InventoryImport.objects.filter(organisation=org)
                        .values("pk", "status", "mode")),
        "events": LifecycleEvent.objects.filter(asset__organisation=org).count(),
        "members": list(Membership.objects.filter(organisation=org)
                        .values("user", "role", "capabilities")),
        "invitations": list(Invitation.objects.filter(organisation=org)
                            .values("pk", "revoked_at", "accepted_at")),
        "tokens": list(ApiToken.objects.filter(organisation=org)
                       .values("pk", "revoked_at", "capabilities")),
        "strategies": list(Strategy.objects.filter(organisation=org).values()),
        "axes": list(Axis.objects.filter(strategy__organisation=org).values()),
        "objectives": list(Objective.objects.filter(axis__strategy__organisation=org).values()),
        "actions": list(Action.objects.filter(objective__axis__strategy__organisation=org)
                        .values()),
        "indicators": list(Indicator.objects.filter(strategy__organisation=org).values()),
        "values": list(IndicatorValue.objects.filter(indicator__strategy__organisation=org)
                       .values()),
        "reports": list(AnnualReport.objects.filter(strategy__organisation=org).values()),
        "services": list(DigitalService.objects.filter(organisation=org).values()),
    }


def test_the_walk_finds_the_tenant_urls():
    routes = [route for route, _ in walk()]
    assert sum("<slug:org_slug>" in r for r in routes) >= 10
    assert any("settings/members/<int:membership_id>" in r for r in routes)


def test_every_organisation_url_is_404_for_members_of_other_organisations(world):
    target = world["target"]
    before = snapshot(target)
    client = Client()
    client.force_login(world["attacker"])
    tried, leaks = 0, []
    for route, name in walk():
        if "<slug:org_slug>" not in route and "<org_slug>" not in route:
            continue
        path = concrete(route, target.slug)
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            tried += 1
            if response.status_code not in ALLOWED_SIGNED_IN:
                leaks.append(f"{method.upper()} {path} ({name}) → {response.status_code}")
            elif SECRET.encode() in response.content:
                leaks.append(f"{method.upper()} {path} ({name}) shows the target's data")
    assert not leaks, "Tenant data reachable from another organisation:\n" + "\n".join(leaks)
    assert tried >= 20
    assert snapshot(target) == before


def test_every_organisation_url_needs_a_sign_in(world):
    target = world["target"]
    before = snapshot(target)
    client = Client()
    login = reverse("accounts:login")
    leaks = []
    for route, name in walk():
        if "org_slug>" not in route:
            continue
        path = concrete(route, target.slug)
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            redirected_to_login = (response.status_code == 302
                                   and response["Location"].startswith(login))
            if not (redirected_to_login or response.status_code in (403, 404, 405)):
                leaks.append(f"{method.upper()} {path} ({name}) → {response.status_code}")
    assert not leaks, "Reachable without signing in:\n" + "\n".join(leaks)
    assert snapshot(target) == before


def test_pages_without_an_organisation_show_no_tenant_data(world):
    """Home, accounts, operator, API pages: nothing of organisation A for a member of B or an
    anonymous visitor (the target's footprint is not published)."""
    signed_in = Client()
    signed_in.force_login(world["attacker"])
    leaks = []
    for route, name in walk():
        if "org_slug>" in route:
            continue
        path = concrete(route, "cible")
        for label, client in (("member of B", signed_in), ("anonymous", Client())):
            response = client.get(path)
            if response.status_code == 200 and SECRET.encode() in response.content:
                leaks.append(f"GET {path} ({name}) as {label}")
    assert not leaks, "Tenant data on pages without an organisation:\n" + "\n".join(leaks)


def test_home_lists_own_organisations_and_published_ones_only(world, client):
    client.force_login(world["attacker"])
    body = client.get("/").content.decode()
    assert "Ville B" in body and SECRET not in body
    PublicationFactory(organisation=world["target"], domain="footprint", published=True)
    assert SECRET in client.get("/").content.decode()  # now listed as a published footprint
    response = Client().get(reverse("public:footprint", args=["cible"]))
    assert response.status_code == 200


def test_every_api_operation_is_scoped_to_the_token(world):
    target = world["target"]
    before = snapshot(target)
    headers = {"Authorization": f"Bearer {world['attacker_secret']}"}
    client = Client()
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    tried, leaks = 0, []
    for template, operations in schema["paths"].items():
        has_params = "{" in template
        path = re.sub(r"\{[^}]+\}", str(ID), template)
        for method in operations:
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            tried += 1
            kwargs = {"headers": headers}
            if method != "get":
                kwargs.update(data=json.dumps({}), content_type="application/json")
            response = getattr(client, method)(path, **kwargs)
            if has_params and response.status_code not in (401, 403, 404):
                leaks.append(f"{method.upper()} {path} → {response.status_code}")
            if SECRET.encode() in response.content:
                leaks.append(f"{method.upper()} {path} returned the target's data")
            # And without a token, nothing at all.
            anonymous = getattr(Client(), method)(path, **{k: v for k, v in kwargs.items()
                                                          if k != "headers"})
            if anonymous.status_code != 401:
                leaks.append(f"{method.upper()} {path} without a token → "
                             f"{anonymous.status_code}")
    assert not leaks, "API operations not scoped to the token:\n" + "\n".join(leaks)
    assert tried >= 10
    assert snapshot(target) == before
    assert not AuditEvent.objects.filter(organisation=target).exists()
