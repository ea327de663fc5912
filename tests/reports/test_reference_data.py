"""The bundled labelled sets: valid against their Table Schemas, disjoint, large enough."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from frictionless import Resource, Schema, validate

from jalon.core import reportdata

ROOT = Path(reportdata.__file__).resolve().parents[1] / "data" / "reference" / "reports"
DEMO_CODES = {"voirie", "eclairage", "proprete", "graffitis", "espaces_verts", "mobilier_urbain",
              "signalisation", "stationnement", "eau_assainissement", "bruit", "animaux",
              "collecte"}


@pytest.mark.parametrize(("name", "schema"), [
    ("training.csv", "labelled"), ("evaluation.csv", "labelled"),
    ("categories.csv", "categories"),
])
def test_valid_against_schema(name: str, schema: str) -> None:
    resource = Resource(path=name, basepath=str(ROOT), schema=Schema.from_descriptor(
        json.loads((ROOT / "schemas" / f"{schema}.schema.json").read_text(encoding="utf-8"))))
    report = validate(resource)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_the_demo_codes() -> None:
    assert {c.code for c in reportdata.categories()} == DEMO_CODES


def test_evaluation_is_kept_apart_and_large_enough() -> None:
    train = {r.text.casefold().strip() for r in reportdata.training()}
    evaluation = reportdata.evaluation()
    assert len(evaluation) >= 300
    assert not [r.id for r in evaluation if r.text.casefold().strip() in train]
    counts = Counter(r.category for r in evaluation)
    assert set(counts) == DEMO_CODES and min(counts.values()) >= 20
