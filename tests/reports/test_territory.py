"""The territory's outline and its plans, through HTTP: upload (checked, French errors), the
public form's plan and the server-side refusal of a point outside, the back office's map of
reports by status with its data table, Open311 refusing the same points."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from tests.factories import OrganisationFactory, api_token, member, published
from tests.reports.factories import ReportFactory

from jalon.core import territory as geo
from jalon.reports import services
from jalon.reports.models import Report, ReportStatus, Territory
from jalon.tenancy.models import AuditEvent

pytestmark = pytest.mark.django_db
ORIGIN = "http://testserver"
CENTRE = (1.642, 47.3215)  # lon, lat
SQUARE = {"type": "Feature", "properties": {"nom": "Test"}, "geometry": {
    "type": "Polygon", "coordinates": [[[1.60, 47.30], [1.68, 47.30], [1.68, 47.34],
                                        [1.60, 47.34], [1.60, 47.30]]]}}


@pytest.fixture
def org() -> Any:
    organisation = OrganisationFactory(slug="lisiere", name="Agglo de la Lisière")
    published(organisation, "reports")
    services.install_demo_categories(None, organisation)
    return organisation


@pytest.fixture
def agent(org: Any, client: Client) -> Any:
    user = member(org, "editor")
    client.force_login(user)
    return user


def upload(client: Client, org: Any, content: bytes, name: str = "contour.geojson") -> Any:
    return client.post(reverse("reports:territory", args=[org.slug]),
                       {"outline": SimpleUploadedFile(name, content)})


def post_report(org: Any, **fields: Any) -> Any:
    data = {"category": "", "description": "Lampadaire éteint devant la salle des fêtes",
            "address": "", "latitude": "", "longitude": "", "email": "", **fields}
    return Client().post(reverse("reports_public:form", args=[org.slug]), data,
                         HTTP_ORIGIN=ORIGIN)


def test_an_agent_uploads_replaces_and_deletes_the_outline(org: Any, agent: Any,
                                                           client: Client) -> None:
    page = client.get(reverse("reports:territory", args=[org.slug]))
    assert page.status_code == 200 and "Admin Express" in page.content.decode()
    response = upload(client, org, json.dumps(SQUARE).encode())
    assert response.status_code == 302
    row = Territory.objects.get(organisation=org)
    assert row.n_points == 5 and row.name == "contour.geojson"
    assert AuditEvent.objects.filter(action="reports.territory_saved").exists()
    body = client.get(reverse("reports:territory", args=[org.slug])).content.decode()
    assert "<svg" in body and "5 points" in body
    assert "Contour enregistré" in client.get(
        reverse("reports:settings", args=[org.slug])).content.decode()
    # replaced, not added
    bigger = geo.regular_outline(*CENTRE, [6, 7, 5, 6.5, 7.5, 5.5])
    assert upload(client, org, json.dumps({"type": "Polygon", "coordinates":
                                           geo.to_json(bigger)[0]}).encode()).status_code == 302
    assert Territory.objects.get(organisation=org).n_points == 7
    assert client.post(reverse("reports:territory_delete", args=[org.slug])).status_code == 302
    assert not Territory.objects.filter(organisation=org).exists()


@pytest.mark.parametrize(("content", "message"), [
    (b"not json", "JSON valide : ligne 1"),
    (json.dumps({"type": "Point", "coordinates": [1.6, 47.3]}).encode(), "Polygon"),
    (json.dumps({"type": "Polygon", "coordinates": [[[652000, 6862000], [653000, 6862000],
                                                     [653000, 6863000], [652000, 6862000]]]}
                ).encode(), "Lambert-93"),
    (json.dumps({"type": "Polygon", "coordinates": [[[1.6, 47.3], [1.7, 47.3], [1.7, 47.4],
                                                     [1.6, 47.4]]]}).encode(), "pas fermé"),
])
def test_bad_outlines_are_refused_in_french(org: Any, agent: Any, client: Client,
                                            content: bytes, message: str) -> None:
    response = upload(client, org, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Territory.objects.filter(organisation=org).exists()


def test_a_reader_cannot_change_the_outline(org: Any, client: Client) -> None:
    client.force_login(member(org, "viewer"))
    assert client.get(reverse("reports:territory", args=[org.slug])).status_code == 403
    assert upload(client, org, json.dumps(SQUARE).encode()).status_code == 403
    assert client.post(reverse("reports:territory_delete", args=[org.slug])).status_code == 403
    assert client.get(reverse("reports:map", args=[org.slug])).status_code == 200


def test_the_public_form_has_a_plan_only_with_an_outline(org: Any) -> None:
    url = reverse("reports_public:form", args=[org.slug])
    body = Client().get(url).content.decode()
    assert "<script" not in body and "<svg" not in body
    services.save_territory(None, org, json.dumps(SQUARE).encode())
    ReportFactory(organisation=org, latitude="47.321234", longitude="1.641234",
                  status=ReportStatus.NEW)
    ReportFactory(organisation=org, latitude="47.331234", longitude="1.651234",
                  status=ReportStatus.RESOLVED)
    response = Client().get(url)
    assert not response.cookies
    body = response.content.decode()
    # The plan is hidden until the script shows it; the fields stay, labelled.
    assert '<div id="plan" class="plan" hidden>' in body
    assert re.search(r'<script src="/static/reports/plan\.js" defer></script>', body)
    assert 'for="id_latitude"' in body and 'for="id_longitude"' in body
    assert "data-lon0=" in body and "data-scale=" in body
    # one open report drawn, positions rounded (about 100 m): the resolved one is not drawn
    assert body.count('r="3" fill="#555555"') == 1
    assert len(response.content) < 200 * 1024


def test_the_script_is_small_and_has_no_inline_code(org: Any) -> None:
    from pathlib import Path

    import jalon.reports

    script = Path(jalon.reports.__file__).parent / "static" / "reports" / "plan.js"
    text = script.read_text(encoding="utf-8")
    assert len(text.encode()) < 5 * 1024
    assert "fetch(" not in text and "XMLHttpRequest" not in text
    assert "document.cookie" not in text and "localStorage" not in text


@pytest.mark.parametrize(("lat", "lon", "message"), [
    ("47,40", "1,64", "en dehors du territoire de Agglo de la Lisière"),
    ("1,64", "47,32", "semblent inversées"),
])
def test_a_point_outside_the_territory_is_refused(org: Any, lat: str, lon: str,
                                                  message: str) -> None:
    services.save_territory(None, org, json.dumps(SQUARE).encode())
    response = post_report(org, latitude=lat, longitude=lon)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Report.objects.exists()
    assert post_report(org, latitude="47,3215", longitude="1,642").status_code == 303
    assert Report.objects.count() == 1


def test_without_outline_any_position_is_accepted(org: Any) -> None:
    assert post_report(org, latitude="43,30", longitude="5,37").status_code == 303


def test_open311_refuses_a_point_outside(org: Any, client: Client) -> None:
    services.save_territory(None, org, json.dumps(SQUARE).encode())
    _token, secret = api_token(org)
    response = client.post(f"/open311/{org.slug}/v2/requests.json", {
        "api_key": secret, "service_code": "eclairage", "lat": "48.85", "long": "2.35",
        "description": "Lampadaire éteint devant la salle des fêtes"})
    assert response.status_code == 400
    assert "en dehors du territoire" in response.json()[0]["description"]


def test_the_map_shows_reports_by_status_with_the_table(org: Any, agent: Any,
                                                        client: Client) -> None:
    url = reverse("reports:map", args=[org.slug])
    assert "Aucun signalement localisé" in client.get(url).content.decode()
    ReportFactory(organisation=org, latitude="47.3215", longitude="1.642",
                  status=ReportStatus.NEW)
    ReportFactory(organisation=org, latitude="47.33", longitude="1.65",
                  status=ReportStatus.RESOLVED)
    ReportFactory(organisation=org, latitude=None, longitude=None, address="Place du marché",
                  status=ReportStatus.NEW)
    body = client.get(url).content.decode()
    assert 'role="img"' in body and "<title id=\"status-map-title\">" in body
    assert "rond plein" in body and "coche" in body
    assert "Aucun contour du territoire" in body
    services.save_territory(None, org, json.dumps(SQUARE).encode())
    ReportFactory(organisation=org, latitude="48.85", longitude="2.35",
                  status=ReportStatus.PLANNED)  # entered before the outline, or by an agent
    response = client.get(url + "?status=new")
    body = response.content.decode()
    assert "fill-rule=\"evenodd\"" in body
    table = body[body.index('id="map-counts-caption"'):]
    new_row = re.search(r"<th scope=\"row\">Nouveau</th><td>rond plein</td>"
                        r"<td class=\"num\">(\d+)</td><td class=\"num\">(\d+)</td>", table)
    assert new_row is not None and new_row.groups() == ("1", "1")
    assert "1 signalement dessiné" in body
    everything = client.get(url).content.decode()
    assert "hors du contour" in everything


def test_the_demo_has_an_outline_holding_its_reports() -> None:
    from jalon.reports import demo, selectors

    agglomeration = OrganisationFactory(slug="val-de-lisiere")
    admin = member(agglomeration, "admin", username="admin")
    demo.seed_demo(agglomeration, {"admin": admin}, lambda _m: None)
    outline = selectors.territory(agglomeration)
    assert outline is not None
    located = Report.objects.filter(organisation=agglomeration, latitude__isnull=False)
    assert located.exists()
    assert all(outline.contains(float(r.longitude), float(r.latitude)) for r in located)
