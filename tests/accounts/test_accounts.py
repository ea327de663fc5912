"""Accounts: sign-in (throttled, CSRF, cookies, CSP), sign-out, password reset, invitations."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from tests.factories import OrganisationFactory, UserFactory, member

from jalon.accounts import services
from jalon.accounts.models import Invitation, LoginAttempt
from jalon.tenancy.models import AuditEvent, Membership, Organisation, Role

PASSWORD = "correct horse battery staple"
pytestmark = pytest.mark.django_db


def login(client: Client, username: str, password: str = PASSWORD, **extra):
    return client.post(reverse("accounts:login"), {"username": username, "password": password},
                       **extra)


# Security settings ----------------------------------------------------------------------------

def test_argon2_is_the_first_hasher_in_production_settings():
    import jalon.settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_session_and_csrf_cookies_are_secure():
    assert settings.SESSION_COOKIE_SECURE is True
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SESSION_COOKIE_SAMESITE in ("Lax", "Strict")
    assert settings.CSRF_COOKIE_SECURE is True


def test_session_cookie_flags_on_sign_in(client):
    UserFactory(username="alice", email="alice@example.org", password=PASSWORD)
    response = login(client, "alice")
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


@pytest.mark.parametrize("name", ["accounts:login", "accounts:password_reset", "home",
                                  "api:index"])
def test_pages_have_a_content_security_policy(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy


def test_csrf_is_enforced_on_sign_in():
    UserFactory(username="alice", email="alice@example.org", password=PASSWORD)
    client = Client(enforce_csrf_checks=True)
    response = login(client, "alice")
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_sign_in_with_csrf_token_works():
    UserFactory(username="alice", email="alice@example.org", password=PASSWORD)
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("accounts:login"))
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(reverse("accounts:login"),
                           {"username": "alice", "password": PASSWORD,
                            "csrfmiddlewaretoken": token})
    assert response.status_code == 302


# Sign-in and sign-out ------------------------------------------------------------------------

def test_sign_in_and_out_are_audited(client):
    UserFactory(username="alice", email="alice@example.org", password=PASSWORD)
    assert login(client, "alice").status_code == 302
    assert AuditEvent.objects.filter(action="account.signed_in", target="alice").exists()
    assert client.get(reverse("accounts:logout")).status_code == 405  # POST only
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="account.signed_out", target="alice").exists()
    assert "_auth_user_id" not in client.session


def test_wrong_password_is_refused_with_an_accessible_error(client):
    UserFactory(username="alice", email="alice@example.org", password=PASSWORD)
    response = login(client, "alice", "nope")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'role="alert"' in body and 'aria-describedby="login_errors"' in body


@override_settings(LOGIN_ATTEMPTS=3, LOGIN_WINDOW_SECONDS=600)
def test_sign_in_is_throttled_per_username(client):
    UserFactory(username="alice", email="alice@example.org", password=PASSWORD)
    for _ in range(3):
        assert login(client, "alice", "wrong").status_code == 200
    response = login(client, "alice")  # even the right password is refused now
    assert response.status_code == 429
    assert "Réessayez dans 10 minutes" in response.content.decode()
    assert int(response.headers["Retry-After"]) <= 600
    assert "_auth_user_id" not in client.session
    # The same account typed otherwise from the same address is the same counter.
    assert login(client, "ALICE ").status_code == 429


@override_settings(LOGIN_ATTEMPTS=3, LOGIN_ADDRESS_ATTEMPTS=3, LOGIN_WINDOW_SECONDS=600)
def test_sign_in_is_throttled_per_address(client):
    UserFactory(username="bob", email="bob@example.org", password=PASSWORD)
    for name in ("x1", "x2", "x3"):
        login(client, name, "wrong")
    assert login(client, "bob").status_code == 429
    assert login(Client(REMOTE_ADDR="10.0.0.9"), "bob").status_code == 302


@override_settings(LOGIN_ATTEMPTS=3, LOGIN_ADDRESS_ATTEMPTS=3, LOGIN_WINDOW_SECONDS=600,
                   TRUSTED_PROXIES=["10.1.0.0/24"])
def test_behind_a_trusted_proxy_the_forwarded_client_is_throttled():
    """Every request comes from the proxy: throttling its address would lock everyone out."""
    UserFactory(username="bob", email="bob@example.org", password=PASSWORD)
    proxy = {"REMOTE_ADDR": "10.1.0.5"}
    attacker = Client(HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
    for name in ("x1", "x2", "x3"):
        login(attacker, name, "wrong")
    assert login(attacker, "bob").status_code == 429
    # Another client through the same proxy is not blocked...
    assert login(Client(HTTP_X_FORWARDED_FOR="198.51.100.4", **proxy), "bob").status_code == 302
    # ...and the attacker cannot escape by writing another address at the left of the header:
    # the proxy appends the real one at the right.
    forged = Client(HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.7", **proxy)
    assert login(forged, "bob").status_code == 429


@override_settings(LOGIN_ATTEMPTS=3, LOGIN_ADDRESS_ATTEMPTS=3, LOGIN_WINDOW_SECONDS=600,
                   TRUSTED_PROXIES=["10.1.0.5"])
def test_forwarded_header_from_an_untrusted_address_is_ignored(client):
    UserFactory(username="bob", email="bob@example.org", password=PASSWORD)
    forger = Client(REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.1")
    for name in ("x1", "x2", "x3"):
        login(forger, name, "wrong")
    rotated = Client(REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert login(rotated, "bob").status_code == 429


@override_settings(LOGIN_ATTEMPTS=3, LOGIN_WINDOW_SECONDS=600)
def test_old_failures_leave_the_window_and_success_clears_the_counter(client):
    UserFactory(username="alice", email="alice@example.org", password=PASSWORD)
    for _ in range(3):
        login(client, "alice", "wrong")
    LoginAttempt.objects.update(at=timezone.now() - dt.timedelta(seconds=601))
    assert login(client, "alice", "wrong").status_code == 200  # older failures forgotten
    assert login(client, "alice").status_code == 302
    assert not LoginAttempt.objects.filter(username="alice", kind="account_address").exists()


# Password reset ------------------------------------------------------------------------------

def test_password_reset_by_email(client):
    UserFactory(username="alice", email="alice@ville.fr", password=PASSWORD)
    response = client.post(reverse("accounts:password_reset"), {"email": "alice@ville.fr"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@ville.fr"]
    assert "mot de passe" in message.subject.lower()
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", message.body).group(1)
    response = client.get(link, follow=True)
    assert response.status_code == 200
    assert b"new_password1" in response.content
    new = "une toute autre phrase secrete"
    response = client.post(response.redirect_chain[-1][0],
                           {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="account.password_reset", target="alice").exists()
    assert login(Client(), "alice", new).status_code == 302


def test_password_reset_for_unknown_address_sends_nothing(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@ville.fr"})
    assert response.status_code == 302
    assert mail.outbox == []


# Invitations ---------------------------------------------------------------------------------

def _invite(client: Client, org: Organisation, email: str, role: str = "editor") -> str:
    response = client.post(reverse("orgadmin:invitations", args=[org.slug]),
                           {"email": email, "role": role})
    assert response.status_code == 302, response.content.decode()[:2000]
    body = mail.outbox[-1].body
    return re.search(r"https?://[^/]+(/accounts/invitation/[\w-]+/)", body).group(1)


def test_invitation_creates_an_account_and_a_membership(client):
    org = OrganisationFactory(slug="ville-a", name="Organisation ville-a")
    member(org, Role.ADMIN, username="admin", email="admin@example.org", password=PASSWORD)
    client.force_login(get_user_model().objects.get(username="admin"))
    link = _invite(client, org, "nouvelle@ville.fr", "editor")
    invitation = Invitation.objects.get()
    assert invitation.email == "nouvelle@ville.fr" and invitation.role == "editor"
    assert invitation.token_hash not in link  # only the hash is stored
    lifetime = invitation.expires_at - invitation.created_at
    assert abs(lifetime - dt.timedelta(days=7)) < dt.timedelta(seconds=5)

    guest = Client()
    page = guest.get(link)
    assert page.status_code == 200 and b"id_username" in page.content
    new = "mon mot de passe tres long"
    response = guest.post(link, {"username": "nouvelle", "first_name": "Anne",
                                 "last_name": "Nouvelle", "password1": new, "password2": new})
    assert response.status_code == 302
    user = get_user_model().objects.get(username="nouvelle")
    assert user.email == "nouvelle@ville.fr" and user.check_password(new)
    assert Membership.objects.get(user=user, organisation=org).role == "editor"
    actions = set(AuditEvent.objects.filter(organisation=org).values_list("action", flat=True))
    assert {"invitation.created", "account.created", "membership.created",
            "invitation.accepted"} <= actions
    # Single use.
    assert Client().get(link).status_code == 404


def test_registration_validates_passwords(client):
    org = OrganisationFactory(slug="ville-a", name="Organisation ville-a")
    _invitation, token = services.invite(None, org, "x@ville.fr", "viewer", "http://testserver/")
    link = reverse("accounts:invitation", args=[token])
    response = client.post(link, {"username": "x", "password1": "1234", "password2": "1234"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'aria-invalid="true"' in body and "id_password1_error" in body
    assert not get_user_model().objects.filter(username="x").exists()


def test_signed_in_person_accepts_an_invitation(client):
    org = OrganisationFactory(slug="ville-a", name="Organisation ville-a")
    user = UserFactory(username="bob", email="bob@example.org", password=PASSWORD)
    _invitation, token = services.invite(None, org, "bob@example.org", "viewer",
                                         "http://testserver/")
    client.force_login(user)
    link = reverse("accounts:invitation", args=[token])
    assert b"Accepter" in client.get(link).content
    assert client.post(link).status_code == 302
    assert Membership.objects.get(user=user, organisation=org).role == "viewer"


def test_expired_or_revoked_invitations_are_refused(client):
    org = OrganisationFactory(slug="ville-a", name="Organisation ville-a")
    expired, token1 = services.invite(None, org, "a@ville.fr", "viewer", "http://testserver/")
    Invitation.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1))
    revoked, token2 = services.invite(None, org, "b@ville.fr", "viewer", "http://testserver/")
    services.revoke_invitation(None, revoked)
    for token in (token1, token2, "not-a-token"):
        response = client.get(reverse("accounts:invitation", args=[token]))
        assert response.status_code == 404
        assert b"Invitation non valide" in response.content
    assert not Membership.objects.exists()
