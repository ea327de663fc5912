"""Checks on the shipped reference factor set "jalon-fr" (src/jalon/data/reference).

The set must validate against its Table Schemas, carry provenance on every row, cover every
category, and equal its cited sources for the reference devices: the ADEME Base IMPACTS /
NegaOctet terminal values and the electricity factors that boaviztapi ships as package data
(read at test time, no network).
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from importlib.resources import files
from pathlib import Path

import pytest
import yaml
from frictionless import Resource, Schema, validate
from tests import paths

DATA = paths.ROOT / "src/jalon/data/reference"
SCHEMAS = DATA / "schemas"
MANIFEST = json.loads((DATA / "factor_set.json").read_text(encoding="utf-8"))
FILES: dict[str, str] = MANIFEST["files"]

EMBODIED_CATEGORIES = [
    "laptop", "desktop", "thin_client", "workstation", "monitor", "smartphone", "tablet",
    "ip_phone", "printer", "copier", "scanner", "projector", "display", "storage", "switch",
    "router", "wifi_ap", "firewall",
]
PHYSICAL_CATEGORIES = [*EMBODIED_CATEGORIES, "server"]
PHASES = ["manufacture", "distribution", "end_of_life"]
PROFILES = ["office", "always_on", "data_centre"]
COUNTRIES = ["FRA", "DEU", "BEL", "ESP", "ITA", "GBR", "CHE", "LUX", "NLD", "EEE", "WOR"]

# (min column, value column, max column) per file
BOUNDS = {
    "embodied": ("min", "value", "max"),
    "lifespans": ("min", "lifespan_years", "max"),
    "usage": ("power_min_w", "power_w", "power_max_w"),
    "profiles": ("min_hours", "hours_per_year", "max_hours"),
    "electricity": ("min", "value", "max"),
    "refurbishment": ("min", "avoided_share", "max"),
}


def read(key: str) -> list[dict[str, str]]:
    with open(DATA / FILES[key], encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def dec(text: str) -> Decimal:
    """Parse a number written with either a decimal point or a decimal comma."""
    return Decimal(text.strip().replace(",", "."))


def boavizta_data() -> Path:
    return Path(str(files("boaviztapi") / "data"))


def base_impacts() -> dict[tuple[str, str], dict[str, Decimal]]:
    """boaviztapi's packaged ADEME Base IMPACTS / NegaOctet terminal table (decimal commas)."""
    path = boavizta_data() / "crowdsourcing" / "ademe_base_impacts_negaoctet.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        return {
            (row["Category"], row["type"]): {
                key: dec(value) for key, value in row.items() if key not in ("Category", "type")
            }
            for row in csv.DictReader(handle)
        }


def boavizta_electricity() -> dict[str, dict[str, dict[str, object]]]:
    factors = yaml.safe_load((boavizta_data() / "factors.yml").read_text(encoding="utf-8"))
    return factors["electricity"]


def embodied_sum(category: str, criterion: str) -> Decimal:
    rows = [r for r in read("embodied")
            if r["category"] == category and r["criterion"] == criterion]
    assert rows, f"no {criterion} rows for {category}"
    return sum((dec(r["value"]) for r in rows), Decimal(0))


# --------------------------------------------------------------------------- (a) schemas

def test_manifest() -> None:
    assert MANIFEST["name"] == "jalon-fr"
    assert MANIFEST["version"] == "2026.11"
    assert MANIFEST["description"]
    assert set(FILES) == set(BOUNDS)
    for filename in FILES.values():
        assert (DATA / filename).is_file()


@pytest.mark.parametrize("key", sorted(BOUNDS))
def test_csv_validates_against_table_schema(key: str) -> None:
    schema_path = SCHEMAS / f"{Path(FILES[key]).stem}.schema.json"
    descriptor = json.loads(schema_path.read_text(encoding="utf-8"))
    assert Schema.validate_descriptor(descriptor).valid
    schema = Schema.from_descriptor(descriptor)
    assert schema.primary_key, f"{schema_path.name} declares no primaryKey"
    resource = Resource(path=FILES[key], basepath=str(DATA), schema=schema)
    report = validate(resource)
    errors = [error.message for task in report.tasks for error in task.errors]
    assert report.valid, errors[:10]


# --------------------------------------------------------------------------- (b) provenance

@pytest.mark.parametrize("key", sorted(BOUNDS))
def test_every_row_has_provenance_and_ordered_bounds(key: str) -> None:
    low, central, high = BOUNDS[key]
    rows = read(key)
    assert rows
    for row in rows:
        for column in ("source", "year", "licence"):
            assert row[column].strip(), f"{key}: empty {column} in {row}"
        assert 1990 <= int(row["year"]) <= 2100
        assert dec(row[low]) <= dec(row[central]) <= dec(row[high]), f"{key}: bounds in {row}"


# --------------------------------------------------------------------------- (c) coverage

@pytest.mark.parametrize("category", EMBODIED_CATEGORIES)
def test_embodied_gwp_has_every_phase(category: str) -> None:
    phases = {r["phase"] for r in read("embodied")
              if r["category"] == category and r["criterion"] == "gwp"}
    assert phases == set(PHASES)


