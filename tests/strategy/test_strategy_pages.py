"""Strategy pages and API: creation, tree, team view, indicator page, permissions, scoping."""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse
from tests import factories
from tests.factories import OperatorFactory, OrganisationFactory

from jalon.strategy import selectors, services
from jalon.strategy.models import Axis, IndicatorValue, Strategy
from jalon.tenancy.models import Role

pytestmark = pytest.mark.django_db
MAX_ELEMENTS = 330


class Counter(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def handle_starttag(self, tag, attrs):
        self.count += 1


def elements(response) -> int:
    parser = Counter()
    parser.feed(response.content.decode())
    return parser.count


@pytest.fixture
def world():
    operator = OperatorFactory(name="GIP", slug="gip")
    a = OrganisationFactory(operator=operator, name="Ville A", slug="ville-a", kind="commune")
    b = OrganisationFactory(operator=operator, name="Ville B", slug="ville-b", kind="commune")
    people = {role: factories.member(a, role, username=f"{role}-a")
              for role in (Role.VIEWER, Role.EDITOR)}
    outsider = factories.member(b, Role.EDITOR, username="editor-b")
    return {"a": a, "b": b, "viewer": people[Role.VIEWER], "editor": people[Role.EDITOR],
            "outsider": outsider}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name, org, *args):
    return reverse(f"strategy:{name}", args=[org.slug, *args])


@pytest.fixture
def strategy(world):
    return services.create_from_template(world["editor"], world["a"], "idf-2025",
                                         title="Stratégie A", period_start=2025,
                                         period_end=2030)


