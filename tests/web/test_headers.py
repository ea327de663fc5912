"""Security headers: HSTS only over TLS (directly or behind a trusted proxy), Permissions-Policy
on every response."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.test import override_settings

PROXY = ("HTTP_X_FORWARDED_PROTO", "https")
DENIED = ("camera", "microphone", "geolocation", "payment", "usb", "interest-cohort",
          "browsing-topics")


def _denies(policy: str) -> set[str]:
    return {part.strip().removesuffix("=()") for part in policy.split(",")
            if part.strip().endswith("=()")}


@pytest.mark.django_db
def test_hsts_over_tls(client):
    response = client.get("/", secure=True)
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


@pytest.mark.django_db
def test_no_hsts_over_plain_http(client):
    response = client.get("/")
    assert "Strict-Transport-Security" not in response.headers


@pytest.mark.django_db
@override_settings(SECURE_PROXY_SSL_HEADER=PROXY)
def test_hsts_behind_a_trusted_tls_proxy(client):
    assert "Strict-Transport-Security" in client.get("/", HTTP_X_FORWARDED_PROTO="https").headers
    assert "Strict-Transport-Security" not in client.get(
        "/", HTTP_X_FORWARDED_PROTO="http").headers


@pytest.mark.django_db
@override_settings(SECURE_PROXY_SSL_HEADER=None)
def test_proxy_header_ignored_without_a_trusted_proxy(client):
    response = client.get("/", HTTP_X_FORWARDED_PROTO="https")
    assert "Strict-Transport-Security" not in response.headers


@pytest.mark.django_db
@override_settings(SECURE_HSTS_INCLUDE_SUBDOMAINS=True, SECURE_HSTS_SECONDS=600)
def test_hsts_settings_are_honoured(client):
    response = client.get("/", secure=True)
    assert response.headers["Strict-Transport-Security"] == "max-age=600; includeSubDomains"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/this-page-does-not-exist/", "/accounts/login/",
                                  "/static/jalon/app.css"])
@pytest.mark.parametrize("secure", [False, True])
def test_permissions_policy_on_every_response(client, path, secure):
    response = client.get(path, secure=secure)
    response.close()  # a static file is streamed from an open file
    assert set(DENIED) <= _denies(response.headers["Permissions-Policy"])


@pytest.mark.django_db
def test_permissions_policy_on_a_post_refused_by_csrf(client):
    from django.test import Client
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "Permissions-Policy" in response.headers
    assert client  # the plain client fixture keeps the database set up


def test_trusted_proxies_env_var_turns_the_proxy_header_on(tmp_path):
    """JALON_TRUSTED_PROXIES is what sets SECURE_PROXY_SSL_HEADER (settings are read once)."""
    code = ("from django.conf import settings; import django; django.setup(); "
            "print(getattr(settings, 'SECURE_PROXY_SSL_HEADER', None), "
            "settings.SECURE_HSTS_SECONDS)")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "jalon.settings",
           "JALON_DATA_DIR": str(tmp_path), "JALON_SECRET_KEY": "x" * 50}
    env.pop("JALON_TRUSTED_PROXIES", None)
    plain = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                           text=True, check=True).stdout.strip()
    proxied = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             env={**env, "JALON_TRUSTED_PROXIES": "127.0.0.1",
                                  "JALON_HSTS_SECONDS": "0"}, check=True).stdout.strip()
    assert plain == "None 31536000"
    assert proxied == "('HTTP_X_FORWARDED_PROTO', 'https') 0"


@pytest.mark.browser
def test_chromium_recognises_every_feature_of_the_policy():
    """An unknown feature name makes Chromium log an error on every page: the policy names only
    features Debian's Chromium knows (served here by a bare loopback server)."""
    import concurrent.futures
    import http.server
    import threading
    from pathlib import Path

    from django.conf import settings

    chromium = Path(os.environ.get("JALON_CHROMIUM", "/usr/bin/chromium"))
    if not chromium.exists():
        pytest.skip("Chromium is not installed")
    from playwright.sync_api import sync_playwright

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Permissions-Policy", settings.PERMISSIONS_POLICY)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(b"<!doctype html><title>x</title><p>x</p>")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    messages: list[str] = []

    def visit() -> None:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(chromium))
            try:
                page = browser.new_page()
                page.on("console", lambda message: messages.append(message.text))
                page.goto(f"http://127.0.0.1:{server.server_port}/")
                page.wait_for_timeout(300)
            finally:
                browser.close()

    try:
        # In a thread of its own: the browser suite's Playwright keeps a loop running in the
        # test thread for the whole session (pytest-django runs those tests first).
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            pool.submit(visit).result()
    finally:
        server.shutdown()
        server.server_close()
    assert [m for m in messages if "Permissions-Policy" in m] == []
