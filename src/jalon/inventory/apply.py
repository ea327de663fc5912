"""Turning a classified canonical frame into Asset rows, and writing them in bulk.

Performance matters here (100,000 rows in a few seconds, benchmarks/bench_import.py): values
are prepared column by column in Polars and written from the frame (COPY on PostgreSQL,
executemany on SQLite) — never one model instance, let alone one save(), per row.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from jalon.core.model import CONDITIONS
from jalon.core.readers.base import CANONICAL_COLUMNS
from jalon.inventory.models import Asset, InventoryImport, LifecycleEvent

BATCH_SIZE = 2_000
DELETE_BATCH_SIZE = 900  # ids per DELETE ... IN (...), under SQLite's old variable limit
# Largest amount a DecimalField(12, 2) holds; larger values are typing errors.
MAX_PRICE = 10**10

_FIELDS = [f.attname for f in Asset._meta.concrete_fields]
# build_assets passes id, organisation and import first and updated_at last: check the order.
if _FIELDS[:3] != ["id", "organisation_id", "source_import_id"] or _FIELDS[-1] != "updated_at":
    raise ImproperlyConfigured(f"Asset's fields are not in build_assets' order: {_FIELDS}")
_ROW_FIELDS = _FIELDS[3:-1]
_COLUMNS = {f.attname: str(f.column) for f in Asset._meta.concrete_fields}
_DATE_FIELDS = [f.attname for f in Asset._meta.concrete_fields
                if f.get_internal_type() == "DateField"]
_DECIMAL_FIELDS = [f.attname for f in Asset._meta.concrete_fields
                   if f.get_internal_type() == "DecimalField"]
_CHAR_LIMITS = {f.attname: f.max_length for f in Asset._meta.concrete_fields
                if f.get_internal_type() == "CharField"}
# Fields Jalon itself writes through lifecycle events: an export from the asset tool that
# says nothing about them must not undo a retirement recorded here.
KEEP_WHEN_EMPTY = {"retirement_date": None, "disposal": ""}
# The route a recorded retirement gave (rule "disposal") outlives a file that says nothing.
KEEP_ROUTE_RULE = "disposal"


def build_assets(frame: pl.DataFrame, source: InventoryImport) -> list[Asset]:
    """Unsaved assets of the import's organisation, one per row of the classified frame."""
    head = (None, source.organisation_id, source.pk)
    tail = (timezone.now(),)
    rows = _prepare(frame).select(_ROW_FIELDS).iter_rows()
    # Positional arguments in concrete-field order: Model.__init__'s fast path.
    # (The plugin checks positional arguments against the fields one by one: it cannot follow.)
    return [Asset(*head, *row, *tail) for row in rows]  # type: ignore[misc]


def _prepare(frame: pl.DataFrame) -> pl.DataFrame:
    """Canonical frame -> one column per Asset field, nulls as the fields want them."""
    if "route" not in frame.columns:
        frame = frame.with_columns(pl.lit("").alias("route"), pl.lit("").alias("route_rule"))
    text = [name for name in (*CANONICAL_COLUMNS, "rule", "route", "route_rule")
            if name in _CHAR_LIMITS]
    return frame.with_columns(
        [pl.col(name).fill_null("").str.slice(0, _CHAR_LIMITS[name]).alias(name)
         for name in text if name != "condition"]
        + [
            pl.when(pl.col("condition").is_in(list(CONDITIONS))).then(pl.col("condition"))
            .otherwise(pl.lit("new")).alias("condition"),
            pl.col("quantity").fill_null(1).clip(lower_bound=1).alias("quantity"),
            pl.col("is_virtual").fill_null(False).alias("is_virtual"),
            pl.when(pl.col("purchase_price_eur").abs() < MAX_PRICE)
            .then(pl.col("purchase_price_eur").round(2)).otherwise(None)
            .alias("purchase_price_eur"),
            pl.col("line").alias("source_line"),
        ]
    )


