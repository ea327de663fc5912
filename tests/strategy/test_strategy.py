"""Strategy services: templates, computed indicators from the inventory, statuses."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from tests.factories import (
    BareAssetFactory,
    InventoryImportFactory,
    LifecycleEventFactory,
    OperatorFactory,
    OrganisationFactory,
    UserFactory,
)

from jalon.core.trajectory import Status
from jalon.publishing import indicators as computed
from jalon.strategy import selectors, services, status, tasks
from jalon.strategy.models import (
    Axis,
    Indicator,
    IndicatorDefinition,
    Objective,
    StrategyTemplate,
)
from jalon.tenancy.models import AuditEvent, Organisation

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 6, 1)


@pytest.fixture
def org():
    operator = OperatorFactory(name="GIP", slug="gip")
    return OrganisationFactory(operator=operator, name="Ville A", slug="ville-a",
                               kind="commune", agents=10)


@pytest.fixture
def user():
    return UserFactory(username="editeur")


def create(user, org, key):
    return services.create_from_template(user, org, key, title="", period_start=2025,
                                         period_end=2030)


def test_builtin_templates_are_offered(org):
    keys = {t.key for t in selectors.available_templates(org)}
    assert {"reen-guide", "idf-2025"} <= keys


def test_create_from_the_guide_template(user, org):
    strategy = create(user, org, "reen-guide")
    assert strategy.axes.count() == 6
    assert [a.title.split(" — ")[0] for a in strategy.axes.all()] == [
        f"Thème {n}" for n in range(1, 7)]
    assert strategy.indicators.count() == 26
    reuse = strategy.indicators.get(definition__key="reuse_spend_share")
    assert (reuse.target_kind, reuse.target_value) == ("floor", 20)
    assert reuse.definition.computed == "reuse_spend_share"
    assert "AGEC" in reuse.definition.source
    undefined = strategy.indicators.filter(target_defined=False)
    assert undefined.count() == 24
    assert status.target_text(undefined.first()) == "à définir"
    assert AuditEvent.objects.filter(action="strategy.create", organisation=org).exists()
    # Built-in definitions are shared by every strategy, not copied.
    create(user, org, "reen-guide")
    assert IndicatorDefinition.objects.filter(key="reuse_spend_share").count() == 1


def test_create_from_the_idf_template_with_typed_targets(user, org):
    strategy = create(user, org, "idf-2025")
    assert strategy.axes.count() == 4
    assert strategy.indicators.count() == 16
    assert Objective.objects.filter(axis__strategy=strategy, parent__isnull=False).count() == 20
    by_key = {i.definition.key: i for i in strategy.indicators.select_related("definition")}
    life = by_key["avg_lifespan_retired"]
    assert (life.target_kind, life.target_value, life.target_date) == (
        "level", 7, dt.date(2027, 12, 31))
    assert (life.baseline_value, life.baseline_date) == (5, dt.date(2025, 1, 1))
    assert by_key["idf_recycled_material_purchases"].target_kind == "rate"
    assert by_key["idf_recycled_material_purchases"].target_value == pytest.approx(0.10)
    assert (by_key["reuse_spend_share"].target_kind,
            by_key["reuse_spend_share"].target_value) == ("floor", 20)
    assert by_key["idf_circular_clause_share"].target_value == 30
    assert by_key["end_of_life_route_share"].target_value == 100
    assert by_key["idf_accessibility_audited_share"].target_date == dt.date(2028, 12, 31)
    assert by_key["idf_accessibility_compliance"].target_kind == "rate"
    assert by_key["idf_cyber_trained_share"].target_date == dt.date(2027, 12, 31)
    gdpr = by_key["idf_gdpr_response_days"]
    assert (gdpr.target_kind, gdpr.target_value) == ("max_duration", 30)
    assert status.target_text(gdpr) == "≤ 30 jours"
    assert status.target_text(life) == "7 ans en 2027"
    assert status.target_text(by_key["idf_recycled_material_purchases"]) == "+10\u202f%/an"
    assert status.target_text(by_key["reuse_spend_share"]) == "≥ 20\u202f%"
    assert status.target_text(by_key["idf_cyber_trained_share"]) == "100\u202f% en 2027"
    tree = selectors.strategy_tree(strategy)
    assert [len(n.objectives) for n in tree] == [2, 3, 2, 1]


def test_operator_templates_are_offered_to_members_only_when_published(user, org):
    data = {"key": "gip-2026", "title": "Modèle du GIP", "source": "GIP", "axes": [
        {"title": "Sobriété", "description": "", "objectives": [
            {"title": "Allonger", "children": [], "actions": [{"title": "Audit"}],
             "indicators": [{"definition": {"key": "gip_life", "name": "Durée", "unit": "ans",
                                            "precision": 1, "direction": "up",
                                            "description": "", "method": "", "source": "GIP",
                                            "computed": ""},
                             "target": {"kind": "level", "value": 6, "date": "2028-12-31"}}]}]}]}
    row = StrategyTemplate.objects.create(operator=org.operator, key="gip-2026",
                                          title="Modèle du GIP", data=data)
    assert "gip-2026" not in {t.key for t in selectors.available_templates(org)}
    with pytest.raises(services.TemplateError):
        create(user, org, "gip-2026")
    row.published = True
    row.save()
    assert "gip-2026" in {t.key for t in selectors.available_templates(org)}
    strategy = create(user, org, "gip-2026")
    definition = strategy.indicators.get().definition
    assert definition.operator == org.operator and definition.shared
    assert definition in selectors.available_definitions(org)


# --------------------------------------------------------------------------- computed


def asset(org, **values):
    return BareAssetFactory(organisation=org, **values)


@pytest.fixture
def estate(org):
    """Retired devices with routes, purchases with prices. Ages are whole multiples of four
    years (1461 days = 4 × 365.25) so that the expected figures are exact."""
    asset(org, category="laptop", quantity=3, purchase_date=dt.date(2016, 1, 1),
          retirement_date=dt.date(2024, 1, 1), disposal="donated")  # 8 years, reuse
    a2 = asset(org, category="desktop", quantity=1, purchase_date=dt.date(2019, 6, 1),
               commissioning_date=dt.date(2020, 1, 1), retirement_date=dt.date(2024, 1, 1),
               disposal="recycled", weight_kg=9.5)  # 4 years from commissioning
    LifecycleEventFactory(asset=a2, kind="retired", date=dt.date(2024, 1, 1),
                          disposal="recycled", weee_weight_kg=12.0)
    asset(org, category="monitor", quantity=1, purchase_date=dt.date(2008, 1, 1),
          retirement_date=dt.date(2024, 1, 1), disposal="")  # 16 years: out of the decree
    asset(org, category="laptop", quantity=1, retirement_date=dt.date(2023, 1, 1),
          disposal="")  # unknown age, still awaiting a route
    asset(org, category="laptop", quantity=1, purchase_date=dt.date(2019, 1, 1),
          retirement_date=dt.date(2023, 1, 1), disposal="reused_internally")  # 4 years
    asset(org, category="monitor", quantity=2, retirement_date=dt.date(2024, 3, 1),
          disposal="recycled", weight_kg=5.0)  # no event: 2 × 5 kg
    asset(org, category="laptop", quantity=4, purchase_date=dt.date(2024, 3, 1),
          purchase_price_eur=Decimal("1000"), condition="new")
    asset(org, category="laptop", quantity=2, purchase_date=dt.date(2024, 5, 1),
          purchase_price_eur=Decimal("500"), condition="refurbished")
    asset(org, category="smartphone", quantity=1, purchase_date=dt.date(2024, 6, 1),
          condition="reused")  # no price
    return org


def by_year(key, org):
    return {v.year: v for v in computed.compute(key, org, today=TODAY)}


def test_avg_lifespan_retired(estate):
    values = by_year("avg_lifespan_retired", estate)
    assert set(values) == {2023, 2024}
    assert values[2024].value == pytest.approx((8 * 3 + 4 + 16) / 5)
    assert values[2024].date == dt.date(2024, 12, 31) and values[2024].kind == "result"
    assert values[2024].detail["by_category"]["laptop"] == {"years": 8.0, "units": 3}
    assert values[2024].detail["units_without_date"] == 2
    assert values[2023].value == pytest.approx(4.0)
    assert values[2023].detail["units_without_date"] == 1


def test_reuse_rate_retired_follows_the_decree(estate):
    values = by_year("reuse_rate_retired", estate)
    # 2023: reused 1 of 2 retired. 2024: reused 3 (donated) of 3 + 1 + 2 retired in 2024
    # (the 16-year-old monitor excluded) plus 1 awaiting since 2023.
    assert values[2023].value == pytest.approx(50.0)
    assert values[2024].value == pytest.approx(300 / 7)
    assert values[2024].detail == {
        "reused_units": 3, "retired_units": 6, "waiting_units": 1, "excluded_over_10_years": 1,
        "without_route_units": 0, "by_route": {"donated": 3, "recycled": 3},
        "left_out": {"over_10_years": 1}, "awaiting_decision_units": 0}
    # 2025 (to date): nothing retired yet, one device still awaiting a route.
    assert values[2025].value == 0.0 and values[2025].kind == "estimate"
    assert values[2025].date == TODAY


def test_reuse_spend_and_purchase_shares(estate):
    spend = by_year("reuse_spend_share", estate)
    assert list(spend) == [2024]
    assert spend[2024].value == pytest.approx(20.0)  # 1 000 € of 5 000 €
    assert spend[2024].detail["units_without_price"] == 1
    units = by_year("refurbished_purchase_share", estate)
    assert units[2024].value == pytest.approx(300 / 7)  # 2 refurbished + 1 reused of 7


def test_weee_and_end_of_life_routes(estate):
    weee = by_year("weee_recycled_kg", estate)
    assert list(weee) == [2024]
    assert weee[2024].value == pytest.approx(12.0 + 2 * 5.0)  # event weight, else asset weight
    routes = by_year("end_of_life_route_share", estate)
    assert routes[2024].value == pytest.approx(600 / 7)
    assert routes[2023].value == pytest.approx(50.0)


def test_footprint_per_agent(estate):
    from jalon.footprint.services import footprint_for

    values = computed.compute("footprint_per_agent", estate, today=TODAY)
    assert values
    for v in values:
        gwp = footprint_for(estate, v.year, "stock")["totals"]["gwp"]["value"]
        assert v.value == pytest.approx(gwp / 10)


def test_recompute_labels_values_with_inventory_version_and_import(user, estate):
    source = InventoryImportFactory(organisation=estate, file_name="parc.csv", stored_path="/x",
                                    status="done")
    Organisation.objects.filter(pk=estate.pk).update(inventory_version=7)
    strategy = create(user, estate, "idf-2025")
    indicator = strategy.indicators.get(definition__key="reuse_spend_share")
    assert services.recompute_computed_indicators(estate) >= 3
    stored = list(indicator.values.all())
    assert [v.value for v in stored] == [pytest.approx(20.0)]
    assert stored[0].inventory_version == 7 and stored[0].source_import == source
    assert "parc.csv" in stored[0].source and "version 7" in stored[0].source
    # Fresh values are not recomputed; a new inventory version is.
    assert services.recompute_computed_indicators(estate) == 0
    Organisation.objects.filter(pk=estate.pk).update(inventory_version=8)
    assert services.recompute_computed_indicators(estate) >= 3
    assert indicator.values.get().inventory_version == 8
    assert tasks.recompute_indicators.call(estate.pk) >= 3


# --------------------------------------------------------------------------- status


def manual(user, org, kind="floor", value=20.0, **target):
    strategy = services.create_from_template(user, org, "reen-guide", title="S",
                                             period_start=2025, period_end=2030)
    definition = services.create_definition(user, org, key="part", name="Part", unit="%",
                                            precision=1)
    return services.add_indicator(user, strategy, definition, target_kind=kind,
                                  target_value=value, **target)


def test_entering_a_value_changes_the_status(user, org):
    indicator = manual(user, org)
    first = status.assess_indicator(indicator, TODAY)
    assert first.status == Status.NO_DATA
    services.add_value(user, indicator, dt.date(2024, 12, 31), 10.0, "result", "DSI", "")
    off = status.assess_indicator(indicator, TODAY)
    assert off.status == Status.OFF_TRACK
    assert off.explanation == ("Dernière valeur : 10,0\u202f%, hors de la limite ≥ 20\u202f%, "
                               "et la tendance ne l'y ramène pas.")
    services.add_value(user, indicator, dt.date(2025, 5, 31), 25.0, "result", "DSI", "")
    achieved = status.assess_indicator(indicator, TODAY)
    assert achieved.status == Status.ACHIEVED
    assert achieved.latest.value == 25.0 and achieved.symbol == "✓"
    assert AuditEvent.objects.filter(action="strategy.value_add").count() == 2


def test_explanations_of_rates_and_levels(user, org):
    rate = manual(user, org, "rate", 0.10)
    services.add_value(user, rate, dt.date(2023, 1, 1), 100.0)
    services.add_value(user, rate, dt.date(2025, 1, 1), 100.0 * 1.061 ** 2)
    text = status.assess_indicator(rate, TODAY).explanation
    assert text == ("Au rythme observé (+6,1\u202f%/an), la cible de +10\u202f%/an ne serait "
                    "pas atteinte.")
    level = services.add_indicator(user, rate.strategy, rate.definition, target_kind="level",
                                   target_value=100.0, target_date=dt.date(2027, 12, 31))
    services.add_value(user, level, dt.date(2024, 12, 31), 82.0)
    services.add_value(user, level, dt.date(2025, 5, 31), 86.0)
    item = status.assess_indicator(level, TODAY)
    assert item.explanation.startswith("Projection 2027 : ")
    assert item.status in (Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK)
    statuses = status.strategy_statuses(rate.strategy, TODAY)
    assert len(statuses) == rate.strategy.indicators.count()


def test_computed_indicators_refuse_manual_values(user, org):
    strategy = create(user, org, "reen-guide")
    indicator = strategy.indicators.get(definition__key="weee_recycled_kg")
    with pytest.raises(ValueError):
        services.add_value(user, indicator, TODAY, 1.0)


def test_tree_crud_is_audited(user, org):
    strategy = create(user, org, "idf-2025")
    axis = services.add_axis(user, strategy, title="Axe 5")
    objective = services.add_objective(user, axis, title="Objectif")
    child = services.add_objective(user, axis, title="Sous-objectif", parent=objective)
    action = services.add_action(user, child, title="Action", status="in_progress",
                                 owner="DSI", budget_eur=Decimal("1200"))
    services.update_action(user, action, status="done")
    action.refresh_from_db()
    assert action.status == "done"
    node = selectors.strategy_tree(strategy)[-1]
    assert node.objectives[0].children[0].actions == [action]
    services.delete_axis(user, axis)
    assert not Axis.objects.filter(pk=axis.pk).exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"strategy.axis_add", "strategy.objective_add", "strategy.action_add",
            "strategy.action_update", "strategy.axis_delete"} <= actions
    assert Indicator.objects.filter(strategy=strategy).count() == 16
