"""Free-text device types and models -> Jalon categories, with the rule that matched.

Rules live in `data/reference/classification.csv`, tried in file order (virtual machines first,
then rules on the type, then on the model, then on the asset tool's item type): the first match
wins and its name is kept on the row so that every classification can be explained. A row that
no rule matches stays unclassified: it is counted and listed, never guessed.

Rules run once per distinct (item type, type, model) triple, not once per device.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Final

import polars as pl

from jalon.core.model import CATEGORIES

EXPLICIT: Final = "explicit"
VIRTUAL_FLAG: Final = "virtual-flag"
FIELDS: Final = ("item_type", "type", "model")


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    field: str
    pattern: re.Pattern[str]
    category: str
    # Optional condition on the asset tool's item type: "poste fixe" is a desk phone under
    # GLPI's Téléphone and a desktop computer under Ordinateur.
    when_item: re.Pattern[str] | None = None


def fold(text: str | None) -> str:
    """Lower case without accents, so that 'Écran' and 'ecran' match the same rule."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.replace("\u2019", "'"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


@cache
def load_rules() -> tuple[Rule, ...]:
    text = resources.files("jalon.data.reference").joinpath("classification.csv").read_text(
        encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    rules = []
    for row in rows:
        if row["category"] not in CATEGORIES or row["field"] not in FIELDS:
            raise ValueError(f"classification.csv: bad rule {row['rule']!r}")
        when = row.get("when_item") or ""
        rules.append(Rule(row["rule"], row["field"], re.compile(row["pattern"]), row["category"],
                          re.compile(when) if when else None))
    return tuple(rules)


def classify_one(item_type: str | None, type_: str | None,
                 model: str | None) -> tuple[str | None, str | None]:
    values = {"item_type": fold(item_type), "type": fold(type_), "model": fold(model)}
    for rule in load_rules():
        if rule.when_item is not None and not rule.when_item.search(values["item_type"]):
            continue
        if rule.pattern.search(values[rule.field]):
            return rule.category, rule.name
    return None, None


def classify(frame: pl.DataFrame) -> pl.DataFrame:
    """Fill `category` and add `rule`; explicit categories and the virtual flag come first.

    Only rows without an explicit category are matched against the rules (an inventory in
    Jalon's canonical format often names every category), and the row order is kept.
    """
    explicit = pl.col("category").is_not_null()
    virtual = pl.col("is_virtual").fill_null(False)
    given = frame.with_columns(
        pl.when(virtual & ~explicit).then(pl.lit("virtual_machine"))
        .otherwise(pl.col("category")).alias("category"),
        pl.when(explicit).then(pl.lit(EXPLICIT))
        .when(virtual).then(pl.lit(VIRTUAL_FLAG))
        .otherwise(pl.lit(None, pl.Utf8)).alias("rule"),
    )
    pending = given.get_column("rule").is_null()
    if not pending.any():
        return given
    indexed = given.with_row_index("__row")
    todo = indexed.filter(pending)
    keys = todo.select(FIELDS).unique()
    categories: list[str | None] = []
    names: list[str | None] = []
    for item_type, type_, model in keys.iter_rows():
        category, name = classify_one(item_type, type_, model)
        categories.append(category)
        names.append(name)
    lookup = keys.with_columns(
        pl.Series("__category", categories, dtype=pl.Utf8),
        pl.Series("__rule", names, dtype=pl.Utf8),
    )
    matched = todo.join(lookup, on=list(FIELDS), how="left", nulls_equal=True).with_columns(
        pl.col("__category").alias("category"), pl.col("__rule").alias("rule"),
    ).drop("__category", "__rule")
    return (pl.concat([indexed.filter(~pending), matched], how="vertical")
            .sort("__row").drop("__row"))


def unclassified_summary(frame: pl.DataFrame, limit: int = 50) -> list[dict[str, object]]:
    """Distinct unclassified (item type, type, model) with their count and where they are."""
    rows = (
        frame.filter(pl.col("category").is_null())
        .group_by(FIELDS, maintain_order=True)
        .agg(pl.col("quantity").fill_null(1).sum().alias("count"),
             pl.col("source").first(), pl.col("line").head(5).alias("lines"))
        .sort("count", descending=True)
        .head(limit)
    )
    return rows.to_dicts()
