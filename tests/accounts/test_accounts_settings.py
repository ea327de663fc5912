"""Organisation settings (members, invitations, API tokens, audit, profile) and operator pages."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse
from tests.factories import (
    OperatorAdminFactory,
    OperatorFactory,
    OrganisationFactory,
    UserFactory,
    member,
)

from jalon.accounts.models import Invitation
from jalon.accounts.org_views import AUDIT_PAGE_SIZE
from jalon.tenancy.models import (
    ApiToken,
    AuditEvent,
    Membership,
    Operator,
    Organisation,
    Role,
)

PASSWORD = "correct horse battery staple"
pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return OrganisationFactory(slug="ville-a", name="Organisation ville-a",
                               operator=OperatorFactory(slug="gip", name="GIP"))


@pytest.fixture
def admin(client, org):
    user = member(org, Role.ADMIN, username="admin", email="admin@example.org",
                  password=PASSWORD)
    client.force_login(user)
    return user


def url(name: str, org: Organisation, *args) -> str:
    return reverse(f"orgadmin:{name}", args=[org.slug, *args])


@pytest.mark.parametrize("name", ["settings", "members", "invitations", "tokens", "audit"])
def test_settings_pages_are_for_admins_only(client, org, name):
    assert client.get(url(name, org)).status_code == 302  # anonymous: to the sign-in page
    client.force_login(member(org, Role.EDITOR, username="editor", email="editor@example.org"))
    assert client.get(url(name, org)).status_code == 403
    client.force_login(member(org, Role.ADMIN, username="boss", email="boss@example.org"))
    response = client.get(url(name, org))
    assert response.status_code == 200
    assert response.content.decode().count("<h1") == 1


def test_operator_admins_are_admins_of_their_organisations(client, org):
    user = UserFactory(username="op", email="op@example.org")
    OperatorAdminFactory(user=user, operator=org.operator)
    client.force_login(user)
    assert client.get(url("members", org)).status_code == 200


def test_profile_update_is_validated_and_audited(client, org, admin):
    data = {"name": "Ville A", "kind": "commune", "siren": "123", "insee_code": "",
            "population": "", "agents": ""}
    response = client.post(url("settings", org), data)
    assert response.status_code == 400
    assert "id_siren_error" in response.content.decode()
    data.update(siren="213 300 015", insee_code="33063", population="250000", agents="5000")
    assert client.post(url("settings", org), data).status_code == 302
    org.refresh_from_db()
    assert (org.name, org.siren, org.insee_code, org.population) == (
        "Ville A", "213300015", "33063", 250000)
    event = AuditEvent.objects.get(action="organisation.updated")
    assert event.actor == admin and "siren" in event.details["changes"]


def test_change_role_and_remove_member(client, org, admin):
    other = member(org, Role.VIEWER, username="other", email="other@example.org")
    membership = Membership.objects.get(user=other)
    response = client.post(url("member_role", org, membership.pk), {"role": "editor"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == "editor"
    assert client.post(url("member_remove", org, membership.pk)).status_code == 302
    assert not Membership.objects.filter(user=other).exists()
    actions = list(AuditEvent.objects.filter(organisation=org).values_list("action", flat=True))
    assert "membership.role_changed" in actions and "membership.removed" in actions
    assert client.get(url("member_role", org, membership.pk)).status_code == 405


def test_the_last_admin_cannot_leave_or_be_demoted(client, org, admin):
    mine = Membership.objects.get(user=admin)
    client.post(url("member_role", org, mine.pk), {"role": "viewer"})
    client.post(url("member_remove", org, mine.pk))
    mine.refresh_from_db()
    assert mine.role == "admin"
    response = client.get(url("members", org))
    assert "au moins un administrateur" in response.content.decode()
    # With a second admin, one may leave.
    member(org, Role.ADMIN, username="second", email="second@example.org")
    assert client.post(url("member_remove", org, mine.pk)).status_code == 302
    assert not Membership.objects.filter(pk=mine.pk).exists()


def test_members_of_another_organisation_cannot_be_touched(client, org, admin):
    elsewhere = OrganisationFactory(slug="ville-b", name="Organisation ville-b")
    victim = member(elsewhere, Role.ADMIN, username="victim", email="victim@example.org")
    membership = Membership.objects.get(user=victim)
    assert client.post(url("member_role", org, membership.pk),
                       {"role": "viewer"}).status_code == 404
    assert client.post(url("member_remove", org, membership.pk)).status_code == 404
    membership.refresh_from_db()
    assert membership.role == "admin"


def test_invitations_list_and_revoke(client, org, admin):
    response = client.post(url("invitations", org), {"email": "pas-une-adresse", "role": "viewer"})
    assert response.status_code == 400
    client.post(url("invitations", org), {"email": "x@ville.fr", "role": "viewer"})
    assert len(mail.outbox) == 1 and "/accounts/invitation/" in mail.outbox[0].body
    invitation = Invitation.objects.get()
    assert "x@ville.fr" in client.get(url("invitations", org)).content.decode()
    assert client.post(url("invitation_revoke", org, invitation.pk)).status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert "x@ville.fr" not in client.get(url("invitations", org)).content.decode()
    assert AuditEvent.objects.filter(action="invitation.revoked").exists()


def test_inviting_an_existing_member_is_refused(client, org, admin):
    response = client.post(url("invitations", org), {"email": "admin@example.org",
                                                     "role": "viewer"})
    assert response.status_code == 400
    assert "déjà membre" in response.content.decode()


def test_api_token_secret_is_shown_once(client, org, admin):
    response = client.post(url("tokens", org), {"name": "GLPI", "role": "editor"})
    assert response.status_code == 200
    body = response.content.decode()
    secret = re.search(r'value="(jal_[\w-]+)"', body).group(1)
    assert "no-cache" in response.headers.get("Cache-Control", "")
    token = ApiToken.objects.get()
    assert token.key_hash == ApiToken.hash(secret) and secret.startswith(token.prefix)
    assert token.role == "editor" and token.created_by == admin
    listing = client.get(url("tokens", org)).content.decode()
    assert secret not in listing and token.prefix in listing and "GLPI" in listing
    assert client.post(url("token_revoke", org, token.pk)).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"api_token.created", "api_token.revoked"} <= actions


def test_audit_trail_is_paginated_and_scoped(client, org, admin):
    elsewhere = OrganisationFactory(slug="ville-b", name="Organisation ville-b")
    count = AUDIT_PAGE_SIZE + 10  # two pages
    for i in range(count):
        AuditEvent.objects.create(organisation=org, action=f"test.event{i}", actor=admin)
    AuditEvent.objects.create(organisation=elsewhere, action="secret.elsewhere")
    first = client.get(url("audit", org)).content.decode()
    assert f"test.event{count - 1}" in first and "secret.elsewhere" not in first
    assert "Page 1 sur 2" in first
    second = client.get(url("audit", org) + "?page=2").content.decode()
    assert "test.event0<" in second


# Operator ------------------------------------------------------------------------------------

def test_operator_pages_are_404_for_everybody_else(client, org, admin):
    assert client.get(reverse("operator:index")).status_code == 404
    assert client.get(reverse("operator:organisation_create")).status_code == 404
    assert client.post(reverse("operator:organisation_create"), {}).status_code == 404


def test_operator_admin_lists_and_creates_organisations(client, org):
    OrganisationFactory(slug="ailleurs", name="Organisation ailleurs",
                        operator=OperatorFactory(slug="autre", name="AUTRE"))
    user = UserFactory(username="op", email="op@example.org")
    OperatorAdminFactory(user=user, operator=org.operator)
    client.force_login(user)
    page = client.get(reverse("operator:index")).content.decode()
    assert org.name in page and "Organisation ailleurs" not in page
    form = client.get(reverse("operator:organisation_create"))
    assert form.status_code == 200
    response = client.post(reverse("operator:organisation_create"), {
        "operator": org.operator.pk, "name": "Commune de Lisière", "slug": "lisiere",
        "kind": "commune", "siren": "213300015", "insee_code": "33063", "population": "1200",
        "agents": "15", "admin_email": "maire@lisiere.fr"})
    assert response.status_code == 302, response.content.decode()[:3000]
    created = Organisation.objects.get(slug="lisiere")
    assert created.operator == org.operator and created.agents == 15
    invitation = Invitation.objects.get(organisation=created)
    assert invitation.role == "admin" and invitation.email == "maire@lisiere.fr"
    assert mail.outbox[-1].to == ["maire@lisiere.fr"]
    assert AuditEvent.objects.filter(organisation=created, action="organisation.created").exists()
    # An operator not administered cannot be chosen.
    other = Operator.objects.get(slug="autre")
    response = client.post(reverse("operator:organisation_create"), {
        "operator": other.pk, "name": "X", "slug": "x", "kind": "commune"})
    assert response.status_code == 400
    assert not Organisation.objects.filter(slug="x").exists()
