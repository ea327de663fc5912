"""The RGAA 4.1.2 and RGESN 2024 referentials, from the versioned data files shipped in
`jalon/data/reference/audits/` (one row per criterion: number, theme, level or priority,
WCAG mapping or weight, a short description in Jalon's words, link to the official text,
source, version, year, licence, uncertainty)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Final

from jalon.core.audits import criterion_key

RGAA_VERSION: Final = "4.1.2"
RGESN_VERSION: Final = "2024"
AUDIT_SIZES: Final = (25, 50, 106)


def folder() -> Path:
    return Path(str(resources.files("jalon.data").joinpath("reference", "audits")))


@dataclass(frozen=True, slots=True)
class RgaaCriterion:
    number: str
    theme_number: int
    theme: str
    level: str
    wcag: str
    description: str
    audit_25: bool
    audit_50: bool
    url: str
    source: str
    version: str
    licence: str


@dataclass(frozen=True, slots=True)
class RgesnCriterion:
    number: str
    theme_number: int
    theme: str
    priority: str
    weight: float
    difficulty: str
    may_be_not_applicable: bool
    description: str
    automated_checks: tuple[str, ...]
    url: str
    source: str
    version: str
    licence: str


def _rows(name: str) -> list[dict[str, str]]:
    with (folder() / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def rgaa() -> tuple[RgaaCriterion, ...]:
    out = tuple(RgaaCriterion(
        r["number"], int(r["theme_number"]), r["theme"], r["level"], r["wcag"],
        r["description"], r["audit_25"] == "1", r["audit_50"] == "1", r["url"], r["source"],
        r["version"], r["licence"]) for r in _rows(f"rgaa-{RGAA_VERSION}.csv"))
    return tuple(sorted(out, key=lambda c: criterion_key(c.number)))


@cache
def rgesn() -> tuple[RgesnCriterion, ...]:
    out = tuple(RgesnCriterion(
        r["number"], int(r["theme_number"]), r["theme"], r["priority"], float(r["weight"]),
        r["difficulty"], r["may_be_not_applicable"] == "1", r["description"],
        tuple(x for x in r["automated_checks"].split(";") if x), r["url"], r["source"],
        r["version"], r["licence"]) for r in _rows(f"rgesn-{RGESN_VERSION}.csv"))
    return tuple(sorted(out, key=lambda c: criterion_key(c.number)))


def rgaa_for_size(size: int) -> tuple[RgaaCriterion, ...]:
    """The criteria of an audit of 25, 50 or 106 criteria."""
    if size not in AUDIT_SIZES:
        raise ValueError(f"audit size {size}: expected one of {AUDIT_SIZES}")
    if size == 106:
        return rgaa()
    return tuple(c for c in rgaa() if (c.audit_25 if size == 25 else c.audit_50))


def rgaa_by_number() -> dict[str, RgaaCriterion]:
    return {c.number: c for c in rgaa()}


def rgesn_by_number() -> dict[str, RgesnCriterion]:
    return {c.number: c for c in rgesn()}


def rgaa_themes() -> list[tuple[int, str]]:
    return sorted({(c.theme_number, c.theme) for c in rgaa()})