def test_index_offers_the_templates_then_shows_the_tree(world):
    editor = client_for(world["editor"])
    page = editor.get(url("index", world["a"]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "reen-guide" in body and "idf-2025" in body and body.count("<h1") == 1
    viewer = client_for(world["viewer"])
    assert 'name="template"' not in viewer.get(url("index", world["a"])).content.decode()
    assert viewer.post(url("create", world["a"]), {"template": "idf-2025"}).status_code == 403
    response = editor.post(url("create", world["a"]), {
        "template": "idf-2025", "title": "", "period_start": 2025, "period_end": 2030,
        "deliberation": "CR 2025-010"})
    assert response.status_code == 302
    created = Strategy.objects.get(organisation=world["a"])
    assert created.title.startswith("Stratégie numérique et IA responsables")
    page = editor.get(url("index", world["a"]))
    body = page.content.decode()
    assert "Un numérique sobre" in body and "Assurer une gestion responsable" in body
    assert elements(page) < MAX_ELEMENTS
    assert editor.post(url("create", world["a"]), {"template": "nope", "period_start": 2025,
                                                   "period_end": 2024}).status_code == 400


def test_tree_editing_and_permissions(world, strategy):
    editor, viewer = client_for(world["editor"]), client_for(world["viewer"])
    a = world["a"]
    response = editor.post(url("axis_new", a), {"title": "Axe 5", "description": "Nouveau"})
    axis = Axis.objects.get(title="Axe 5")
    assert response.status_code == 302
    assert editor.post(url("objective_new", a, axis.pk), {"title": "Objectif X"}).status_code \
        == 302
    objective = axis.objectives.get()
    assert editor.post(url("action_new", a, objective.pk), {
        "title": "Action Y", "status": "in_progress", "owner": "DSI",
        "start_date": "2025-01-01", "end_date": "2024-01-01"}).status_code == 400
    assert editor.post(url("action_new", a, objective.pk), {
        "title": "Action Y", "status": "in_progress", "owner": "DSI",
        "start_date": "2025-01-01", "end_date": "2026-01-01", "budget_eur": "1500"}
    ).status_code == 302
    page = viewer.get(url("axis", a, axis.pk))
    body = page.content.decode()
    assert "Action Y" in body and "En cours" in body and "DSI" in body
    assert "Modifier" not in body
    assert elements(page) < MAX_ELEMENTS
    for axis_row in strategy.axes.all():
        assert elements(editor.get(url("axis", a, axis_row.pk))) < MAX_ELEMENTS
    assert viewer.post(url("axis_delete", a, axis.pk)).status_code == 403
    assert viewer.post(url("edit", a), {"title": "x"}).status_code == 403
    response = editor.post(url("edit", a), {"title": "Renommée", "period_start": 2025,
                                            "period_end": 2031, "deliberation": "D-1"})
    assert response.status_code == 302
    assert Strategy.objects.get(pk=strategy.pk).title == "Renommée"
    assert editor.post(url("axis_delete", a, axis.pk)).status_code == 302
    assert not Axis.objects.filter(pk=axis.pk).exists()


def test_other_organisation_ids_are_404(world, strategy):
    outsider = client_for(world["outsider"])
    b = world["b"]
    services.create_from_template(world["outsider"], b, "reen-guide", title="B",
                                  period_start=2025, period_end=2030)
    axis = strategy.axes.first()
    objective = axis.objectives.first()
    indicator = strategy.indicators.first()
    for name, pk in (("axis", axis.pk), ("axis_edit", axis.pk), ("axis_delete", axis.pk),
                     ("objective_new", axis.pk), ("objective_edit", objective.pk),
                     ("action_new", objective.pk), ("indicator", indicator.pk),
                     ("indicator_edit", indicator.pk), ("indicator_value", indicator.pk),
                     ("indicator_delete", indicator.pk)):
        assert outsider.get(url(name, b, pk)).status_code in (404, 405), name
        assert outsider.post(url(name, b, pk), {"value": 1, "date": "2025-01-01"}
                             ).status_code in (404, 405), name
    assert outsider.get(url("index", world["a"])).status_code == 404
    assert Axis.objects.filter(pk=axis.pk).exists()


def test_team_view_filters_and_sorts(world, strategy):
    viewer = client_for(world["viewer"])
    a = world["a"]
    gdpr = strategy.indicators.get(definition__key="idf_gdpr_response_days")
    services.add_value(world["editor"], gdpr, dt.date(2025, 1, 31), 45.0)
    page = viewer.get(url("indicators", a))
    body = page.content.decode()
    assert page.status_code == 200 and elements(page) < MAX_ELEMENTS
    assert "<caption" in body and 'scope="col"' in body
    assert "≤ 30 jours" in body and "+10\u202f%/an" in body and "100\u202f% en 2027" in body
    off = viewer.get(url("indicators", a), {"status": "off_track"}).content.decode()
    assert "Délai de réponse" in off and "Hors trajectoire" in off and "✗" in off
    assert "Part des serveurs" not in off
    computed = viewer.get(url("indicators", a), {"origin": "computed"}).content.decode()
    assert "Durée de vie moyenne" in computed and "Délai de réponse" not in computed
    rates = viewer.get(url("indicators", a), {"kind": "rate"}).content.decode()
    assert rates.count('scope="row"') == 4
    axis = strategy.axes.get(position=2)
    third = viewer.get(url("indicators", a), {"axis": axis.pk}).content.decode()
    assert "RGPD" in third and "Durée de vie" not in third
    by_name = viewer.get(url("indicators", a), {"sort": "-name"}).content.decode()
    names = re.findall(r'scope="row"><a [^>]+>([^<]+)</a>', by_name)
    assert names == sorted(names, reverse=True)
    by_date = viewer.get(url("indicators", a), {"sort": "-date"}).content.decode()
    assert re.findall(r'scope="row"><a [^>]+>([^<]+)</a>', by_date)[0].startswith("Délai")
    by_status = viewer.get(url("indicators", a), {"sort": "status"}).content.decode()
    assert re.findall(r'scope="row"><a [^>]+>([^<]+)</a>', by_status)[0].startswith("Délai")


def test_indicator_page_chart_table_and_value_entry(world, strategy):
    editor, viewer = client_for(world["editor"]), client_for(world["viewer"])
    a = world["a"]
    indicator = strategy.indicators.get(definition__key="idf_cyber_trained_share")
    services.add_value(world["editor"], indicator, dt.date(2024, 12, 31), 40.0)
    assert viewer.post(url("indicator_value", a, indicator.pk), {
        "date": "2025-05-01", "value": "60", "kind": "result"}).status_code == 403
    response = editor.post(url("indicator_value", a, indicator.pk), {
        "date": "2025-05-01", "value": "100", "kind": "result", "source": "RH",
        "comment": "Campagne"})
    assert response.status_code == 302
    page = viewer.get(url("indicator", a, indicator.pk))
    body = page.content.decode()
    assert page.status_code == 200 and elements(page) < MAX_ELEMENTS
    assert "<svg" in body and "<title" in body and "<desc" in body
    assert "Données du graphique" in body and "Atteint" in body and "Campagne" in body
    assert "style=" not in body and "<script" not in body
    assert IndicatorValue.objects.filter(indicator=indicator).count() == 2
    assert editor.post(url("indicator_value", a, indicator.pk), {"date": "", "value": "x"}
                       ).status_code == 400


def test_value_whose_author_account_was_deleted_still_shows(world, strategy):
    """author is SET_NULL: the value stays, the page names nobody instead of failing."""
    a = world["a"]
    indicator = strategy.indicators.get(definition__key="idf_cyber_trained_share")
    leaver = factories.member(a, Role.EDITOR, username="partie", first_name="Agathe",
                              last_name="Partie")
    services.add_value(leaver, indicator, dt.date(2024, 12, 31), 40.0)
    leaver.delete()
    page = client_for(world["viewer"]).get(url("indicator", a, indicator.pk))
    assert page.status_code == 200
    assert "Partie" not in page.content.decode()
    assert IndicatorValue.objects.get(indicator=indicator).author is None


def test_indicator_creation_validates_targets_per_kind(world, strategy):
    editor = client_for(world["editor"])
    a = world["a"]
    assert editor.get(url("indicator_new", a)).status_code == 200
    bad = editor.post(url("indicator_new", a), {
        "name": "Part d'agents formés", "unit": "%", "direction": "up", "target_defined": "on",
        "target_kind": "level", "target_value": "140"})
    assert bad.status_code == 400 and "entre 0 et 100" in bad.content.decode()
    response = editor.post(url("indicator_new", a), {
        "name": "Réparations", "unit": "équipements", "direction": "up",
        "target_defined": "on", "target_kind": "rate", "target_value": "15"})
    assert response.status_code == 302
    created = strategy.indicators.get(definition__name="Réparations")
    assert created.target_value == pytest.approx(0.15)
    assert created.definition.organisation == a
    response = editor.post(url("indicator_edit", a, created.pk), {
        "target_defined": "on", "target_kind": "max_duration", "target_value": "30"})
    assert response.status_code == 302
    created.refresh_from_db()
    assert (created.target_kind, created.target_value) == ("max_duration", 30)


# --------------------------------------------------------------------------- API


def api(secret):
    client = Client()
    headers = {"Authorization": f"Bearer {secret}"}

    def get(path, **params):
        return client.get("/api/v1" + path, params, headers=headers)

    def post(path, body):
        return client.post("/api/v1" + path, json.dumps(body), content_type="application/json",
                           headers=headers)

    return get, post


def test_api_is_scoped_to_the_token(world, strategy):
    # Made by a new administrator of each organisation (only they may create tokens).
    _t, viewer_secret = factories.api_token(world["a"], "viewer", "r")
    _t, editor_secret = factories.api_token(world["a"], "editor", "w")
    _t, other_secret = factories.api_token(world["b"], "admin", "b")
    get, post = api(viewer_secret)
    listed = get("/strategies").json()
    assert [s["id"] for s in listed] == [strategy.pk]
    tree = get(f"/strategies/{strategy.pk}").json()
    assert len(tree["axes"]) == 4 and tree["axes"][1]["objectives"][0]["children"]
    indicators = get("/indicators").json()
    assert len(indicators) == 16
    gdpr = next(i for i in indicators if i["definition"]["key"] == "idf_gdpr_response_days")
    assert gdpr["target"]["text"] == "≤ 30 jours" and gdpr["status"]["status"] == "no_data"
    assert post(f"/indicators/{gdpr['id']}/values", {"date": "2025-01-31", "value": 20}
                ).status_code == 403
    _get, post_editor = api(editor_secret)
    created = post_editor(f"/indicators/{gdpr['id']}/values",
                          {"date": "2025-01-31", "value": 20, "source": "DPO"})
    assert created.status_code == 201 and created.json()["value"] == 20
    assert post_editor(f"/indicators/{gdpr['id']}/values", {}).status_code == 422
    detail = get(f"/indicators/{gdpr['id']}").json()
    assert detail["status"]["status"] == "achieved" and "30 jours" in detail["status"][
        "explanation"]
    assert [v["value"] for v in get(f"/indicators/{gdpr['id']}/values").json()] == [20]
    other_get, other_post = api(other_secret)
    assert other_get("/strategies").json() == []
    assert other_get(f"/strategies/{strategy.pk}").status_code == 404
    assert other_get(f"/indicators/{gdpr['id']}").status_code == 404
    assert other_get(f"/indicators/{gdpr['id']}/values").status_code == 404
    assert other_post(f"/indicators/{gdpr['id']}/values", {"date": "2025-01-31", "value": 1}
                      ).status_code == 404
    assert other_get("/indicators").json() == []


@pytest.mark.django_db
def test_only_an_admin_publishes_the_strategy_and_it_is_audited(client):
    from jalon.tenancy.models import AuditEvent

    operator = OperatorFactory(name="GIP", slug="gip-pub")
    org = OrganisationFactory(operator=operator, name="Ville", slug="ville-pub", kind="commune")
    editor = factories.member(org, "editor", username="ed-pub", email="e@a.fr")
    admin = factories.member(org, "admin", username="ad-pub", email="a@a.fr")
    strategy = services.create_from_template(admin, org, "reen-guide", title="SNR",
                                             period_start=2024, period_end=2030)
    url = f"/o/{org.slug}/strategy/publish/"
    client.force_login(editor)
    assert client.post(url, {"public": "1"}).status_code == 403
    client.force_login(admin)
    page = client.get(f"/o/{org.slug}/strategy/")
    assert "Publier la stratégie" in page.content.decode()
    assert client.post(url, {"public": "1"}).status_code == 302
    strategy.refresh_from_db()
    assert selectors.is_public(strategy)
    assert AuditEvent.objects.filter(action="strategy.published", organisation=org).exists()
    assert client.get(f"/p/{org.slug}/strategy/").status_code == 200
    client.post(url, {"public": "0"})  # asks for confirmation first
    strategy.refresh_from_db()
    assert selectors.is_public(strategy)
    client.post(url, {"public": "0", "confirm": "1"})
    strategy.refresh_from_db()
    assert not selectors.is_public(strategy)
    assert client.get(f"/p/{org.slug}/strategy/").status_code == 404
