"""Reading an uploaded file with the core readers and summarising it for the preview.

Nothing here parses a file itself: `jalon.core.readers.read_path` reads, `jalon.core.classify`
classifies; this module only turns their results into what the import page shows and stores.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from jalon.core.circularity import summary
from jalon.core.classify import classify, unclassified_summary
from jalon.core.eol import RouteRule, assign_routes, route_summary
from jalon.core.model import Problem
from jalon.core.readers import Mapping, ReaderError, read_path
from jalon.core.readers.base import CANONICAL_COLUMNS
from jalon.core.readers.tabular import (
    COMMENT,
    IGNORE,
    PRICE_INCL_VAT,
    PROFILES,
    read_xlsx_table,
    recognised_unused,
)
from jalon.core.readers.text import normalise_header, read_delimited
from jalon.inventory.uploads import extract_agent_files

MAX_STORED_PROBLEMS = 1_000
# What a source header can be mapped to: a canonical column, the comment GLPI's profile reads
# to tell refurbished devices, or nothing.
MAPPING_TARGETS: tuple[str, ...] = (
    *CANONICAL_COLUMNS, *((COMMENT,) if COMMENT not in CANONICAL_COLUMNS else ()),
    PRICE_INCL_VAT, IGNORE)


@dataclass(slots=True)
class Analysis:
    frame: pl.DataFrame  # canonical and classified (with `rule`)
    formats: list[str]
    mapping: dict[str, str]
    counts: dict[str, int]
    classification: list[dict[str, Any]]
    unclassified: list[dict[str, Any]]
    problems: list[dict[str, Any]] = field(default_factory=list)
    problem_count: int = 0
    unused: dict[str, str] = field(default_factory=dict)
    routes: list[dict[str, Any]] = field(default_factory=list)
    circularity: dict[str, Any] = field(default_factory=dict)


def readable_path(stored: Path) -> Path:
    """What the core reads: the file itself, or the folder a ZIP of agent files becomes."""
    return extract_agent_files(stored) if stored.suffix.lower() == ".zip" else stored


def analyse(stored: Path, display_name: str, columns: dict[str, str] | None = None,
            rules: list[RouteRule] | None = None, year: int | None = None) -> Analysis:
    """Read, classify, route (with the organisation's rules, else the shipped ones) and
    summarise; `year` is the year whose purchases and retirements the preview sums up.
    Raises ReaderError when the file cannot be read at all."""
    path = readable_path(stored)
    mapping = Mapping(columns={normalise_header(h): t for h, t in (columns or {}).items()})
    result = read_path(path, mapping)
    frame = assign_routes(classify(result.frame), rules)
    shown = display_names(path, display_name)
    problems = result.report.problems
    counts = {
        "read": result.report.read,
        "used": frame.height,
        "devices": int(frame.get_column("quantity").fill_null(1).sum() or 0),
        "unclassified": frame.filter(pl.col("category").is_null()).height,
        "problems": len(problems),
    }
    return Analysis(
        frame=frame,
        formats=list(result.report.formats),
        mapping=dict(result.report.mapping),
        counts=counts,
        classification=_classification(frame),
        unclassified=[{**row, "source": shown(str(row["source"]))}
                      for row in unclassified_summary(frame)],
        problems=[problem_dict(p, shown) for p in problems[:MAX_STORED_PROBLEMS]],
        problem_count=len(problems),
        unused=dict(result.report.unused),
        routes=route_summary(frame),
        circularity=({k: v for k, v in summary(frame, year).items() if k != "routes"}
                     if year is not None else {}),
    )


def problem_dict(problem: Problem, shown: Any) -> dict[str, Any]:
    """What is stored of a problem: its fields, and its template and values when it has
    them, so that the page shows it in the reader's language (inventory/problems.py)."""
    stored = {**problem.as_dict(), "source": shown(problem.source)}
    if problem.template:
        stored["template"] = problem.template
        stored["params"] = dict(problem.params)
    return stored


def source_headers(stored: Path) -> list[str]:
    """The headers of a tabular file the readers could not map, so that the user can map them
    by hand. Agent files and archives have no headers to map."""
    suffix = stored.suffix.lower()
    if suffix in (".zip", ".json", ".xml", ".ocs"):
        return []
    try:
        if suffix in (".xlsx", ".xlsm"):
            return list(read_xlsx_table(stored).headers)
        return list(read_delimited(stored, _score_header).headers)
    except (ReaderError, Exception):
        # Called while reporting that the file could not be read: the headers are a help for
        # mapping by hand, and a file the readers refused must not fail this report too.
        return []


def _score_header(row: list[str]) -> int:
    return max(sum(p.canonical_for(cell) is not None for cell in row) for p in PROFILES.values()
               ) + sum(recognised_unused(cell) is not None for cell in row)


def _classification(frame: pl.DataFrame) -> list[dict[str, Any]]:
    return (
        frame.filter(pl.col("category").is_not_null())
        .group_by("category", "rule")
        .agg(pl.len().alias("rows"), pl.col("quantity").fill_null(1).sum().alias("devices"))
        .sort("category", "rule")
        .to_dicts()
    )


def display_names(path: Path, display_name: str) -> Any:
    """Server paths never reach the page: the uploaded file is shown under the user's name,
    files of a ZIP under their name in the archive."""
    root = str(path)

    def shown(source: str) -> str:
        if source == root or not source:
            return display_name
        if source.startswith(root + os.sep):
            return f"{display_name} › {os.path.relpath(source, root)}"
        return Path(source).name

    return shown
