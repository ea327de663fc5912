"""The API against its own OpenAPI document (/api/v1/openapi.json), with schemathesis.

Every operation gets generated requests, valid and invalid, sent in process through WSGI with
an admin token of an organisation that has a few assets. Counted: answers 5xx, invalid requests
accepted (2xx to what the schema forbids) and status codes the document does not list. The run
is bounded and deterministic (derandomised Hypothesis, no example database): a few hundred cases.

Run alone, with the figures printed:
    .venv/bin/python -m pytest -q -p no:cacheprovider -s tests/api/test_schemathesis.py
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import CHECKS
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode
from tests import factories

pytestmark = pytest.mark.django_db

# Examples per operation and mode: ~60 operations × 2 modes × 3 ≈ 360 cases by default.
EXAMPLES = int(os.environ.get("JALON_SCHEMATHESIS_EXAMPLES", "3"))
ONLY = os.environ.get("JALON_SCHEMATHESIS_ONLY", "")  # a path fragment, to look at one operation
CHECKED = ("not_a_server_error", "status_code_conformance", "negative_data_rejection")


def _checks() -> list[Any]:
    by_name = {check.__name__: check for check in CHECKS.get_all()}
    return [by_name[name] for name in CHECKED]


def _run(operation: Any, mode: GenerationMode, headers: dict[str, str],
         figures: Counter[str], failures: list[str]) -> None:
    checks = _checks()

    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck), report_multiple_bugs=False)
    @given(case=operation.as_strategy(generation_mode=mode))
    def send(case: Any) -> None:
        figures["cases"] += 1
        response = case.call(headers=headers)
        if response.status_code >= 500:
            figures["5xx"] += 1
        try:
            case.validate_response(response, checks=checks)
        except FailureGroup as group:
            for failure in group.exceptions:
                figures[type(failure).__name__] += 1
                failures.append(f"{operation.label} [{mode.value}] {response.status_code}: "
                                f"{failure.title} (query {case.query}, body {case.body!r:.200})")
        except AssertionError as failure:  # one failure alone
            figures[type(failure).__name__] += 1
            failures.append(f"{operation.label} [{mode.value}] {response.status_code}: "
                            f"{getattr(failure, 'title', failure)} (query {case.query}, "
                            f"body {case.body!r:.200})")

    send()


@pytest.fixture(autouse=True)
def _connection_kept_open() -> Iterator[None]:
    # The WSGI application signals the end of each request, and Django then closes the
    # database connection (CONN_MAX_AGE 0): inside a test's transaction on PostgreSQL every
    # later query would fail. Django's own test client disconnects the same handler.
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def test_the_api_keeps_to_its_openapi_document() -> None:
    organisation = factories.OrganisationFactory()
    for number in range(3):
        factories.AssetFactory(organisation=organisation, inventory_number=f"PC-{number}")
    _token, secret = factories.api_token(organisation, "admin")
    headers = {"Authorization": f"Bearer {secret}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application(),
                                            headers=headers)
    # Query parameters the document does not declare are ignored, as HTTP APIs commonly do (a
    # cache-buster, a client's tracking parameter); the declared ones are all validated.
    schema.config.generation.update(allow_extra_parameters=False)
    figures: Counter[str] = Counter()
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if ONLY not in operation.path:
            continue
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _run(operation, mode, headers, figures, failures)
    print(f"\nschemathesis: {dict(figures)}")
    for line in sorted(set(failures)):
        print(line)
    assert figures["cases"] >= (100 if not ONLY else 1)
    assert figures["5xx"] == 0, failures
    assert not failures, sorted(set(failures))
