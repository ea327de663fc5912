"""The per-device hypotheses in the open: read from the factor set, replaced by an
organisation's value, compared with Boavizta's defaults (table tests of jalon.core.hypotheses)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from jalon.core import hypotheses as core
from jalon.core.factors import load_factor_set

FACTORS = load_factor_set()


def by_key(items: list[core.Hypothesis]) -> dict[str, core.Hypothesis]:
    return {h.key: h for h in items}


@pytest.mark.parametrize(("category", "lifespan", "kwh", "has_pue"), [
    ("laptop", 5.0, 49.5, False),       # 25 W × 1,980 h (Ecodiag), ADEME-Arcep 5 years
    ("desktop", 6.0, 189.0, False),     # 95.45 W × 1,980 h
    ("monitor", 6.0, 69.3, False),      # 35 W × 1,980 h
    ("server", None, 1760.3, True),     # PCF TEC of a Dell R640/R740, PUE of its room
])
def test_category_hypotheses_come_from_the_factor_set(category, lifespan, kwh, has_pue):
    items = by_key(core.category_hypotheses(FACTORS, category))
    if lifespan is not None:
        assert items["lifespan_years"].value == lifespan
        assert "ADEME-Arcep" in items["lifespan_years"].source
    assert items["annual_kwh"].value == pytest.approx(kwh, rel=1e-3)
    assert items["grid_factor"].value == pytest.approx(0.0813225)
    assert ("pue" in items) is has_pue
    assert all(h.source for h in items.values())


def test_an_override_replaces_the_value_and_keeps_the_default():
    mine = {"annual_kwh": core.Override("laptop", "annual_kwh", 120.0, "Compteurs 2025")}
    item = by_key(core.category_hypotheses(FACTORS, "laptop", overrides=mine))["annual_kwh"]
    assert item.value == 120.0 and item.default == pytest.approx(49.5)
    assert item.reason == "Compteurs 2025"


def test_boavizta_defaults_are_read_from_the_installed_package():
    laptop = core.boavizta_defaults("laptop")
    assert laptop is not None and laptop.archetype == "laptop-pro"
    # 75 W × 0.3 × 8,760 h = 197.1 kWh a year; 35,040 h = 4 years.
    assert laptop.annual_kwh == pytest.approx(197.1)
    assert laptop.lifespan_years == pytest.approx(4.0)
    assert core.boavizta_defaults("switch") is None  # no user-terminal archetype


@pytest.mark.parametrize(("category", "expected"), [
    ("laptop", {"annual_kwh"}),   # 197.1 / 49.5 = ×4.0
    ("desktop", {"annual_kwh"}),  # 459.9 / 189 = ×2.4
    ("monitor", {"annual_kwh"}),  # 144.5 / 69.3 = ×2.1
    ("smartphone", {"annual_kwh"}),  # 2.6 / 4.95 = ×0.53: lower by more than a third
    ("tablet", {"annual_kwh"}),   # 19.7 / 9.9 = ×2.0
])
def test_notable_differences_beyond_half(category, expected):
    items = core.category_hypotheses(FACTORS, category)
    found = {d.key for d in core.notable_differences(items, core.boavizta_defaults(category))}
    assert found == expected


@pytest.mark.parametrize(("key", "value", "ok"), [
    ("lifespan_years", 7, True), ("lifespan_years", 0.1, False), ("lifespan_years", 31, False),
    ("annual_kwh", 0, True), ("annual_kwh", -1, False), ("pue", 1.4, True), ("pue", 0.9, False),
    ("grid_factor", 0.1, False),  # not an organisation's to replace
])
def test_check_override(key, value, ok):
    assert (core.check_override(key, value) is None) is ok


def test_overrides_fill_only_devices_without_their_own_value():
    frame = pl.DataFrame({"category": ["laptop", "laptop", "desktop"],
                          "annual_kwh": [None, 80.0, None],
                          "purchase_date": [dt.date(2024, 1, 1)] * 3})
    out = core.apply_overrides(frame, [core.Override("laptop", "annual_kwh", 120.0, "x")])
    assert out.get_column("annual_kwh").to_list() == [120.0, 80.0, None]
