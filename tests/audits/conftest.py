"""Audit tests serve their own pages on loopback (tests/audits/site.py); the instance setting
that allows loopback targets is on, as in the demo. Browser passes are kept short."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from tests.audits import site

from jalon.core.audits_browser import CHROMIUM


@pytest.fixture(scope="session")
def site_url() -> Iterator[str]:
    with site.serve() as url:
        yield url


@pytest.fixture(autouse=True)
def _audit_settings(settings: Any) -> None:
    settings.AUDITS_ALLOW_LOOPBACK = True
    settings.AUDITS_WAIT_SECONDS = 0.1
    settings.AUDITS_RUNS = 1
    settings.AUDITS_WORKERS = 1


needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(),
                                    reason=f"{CHROMIUM} is missing (apt-get install "
                                           "chromium-headless-shell)")
