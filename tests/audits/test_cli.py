"""`jalon audit URL...` as a CI gate: JSON contract and exit codes (0 pass, 1 gate failed,
2 bad arguments). The command line audits loopback addresses (it runs on the user's machine)."""

from __future__ import annotations

import json

from tests.audits.conftest import needs_chromium
from typer.testing import CliRunner

from jalon.cli import app

runner = CliRunner()


@needs_chromium
def test_json_output_and_passing_gates(site_url):
    result = runner.invoke(app, ["audit", f"{site_url}/good.html", "--runs", "2",
                                 "--format", "json", "--min-ecoindex", "80",
                                 "--max-axe-violations", "0"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    [page] = data["pages"]
    assert page["url"] == f"{site_url}/good.html"
    assert page["status"] == "ok"
    assert set(page["ecoindex"]) >= {"score", "grade", "dom_nodes", "requests", "size_kb"}
    assert page["axe"]["violations"] == []
    assert all(set(c) >= {"id", "result", "evidence"} for c in page["rgesn"])
    assert page["protocol"]["runs"] == 2
    assert data["gates"] == {"min_ecoindex": 80.0, "max_axe_violations": 0, "passed": True,
                             "failures": []}


@needs_chromium
def test_a_failing_gate_exits_1(site_url):
    result = runner.invoke(app, ["audit", f"{site_url}/good.html", f"{site_url}/faulty.html",
                                 "--runs", "1", "--format", "json",
                                 "--max-axe-violations", "0"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    violations = {v["id"]: v for v in data["pages"][1]["axe"]["violations"]}
    assert set(violations["image-alt"]) >= {"id", "impact", "nodes", "rgaa"}
    assert violations["image-alt"]["rgaa"] == ["1.1"]
    assert data["gates"]["passed"] is False


@needs_chromium
def test_an_unreachable_page_fails_the_gate(site_url):
    result = runner.invoke(app, ["audit", f"{site_url}/missing.html", "--runs", "1"])
    assert result.exit_code == 1
    assert "http_error" in result.output


def test_bad_arguments_exit_2():
    assert runner.invoke(app, ["audit", "ftp://example.org/"]).exit_code == 2
    assert runner.invoke(app, ["audit", "https://example.org/", "--runs", "0"]).exit_code == 2
    assert runner.invoke(app, ["audit", "https://example.org/",
                               "--min-ecoindex", "120"]).exit_code == 2
    assert runner.invoke(app, ["audit"]).exit_code == 2
