"""The bundled reference data of citizen reports (src/jalon/data/reference/reports/): the demo's
categories and the two labelled sets of the triage model (training, evaluation), read once.

The evaluation set is never trained on: `training()` and `evaluation()` read separate files,
and a test checks that they share no text.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Final

PACKAGE: Final = "jalon.data.reference.reports"


@dataclass(frozen=True, slots=True)
class CategoryRow:
    code: str
    label: str
    description: str


@dataclass(frozen=True, slots=True)
class Labelled:
    id: str
    text: str
    category: str
    ambiguous: bool


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files(PACKAGE).joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def categories() -> tuple[CategoryRow, ...]:
    return tuple(CategoryRow(r["code"], r["label"], r["description"])
                 for r in _rows("categories.csv"))


@cache
def _labelled(name: str) -> tuple[Labelled, ...]:
    codes = {c.code for c in categories()}
    out = []
    for line, row in enumerate(_rows(name), start=2):
        if row["category"] not in codes:
            raise ValueError(f"{name}, line {line}: unknown category {row['category']!r}")
        out.append(Labelled(row["id"], row["text"], row["category"],
                            row["label_certainty"] == "ambiguous"))
    return tuple(out)


def training() -> tuple[Labelled, ...]:
    return _labelled("training.csv")


def evaluation() -> tuple[Labelled, ...]:
    return _labelled("evaluation.csv")


@cache
def faq_synonyms() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The FAQ assistant's French synonym groups (faq_synonyms.csv): (concept, variants)."""
    text = resources.files(PACKAGE).joinpath("faq_synonyms.csv").read_text(encoding="utf-8")
    return tuple((row["concept"], tuple(v for v in row["variants"].split("|") if v))
                 for row in csv.DictReader(text.splitlines(), delimiter=";"))


@cache
def corpus_texts() -> tuple[str, ...]:
    """Every bundled report text, unlabelled: the corpus the FAQ assistant's latent layer
    learns French report vocabulary from (no label is used, so the evaluation set may serve)."""
    return tuple(r.text for r in (*training(), *evaluation()))
