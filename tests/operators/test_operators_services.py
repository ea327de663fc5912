"""The operators app: its writes are services and audited, indicator definitions are created by
the one strategy.services.create_definition whatever their owner, and operator pages are
decided by tenancy.scope (administered_operators, operator_view)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from tests import factories
from tests.factories import OperatorAdminFactory, OperatorFactory, OrganisationFactory

from jalon.operators import services
from jalon.strategy import services as strategy_services
from jalon.strategy.models import IndicatorDefinition, StrategyTemplate
from jalon.tenancy import scope
from jalon.tenancy.models import AuditEvent

pytestmark = pytest.mark.django_db

BASE = {"key": "base", "title": "Base", "axes": [{"title": "Axe", "objectives": [{
    "title": "Objectif", "indicators": [{
        "definition": {"key": "taux-calcule", "name": "Taux calculé", "unit": "%",
                       "precision": 1, "direction": "down", "computed": "reuse_rate_retired"},
        "target": None}]}]}]}


@pytest.fixture(autouse=True)
def builtins(monkeypatch):
    monkeypatch.setattr(services, "builtin_templates", lambda: {"base": BASE})


@pytest.fixture
def world():
    gip = OperatorFactory(slug="gip", name="GIP")
    other = OperatorFactory(slug="autre", name="Autre GIP")
    member = OrganisationFactory(operator=gip, slug="ville", name="Ville", kind="commune",
                                 population=10_000)
    operator_admin = OperatorAdminFactory(user__username="op", operator=gip).user
    other_admin = OperatorAdminFactory(user__username="op2", operator=other).user
    member_admin = factories.member(member, "admin", username="maire")
    return {"gip": gip, "other": other, "member": member, "operator_admin": operator_admin,
            "other_admin": other_admin, "member_admin": member_admin}


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


# ---- every write is a service, and audited --------------------------------------------------

def test_template_services_are_audited(world):
    actor, gip = world["operator_admin"], world["gip"]
    template = services.create_template(actor, gip, "base", "Socle du GIP")
    services.update_template(actor, template, title="Socle 2026", data=template.data,
                             published=False)
    services.set_template_published(actor, template, True)
    services.set_template_published(actor, template, False)
    for action in ("created", "updated", "published", "unpublished"):
        (event,) = events(f"strategy.operator_template_{action}")
        assert (event.actor, event.organisation, event.target) == (
            actor, None, "gip/socle-du-gip")
        assert event.details["operator"] == "gip"
    # The JSON carries the title too.
    assert events("strategy.operator_template_updated")[0].details["changed"] == ["data", "title"]


def test_definition_services_are_audited(world):
    actor, gip = world["operator_admin"], world["gip"]
    definition = services.create_definition(actor, gip, name="Réemploi local", unit="%")
    assert (definition.operator, definition.organisation, definition.shared) == (gip, None, True)
    services.update_definition(actor, definition, shared=False, name="Réemploi local",
                               unit="% des appareils")
    (created,) = events("strategy.operator_definition_created")
    (updated,) = events("strategy.operator_definition_updated")
    assert created.target == updated.target == "gip/reemploi-local"
    assert created.organisation is None and created.details["operator"] == "gip"
    assert updated.details["changed"] == ["shared", "unit"]


def test_an_organisation_definition_is_not_edited_as_an_operator_one(world):
    own = strategy_services.create_definition(world["member_admin"], world["member"],
                                              name="Own", unit="%")
    with pytest.raises(services.OperatorStrategyError):
        services.update_definition(world["operator_admin"], own, shared=True, name="X")
    own.refresh_from_db()
    assert own.name == "Own"


def test_writes_through_the_pages_are_audited(client, world):
    client.force_login(world["operator_admin"])
    client.post(reverse("operatorstrategy:template_create"), {"base": "base", "title": "T"})
    client.post(reverse("operatorstrategy:definition_create"),
                {"name": "Part", "unit": "%", "precision": "0", "direction": "up"})
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"strategy.operator_template_created",
            "strategy.operator_definition_created"} <= actions


# ---- one create_definition --------------------------------------------------------------------

EVERY_FIELD = {"name": "Part des achats reconditionnés", "unit": "%", "precision": 2,
               "direction": "down", "description": "Ce qui est mesuré.",
               "method": "reconditionnés / achats", "source": "Factures",
               "computed": "refurbished_purchase_share"}


@pytest.mark.parametrize("owner", ["organisation", "operator", "jalon"])
def test_create_definition_takes_every_field_for_every_owner(world, owner):
    target = {"organisation": world["member"], "operator": world["gip"], "jalon": None}[owner]
    definition = strategy_services.create_definition(
        world["operator_admin"], target, key="achats", shared=False, **EVERY_FIELD)
    definition.refresh_from_db()
    assert {name: getattr(definition, name) for name in EVERY_FIELD} == EVERY_FIELD
    assert (definition.key, definition.shared) == ("achats", False)
    assert definition.organisation == (world["member"] if owner == "organisation" else None)
    assert definition.operator == (world["gip"] if owner == "operator" else None)
    action = {"organisation": "strategy.definition_add",
              "operator": "strategy.operator_definition_created",
              "jalon": "strategy.builtin_definition_created"}[owner]
    (event,) = events(action)
    assert event.details["definition_id"] == definition.pk
    assert event.organisation == (world["member"] if owner == "organisation" else None)


def test_create_definition_keys_are_unique_per_owner(world):
    actor = world["operator_admin"]
    first = strategy_services.create_definition(actor, world["member"], name="Taux", unit="%")
    second = strategy_services.create_definition(actor, world["member"], name="Taux", unit="%")
    elsewhere = strategy_services.create_definition(actor, world["gip"], name="Taux", unit="%")
    assert (first.key, second.key, elsewhere.key) == ("taux", "taux-2", "taux")
    assert not first.shared and elsewhere.shared  # an operator's definition is shared


def test_a_template_creates_its_definitions_through_the_one_service(world):
    template = services.create_template(world["operator_admin"], world["gip"], "base",
                                        "Socle", published=True)
    strategy = strategy_services.create_from_template(
        world["member_admin"], world["member"], template.key, title="Stratégie",
        period_start=2025, period_end=2030)
    (indicator,) = strategy.indicators.select_related("definition")
    definition = indicator.definition
    assert (definition.key, definition.operator, definition.shared, definition.precision,
            definition.direction, definition.computed) == (
        "taux-calcule", world["gip"], True, 1, "down", "reuse_rate_retired")
    (event,) = events("strategy.operator_definition_created")
    assert event.actor == world["member_admin"]
    # A second strategy from the same template reuses the definition.
    strategy_services.create_from_template(world["member_admin"], world["member"], template.key,
                                           title="Encore", period_start=2031, period_end=2035)
    assert IndicatorDefinition.objects.filter(operator=world["gip"]).count() == 1


# ---- one operator check ---------------------------------------------------------------------

def test_administered_operators(world):
    assert list(scope.administered_operators(world["operator_admin"])) == [world["gip"]]
    assert list(scope.administered_operators(world["member_admin"])) == []
    assert list(scope.administered_operators(AnonymousUser())) == []


def operator_routes(patterns=None, prefix: str = ""):
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from operator_routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern) and route.startswith("operator/"):
            yield route, entry.callback


def test_every_operator_page_is_decided_by_operator_view():
    routes = list(operator_routes())
    assert len(routes) >= 8
    assert [route for route, view in routes
            if not getattr(view, "jalon_operator_view", False)] == []


def test_a_non_admin_of_an_operator_gets_404_on_its_pages(world):
    template = StrategyTemplate.objects.create(operator=world["gip"], key="t", title="T",
                                               data=BASE)
    definition = strategy_services.create_definition(world["operator_admin"], world["gip"],
                                                     name="D", unit="%")
    own_pages = [reverse("operatorstrategy:template_edit", args=[template.pk]),
                 reverse("operatorstrategy:definition_edit", args=[definition.pk])]
    pages = [reverse("operator:index"), reverse("operator:organisation_create"),
             reverse("operatorstrategy:index"), reverse("operatorstrategy:template_create"),
             reverse("operatorstrategy:definition_create"), *own_pages]
    publish = reverse("operatorstrategy:template_publish", args=[template.pk])

    member = Client()  # an organisation's admin administers no operator
    member.force_login(world["member_admin"])
    for page in pages:
        assert member.get(page).status_code == 404, page
        assert member.post(page, {"title": "X", "name": "X"}).status_code == 404, page
    assert member.post(publish, {"published": "1"}).status_code == 404

    other = Client()  # the administrator of another operator: its own pages, not these objects
    other.force_login(world["other_admin"])
    for page in own_pages:
        assert other.get(page).status_code == 404, page
        assert other.post(page, {"title": "X", "name": "X"}).status_code == 404, page
    assert other.post(publish, {"published": "1"}).status_code == 404
    assert other.get(reverse("operatorstrategy:index")).status_code == 200

    template.refresh_from_db()
    definition.refresh_from_db()
    assert (template.title, template.published, definition.name) == ("T", False, "D")
    assert not AuditEvent.objects.filter(action__startswith="strategy.operator_template").exists()
