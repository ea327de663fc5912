"""The fuzz suite: a sample runs with every `make test`; `make fuzz` (JALON_FUZZ=1) runs all.

Tests marked `fuzz` (the whole corpus, long property runs, the big-input memory checks) are
skipped unless JALON_FUZZ=1, so that `pytest`, `make test` and `make test-fast` stay fast
whatever `-m` they pass.
"""

from __future__ import annotations

import os

import pytest

FULL = os.environ.get("JALON_FUZZ") == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if FULL:
        return
    skip = pytest.mark.skip(reason="fuzz: run with `make fuzz` (JALON_FUZZ=1)")
    for item in items:
        if item.get_closest_marker("fuzz") is not None:
            item.add_marker(skip)
