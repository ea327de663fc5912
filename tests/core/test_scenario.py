"""Scenarios: steady state and trajectory on hand-computed fleets."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from jalon.core.factors import load_factor_set
from jalon.core.output import scenario_to_dict
from jalon.core.readers.base import frame_from_records
from jalon.core.scenario import ScenarioParams, run_scenario

FS = load_factor_set()
E = 181.0  # laptop embodied gwp, all phases
USE = 49.5 * 0.0813225  # laptop yearly use, kgCO2e


def laptop_phase(phase):
    rows = FS.embodied.filter((pl.col("category") == "laptop") & (pl.col("criterion") == "gwp")
                              & (pl.col("phase") == phase))
    return float(rows.get_column("value")[0])


def refurbished_share_avoided():
    rows = FS.refurbishment.filter((pl.col("category") == "laptop")
                                   & (pl.col("condition") == "refurbished"))
    return float(rows.get_column("avoided_share")[0])


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("JALON_CACHE_DIR", str(tmp_path))


def run(records, params=None, start=2025, until=2030):
    params = params or ScenarioParams()
    base = {"source": "t", "line": 2, "quantity": 1, "category": "laptop"}
    frame = frame_from_records([{**base, **r} for r in records])
    return scenario_to_dict(run_scenario(frame, FS, params, start, until))


def yearly(side):
    return {y["year"]: y["totals"]["gwp"]["value"] for y in side["years"]}


def steady(side):
    return side["steady_state"]["totals"]["gwp"]["value"]


LAPTOP_2023 = {"purchase_date": dt.date(2023, 1, 1)}


def test_baseline_steady_state_is_embodied_over_lifespan_plus_use():
    result = run([LAPTOP_2023])
    assert steady(result["baseline"]) == pytest.approx(E / 5 + USE)


def test_longer_lifespan_lowers_the_steady_state():
    result = run([LAPTOP_2023], ScenarioParams(lifespans={"laptop": 7}))
    assert steady(result["scenario"]) == pytest.approx(E / 7 + USE)
    assert result["parameters"]["lifespans"] == {"laptop": 7}


def test_refurbished_purchases_mix_new_and_refurbished():
    result = run([LAPTOP_2023], ScenarioParams(refurbished={"laptop": 0.3}))
    manufacture = laptop_phase("manufacture")
    mix = E - manufacture * 0.3 * refurbished_share_avoided()
    assert steady(result["scenario"]) == pytest.approx(mix / 5 + USE)


def test_fleet_reduction_removes_devices_at_replacement():
    result = run([{**LAPTOP_2023, "quantity": 2}], ScenarioParams(reduction={"laptop": 0.5}))
    assert steady(result["scenario"]) == pytest.approx(E / 5 + USE)
    years = yearly(result["scenario"])
    # Both laptops serve until their replacement in 2028, then one of two is not replaced.
    assert years[2027] == pytest.approx(2 * (E / 5 + USE))
    assert years[2029] == pytest.approx(E / 5 + USE)
    counts = {y["year"]: y["count"] for y in result["scenario"]["years"]}
    assert counts[2027] == 2 and counts[2029] == 1


def test_trajectory_follows_the_real_age_of_the_fleet():
    result = run([LAPTOP_2023], ScenarioParams(lifespans={"laptop": 7}))
    base, scen = yearly(result["baseline"]), yearly(result["scenario"])
    assert sorted(base) == list(range(2025, 2031))
    for year in range(2025, 2031):
        assert base[year] == pytest.approx(E / 5 + USE)
        assert scen[year] == pytest.approx(E / 7 + USE)


def test_device_past_its_lifespan_is_replaced_at_the_start():
    old = {"purchase_date": dt.date(2015, 1, 1)}
    result = run([old], ScenarioParams(lifespans={"laptop": 7}))
    assert yearly(result["baseline"])[2025] == pytest.approx(E / 5 + USE)
    assert yearly(result["scenario"])[2025] == pytest.approx(E / 7 + USE)


def test_other_electricity_mix_changes_only_the_use_phase():
    deu = FS.electricity.filter((pl.col("country") == "DEU") & (pl.col("criterion") == "gwp"))
    factor = float(deu.get_column("value")[0])
    result = run([LAPTOP_2023], ScenarioParams(country="DEU"))
    assert steady(result["scenario"]) == pytest.approx(E / 5 + 49.5 * factor)


def test_retired_devices_are_not_in_the_trajectory():
    retired = {"purchase_date": dt.date(2020, 1, 1), "retirement_date": dt.date(2024, 5, 1)}
    result = run([LAPTOP_2023, retired])
    assert result["baseline"]["steady_state"]["count"] == 1


def test_json_contract_of_a_scenario():
    result = run([LAPTOP_2023], ScenarioParams(lifespans={"laptop": 7}))
    for side in ("baseline", "scenario"):
        assert set(result[side]) == {"steady_state", "years"}
        for criterion in ("gwp", "adpe", "pe", "wu"):
            triple = result[side]["steady_state"]["totals"][criterion]
            assert triple["min"] <= triple["value"] <= triple["max"]
        assert [y["year"] for y in result[side]["years"]] == list(range(2025, 2031))


@pytest.mark.parametrize(("records", "expected"), [
    # One new laptop: the reference lifespan (5 years), nothing refurbished.
    ([LAPTOP_2023], {"laptop": (1, 5.0, 0.0)}),
    # Its own lifespan wins; quantities weigh the mean and the refurbished share.
    ([{**LAPTOP_2023, "quantity": 3, "lifespan_years": 7},
      {**LAPTOP_2023, "quantity": 1, "condition": "refurbished"}],
     {"laptop": (4, (3 * 7 + 5) / 4, 0.25)}),
    # Retired before the start: not in service, not counted.
    ([LAPTOP_2023, {"purchase_date": dt.date(2020, 1, 1),
                    "retirement_date": dt.date(2024, 5, 1)}], {"laptop": (1, 5.0, 0.0)}),
    ([], {}),
])
def test_current_values_are_those_the_reference_uses(records, expected):
    from jalon.core.scenario import current_values
    base = {"source": "t", "line": 2, "quantity": 1, "category": "laptop"}
    frame = (frame_from_records([{**base, **r} for r in records]) if records
             else pl.DataFrame())
    found = current_values(frame, FS, 2025)
    assert {k: (v.count, v.lifespan, v.refurbished) for k, v in found.items()} == {
        k: (n, pytest.approx(life), pytest.approx(share))
        for k, (n, life, share) in expected.items()}