def prepare(frame: pl.DataFrame) -> pl.DataFrame:
    """The classified frame as Asset columns (_ROW_FIELDS), ready to be written as is."""
    return _prepare(frame).select(_ROW_FIELDS)


def replace_inventory(source: InventoryImport, rows: pl.DataFrame) -> dict[str, int]:
    """The inventory becomes the file. Call inside a transaction."""
    existing = Asset.objects.filter(organisation_id=source.organisation_id)
    deleted = existing.count()
    LifecycleEvent.objects.filter(asset__organisation_id=source.organisation_id).delete()
    _delete_rows(existing)
    insert_rows(rows, source)
    return {"created": rows.height, "updated": 0, "deleted": deleted}


def merge_inventory(source: InventoryImport, rows: pl.DataFrame) -> dict[str, int]:
    """Update the assets whose inventory number is in the file, add the others (and the rows
    without a number). Call inside a transaction.

    A number repeated in the file updates one asset (its first row); its other rows are
    added, as the reader's problem for duplicates says ("both devices are counted"). A number
    repeated in the inventory matches its oldest asset.

    Updating means: delete the matched rows and insert them again under the same ids (ids are
    kept, and so are the lifecycle events pointing at them; foreign keys are checked at
    commit). The matching is a join in Polars, not a loop over Python objects.
    """
    numbered = (Asset.objects.filter(organisation_id=source.organisation_id)
                .exclude(inventory_number="").order_by("id")
                .values_list("inventory_number", "id", *KEEP_WHEN_EMPTY, "route", "route_rule"))
    existing = pl.DataFrame(
        list(numbered.iterator(chunk_size=10_000)), orient="row",
        schema={"inventory_number": pl.Utf8, "_id": pl.Int64, "_retirement_date": pl.Date,
                "_disposal": pl.Utf8, "_route": pl.Utf8, "_route_rule": pl.Utf8},
    ).unique("inventory_number", keep="first", maintain_order=True)
    first = (pl.col("inventory_number") != "") & pl.col("inventory_number").is_first_distinct()
    joined = (rows.with_columns(_first=first)
              .join(existing.with_columns(_first=pl.lit(True)),
                    on=["inventory_number", "_first"], how="left", maintain_order="left"))
    matched = joined.get_column("_id").drop_nulls()
    kept_route = ((pl.col("_route_rule") == KEEP_ROUTE_RULE)
                  & (pl.col("route_rule") != KEEP_ROUTE_RULE))
    merged = joined.with_columns(
        pl.when(pl.col("retirement_date").is_null()).then(pl.col("_retirement_date"))
        .otherwise(pl.col("retirement_date")).alias("retirement_date"),
        pl.when(pl.col("disposal") == "").then(pl.col("_disposal").fill_null(""))
        .otherwise(pl.col("disposal")).alias("disposal"),
        pl.when(kept_route).then(pl.col("_route")).otherwise(pl.col("route")).alias("route"),
        pl.when(kept_route).then(pl.col("_route_rule")).otherwise(pl.col("route_rule"))
        .alias("route_rule"),
    ).rename({"_id": "id"}).select(["id", *_ROW_FIELDS])
    ids = matched.to_list()
    for start in range(0, len(ids), DELETE_BATCH_SIZE):
        _delete_rows(Asset.objects.filter(pk__in=ids[start:start + DELETE_BATCH_SIZE]))
    insert_rows(merged, source)
    return {"created": rows.height - len(ids), "updated": len(ids), "deleted": 0}


def insert_rows(rows: pl.DataFrame, source: InventoryImport) -> None:
    """Insert prepared rows (an optional `id` column keeps the ids of updated assets).

    Not through the ORM: building 100,000 model instances and bulk_create's statements cost
    about 40 s on the benchmark machine (benchmarks/README.md). PostgreSQL gets one COPY of the
    frame written as text by Polars; SQLite one executemany per batch, both from the frame's
    columns converted once, as the database adapters of Django would convert them.
    """
    if "id" not in rows.columns:
        rows = rows.with_columns(pl.lit(None, pl.Int64).alias("id"))
    rows = rows.with_columns(
        pl.lit(source.organisation_id, pl.Int64).alias("organisation_id"),
        pl.lit(source.pk, pl.Int64).alias("source_import_id"),
    )
    now = timezone.now()
    with_id, without_id = rows.filter(pl.col("id").is_not_null()), rows.filter(
        pl.col("id").is_null()).drop("id")
    for part in (with_id, without_id):
        if part.height:
            columns = [c for c in ("id", "organisation_id", "source_import_id", *_ROW_FIELDS)
                       if c in part.columns]
            _write(part.select(columns), now)


