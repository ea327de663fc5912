"""Shared fixtures. Settings: tests/settings.py (tasks run inline)."""

from __future__ import annotations

import os

import pytest

# The server-configuration cache of the engine is off in tests: no writes to the home folder.
os.environ.setdefault("JALON_CACHE_DIR", "")

# The Redis variants of the worker tests (marker `redis`, tests/taskqueues.py) run with
# `make test-redis` (JALON_TEST_REDIS=1), which CI runs once after the SQLite and PostgreSQL
# runs: skipped otherwise, whatever `-m` `make test` or `make test-postgres` pass, so that CI
# does not run them three times.
REDIS_RUN = os.environ.get("JALON_TEST_REDIS") == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if REDIS_RUN:
        return
    skip = pytest.mark.skip(reason="redis: run with `make test-redis` (JALON_TEST_REDIS=1)")
    for item in items:
        if item.get_closest_marker("redis") is not None:
            item.add_marker(skip)
