"""Tokens, audit trail and second factor in Chromium: the tokens page with a lifetime and a
new secret, the audit trail with its export link, the second-factor enrolment (server-drawn
QR code) and the code page at sign-in, every page audited (harness.py) at 360 and 1280 px."""

from __future__ import annotations

from typing import Any

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from tests.browser.harness import assert_audits_clean

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AGGLO = "val-de-lisiere"


def code(device: TOTPDevice, ahead: int = 0) -> str:
    drift = device.drift + ahead
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, drift):06d}"


def test_an_administrator_secures_the_organisation(open_browser: Any,
                                                   demo_world: dict[str, Any]) -> None:
    session = open_browser("admin")
    session.sign_in("admin", demo_world["password"])
    page = session.page

    assert session.goto(f"/o/{AGGLO}/settings/tokens/") == 200
    session.audit("API tokens")
    page.get_by_label("Nom du jeton").fill("Export GLPI nocturne")
    page.get_by_label("Durée de validité").select_option("30")
    with page.expect_navigation():
        page.get_by_role("button", name="Créer le jeton").click()
    session.audit("API tokens with a new secret")
    assert "Expire le" in page.locator("main").inner_text()

    assert session.goto(f"/o/{AGGLO}/settings/audit/") == 200
    session.audit("audit trail")
    assert "api_token.created" in page.locator("main").inner_text()

    assert session.goto("/accounts/security/") == 200
    session.audit("second factor enrolment")
    assert page.locator("main svg").count() == 1
    device = TOTPDevice.objects.get(user__username="admin", confirmed=False)
    page.get_by_label("Code", exact=True).fill(code(device))
    with page.expect_navigation():
        page.get_by_role("button", name="Activer la double authentification").click()
    session.audit("second factor with backup codes")
    assert "Vos codes de secours" in page.locator("main").inner_text()

    session.sign_out()
    session.sign_in("admin", demo_world["password"])
    assert page.url.endswith("/accounts/login/code/")
    session.last_status = 200
    session.audit("second factor code at sign-in")
    page.get_by_label("Code", exact=True).fill(code(device, 1))
    with page.expect_navigation():
        page.get_by_role("button", name="Vérifier").click()
    assert "/accounts/login" not in page.url
    session.goto("/")
    session.sign_out()
    assert_audits_clean(session.audits)