def test_embodied_has_no_server_vm_or_water_rows() -> None:
    rows = read("embodied")
    assert {r["category"] for r in rows} == set(EMBODIED_CATEGORIES)
    # Base IMPACTS 'WU' is negative (EF 3.0 deprivation-weighted, with credits): not shipped.
    assert not [r for r in rows if r["criterion"] == "wu"]


@pytest.mark.parametrize("key", ["lifespans", "usage"])
def test_every_physical_category_present(key: str) -> None:
    categories = [r["category"] for r in read(key)]
    assert sorted(categories) == sorted(PHYSICAL_CATEGORIES)


def test_usage_profiles_exist() -> None:
    profiles = {r["profile"] for r in read("profiles")}
    assert set(PROFILES) <= profiles
    assert {r["profile"] for r in read("usage")} <= profiles


@pytest.mark.parametrize("condition", ["refurbished", "reused"])
def test_refurbishment_covers_every_category(condition: str) -> None:
    categories = [r["category"] for r in read("refurbishment") if r["condition"] == condition]
    assert sorted(categories) == sorted(PHYSICAL_CATEGORIES)


@pytest.mark.parametrize("country", COUNTRIES)
def test_electricity_countries(country: str) -> None:
    criteria = {r["criterion"] for r in read("electricity") if r["country"] == country}
    assert {"gwp", "adpe", "pe"} <= criteria


@pytest.mark.parametrize(("profile", "hours", "pue"), [
    ("always_on", "8760", "1"),
    ("data_centre", "8760", "1.75"),
])
def test_profile_hours_and_pue(profile: str, hours: str, pue: str) -> None:
    row = next(r for r in read("profiles") if r["profile"] == profile)
    assert dec(row["hours_per_year"]) == dec(hours)
    assert dec(row["pue"]) == dec(pue)


def test_laptop_office_energy_is_plausible() -> None:
    hours = {r["profile"]: dec(r["hours_per_year"]) for r in read("profiles")}
    laptop = next(r for r in read("usage") if r["category"] == "laptop")
    kwh = dec(laptop["power_w"]) * hours[laptop["profile"]] / 1000
    assert Decimal(20) <= kwh <= Decimal(60)


# --------------------------------------------------------------------------- (d) = sources

REFERENCE_DEVICES = [
    ("laptop", ("Laptop", "pro")),
    ("desktop", ("Desktop", "pro")),
    ("monitor", ("Monitor", "")),
    ("smartphone", ("Smartphone", "")),
    ("tablet", ("Tablet", "")),
]
# our criterion -> Base IMPACTS column (pe uses ADPf as the primary-energy proxy, see notes)
COLUMNS = [("gwp", "GWP"), ("adpe", "ADPe"), ("pe", "ADPf")]


@pytest.mark.parametrize(("category", "key"), REFERENCE_DEVICES)
@pytest.mark.parametrize(("criterion", "column"), COLUMNS)
def test_reference_devices_equal_base_impacts(
    category: str, key: tuple[str, str], criterion: str, column: str
) -> None:
    source = base_impacts()[key][column]
    assert embodied_sum(category, criterion) == source


@pytest.mark.parametrize(("category", "expected"), [
    ("laptop", "181"), ("desktop", "277"), ("monitor", "64.7"),
    ("smartphone", "84.0"), ("tablet", "75.9"),
])
def test_reference_gwp_totals(category: str, expected: str) -> None:
    assert embodied_sum(category, "gwp") == Decimal(expected)


def electricity(country: str, criterion: str) -> Decimal:
    row = next(r for r in read("electricity")
               if r["country"] == country and r["criterion"] == criterion)
    return dec(row["value"])


def test_fra_gwp_is_base_impacts_value() -> None:
    fra = boavizta_electricity()["FRA"]
    base_impacts_gwp = sum(
        (Decimal(str(fra[part]["value"])) for part in ("gwpf", "gwpb", "gwplu")), Decimal(0))
    assert electricity("FRA", "gwp") == Decimal("0.0813225") == base_impacts_gwp


@pytest.mark.parametrize("country", ["DEU", "BEL", "ESP", "ITA", "EEE", "WOR"])
@pytest.mark.parametrize("criterion", ["gwp", "adpe", "pe"])
def test_other_countries_equal_factors_yml(country: str, criterion: str) -> None:
    expected = Decimal(str(boavizta_electricity()[country][criterion]["value"]))
    assert electricity(country, criterion) == expected


@pytest.mark.parametrize("country", ["FRA", "DEU", "GBR"])
def test_electricity_water_equals_factors_yml(country: str) -> None:
    expected = Decimal(str(boavizta_electricity()[country]["wu"]["value"]))
    assert electricity(country, "wu") == expected


# --------------------------------------------------------------------------- (e) lifespans

@pytest.mark.parametrize(("category", "years"), [
    ("laptop", "5"), ("desktop", "6"), ("smartphone", "2.5"), ("tablet", "3"), ("monitor", "6"),
])
def test_ademe_arcep_lifespans(category: str, years: str) -> None:
    row = next(r for r in read("lifespans") if r["category"] == category)
    assert dec(row["lifespan_years"]) == Decimal(years)
