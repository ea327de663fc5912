"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's
live server. Tasks run inline (tests/settings.py). Never downloads a browser: without
/usr/bin/chromium (`make install` installs it when root) these tests are skipped.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from tests.browser import harness

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run
# in a thread that has one unless told that this is deliberate (tests only).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if harness.CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"{harness.CHROMIUM} is missing (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not harness.AUDITS:
        return
    terminalreporter.section("pages audited (axe, weight, EcoIndex, keyboard, overflow)")
    for audit in harness.AUDITS:
        terminalreporter.line(audit.line())


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(harness.CHROMIUM), headless=True,
                                    args=harness.LAUNCH_ARGS)
        yield browser
        browser.close()


@dataclass
class _SeededWorld:
    """The database and uploads of the first `demo_world` seed, put back for the next tests."""

    database: sqlite3.Connection
    uploads: Path
    report: Any


@pytest.fixture(scope="session")
def _seeded_worlds() -> list[_SeededWorld]:
    return []


@pytest.fixture
def demo_world(transactional_db: None, live_server: Any, settings: Any, tmp_path: Path,
               tmp_path_factory: pytest.TempPathFactory, _seeded_worlds: list[_SeededWorld]
               ) -> dict[str, Any]:
    """The demo operator, organisations and people, with a small inventory (fast).

    Seeding takes seconds and some forty tests need the same world: on SQLite (where the
    browser suite runs) the first seed is kept, with SQLite's online backup, and copied back
    into the (emptied) test database of each next test, with its uploads. Every test still
    starts from the same fresh world; on another database each test seeds it."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from jalon import demo_site

    settings.UPLOAD_DIR = tmp_path / "uploads"
    world = {"base": live_server.url, "password": demo_site.DEMO_PASSWORD}
    if connection.vendor == "sqlite" and _seeded_worlds:
        kept = _seeded_worlds[0]
        connection.ensure_connection()
        kept.database.backup(connection.connection)
        # Cached content types carry ids from the emptied database's re-creation.
        ContentType.objects.clear_cache()
        shutil.copytree(kept.uploads, settings.UPLOAD_DIR, dirs_exist_ok=True)
        return {**world, "report": kept.report}
    report = demo_site.seed(data_dir=tmp_path,
                            agglomeration_paths=[FIXTURES / "canonical.csv"])
    if connection.vendor == "sqlite":
        kept_database = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(kept_database)
        uploads = tmp_path_factory.mktemp("demo-world-uploads")
        if Path(settings.UPLOAD_DIR).exists():
            shutil.copytree(settings.UPLOAD_DIR, uploads, dirs_exist_ok=True)
        _seeded_worlds.append(_SeededWorld(kept_database, uploads, report))
    return {**world, "report": report}


class Browser:
    """One browsing context (one person), with audit helpers."""

    def __init__(self, browser: Any, base: str, role: str) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 720},
                                           locale="fr-FR")
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        harness.enable_cold_loads(self.context, self.page)
        self.base = base.rstrip("/")
        self.role = role
        self.audits: list[harness.PageAudit] = []
        self.last_status: int | None = None

    def goto(self, path: str) -> int | None:
        response = self.page.goto(self.base + path)
        self.last_status = response.status if response else None
        return self.last_status

    def audit(self, label: str) -> harness.PageAudit:
        result = harness.audit(self.page, label, self.role, self.last_status)
        self.audits.append(result)
        return result

    def sign_in(self, username: str, password: str) -> None:
        self.goto("/accounts/login/")
        self.audit("sign-in page")
        self.page.get_by_label("Identifiant").fill(username)
        self.page.get_by_label("Mot de passe", exact=True).fill(password)
        with self.page.expect_navigation():
            self.page.locator("main").get_by_role("button", name="Se connecter").click()

    def sign_out(self) -> None:
        with self.page.expect_navigation():
            self.page.get_by_role("button", name="Se déconnecter").click()

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def open_browser(browser: Any, demo_world: dict[str, Any]) -> Iterator[Any]:
    opened: list[Browser] = []

    def factory(role: str) -> Browser:
        session = Browser(browser, demo_world["base"], role)
        opened.append(session)
        return session

    yield factory
    for session in opened:
        session.close()
