"""Shared fixtures. Settings: tests/settings.py (tasks run inline)."""

from __future__ import annotations

import os

import pytest

# The server-configuration cache of the engine is off in tests: no writes to the home folder.
os.environ.setdefault("JALON_CACHE_DIR", "")

# Tests run only when asked, whatever `-m` `make test` or `make test-postgres` pass: marker →
# (environment variable set to 1 to run them, the command that sets it).
# - redis: the Redis variants of the worker tests (tests/taskqueues.py), which CI runs once
#   after the SQLite and PostgreSQL runs, not three times;
# - fuzz: the whole fuzz corpus and long property runs (tests/fuzz), a sample of which runs
#   with every `make test`.
OPT_IN = {"redis": ("JALON_TEST_REDIS", "make test-redis"),
          "fuzz": ("JALON_FUZZ", "make fuzz")}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for marker, (variable, command) in OPT_IN.items():
        if os.environ.get(variable) == "1":
            continue
        skip = pytest.mark.skip(reason=f"{marker}: run with `{command}` ({variable}=1)")
        for item in items:
            if item.get_closest_marker(marker) is not None:
                item.add_marker(skip)
