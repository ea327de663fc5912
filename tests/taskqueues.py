"""The task queues the worker tests run on: the database (django-tasks-db, the default) and
Redis through RQ (JALON_TASK_BACKEND=rq), the same task code on both.

The Redis variant uses database 15 of the Redis server on 127.0.0.1:6379 (JALON_TEST_REDIS_URL),
flushed before and after each test, and is skipped, saying why, when no server answers. It is
marked `redis`: `make test-redis` runs it (tests/conftest.py).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

REDIS_URL = os.environ.get("JALON_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

BACKENDS = [pytest.param("database", id="database"),
            pytest.param("rq", id="redis", marks=pytest.mark.redis)]


def redis_client():  # type: ignore[no-untyped-def]
    from redis import Redis

    return Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=10)


def redis_unreachable() -> str | None:
    """Why Redis cannot be used, or None."""
    from redis.exceptions import RedisError

    try:
        redis_client().ping()
    except RedisError as exc:
        return f"no Redis server answers at {REDIS_URL}: {exc}"
    return None


def queue_env(backend: str) -> Iterator[dict[str, str]]:
    """The environment a `jalon` process needs for `backend`, Redis flushed around the test."""
    if backend != "rq":
        if os.environ.get("DATABASE_URL"):
            # The worker processes keep a database of their own (SQLite in the test's data
            # folder, DATABASE_URL left out): under `make test-postgres` they would repeat the
            # SQLite pass's run minute for minute.
            pytest.skip("database queue: the worker processes use SQLite; run in the SQLite pass")
        yield {}
        return
    reason = redis_unreachable()
    if reason:
        pytest.skip(reason)
    client = redis_client()
    client.flushdb()
    try:
        yield {"JALON_TASK_BACKEND": "rq", "JALON_REDIS_URL": REDIS_URL}
    finally:
        client.flushdb()
