"""Open311 GeoReport v2: what a client of the specification does."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from tests.factories import OrganisationFactory, api_token, published
from tests.reports.factories import ReportFactory

from jalon.reports import services
from jalon.reports.models import Report, ReportStatus, Source

pytestmark = pytest.mark.django_db


@pytest.fixture
def org() -> Any:
    organisation = OrganisationFactory(slug="lisiere")
    published(organisation, "reports")
    services.install_demo_categories(None, organisation)
    return organisation


def base(org: Any) -> str:
    return f"/open311/{org.slug}/v2"


def test_services(org: Any, client: Client) -> None:
    response = client.get(f"{base(org)}/services.json")
    assert response.status_code == 200 and not response.cookies
    data = response.json()
    assert len(data) == 12
    assert {"service_code": "voirie", "service_name": "Voirie et trottoirs"}.items() <= \
        data[0].items()
    assert all(s["type"] == "realtime" and s["metadata"] is False for s in data)


def test_post_then_get_a_request(org: Any, client: Client) -> None:
    _token, key = api_token(org, "viewer")
    response = client.post(f"{base(org)}/requests.json", {
        "api_key": key, "service_code": "eclairage", "lat": "47.3215", "long": "1.642",
        "description": "Lampadaire éteint devant la salle des fêtes",
        "email": "habitant@exemple.fr"})
    assert response.status_code == 200, response.content
    [created] = response.json()
    report = Report.objects.get(pk=int(created["service_request_id"]))
    assert report.source == Source.OPEN311 and report.citizen_category.code == "eclairage"
    assert report.category is None  # a person still confirms
    public = client.get(f"{base(org)}/requests/{report.pk}.json").json()
    assert public[0]["status"] == "open" and public[0]["service_code"] == "eclairage"
    assert public[0]["description"] == ""  # not without a key: it may name people
    assert public[0]["lat"] == 47.322
    full = client.get(f"{base(org)}/requests/{report.pk}.json", {"api_key": key}).json()
    assert full[0]["description"].startswith("Lampadaire") and full[0]["lat"] == 47.3215


@pytest.mark.parametrize(("data", "status", "message"), [
    ({"service_code": "voirie", "address_string": "ici", "description": "trou énorme"}, 403,
     "api_key"),
    ({"api_key": "jal_nope", "service_code": "voirie"}, 403, "api_key"),
    ({"service_code": ""}, 400, "service_code requis"),
    ({"service_code": "nucleaire"}, 404, "service_code inconnu"),
    ({"service_code": "voirie", "description": "trou énorme"}, 400, "address_string"),
    ({"service_code": "voirie", "lat": "95", "long": "1", "description": "trou énorme"}, 400,
     "lat"),
    ({"service_code": "voirie", "address_string": "ici", "description": "x"}, 400,
     "description"),
    ({"service_code": "voirie", "address_string": "ici", "description": "trou énorme",
      "email": "non"}, 400, "email"),
])
def test_post_errors(org: Any, client: Client, data: dict[str, str], status: int,
                     message: str) -> None:
    if "api_key" not in data and status != 403:
        data = {**data, "api_key": api_token(org, "viewer")[1]}
    response = client.post(f"{base(org)}/requests.json", data)
    assert response.status_code == status
    [error] = response.json()
    assert error["code"] == status and message in error["description"]
    assert not Report.objects.exists()


def test_a_key_of_another_organisation_is_refused(org: Any, client: Client) -> None:
    other = OrganisationFactory()
    _token, key = api_token(other, "admin")
    response = client.post(f"{base(org)}/requests.json", {
        "api_key": key, "service_code": "voirie", "address_string": "ici",
        "description": "trou énorme"})
    assert response.status_code == 403


def test_list_filters(org: Any, client: Client) -> None:
    voirie = org.report_categories.get(code="voirie")
    open_ = ReportFactory(organisation=org, category=voirie)
    closed = ReportFactory(organisation=org, status=ReportStatus.RESOLVED)
    ids = lambda response: {int(r["service_request_id"]) for r in response.json()}  # noqa: E731
    url = f"{base(org)}/requests.json"
    assert ids(client.get(url)) == {open_.pk, closed.pk}
    assert ids(client.get(url, {"status": "closed"})) == {closed.pk}
    assert ids(client.get(url, {"service_code": "voirie"})) == {open_.pk}
    assert ids(client.get(url, {"service_request_id": f"{closed.pk}"})) == {closed.pk}
    assert ids(client.get(url, {"start_date": "2000-01-01T00:00:00Z",
                                "end_date": "2000-02-01T00:00:00Z"})) == set()
    assert client.get(url, {"start_date": "hier"}).status_code == 400
    assert client.get(url, {"status": "ouvert"}).status_code == 400
    assert client.get(f"{base(org)}/requests/999999.json").status_code == 404
