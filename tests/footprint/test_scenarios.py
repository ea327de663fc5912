"""Scenarios a team keeps (issue 9, item 6): current values in the form, the reference beside
the footprint of the same year with the difference in figures, a trajectory chart scaled to the
data, saved and named scenarios linked to strategy actions, compared side by side; audited."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from tests import factories
from tests.factories import OperatorFactory
from tests.footprint.test_footprint import add_assets, make_org

from jalon.footprint.forms import current_year
from jalon.footprint.models import SavedScenario
from jalon.kit import charts
from jalon.strategy import services as strategy_services
from jalon.tenancy.models import AuditEvent, Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


@pytest.fixture
def world():
    operator = OperatorFactory(slug="op-s", name="Op S")
    org = make_org("ville-s", operator)
    other = make_org("ville-t", operator)
    add_assets(org)
    editor = factories.member(org, Role.EDITOR, username="editor-s")
    viewer = factories.member(org, Role.VIEWER, username="viewer-s")
    strategy = strategy_services.create_from_template(
        editor, org, "idf-2025", title="S", period_start=current_year() - 1,
        period_end=current_year() + 4)
    action = strategy_services.add_action(
        editor, strategy.axes.first().objectives.first(), title="Allonger la durée de vie")
    clients = {}
    for name, user in (("editor", editor), ("viewer", viewer)):
        clients[name] = Client()
        clients[name].force_login(user)
    return {"org": org, "other": other, "action": action, "strategy": strategy, **clients}


def url(name, org, *args):
    return reverse(f"footprint:{name}", args=[org.slug, *args])


QUERY = {"start_year": "", "lifespan_laptop": "7", "refurbished_monitor": "30"}


def _query(**extra):
    return {**QUERY, "start_year": str(current_year()), **extra}


def _save(client, org, name, action=None, **extra):
    data = {**_query(**extra), "name": name, "description": "Pour le comité",
            "action": str(action.pk) if action else ""}
    return client.post(url("scenario_save", org), data)


def test_the_form_shows_current_values_and_the_reference_gap_in_figures(world):
    page = world["viewer"].get(url("scenario", world["org"]), _query()).content.decode()
    assert "aujourd" in page
    # 10 laptops: 6 recent (5 years), 4 older — the mean lifespan used by the footprint.
    assert re.search(r"10 en service, 5,0 ans, 0 % reconditionnés", page)
    assert 'placeholder="5,0"' in page
    # The reference is set beside the footprint of the start year, with the gap in figures.
    assert f"l'empreinte {current_year()} de la page Empreinte" in page
    assert "diffèrent de" in page
    assert url("scenario_save", world["org"]) not in page  # a viewer is not offered to save
    editor = world["editor"].get(url("scenario", world["org"]), _query()).content.decode()
    save = re.search(r'href="([^"]*/scenario/save/\?[^"]*)"', editor).group(1)
    form = world["editor"].get(save.replace("&amp;", "&"))
    assert form.status_code == 200 and 'name="lifespan_laptop" value="7"' in form.content.decode()


def test_the_trajectory_axis_is_scaled_to_the_data():
    svg = charts.line_chart("c", [2025, 2026], [("a", [164.0, 172.0]), ("b", [165.0, 170.0])],
                            title="t", desc="d", fmt=lambda v: f"{v:g}", from_zero=False)
    labels = re.findall(r'text-anchor="end" fill="#1b1b1b" font-size="12">([^<]+)<', svg)
    assert labels[0] == "162.5" and labels[-1] == "172.5"
    gap = charts.line_chart("g", [2024, 2025, 2026], [("path", [None, 72.5, 70.0])],
                            title="t", desc="d")
    assert gap.count("<circle") == 2  # nothing drawn where there is no value


def test_saving_naming_linking_and_the_action_page(world):
    org, action = world["org"], world["action"]
    assert _save(world["viewer"], org, "Portables 7 ans").status_code == 403
    response = _save(world["editor"], org, "Portables 7 ans", action)
    assert response.status_code == 302
    saved = SavedScenario.objects.get(organisation=org)
    assert (saved.action_id, saved.parameters["lifespans"], saved.parameters["refurbished"]) == (
        action.pk, {"laptop": 7.0}, {"monitor": 0.3})
    event = AuditEvent.objects.get(action="footprint.scenario_saved")
    assert event.details["scenario_id"] == saved.pk
    # The same name again is refused with a clear message, nothing written.
    again = _save(world["editor"], org, "Portables 7 ans")
    assert SavedScenario.objects.count() == 1
    assert again.status_code == 400 and "appelle déjà" in again.content.decode()
    # An action of another organisation is not offered nor accepted.
    foreign = _save(world["editor"], org, "Autre", action=type("A", (), {"pk": 999999})())
    assert foreign.status_code == 400 and SavedScenario.objects.count() == 1
    # The list, the saved scenario reopened with its parameters, the action's page.
    listing = world["viewer"].get(url("scenarios", org)).content.decode()
    assert "Portables 7 ans" in listing and "Allonger la durée de vie" in listing
    reopened = world["viewer"].get(url("scenario", org), {"saved": saved.pk}).content.decode()
    assert 'value="7"' in reopened and "Régime permanent" in reopened
    axis = reverse("strategy:axis", args=[org.slug, action.objective.axis_id])
    assert "Portables 7 ans" in world["viewer"].get(axis).content.decode()
    # Another organisation's scenario is a 404.
    assert world["viewer"].get(url("scenario", org), {"saved": 999999}).status_code == 404


def test_edit_delete_and_compare(world):
    org = world["org"]
    _save(world["editor"], org, "A")
    _save(world["editor"], org, "B", lifespan_laptop="8", refurbished_monitor="")
    a, b = SavedScenario.objects.order_by("name")
    edit = url("scenario_edit", org, a.pk)
    assert world["viewer"].get(edit).status_code == 403
    assert world["editor"].post(edit, {"name": "B", "description": "", "action": ""}
                                ).status_code == 400
    assert world["editor"].post(edit, {"name": "A bis", "description": "x",
                                       "action": str(world["action"].pk)}).status_code == 302
    a.refresh_from_db()
    assert (a.name, a.action_id) == ("A bis", world["action"].pk)
    compare = world["viewer"].get(url("scenario_compare", org), {"ids": [a.pk, b.pk]})
    page = compare.content.decode()
    assert compare.status_code == 200 and "A bis" in page and "chart-compare" in page
    assert "Évité par rapport à la référence" in page
    one = world["viewer"].get(url("scenario_compare", org), {"ids": [a.pk]})
    assert one.status_code == 400 and "deux ou trois" in one.content.decode()
    assert world["editor"].post(url("scenario_delete", org, b.pk)).status_code == 302
    assert list(SavedScenario.objects.values_list("name", flat=True)) == ["A bis"]
    assert {"footprint.scenario_updated", "footprint.scenario_deleted"} <= set(
        AuditEvent.objects.values_list("action", flat=True))
