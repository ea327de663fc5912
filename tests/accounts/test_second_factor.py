"""The second factor: enrolment with a server-drawn QR code, sign-in with a TOTP or a backup
code, an organisation requiring it of its administrators."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from tests.factories import OrganisationFactory, member

from jalon.tenancy.models import AuditEvent, Role

PASSWORD = "correct horse battery staple"
pytestmark = pytest.mark.django_db


def now_code(device: TOTPDevice, ahead: int = 0) -> str:
    """The code the application shows (`ahead` steps later: a code is used once, and the
    device accepts the next step)."""
    drift = device.drift + ahead
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, drift):06d}"


def login(client: Client, username: str, password: str = PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def enrol(client: Client, user) -> list[str]:
    page = client.get(reverse("accounts:security"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "<svg" in body and "<script" not in body and "otpauth" not in body.split("<svg")[0]
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    device.throttle_reset()  # django-otp delays the attempt after a failure
    response = client.post(reverse("accounts:security"),
                           {"action": "enrol", "code": now_code(device)})
    assert response.status_code == 200
    return re.findall(r"<li><code>(\w+)</code></li>", response.content.decode())


@pytest.fixture
def org():
    return OrganisationFactory(slug="ville-a")


def test_enrol_then_sign_in_with_a_code_or_a_backup_code(org):
    user = member(org, Role.EDITOR, username="alice", email="alice@example.org",
                  password=PASSWORD)
    client = Client()
    client.force_login(user)
    wrong = client.post(reverse("accounts:security"), {"action": "enrol", "code": "000000"})
    assert wrong.status_code == 400
    codes = enrol(client, user)
    assert len(codes) == 10
    device = TOTPDevice.objects.get(user=user, confirmed=True)

    browser = Client()
    response = login(browser, "alice")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:otp_verify")
    assert "_auth_user_id" not in browser.session  # not signed in on the password alone
    assert "jalon_device" not in browser.cookies  # a known device only once fully signed in
    assert browser.get(reverse("accounts:otp_verify")).status_code == 200
    assert browser.post(reverse("accounts:otp_verify"), {"code": "123456"}).status_code == 400
    assert AuditEvent.objects.filter(action="account.otp_failed", target="alice").exists()
    device.refresh_from_db()
    device.throttle_reset()
    response = browser.post(reverse("accounts:otp_verify"), {"code": now_code(device, 1)})
    assert response.status_code == 302
    assert "_auth_user_id" in browser.session
    assert "jalon_device" in browser.cookies

    backup = Client()
    login(backup, "alice")
    assert backup.post(reverse("accounts:otp_verify"), {"code": codes[0]}).status_code == 302
    again = Client()
    login(again, "alice")
    assert again.post(reverse("accounts:otp_verify"), {"code": codes[0]}).status_code == 400
    assert AuditEvent.objects.filter(action="account.otp_enabled", organisation=org).exists()


def test_the_code_page_needs_a_password_first():
    response = Client().get(reverse("accounts:otp_verify"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")


def test_an_organisation_requires_it_of_its_administrators(org):
    admin = member(org, Role.ADMIN, username="boss", email="boss@example.org", password=PASSWORD)
    editor = member(org, Role.EDITOR, username="ed", email="ed@example.org", password=PASSWORD)
    client = Client()
    client.force_login(admin)
    response = client.post(reverse("orgadmin:settings", args=[org.slug]), {
        "name": org.name, "kind": org.kind, "require_admin_otp": "on"})
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.require_admin_otp
    # The administrator is now sent to enrol, whatever page they ask for.
    page = client.get(reverse("orgadmin:members", args=[org.slug]))
    assert page.status_code == 302 and page["Location"].startswith(reverse("accounts:security"))
    assert "exige la double authentification" in client.get(
        reverse("accounts:security")).content.decode()
    enrol(client, admin)
    assert client.get(reverse("orgadmin:members", args=[org.slug])).status_code == 200
    # Cannot remove it while required.
    device = TOTPDevice.objects.get(user=admin)
    refused = client.post(reverse("accounts:security"),
                          {"action": "remove", "code": now_code(device, 1)})
    assert refused.status_code == 400 and TOTPDevice.objects.filter(user=admin).exists()
    # An editor is not concerned.
    other = Client()
    assert login(other, "ed").status_code == 302
    assert other.get(reverse("home")).status_code == 200
    # The administrator signing in again gives a code before anything else.
    fresh = Client()
    assert login(fresh, "boss")["Location"] == reverse("accounts:otp_verify")
    del editor
