"""Table tests of the footprint methods on hand-computed cases (shipped factor set jalon-fr)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from jalon.core.engine import Options, compute
from jalon.core.factors import load_factor_set
from jalon.core.output import footprint_to_dict
from jalon.core.readers.base import frame_from_records

FS = load_factor_set()
LAPTOP_EMBODIED = 181.0  # Base IMPACTS laptop pro, all embodied phases (kgCO2e)
LAPTOP_KWH = 49.5  # 25 W × 1,980 office hours
FRA = 0.0813225  # kgCO2e/kWh, Base IMPACTS 2.01
LIFE_DAYS = 5 * 365.25


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("JALON_CACHE_DIR", str(tmp_path))


def device(**fields):
    record = {"source": "test", "line": 2, "quantity": 1, "category": "laptop"}
    record.update(fields)
    return record


def gwp(records, year=2025, **options):
    frame = frame_from_records(records)
    result = footprint_to_dict(compute(frame, FS, Options(year=year, **options)))
    phases = result["by_phase"]
    embodied = sum(phases[p]["gwp"]["value"] for p in ("manufacture", "distribution",
                                                        "end_of_life"))
    return embodied, phases["use"]["gwp"]["value"], result


def d(text):
    return dt.date.fromisoformat(text)


def test_laptop_factor_is_the_base_impacts_value():
    embodied = FS.embodied.filter((pl.col("category") == "laptop") & (pl.col("criterion") == "gwp"))
    assert embodied.get_column("value").sum() == pytest.approx(LAPTOP_EMBODIED)


STOCK_CASES = [
    # (case, device fields, expected embodied, expected use)
    ("in service all year, within its lifespan", {"purchase_date": d("2023-01-01")},
     LAPTOP_EMBODIED * 365 / LIFE_DAYS, LAPTOP_KWH * FRA),
    ("fully amortised: only the use phase remains", {"purchase_date": d("2019-01-01")},
     0.0, LAPTOP_KWH * FRA),
    ("bought on 1 July: prorata temporis", {"purchase_date": d("2025-07-01")},
     LAPTOP_EMBODIED * 184 / LIFE_DAYS, LAPTOP_KWH * FRA * 184 / 365),
    ("retired on 1 April", {"purchase_date": d("2022-01-01"), "retirement_date": d("2025-04-01")},
     LAPTOP_EMBODIED * 90 / LIFE_DAYS, LAPTOP_KWH * FRA * 90 / 365),
    ("commissioning date wins over purchase date",
     {"purchase_date": d("2019-01-01"), "commissioning_date": d("2024-01-01")},
     LAPTOP_EMBODIED * 365 / LIFE_DAYS, LAPTOP_KWH * FRA),
    ("no date: in service and not yet amortised", {},
     LAPTOP_EMBODIED / 5, LAPTOP_KWH * FRA),
    ("own lifespan of 7 years", {"purchase_date": d("2023-01-01"), "lifespan_years": 7.0},
     LAPTOP_EMBODIED * 365 / (7 * 365.25), LAPTOP_KWH * FRA),
    ("bought after the year", {"purchase_date": d("2026-02-01")}, 0.0, 0.0),
    ("retired before the year", {"purchase_date": d("2020-01-01"),
                                 "retirement_date": d("2024-06-30")}, 0.0, 0.0),
    ("status retired without a date: out of service", {"purchase_date": d("2023-01-01"),
                                                       "status": "Au rebut"}, 0.0, 0.0),
    ("declared consumption overrides the profile", {"purchase_date": d("2023-01-01"),
                                                     "annual_kwh": 100.0},
     LAPTOP_EMBODIED * 365 / LIFE_DAYS, 100.0 * FRA),
    ("a batch of 25", {"purchase_date": d("2023-01-01"), "quantity": 25},
     25 * LAPTOP_EMBODIED * 365 / LIFE_DAYS, 25 * LAPTOP_KWH * FRA),
]


@pytest.mark.parametrize(("case", "fields", "embodied", "use"), STOCK_CASES,
                         ids=[c[0] for c in STOCK_CASES])
def test_stock_method(case, fields, embodied, use):
    got_embodied, got_use, _ = gwp([device(**fields)])
    assert got_embodied == pytest.approx(embodied, rel=1e-9, abs=1e-9)
    assert got_use == pytest.approx(use, rel=1e-9, abs=1e-9)


FLUX_CASES = [
    ("bought in N: whole embodied impact", {"purchase_date": d("2025-03-01")},
     LAPTOP_EMBODIED, LAPTOP_KWH * FRA * 306 / 365),
    ("bought before N: no embodied impact", {"purchase_date": d("2023-03-01")},
     0.0, LAPTOP_KWH * FRA),
]


@pytest.mark.parametrize(("case", "fields", "embodied", "use"), FLUX_CASES,
                         ids=[c[0] for c in FLUX_CASES])
def test_flux_method(case, fields, embodied, use):
    got_embodied, got_use, _ = gwp([device(**fields)], method="flux")
    assert got_embodied == pytest.approx(embodied)
    assert got_use == pytest.approx(use)


REAL_CASES = [
    # NumEcoEval's REEL rule: lifespan so far = end of N (or retirement) − purchase, >= 1 year.
    ("18 months old", {"purchase_date": d("2024-07-01")},
     LAPTOP_EMBODIED / (549 / 365.25)),
    ("bought in June: floor of one year", {"purchase_date": d("2025-06-01")},
     LAPTOP_EMBODIED * 214 / 365),
    ("9 years old: never fully amortised", {"purchase_date": d("2017-01-01")},
     LAPTOP_EMBODIED / (3287 / 365.25)),
]


@pytest.mark.parametrize(("case", "fields", "embodied"), REAL_CASES,
                         ids=[c[0] for c in REAL_CASES])
def test_real_lifespan_rule(case, fields, embodied):
    got_embodied, _, _ = gwp([device(**fields)], lifespan_rule="real")
    assert got_embodied == pytest.approx(embodied)


def test_refurbished_device_avoids_a_share_of_manufacture_only():
    share = FS.refurbishment.filter((pl.col("category") == "laptop")
                                    & (pl.col("condition") == "refurbished"))
    avoided = float(share.get_column("avoided_share")[0])
    rows = FS.embodied.filter((pl.col("category") == "laptop") & (pl.col("criterion") == "gwp"))
    by_phase = dict(zip(rows.get_column("phase"), rows.get_column("value"), strict=True))
    _, _, result = gwp([device(purchase_date=d("2023-01-01"), condition="refurbished")])
    fraction = 365 / LIFE_DAYS
    phases = result["by_phase"]
    assert phases["manufacture"]["gwp"]["value"] == pytest.approx(
        by_phase["manufacture"] * (1 - avoided) * fraction)
    assert phases["distribution"]["gwp"]["value"] == pytest.approx(
        by_phase["distribution"] * fraction)


def test_virtual_machine_has_no_embodied_impact_and_no_use_of_its_own():
    embodied, use, result = gwp([device(category=None, type="Machine virtuelle",
                                        purchase_date=d("2023-01-01"))])
    assert (embodied, use) == (0.0, 0.0)
    assert result["by_category"]["virtual_machine"]["count"] == 1


def test_virtual_machine_with_declared_consumption():
    _, use, _ = gwp([device(category="virtual_machine", annual_kwh=50.0)])
    assert use == pytest.approx(50.0 * FRA)


def test_server_flagged_virtual_is_a_virtual_machine():
    embodied, use, result = gwp([device(category="server", is_virtual=True, cpu_units=2,
                                        purchase_date=d("2023-01-01"))])
    assert (embodied, use) == (0.0, 0.0)
    assert result["by_category"]["virtual_machine"]["count"] == 1
    assert "server" not in result["by_category"] or \
        result["by_category"]["server"]["count"] == 0


def test_country_mix_changes_the_use_phase():
    deu = FS.electricity.filter((pl.col("country") == "DEU") & (pl.col("criterion") == "gwp"))
    factor = float(deu.get_column("value")[0])
    _, use, _ = gwp([device(purchase_date=d("2023-01-01"), country="DEU")])
    assert use == pytest.approx(LAPTOP_KWH * factor)


def test_unknown_country_falls_back_to_france_with_a_problem():
    _, use, result = gwp([device(purchase_date=d("2023-01-01"), country="XYZ")])
    assert use == pytest.approx(LAPTOP_KWH * FRA)
    assert [p["value"] for p in result["rows"]["problems"]] == ["XYZ"]


def test_uncertainty_brackets_every_total():
    records = [device(category=c, purchase_date=d("2022-05-01"))
               for c in ("laptop", "desktop", "monitor", "switch", "printer", "copier")]
    _, _, result = gwp(records)
    for criterion, triple in result["totals"].items():
        assert triple["min"] <= triple["value"] <= triple["max"], criterion
    assert result["totals"]["gwp"]["min"] < result["totals"]["gwp"]["value"]


def test_count_is_devices_in_service_at_the_end_of_the_year():
    records = [device(purchase_date=d("2023-01-01"), quantity=3),
               device(purchase_date=d("2023-01-01"), retirement_date=d("2025-06-01")),
               device(purchase_date=d("2026-01-05"))]
    _, _, result = gwp(records)
    assert result["by_category"]["laptop"]["count"] == 3


def test_unclassified_rows_are_counted_and_listed_not_computed():
    records = [device(category=None, type="Divers", model="Boîtier X", line=7),
               device(purchase_date=d("2023-01-01"))]
    _, _, result = gwp(records)
    rows = result["rows"]
    assert rows["unclassified"] == 1
    assert rows["used"] == 1
    assert rows["unclassified_types"][0]["lines"] == [7]


def test_totals_equal_the_sum_of_categories_and_of_phases():
    records = [device(category=c, purchase_date=d("2021-03-15"))
               for c in ("laptop", "monitor", "ip_phone", "wifi_ap", "smartphone")]
    _, _, result = gwp(records)
    for criterion in ("gwp", "adpe", "pe", "wu"):
        total = result["totals"][criterion]["value"]
        assert sum(c[criterion]["value"] for c in result["by_category"].values()) == \
            pytest.approx(total)
        assert sum(p[criterion]["value"] for p in result["by_phase"].values()) == \
            pytest.approx(total)


def test_server_embodied_matches_boavizta_for_the_same_configuration():
    """Cross-check: Boavizta allocates embedded × duration / lifetime; so does Jalon (in days)."""
    from boaviztapi.compute.impacts_computation import compute_single_impact
    from boaviztapi.data.archetype import get_server_archetype
    from boaviztapi.dto.device import Server
    from boaviztapi.dto.device.device import mapper_server

    config = {"cpu_units": 2, "cpu_cores": 20, "ram_gb": 384.0, "ssd_count": 2,
              "ssd_capacity_gb": 480.0}
    _, _, result = gwp([device(category="server", purchase_date=d("2023-01-01"), **config)])
    body = {"model": {"type": "rack"}, "configuration": {
        "cpu": {"units": 2, "core_units": 20}, "ram": [{"units": 1, "capacity": 384}],
        "disk": [{"units": 2, "type": "ssd", "capacity": 480}]}}
    server = mapper_server(Server.model_validate(body),
                           archetype=get_server_archetype("platform_compute_medium"))
    lifetime = server.usage.hours_life_time.value
    # The unrounded impact (Boavizta's JSON rounds to significant figures).
    boavizta = compute_single_impact(server, "embedded", "gwp", duration=8760).value
    jalon = result["by_phase"]["manufacture"]["gwp"]["value"]
    assert lifetime == 4 * 8760
    # 365 days of 4 × 365.25 in Jalon, 8,760 hours of 35,040 in Boavizta.
    assert jalon == pytest.approx(boavizta * (365 / 1461) / (8760 / 35040), rel=1e-9)


def test_laptop_embodied_matches_boavizta_for_the_same_lifespan():
    from boaviztapi.compute.impacts_computation import compute_impacts
    from boaviztapi.data.archetype import get_user_terminal_archetype
    from boaviztapi.dto.device.user_terminal import Laptop, mapper_user_terminal

    laptop = mapper_user_terminal(
        Laptop.model_validate({"usage": {"usage_location": "FRA", "hours_life_time": 43830}}),
        archetype=get_user_terminal_archetype("laptop-pro"))
    boavizta = compute_impacts(laptop, ["gwp"], duration=8766)["gwp"]["embedded"]["value"]
    embodied, _, _ = gwp([device(purchase_date=d("2023-01-01"))])
    assert embodied == pytest.approx(boavizta, rel=0.002)


def test_empty_inventory_gives_zero_totals_not_an_error():
    from jalon.core.readers.base import empty_frame

    result = footprint_to_dict(compute(empty_frame(), FS, Options(year=2025,
                                                                  dimensions=("entity",))))
    assert result["totals"]["gwp"] == {"value": 0.0, "min": 0.0, "max": 0.0, "unit": "kgCO2e"}
    assert result["by_category"] == {} and result["by_entity"] == {}
    assert result["rows"]["read"] == 0
