"""Capabilities per member and per API token: what each may do, decided by tenancy.scope."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from tests.factories import (
    AssetFactory,
    MembershipFactory,
    OperatorAdminFactory,
    OperatorFactory,
    OrganisationFactory,
    UserFactory,
)

from jalon.accounts import services as account_services
from jalon.inventory.models import Asset, InventoryImport
from jalon.tenancy.capabilities import ROLE_CAPABILITIES, Capability, preset_values
from jalon.tenancy.models import (
    ApiToken,
    AuditEvent,
    Membership,
    Organisation,
    Role,
)

pytestmark = pytest.mark.django_db
CANONICAL = Path(__file__).resolve().parents[1] / "fixtures" / "canonical.csv"


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path / "uploads"


@pytest.fixture
def org():
    return OrganisationFactory(operator=OperatorFactory(name="GIP", slug="gip"), name="Agglo",
                               slug="agglo", kind="epci")


def member(org: Organisation, username: str, role: str = Role.VIEWER,
           capabilities: list[Capability] | None = None):
    user = UserFactory(username=username, email=f"{username}@agglo.fr")
    MembershipFactory(user=user, organisation=org, role=role,
                      capabilities=None if capabilities is None
                      else [c.value for c in capabilities])
    return user


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# Roles are presets ---------------------------------------------------------------------------

def test_a_membership_created_with_a_role_holds_its_preset(org):
    member(org, "lecteur", Role.VIEWER)
    member(org, "redacteur", Role.EDITOR)
    member(org, "chef", Role.ADMIN)
    stored = dict(Membership.objects.values_list("user__username", "capabilities"))
    assert stored["lecteur"] == ["read"]
    assert "inventory.edit" in stored["redacteur"] and "organisation.admin" not in stored[
        "redacteur"]
    assert set(stored["chef"]) == set(Capability.values)


def test_the_migration_maps_the_old_roles():
    migration = importlib.import_module("jalon.tenancy.migrations.0003_capabilities")
    assert migration.capabilities_for_role("viewer") == ["read"]
    editor = migration.capabilities_for_role("editor")
    assert editor[0] == "read" and "inventory.edit" in editor and "strategy.edit" in editor
    assert "organisation.admin" not in editor and "publishing.manage" not in editor
    assert sorted(migration.capabilities_for_role("admin")) == sorted(Capability.values)
    assert migration.capabilities_for_role("unknown") == []
    # The frozen mapping is the presets of today.
    for role in Role:
        assert sorted(migration.capabilities_for_role(role.value)) == sorted(
            c.value for c in ROLE_CAPABILITIES[role])
        assert sorted(preset_values(role)) == sorted(migration.capabilities_for_role(role))


# Pages ---------------------------------------------------------------------------------------

def test_a_dpo_without_read_does_not_see_the_inventory_nor_the_footprint(org):
    dpo = signed_in(member(org, "dpo", capabilities=[Capability.MANAGE_PERSONAL_DATA]))
    for name in ("inventory:assets", "inventory:imports", "footprint:dashboard",
                 "footprint:footprint", "footprint:scenario", "strategy:index"):
        assert dpo.get(reverse(name, args=[org.slug])).status_code == 403, name
    # The organisation is theirs all the same (a 403, not a 404), and another one is a 404.
    other = OrganisationFactory(operator=org.operator, name="B", slug="b", kind="epci")
    assert dpo.get(reverse("inventory:assets", args=[other.slug])).status_code == 404


def test_the_home_page_offers_a_dpo_no_dashboard_but_their_capabilities(org):
    body = signed_in(member(org, "dpo", capabilities=[Capability.MANAGE_PERSONAL_DATA])).get(
        "/").content.decode()
    assert "Agglo" in body and reverse("footprint:dashboard", args=[org.slug]) not in body
    assert "Gérer les données personnelles" in body
    reader = signed_in(member(org, "lecteur")).get("/").content.decode()
    assert reverse("footprint:dashboard", args=[org.slug]) in reader


def test_inventory_editor_can_import_but_not_edit_the_strategy(org):
    importer = signed_in(member(org, "importer", capabilities=[
        Capability.READ, Capability.EDIT_INVENTORY]))
    page = importer.get(reverse("inventory:imports", args=[org.slug]))
    assert page.status_code == 200 and 'type="file"' in page.content.decode()
    response = importer.post(reverse("inventory:imports", args=[org.slug]),
                             {"file": SimpleUploadedFile("canonical.csv",
                                                         CANONICAL.read_bytes())})
    assert response.status_code == 302
    assert InventoryImport.objects.filter(organisation=org).count() == 1
    # The strategy: readable, not editable (no edit links, writes refused).
    index = importer.get(reverse("strategy:index", args=[org.slug]))
    assert index.status_code == 200
    assert importer.get(reverse("strategy:edit", args=[org.slug])).status_code == 403
    assert importer.post(reverse("strategy:create", args=[org.slug])).status_code == 403
    assert importer.post(reverse("report:edit", args=[org.slug, 2025])).status_code == 403
    # The settings are for ADMINISTER only, and the navigation does not offer them.
    assert importer.get(reverse("orgadmin:members", args=[org.slug])).status_code == 403
    assert "/settings/" not in index.content.decode()


def test_a_reader_sees_no_edit_actions(org):
    reader = signed_in(member(org, "lecteur", Role.VIEWER))
    body = reader.get(reverse("inventory:imports", args=[org.slug])).content.decode()
    assert 'type="file"' not in body
    response = reader.post(reverse("inventory:imports", args=[org.slug]),
                           {"file": SimpleUploadedFile("a.csv", CANONICAL.read_bytes())})
    assert response.status_code == 403


def test_publishing_needs_the_publish_capability(org):
    AssetFactory(organisation=org)  # a footprint to publish (an empty one has nothing to)
    editor = signed_in(member(org, "redacteur", Role.EDITOR))
    page = editor.get(reverse("footprint:footprint", args=[org.slug])).content.decode()
    assert reverse("footprint:publish", args=[org.slug]) not in page
    assert editor.post(reverse("footprint:publish", args=[org.slug]),
                       {"public": "1"}).status_code == 403
    publisher = signed_in(member(org, "comm", capabilities=[Capability.READ,
                                                            Capability.PUBLISH]))
    page = publisher.get(reverse("footprint:footprint", args=[org.slug])).content.decode()
    assert reverse("footprint:publish", args=[org.slug]) in page


def test_operator_administrators_hold_every_capability(org):
    user = UserFactory(username="op")
    OperatorAdminFactory(user=user, operator=org.operator)
    client = signed_in(user)
    assert client.get(reverse("orgadmin:members", args=[org.slug])).status_code == 200
    assert client.get(reverse("strategy:edit", args=[org.slug])).status_code != 403


def test_every_organisation_view_declares_its_capability():
    def walk(patterns, prefix=""):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, route)
            elif isinstance(entry, URLPattern):
                yield route, entry

    scoped = [(route, p) for route, p in walk(get_resolver().url_patterns)
              if route.startswith("o/") and "org_slug>" in route]
    assert len(scoped) >= 20
    for route, pattern in scoped:
        assert isinstance(getattr(pattern.callback, "jalon_capability", None),
                          Capability), route


# Settings: members ---------------------------------------------------------------------------

@pytest.fixture
def admin(org):
    return member(org, "chef", Role.ADMIN)


def test_an_admin_grants_and_removes_capabilities_and_it_is_audited(org, admin):
    client = signed_in(admin)
    dpo = member(org, "dpo", Role.VIEWER)
    membership = Membership.objects.get(user=dpo)
    page = client.get(reverse("orgadmin:member", args=[org.slug, membership.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "<fieldset" in body and "<legend" in body
    assert 'for="id_cap_personal_data_manage"' in body
    assert "Gérer les données personnelles" in body
    response = client.post(reverse("orgadmin:member", args=[org.slug, membership.pk]),
                           {"role": "viewer", "capabilities": ["personal_data.manage"]})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.capabilities == ["personal_data.manage"]
    event = AuditEvent.objects.get(action="membership.capabilities_changed")
    assert event.actor == admin and event.target == "dpo"
    assert event.details["granted"] == ["personal_data.manage"]
    assert event.details["removed"] == ["read"]
    # The list shows each member's capabilities, and that they differ from the preset.
    listing = client.get(reverse("orgadmin:members", args=[org.slug])).content.decode()
    assert "Gérer les données personnelles" in listing and "personnalisées" in listing
    # The DPO now gets 403 on the inventory.
    assert signed_in(dpo).get(reverse("inventory:assets", args=[org.slug])).status_code == 403
    # Applying a role gives exactly its preset again (audited too).
    client.post(reverse("orgadmin:member_role", args=[org.slug, membership.pk]),
                {"role": "editor"})
    membership.refresh_from_db()
    assert membership.role == "editor" and membership.capabilities == preset_values("editor")
    assert AuditEvent.objects.filter(action="membership.role_changed").exists()


def test_unknown_capabilities_are_refused(org, admin):
    client = signed_in(admin)
    membership = Membership.objects.get(user=member(org, "x", Role.VIEWER))
    response = client.post(reverse("orgadmin:member", args=[org.slug, membership.pk]),
                           {"role": "viewer", "capabilities": ["everything"]})
    assert response.status_code == 400
    membership.refresh_from_db()
    assert membership.capabilities == ["read"]


def test_the_last_administer_cannot_be_removed(org, admin):
    client = signed_in(admin)
    mine = Membership.objects.get(user=admin)
    response = client.post(reverse("orgadmin:member", args=[org.slug, mine.pk]),
                           {"role": "admin", "capabilities": ["read", "inventory.edit"]})
    assert response.status_code == 400
    assert "au moins un administrateur" in response.content.decode()
    mine.refresh_from_db()
    assert "organisation.admin" in mine.capabilities
    assert not AuditEvent.objects.filter(action="membership.capabilities_changed").exists()
    # Another member holding ADMINISTER (whatever their role label) lets it go.
    member(org, "second", Role.VIEWER, [Capability.READ, Capability.ADMINISTER])
    response = client.post(reverse("orgadmin:member", args=[org.slug, mine.pk]),
                           {"role": "editor", "capabilities": ["read", "inventory.edit"]})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.capabilities == ["read", "inventory.edit"]


def test_another_organisations_member_cannot_be_edited(org, admin):
    other = OrganisationFactory(operator=org.operator, name="B", slug="b", kind="epci")
    victim = Membership.objects.get(user=member(other, "victim", Role.ADMIN))
    client = signed_in(admin)
    url = reverse("orgadmin:member", args=[org.slug, victim.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"role": "viewer", "capabilities": ["read"]}).status_code == 404
    victim.refresh_from_db()
    assert "organisation.admin" in victim.capabilities


# Settings and API: tokens --------------------------------------------------------------------

def test_token_capabilities_are_chosen_at_creation(org, admin):
    client = signed_in(admin)
    page = client.get(reverse("orgadmin:tokens", args=[org.slug])).content.decode()
    assert 'name="capabilities"' in page and "<legend" in page
    client.post(reverse("orgadmin:tokens", args=[org.slug]), {"name": "preset", "role": "editor"})
    client.post(reverse("orgadmin:tokens", args=[org.slug]),
                {"name": "chosen", "role": "editor", "capabilities": ["read"]})
    tokens = dict(ApiToken.objects.values_list("name", "capabilities"))
    assert tokens["preset"] == preset_values("editor")
    assert tokens["chosen"] == ["read"]
    event = AuditEvent.objects.filter(action="api_token.created", target="chosen").get()
    assert event.details["capabilities"] == ["read"]


def test_a_read_only_token_cannot_write(org, admin):
    _token, secret = account_services.create_api_token(admin, org, "lecture", "editor",
                                                       {Capability.READ})
    headers = {"Authorization": f"Bearer {secret}"}
    client = Client()
    assert client.get("/api/v1/assets", headers=headers).status_code == 200
    me = client.get("/api/v1/organisation", headers=headers).json()
    assert me["token"]["capabilities"] == ["read"]
    response = client.post("/api/v1/assets", json.dumps({"category": "laptop"}),
                           content_type="application/json", headers=headers)
    assert response.status_code == 403
    assert "inventory.edit" in response.json()["detail"]
    assert client.post("/api/v1/imports", {"file": SimpleUploadedFile(
        "a.csv", CANONICAL.read_bytes())}, headers=headers).status_code == 403
    assert not Asset.objects.filter(organisation=org).exists()


def test_a_token_without_read_cannot_read(org, admin):
    _token, secret = account_services.create_api_token(admin, org, "import", "editor",
                                                       {Capability.EDIT_INVENTORY})
    headers = {"Authorization": f"Bearer {secret}"}
    client = Client()
    assert client.get("/api/v1/assets", headers=headers).status_code == 403
    assert client.get("/api/v1/footprint", headers=headers).status_code == 403
    assert client.get("/api/v1/strategies", headers=headers).status_code == 403
    response = client.post("/api/v1/assets", json.dumps({"category": "laptop"}),
                           content_type="application/json", headers=headers)
    assert response.status_code == 201


# Demo ----------------------------------------------------------------------------------------

def test_the_demo_has_a_dpo_who_manages_personal_data_only(tmp_path):
    from jalon import demo_site

    demo_site.seed(data_dir=tmp_path, agglomeration_paths=[CANONICAL], strategies=False)
    dpo = Membership.objects.get(user__username="dpo")
    assert dpo.capabilities == ["personal_data.manage"]
    assert "dpo" in {person.username for person in demo_site.DEMO_USERS}
    client = Client()
    assert client.login(username="dpo", password=demo_site.DEMO_PASSWORD)
    assert client.get(reverse("inventory:assets",
                              args=[dpo.organisation.slug])).status_code == 403
