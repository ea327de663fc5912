"""Operator pages for strategies: templates and shared indicator definitions published to the
members of an operator (namespace "operatorstrategy", /operator/strategy/)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from tests import factories
from tests.factories import OperatorAdminFactory, OperatorFactory, OrganisationFactory

from jalon.operators import services as operator_views
from jalon.strategy.models import IndicatorDefinition, StrategyTemplate
from jalon.tenancy.models import AuditEvent, Organisation

pytestmark = pytest.mark.django_db

BUILTIN = {"key": "reen-test", "title": "Guide REEN (test)",
           "axes": [{"title": "Sobriété", "objectives": []}]}


@pytest.fixture(autouse=True)
def builtins(monkeypatch):
    """A known built-in template, whatever the data files hold today."""
    monkeypatch.setattr(operator_views, "builtin_templates",
                        lambda: {"reen-test": json.loads(json.dumps(BUILTIN))})


@pytest.fixture
def world():
    gip = OperatorFactory(slug="gip", name="GIP")
    other = OperatorFactory(slug="autre-gip", name="AUTRE-GIP")
    member = OrganisationFactory(operator=gip, slug="ville-a", population=10_000)
    outsider_org = OrganisationFactory(operator=other, slug="ville-z", population=10_000)
    return {
        "gip": gip, "other": other, "member": member, "outsider_org": outsider_org,
        "operator_admin": OperatorAdminFactory(user__username="op", operator=gip).user,
        "other_operator_admin": OperatorAdminFactory(user__username="op2", operator=other).user,
        "member_admin": factories.member(member, "admin", username="maire"),
    }


def url(name: str, *args) -> str:
    return reverse(f"operatorstrategy:{name}", args=args)


def test_pages_are_404_for_everyone_but_operator_admins(client, world):
    template = StrategyTemplate.objects.create(operator=world["gip"], key="t", title="T",
                                               data=BUILTIN)
    definition = IndicatorDefinition.objects.create(operator=world["gip"], key="d", name="D",
                                                    unit="%", shared=True)
    pages = [url("index"), url("template_create"), url("template_edit", template.pk),
             url("definition_create"), url("definition_edit", definition.pk)]
    for page in pages:  # anonymous: to the sign-in page
        assert client.get(page).status_code == 302
    client.force_login(world["member_admin"])  # an organisation admin is not an operator admin
    for page in pages:
        assert client.get(page).status_code == 404, page
        assert client.post(page).status_code == 404, page
    assert client.post(url("template_publish", template.pk),
                       {"published": "1"}).status_code == 404
    client.force_login(world["other_operator_admin"])  # another operator's objects: 404
    for page in pages[2:3] + pages[4:]:
        assert client.get(page).status_code == 404, page
    assert client.post(url("template_publish", template.pk),
                       {"published": "1"}).status_code == 404
    template.refresh_from_db()
    assert not template.published
    assert "T" not in [t.title for t in client.get(url("index")).context["templates"]]
    client.force_login(world["operator_admin"])
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        assert response.content.decode().count("<h1") == 1


def test_operator_creates_edits_and_publishes_a_template(client, world):
    client.force_login(world["operator_admin"])
    response = client.post(url("template_create"),
                           {"base": "reen-test", "title": "Socle REEN du GIP", "key": ""})
    template = StrategyTemplate.objects.get(operator=world["gip"])
    assert response.status_code == 302
    assert template.key == "socle-reen-du-gip"
    assert template.data["axes"] == BUILTIN["axes"]  # a copy of the built-in JSON
    assert template.data["title"] == "Socle REEN du GIP"
    assert not template.published

    # Edit: the title and the JSON; invalid JSON is refused.
    page = client.get(url("template_edit", template.pk)).content.decode()
    assert "Sobriété" in page
    bad = client.post(url("template_edit", template.pk),
                      {"title": "Socle", "data": "{not json", "published": ""})
    assert bad.status_code == 400
    assert 'aria-invalid="true"' in bad.content.decode()
    data = dict(template.data, axes=[{"title": "Achats", "objectives": []}])
    client.post(url("template_edit", template.pk),
                {"title": "Socle 2026", "data": json.dumps(data), "published": ""})
    template.refresh_from_db()
    assert (template.title, template.data["axes"][0]["title"]) == ("Socle 2026", "Achats")

    # Publish, then unpublish.
    client.post(url("template_publish", template.pk), {"published": "1"})
    template.refresh_from_db()
    assert template.published
    assert "Publié aux membres" in client.get(url("index")).content.decode()
    client.post(url("template_publish", template.pk), {"published": "0"})
    template.refresh_from_db()
    assert not template.published
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"strategy.operator_template_created", "strategy.operator_template_updated",
            "strategy.operator_template_published",
            "strategy.operator_template_unpublished"} <= actions


def test_unknown_base_template_is_refused(client, world):
    client.force_login(world["operator_admin"])
    response = client.post(url("template_create"), {"base": "nope", "title": "X"})
    assert response.status_code == 400
    assert not StrategyTemplate.objects.exists()


def test_operator_defines_a_shared_indicator(client, world):
    client.force_login(world["operator_admin"])
    data = {"name": "Part des DEEE réemployés", "unit": "%", "precision": "1",
            "direction": "up", "description": "", "method": "réemployés / réformés",
            "source": "Registre DEEE"}
    assert client.post(url("definition_create"), data).status_code == 302
    definition = IndicatorDefinition.objects.get(operator=world["gip"])
    assert (definition.key, definition.shared, definition.organisation) == (
        "part-des-deee-reemployes", True, None)
    assert definition.precision == 1
    # A second one with the same name gets another key.
    client.post(url("definition_create"), data)
    assert set(IndicatorDefinition.objects.values_list("key", flat=True)) == {
        "part-des-deee-reemployes", "part-des-deee-reemployes-2"}
    # Edit; unshare.
    response = client.post(url("definition_edit", definition.pk),
                           {**data, "unit": "% des unités", "shared": ""})
    assert response.status_code == 302
    definition.refresh_from_db()
    assert (definition.unit, definition.shared) == ("% des unités", False)
    # Invalid: errors tied to their field.
    response = client.post(url("definition_create"), {**data, "name": ""})
    assert response.status_code == 400
    assert "id_name_error" in response.content.decode()


def test_an_organisation_definition_is_not_editable_as_an_operator_one(client, world):
    own = IndicatorDefinition.objects.create(organisation=world["member"], key="own",
                                             name="Own", unit="%")
    client.force_login(world["operator_admin"])
    assert client.get(url("definition_edit", own.pk)).status_code == 404


def _available_keys(organisation: Organisation) -> set[str]:
    selectors = pytest.importorskip("jalon.strategy.selectors")
    if not hasattr(selectors, "available_templates"):
        pytest.xfail("selectors.available_templates not built yet")
    keys = set()
    for item in selectors.available_templates(organisation):
        if isinstance(item, StrategyTemplate):
            keys.add(item.key)
        elif isinstance(item, dict):
            keys.add(str(item.get("key")))
        else:
            keys.add(str(getattr(item, "key", item)))
    return keys


def test_published_templates_reach_members_of_that_operator_only(world):
    StrategyTemplate.objects.create(operator=world["gip"], key="gip-publie", title="Publié",
                                    data=BUILTIN, published=True)
    StrategyTemplate.objects.create(operator=world["gip"], key="gip-brouillon",
                                    title="Brouillon", data=BUILTIN, published=False)
    member_keys = _available_keys(world["member"])
    outsider_keys = _available_keys(world["outsider_org"])
    assert any("gip-publie" in key for key in member_keys), member_keys
    assert not any("gip-brouillon" in key for key in member_keys), member_keys
    assert not any("gip-publie" in key for key in outsider_keys), outsider_keys


def test_a_template_cannot_shadow_a_builtin_one(client, world):
    client.force_login(world["operator_admin"])
    response = client.post(url("template_create"),
                           {"base": "reen-test", "title": "Copie", "key": "reen-test"})
    assert response.status_code == 400
    assert not StrategyTemplate.objects.exists()


def test_shared_definitions_reach_members_of_that_operator_only(world):
    selectors = pytest.importorskip("jalon.strategy.selectors")
    if not hasattr(selectors, "available_definitions"):
        pytest.xfail("selectors.available_definitions not built yet")
    shared = operator_views.create_definition(world["operator_admin"], world["gip"],
                                              name="Réemploi local", unit="%")
    hidden = operator_views.create_definition(world["operator_admin"], world["gip"],
                                              name="Brouillon", unit="%")
    operator_views.update_definition(world["operator_admin"], hidden, shared=False,
                                     name="Brouillon", unit="%")
    assert shared in selectors.available_definitions(world["member"])
    assert hidden not in selectors.available_definitions(world["member"])
    assert shared not in selectors.available_definitions(world["outsider_org"])


def test_a_member_creates_a_strategy_from_the_operator_template(world, monkeypatch):
    services = pytest.importorskip("jalon.strategy.services")
    data = {"key": "x", "title": "Socle", "axes": [{"title": "Axe", "objectives": [{
        "title": "Objectif", "indicators": [{"definition": {
            "key": "reemploi-local", "name": "Réemploi local", "unit": "%"},
            "target": {"kind": "level", "value": 50, "date": "2028-12-31"}}]}]}]}
    monkeypatch.setattr(operator_views, "builtin_templates", lambda: {"base": data})
    template = operator_views.create_template(world["operator_admin"], world["gip"], "base",
                                              "Socle du GIP", published=True)
    strategy = services.create_from_template(world["member_admin"], world["member"],
                                             template.key, title="Notre stratégie",
                                             period_start=2025, period_end=2030)
    (indicator,) = strategy.indicators.select_related("definition")
    assert indicator.definition.operator == world["gip"] and indicator.definition.shared
    with pytest.raises(services.TemplateError):
        services.create_from_template(world["other_operator_admin"], world["outsider_org"],
                                      template.key, title="Non", period_start=2025,
                                      period_end=2030)
