"""jalon.core.ai_cost: the arithmetic by hand, and EcoLogits' data offline."""

from __future__ import annotations

import pytest

from jalon.core import ai_cost

MIX = ai_cost.Range(0.06, 0.08, 0.10)


def test_self_hosted_energy_times_the_mix():
    cost = ai_cost.self_hosted(500.0, MIX, requests_per_month=1000)
    assert cost.energy_kwh_per_year == ai_cost.Range(500, 500, 500)
    assert cost.gwp_kg_per_year.low == pytest.approx(30)
    assert cost.gwp_kg_per_year.value == pytest.approx(40)
    assert cost.gwp_kg_per_year.high == pytest.approx(50)
    # 12 000 requests a year
    assert cost.energy_kwh_per_request is not None
    assert cost.energy_kwh_per_request.value == pytest.approx(500 / 12000)


def test_estimated_energy_is_power_times_hours():
    assert ai_cost.estimated_energy(25, 8760) == pytest.approx(219.0)
    with pytest.raises(ai_cost.CostError):
        ai_cost.estimated_energy(-1, 10)


def test_generative_per_year_is_per_request_times_twelve_months():
    per_energy, per_gwp, _notes = ai_cost.per_request("mistralai", "mistral-small-latest", 400)
    cost = ai_cost.generative("mistralai", "mistral-small-latest", 1000, 400)
    assert cost.energy_kwh_per_year.value == pytest.approx(per_energy.value * 12000)
    assert cost.gwp_kg_per_year.high == pytest.approx(per_gwp.high * 12000)
    # order of magnitude documented by EcoLogits for a small model: 0.01 to 1 Wh a request
    assert 1e-5 < per_energy.value < 1e-3


def test_a_model_of_unpublished_size_gets_a_range_and_a_warning():
    energy, _gwp, notes = ai_cost.per_request("openai", "gpt-4o-mini", 300)
    assert energy.low < energy.value < energy.high
    assert notes


@pytest.mark.parametrize(("provider", "model", "expected"), [
    ("nowhere", "x", "fournisseur"), ("openai", "no-such-model", "modèle")])
def test_unknown_provider_or_model(provider, model, expected):
    with pytest.raises(ai_cost.CostError, match=expected):
        ai_cost.generative(provider, model, 10)


def test_per_benefit_and_totals():
    assert ai_cost.per_benefit(100.0, 50.0) == 2.0
    assert ai_cost.per_benefit(100.0, None) is None
    a = ai_cost.self_hosted(100, MIX)
    b = ai_cost.self_hosted(300, MIX)
    energy, gwp = ai_cost.total([a, b])
    assert energy.value == 400 and gwp.value == pytest.approx(32)
