"""Fixtures of the inventory tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.taskqueues import BACKENDS, queue_env


@pytest.fixture(params=BACKENDS)
def task_queue(request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    """Runs the test once per task queue: the environment variables of its `jalon` processes."""
    yield from queue_env(request.param)
