"""Reads of the inventory. Callers pass an organisation obtained from tenancy.scope."""

from __future__ import annotations

import polars as pl
from django.db.models import QuerySet

from jalon.core.readers.base import CANONICAL_COLUMNS, conform
from jalon.inventory.models import Asset
from jalon.tenancy.models import Organisation


def assets(organisation: Organisation) -> QuerySet[Asset]:
    return Asset.objects.filter(organisation=organisation)


def asset_frame(organisation: Organisation) -> pl.DataFrame:
    """The organisation's assets as the engine's canonical frame (source = import, line)."""
    columns = [c for c in CANONICAL_COLUMNS]
    rows = list(assets(organisation).values_list("source_line", *columns))
    data = {name: [row[i + 1] for row in rows] for i, name in enumerate(columns)}
    frame = pl.DataFrame({"line": [row[0] for row in rows], **data}, strict=False,
                         infer_schema_length=None)
    blanks = [pl.when(pl.col(c) == "").then(None).otherwise(pl.col(c)).alias(c)
              for c in columns if frame.schema.get(c) == pl.Utf8]
    frame = frame.with_columns(blanks).with_columns(pl.lit("inventory").alias("source"))
    return conform(frame)