def _write(rows: pl.DataFrame, now: dt.datetime) -> None:
    table = connection.ops.quote_name(Asset._meta.db_table)
    names = [*rows.columns, "updated_at"]
    quoted = ", ".join(connection.ops.quote_name(_COLUMNS[n]) for n in names)
    if connection.vendor == "postgresql":
        text = _copy_text(rows.with_columns(pl.lit(now.isoformat()).alias("updated_at")))
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg 3: COPY goes through the driver's cursor
            with raw.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                copy.write(text)
        return
    stamp = connection.ops.adapt_datetimefield_value(now)
    prepared = rows.with_columns(
        [pl.col(c).dt.strftime("%Y-%m-%d") for c in _DATE_FIELDS if c in rows.columns]
        + [pl.col(c).round(2).cast(pl.Utf8) for c in _DECIMAL_FIELDS if c in rows.columns]
        + [pl.lit(stamp).alias("updated_at")])
    placeholders = ", ".join(["%s"] * len(names))
    sql = f"INSERT INTO {table} ({quoted}) VALUES ({placeholders})"  # noqa: S608
    with connection.cursor() as cursor:
        for batch in prepared.iter_slices(BATCH_SIZE * 10):
            cursor.executemany(sql, batch.rows())


def _copy_text(rows: pl.DataFrame) -> str:
    """COPY's text format: tab-separated, backslash-N for null, backslash escapes in text."""
    text_columns = [c for c, t in rows.schema.items() if t == pl.Utf8]
    escaped = rows.with_columns(
        [pl.col(c).str.replace_all("\\", "\\\\", literal=True)
         .str.replace_all("\t", "\\t", literal=True)
         .str.replace_all("\n", "\\n", literal=True)
         .str.replace_all("\r", "\\r", literal=True) for c in text_columns]
        + [pl.col(c).cast(pl.Int8) for c, t in rows.schema.items() if t == pl.Boolean])
    return escaped.write_csv(separator="\t", null_value="\\N", quote_style="never",
                             include_header=False)


def _delete_rows(rows: QuerySet[Asset]) -> None:
    """One DELETE statement. QuerySet.delete() would first load every row to collect the
    cascades (14 s for 100,000 assets); the only dependants, lifecycle events, are handled
    by the callers."""
    rows._raw_delete(rows.db)


def plan(organisation_id: int, numbers: pl.Series) -> dict[str, dict[str, int]]:
    """What each mode would do to the inventory, counted before anything is written.

    `numbers` is the file's inventory-number column (one value per row, null or "" when a row
    has none). Matching is the one merge_inventory does: a number already in the inventory
    updates that device (its first row in the file; later rows with the same number are
    added), everything else is added. Replacing rewrites the file's devices too and removes
    every device the file does not list (with its lifecycle events).
    """
    numbered = (Asset.objects.filter(organisation_id=organisation_id)
                .exclude(inventory_number="").order_by()
                .values_list("inventory_number", flat=True).distinct())
    existing = set(numbered.iterator(chunk_size=10_000))
    total = Asset.objects.filter(organisation_id=organisation_id).count()
    rows = numbers.len()
    distinct = set(numbers.drop_nulls().filter(numbers.drop_nulls() != "").unique().to_list())
    matched = len(distinct & existing)
    return {
        "merge": {"added": rows - matched, "updated": matched, "removed": 0},
        "replace": {"added": rows - matched, "updated": matched, "removed": total - matched},
        "existing": {"devices": total},
    }
