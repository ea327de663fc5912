"""The bounds of inventory values (jalon.core.bounds) and the engine's guard on them."""

from __future__ import annotations

import datetime as dt
import math

import polars as pl
import pytest

from jalon.core import engine
from jalon.core.bounds import BOUNDS, out_of_bounds
from jalon.core.factors import load_factor_set
from jalon.core.model import ReadReport
from jalon.core.readers.base import frame_from_records


@pytest.mark.parametrize(("name", "value", "holds"), [
    ("lifespan_years", None, True), ("lifespan_years", 5, True), ("lifespan_years", 100, True),
    ("lifespan_years", 0, False), ("lifespan_years", -81, False), ("lifespan_years", 101, False),
    ("annual_kwh", 0, True), ("annual_kwh", -1e9, False), ("annual_kwh", 1e308, False),
    ("annual_kwh", math.inf, False), ("annual_kwh", math.nan, False),
    ("quantity", 1, True), ("quantity", 0, False), ("quantity", 10**7, False),
    ("pue", 1, True), ("pue", 0.9, False), ("pue", 150, False),
])
def test_bounds(name, value, holds):
    assert BOUNDS[name].holds(value) is holds


def test_out_of_bounds_names_each_field_with_its_range():
    wrong = out_of_bounds({"lifespan_years": -1, "annual_kwh": "many", "quantity": 2})
    assert wrong == {"lifespan_years": "> 0 and <= 100", "annual_kwh": ">= 0 and <= 1e+07"}


def laptop(line: int | None, **values: object) -> dict[str, object]:
    return {"source": "inventory", "line": line, "category": "laptop", "quantity": 1,
            "purchase_date": dt.date(2022, 1, 1), **values}


@pytest.mark.parametrize(("values", "column"), [
    ({"lifespan_years": -81.0}, "lifespan_years"),
    ({"lifespan_years": 0.0}, "lifespan_years"),
    ({"annual_kwh": 1e308}, "annual_kwh"),
    ({"annual_kwh": -1e9}, "annual_kwh"),
    ({"annual_kwh": math.nan}, "annual_kwh"),
    ({"quantity": 0}, "quantity"),
    ({"pue": 0.2}, "pue"),
])
def test_a_device_out_of_bounds_is_left_out_and_reported(values, column):
    frame = frame_from_records([laptop(2), laptop(None, **values)])
    report = ReadReport(read=2)
    footprint = engine.compute(frame, load_factor_set(), engine.Options(year=2025), report)
    assert footprint.rows_used == 1
    [problem] = report.problems
    assert (problem.line, problem.column) == (0, column)
    values_ = footprint.impacts.get_column("value")
    assert values_.is_finite().all() and (values_ >= 0).all()
    alone = engine.compute(frame_from_records([laptop(2)]), load_factor_set(),
                           engine.Options(year=2025))
    assert footprint.impacts.equals(alone.impacts)


def test_an_unknown_country_without_a_line_is_a_problem_not_a_crash():
    frame = frame_from_records([laptop(None, country="ZZZ")])
    report = ReadReport(read=1)
    footprint = engine.compute(frame, load_factor_set(), engine.Options(year=2025), report)
    assert footprint.rows_used == 1
    assert [(p.line, p.column, p.value) for p in report.problems] == [(0, "country", "ZZZ")]
    assert footprint.impacts.filter(pl.col("value") > 0).height
