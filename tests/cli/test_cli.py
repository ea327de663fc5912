"""The `jalon` command line as people call it: in process with Typer's CliRunner, and as a real
process to prove that machine output on stdout is nothing but JSON."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from tests import paths
from typer.testing import CliRunner

from jalon.cli import app
from jalon.core.model import CATEGORIES, CRITERIA, PHASES, UNITS

FIXTURES = paths.FIXTURES
GLPI_EXCEL = FIXTURES / "glpi_computers_excel_cp1252.csv"
CANONICAL_CSV = FIXTURES / "canonical.csv"
MAPPING = FIXTURES / "mapping_example.toml"
CUSTOM = FIXTURES / "custom_export.csv"
DOCUMENTED_BAD = {
    (9, "Date d'achat", "31/02/2019"),
    (15, "Date d'achat", "inconnue"),
    (22, "Valeur", "12,3,4"),
}


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("JALON_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture(scope="module")
def module_cache(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JALON_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        yield


def invoke(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args])


def run_json(*args: object) -> dict:
    result = invoke(*args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def jalon_executable() -> str:
    candidate = Path(sys.executable).parent / "jalon"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("jalon")
    if found is None:
        pytest.skip("the jalon console script is not installed")
    return found


def one_line(text: str) -> str:
    """Rich wraps messages to the console width; compare them on one line."""
    return " ".join(text.split())


# --------------------------------------------------------------------------------------------
# footprint --format json: the JSON contract
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def glpi_json(module_cache):
    return run_json("footprint", GLPI_EXCEL, "--year", "2025")


def test_footprint_json_top_level(glpi_json):
    assert {"year", "method", "lifespan_rule", "factor_set", "totals", "by_category",
            "by_phase", "rows"} <= set(glpi_json)
    assert glpi_json["year"] == 2025
    assert glpi_json["method"] == "stock"
    assert glpi_json["lifespan_rule"] == "reference"
    assert glpi_json["factor_set"]["name"] == "jalon-fr"
    assert isinstance(glpi_json["factor_set"]["version"], str)
    assert glpi_json["factor_set"]["version"]


@pytest.mark.parametrize("criterion", CRITERIA)
def test_footprint_json_totals(glpi_json, criterion):
    triple = glpi_json["totals"][criterion]
    assert set(triple) == {"value", "min", "max", "unit"}
    assert triple["unit"] == UNITS[criterion]
    assert 0 <= triple["min"] <= triple["value"] <= triple["max"]
    assert triple["value"] > 0


def test_footprint_json_units_are_the_documented_ones(glpi_json):
    assert {c: t["unit"] for c, t in glpi_json["totals"].items()} == {
        "gwp": "kgCO2e", "adpe": "kgSbeq", "pe": "MJ", "wu": "m3"}


def test_footprint_json_by_category(glpi_json):
    by_category = glpi_json["by_category"]
    assert set(by_category) <= set(CATEGORIES)
    assert {"laptop", "desktop", "thin_client", "workstation", "server",
            "virtual_machine"} <= set(by_category)
    for entry in by_category.values():
        assert isinstance(entry["count"], int)
        assert entry["count"] >= 0
        assert entry["lifespan_years"] >= 0
        for criterion in CRITERIA:
            triple = entry[criterion]
            assert triple["unit"] == UNITS[criterion]
            assert triple["min"] <= triple["value"] <= triple["max"]


def test_footprint_json_by_phase(glpi_json):
    by_phase = glpi_json["by_phase"]
    assert list(by_phase) == list(PHASES)
    assert set(by_phase) == {"manufacture", "distribution", "use", "end_of_life"}
    for phases in by_phase.values():
        assert set(phases) == set(CRITERIA)
        for criterion, triple in phases.items():
            assert triple["unit"] == UNITS[criterion]
            assert triple["min"] <= triple["value"] <= triple["max"]


@pytest.mark.parametrize("criterion", CRITERIA)
def test_footprint_json_parts_add_up_to_the_total(glpi_json, criterion):
    total = glpi_json["totals"][criterion]["value"]
    by_category = sum(e[criterion]["value"] for e in glpi_json["by_category"].values())
    by_phase = sum(p[criterion]["value"] for p in glpi_json["by_phase"].values())
    assert by_category == pytest.approx(total, rel=1e-9)
    assert by_phase == pytest.approx(total, rel=1e-9)


def test_footprint_json_rows(glpi_json):
    rows = glpi_json["rows"]
    assert {"read", "used", "unclassified", "problems"} <= set(rows)
    assert rows["read"] == 40
    assert rows["unclassified"] == 1  # line 30, Divers / Boîtier X
    assert rows["used"] == 39
    for problem in rows["problems"]:
        assert {"line", "column", "value", "message"} <= set(problem)
        assert problem["message"]
    found = {(p["line"], p["column"], p["value"]) for p in rows["problems"]}
    assert found >= DOCUMENTED_BAD
    assert all(p["source"] == str(GLPI_EXCEL) for p in rows["problems"])


def test_footprint_json_lists_the_unclassified_type(glpi_json):
    unclassified = glpi_json["rows"].get("unclassified_types")
    assert unclassified
    assert unclassified[0]["type"] == "Divers"
    assert unclassified[0]["model"] == "Boîtier X"
    assert unclassified[0]["lines"] == [30]


# --------------------------------------------------------------------------------------------
# footprint: other formats, methods, mapping
# --------------------------------------------------------------------------------------------

def test_footprint_csv(glpi_json):
    result = invoke("footprint", GLPI_EXCEL, "--year", "2025", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["scope", "key", "criterion", "value", "min", "max", "unit",
                             "count"]
    totals = {r["criterion"]: r for r in rows if r["scope"] == "total"}
    assert set(totals) == set(CRITERIA)
    for criterion, row in totals.items():
        assert float(row["value"]) == pytest.approx(glpi_json["totals"][criterion]["value"])
        assert row["unit"] == UNITS[criterion]
    phases = {(r["key"], r["criterion"]) for r in rows if r["scope"] == "phase"}
    assert phases == {(p, c) for p in PHASES for c in CRITERIA}
    categories = [r for r in rows if r["scope"] == "category"]
    assert {r["key"] for r in categories} == set(glpi_json["by_category"])
    laptop = next(r for r in categories if r["key"] == "laptop" and r["criterion"] == "gwp")
    assert int(laptop["count"]) == glpi_json["by_category"]["laptop"]["count"]


def test_footprint_table_is_human_output():
    result = invoke("footprint", GLPI_EXCEL, "--year", "2025")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "Footprint 2025" in out
    assert "tCO2e" in out
    assert "By category" in out
    assert "By phase" in out
    assert "laptop" in out
    with pytest.raises(json.JSONDecodeError):
        json.loads(out)
    err = one_line(result.stderr)
    assert "40 devices read" in err
    assert "1 unclassified" in err
    assert f"{GLPI_EXCEL}:9" in err
    assert "'31/02/2019'" in err


@pytest.fixture(scope="module")
def canonical_2024(module_cache):
    return {
        options: run_json("footprint", CANONICAL_CSV, "--year", "2024", *options)
        for options in [(), ("--method", "flux"), ("--lifespan-rule", "real")]
    }


def test_method_flux_changes_the_totals(canonical_2024):
    default, flux = canonical_2024[()], canonical_2024[("--method", "flux")]
    assert default["method"] == "stock"
    assert flux["method"] == "flux"
    assert flux["totals"]["gwp"]["value"] != pytest.approx(default["totals"]["gwp"]["value"])
    assert flux["totals"]["gwp"]["value"] > 0


def test_lifespan_rule_real_changes_the_totals(canonical_2024):
    default, real = canonical_2024[()], canonical_2024[("--lifespan-rule", "real")]
    assert default["lifespan_rule"] == "reference"
    assert real["lifespan_rule"] == "real"
    assert real["totals"]["gwp"]["value"] != pytest.approx(default["totals"]["gwp"]["value"])


def test_canonical_counts_quantities(canonical_2024):
    data = canonical_2024[()]
    assert data["rows"]["read"] == 21
    assert data["rows"]["problems"] == []
    assert data["by_category"]["monitor"]["count"] == 26  # a batch of 25 + one
    assert data["by_category"]["firewall"]["count"] == 2


def test_footprint_with_mapping():
    data = run_json("footprint", CUSTOM, "--mapping", MAPPING, "--year", "2025")
    assert data["rows"]["read"] == 12
    assert data["rows"]["problems"] == []
    assert {"laptop", "desktop", "server", "copier"} <= set(data["by_category"])


def test_country_option_changes_the_use_phase():
    fra = run_json("footprint", CANONICAL_CSV, "--year", "2024")
    deu = run_json("footprint", CANONICAL_CSV, "--year", "2024", "--country", "deu")
    assert (deu["by_phase"]["use"]["gwp"]["value"]
            != pytest.approx(fra["by_phase"]["use"]["gwp"]["value"]))


# --------------------------------------------------------------------------------------------
# scenario
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def scenario_json(module_cache):
    return run_json("scenario", GLPI_EXCEL, "--lifespan", "laptop=7", "--refurbished",
                    "laptop=0.3", "--year", "2025")


@pytest.mark.parametrize("side", ["baseline", "scenario"])
def test_scenario_sides(scenario_json, side):
    part = scenario_json[side]
    steady = part["steady_state"]
    assert set(steady["totals"]) == set(CRITERIA)
    for criterion, triple in steady["totals"].items():
        assert triple["unit"] == UNITS[criterion]
        assert triple["min"] <= triple["value"] <= triple["max"]
    assert [y["year"] for y in part["years"]] == list(range(2025, 2031))
    for entry in part["years"]:
        assert {"year", "count", "totals"} <= set(entry)
        assert set(entry["totals"]) == set(CRITERIA)
        assert entry["count"] > 0


def test_scenario_lowers_the_steady_state_with_laptops(scenario_json):
    baseline = scenario_json["baseline"]["steady_state"]["totals"]["gwp"]["value"]
    scenario = scenario_json["scenario"]["steady_state"]["totals"]["gwp"]["value"]
    assert scenario < baseline


def test_scenario_echoes_its_parameters(scenario_json):
    params = scenario_json["parameters"]
    assert params["lifespans"] == {"laptop": 7.0}
    assert params["refurbished"] == {"laptop": 0.3}
    assert scenario_json["rows"]["read"] == 40


def test_scenario_csv_and_table():
    base = ("scenario", GLPI_EXCEL, "--lifespan", "laptop=7", "--year", "2025")
    as_csv = invoke(*base, "--format", "csv")
    assert as_csv.exit_code == 0, as_csv.stderr
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert {r["side"] for r in rows} == {"baseline", "scenario"}
    assert {r["year"] for r in rows} == {"steady_state", *map(str, range(2025, 2031))}
    as_table = invoke(*base)
    assert as_table.exit_code == 0, as_table.stderr
    assert "Steady state" in as_table.stdout
    assert "2030" in as_table.stdout


# --------------------------------------------------------------------------------------------
# Bad arguments: a clear message on stderr, an exit code, no traceback
# --------------------------------------------------------------------------------------------

BAD_ARGUMENTS = [
    # (arguments, words the message must hold)
    (["scenario", GLPI_EXCEL, "--lifespan", "laptop=abc"], ["--lifespan", "abc",
                                                           "not a number"]),
    (["scenario", GLPI_EXCEL, "--lifespan", "toaster=7"], ["toaster", "laptop"]),
    (["scenario", GLPI_EXCEL, "--lifespan", "laptop"], ["CATEGORY=NUMBER"]),
    (["scenario", GLPI_EXCEL, "--lifespan", "laptop=0"], ["more than 0"]),
    (["scenario", GLPI_EXCEL, "--refurbished", "laptop=1.5"], ["between 0 and 1"]),
    (["scenario", GLPI_EXCEL, "--mix", "XXX"], ["XXX", "jalon factors"]),
    (["scenario", GLPI_EXCEL, "--year", "2025", "--until", "2024"], ["--until"]),
    (["footprint", FIXTURES / "no_such_file.csv"], ["no_such_file.csv", "no such file"]),
    (["scenario", FIXTURES / "no_such_file.csv"], ["no such file"]),
    (["footprint", GLPI_EXCEL, "--factors", "nosuchset"], ["nosuchset", "jalon-fr"]),
    (["scenario", GLPI_EXCEL, "--factors", "nosuchset"], ["nosuchset"]),
    (["factors", "--set", "nosuchset"], ["nosuchset"]),
    (["footprint", FIXTURES / "unmapped_export.csv"], ["mapping file"]),
    (["footprint", CUSTOM, "--mapping", FIXTURES / "no_such_mapping.toml"], ["mapping file"]),
]


@pytest.mark.parametrize(("args", "words"), BAD_ARGUMENTS,
                         ids=[" ".join(str(a) for a in case[0][2:]) or case[0][0]
                              for case in BAD_ARGUMENTS])
def test_bad_arguments(args, words):
    result = invoke(*args, "--format", "json")
    assert result.exit_code != 0
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stdout == ""
    err = one_line(result.stderr)
    assert "Traceback" not in err
    for word in words:
        assert word in err


def test_unknown_target_in_mapping_file(tmp_path):
    mapping = tmp_path / "bad.toml"
    mapping.write_text('[columns]\n"Famille" = "colour"\n', encoding="utf-8")
    result = invoke("footprint", CUSTOM, "--mapping", mapping, "--format", "json")
    assert result.exit_code != 0
    assert "colour" in result.stderr
    assert result.stdout == ""


def test_unknown_option_value_is_a_usage_error():
    result = invoke("footprint", GLPI_EXCEL, "--format", "xml")
    assert result.exit_code == 2
    assert "xml" in result.stderr
    assert "Traceback" not in result.stderr


# --------------------------------------------------------------------------------------------
# factors, demo, --version
# --------------------------------------------------------------------------------------------

def test_factors_table():
    result = invoke("factors")
    assert result.exit_code == 0, result.stderr
    assert "jalon-fr" in result.stdout
    assert "Embodied impacts per device" in result.stdout
    assert "Reference lifespans" in result.stdout
    assert "Electricity per kWh" in result.stdout


def test_factors_json():
    data = run_json("factors")
    assert data["name"] == "jalon-fr"
    assert data["version"]
    assert {"embodied", "lifespans", "electricity", "usage", "profiles",
            "refurbishment"} <= set(data)
    for table in ("embodied", "lifespans", "electricity", "usage", "profiles",
                  "refurbishment"):
        assert data[table], table
        for row in data[table]:
            assert row["source"], (table, row)
            assert row["year"], (table, row)
            assert row["licence"], (table, row)
    # virtual machines have no embodied impact of their own, hence no lifespan
    assert {r["category"] for r in data["lifespans"]} == set(CATEGORIES) - {"virtual_machine"}
    assert "FRA" in {r["country"] for r in data["electricity"]}


def test_factors_csv():
    result = invoke("factors", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {r["table"] for r in rows} == {"embodied", "electricity"}
    assert all(r["source"] and r["licence"] for r in rows)


def test_demo_json(module_cache):
    data = run_json("demo", "--year", "2025")
    assert data["rows"]["read"] > 9000
    assert "glpi" in data["formats"]
    assert data["totals"]["gwp"]["value"] > 0
    assert set(data["by_category"]) <= set(CATEGORIES)


def test_version():
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"jalon {version('jalon')}"


# --------------------------------------------------------------------------------------------
# The installed console script, as a real process
# --------------------------------------------------------------------------------------------

def test_real_process_stdout_holds_only_json(tmp_path):
    env_cache = {"JALON_CACHE_DIR": str(tmp_path / "cache")}
    completed = subprocess.run(
        [jalon_executable(), "footprint", str(GLPI_EXCEL), "--year", "2025", "--format",
         "json"],
        capture_output=True, text=True, encoding="utf-8", timeout=120,
        env={**_base_env(), **env_cache}, check=False)
    assert completed.returncode == 0, completed.stderr
    data = json.loads(completed.stdout)  # the whole of stdout is one JSON document
    assert data["rows"]["read"] == 40
    assert "Traceback" not in completed.stderr


def test_real_process_error_goes_to_stderr(tmp_path):
    completed = subprocess.run(
        [jalon_executable(), "footprint", str(tmp_path / "absent.csv"), "--format", "json"],
        capture_output=True, text=True, encoding="utf-8", timeout=120,
        env={**_base_env(), "JALON_CACHE_DIR": str(tmp_path / "cache")}, check=False)
    assert completed.returncode != 0
    assert completed.stdout == ""
    assert "no such file" in one_line(completed.stderr)
    assert "Traceback" not in completed.stderr


def _base_env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k != "JALON_CACHE_DIR"}


# --------------------------------------------------------------------------------------------
# Columns recognised but not used are named; `jalon inventory` (issue 16)
# --------------------------------------------------------------------------------------------

def test_footprint_names_the_columns_it_does_not_use():
    result = invoke("footprint", GLPI_EXCEL, "--year", "2025")
    assert result.exit_code == 0
    err = one_line(result.stderr)
    assert "recognised but not used" in err
    for header in ("Numéro de série", "Système d'exploitation - Nom", "Dernière modification"):
        assert f"« {header} »" in err


def test_inventory_command_on_the_glpi_sample():
    sample = FIXTURES / "glpi_agglomeration_sample.csv"
    result = invoke("inventory", sample, "--year", "2025", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["columns"]["mapping"]["Date de sortie du parc"] == "retirement_date"
    assert data["columns"]["unused"]["Fournisseur"] == "supplier"
    assert {r["route"] for r in data["routes"]} >= {"in_use", "donated"}
    assert set(data["reuse_rate_retired"]) >= {"value", "left_out", "by_route"}
    table = invoke("inventory", sample, "--year", "2025")
    assert table.exit_code == 0
    assert "Reuse rate of the equipment retired in 2025" in one_line(table.stdout)
    assert invoke("inventory", sample, "--format", "csv").exit_code == 2
