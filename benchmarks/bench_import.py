"""Benchmark: importing 100,000 devices through the web import (analysis, then application),
on SQLite and, when reachable, PostgreSQL.

    .venv/bin/python benchmarks/bench_import.py [rows]   # default 100000

Each database gets a fresh schema (a temporary SQLite file; a throw-away PostgreSQL database
jalon_bench_import on 127.0.0.1:5432). Timed, in the same run:

- analysis: reading, classifying and routing the file (the preview);
- apply, new: `apply.prepare` then `replace_inventory` / `merge_inventory` as the task calls
  them (rows written from the Polars frame: executemany on SQLite, COPY on PostgreSQL; the
  merge matched by a join);
- apply, old: main's path, kept callable here only: one model instance per row
  (`apply.build_assets`), `bulk_create` in batches of 2,000, the merge matched in a Python loop.

Each apply (building the rows and writing them in one transaction) is timed for a first import
(empty inventory) and a merge re-import of the same file (every device updated). Results go to
benchmarks/results-import.json; the table is copied into benchmarks/README.md by hand with the
machine, the date and the load average.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results-import.json"
PG_URL = "postgres://postgres@127.0.0.1:5432/jalon_bench_import"


def run_one(database_url: str, rows: int, data: Path) -> dict[str, float]:
    """Run in a child process (one Django set-up per database)."""
    env = {**os.environ, "DATABASE_URL": database_url, "JALON_DATA_DIR": str(data),
           "DJANGO_SETTINGS_MODULE": "jalon.settings", "JALON_BENCH_ROWS": str(rows)}
    done = subprocess.run([sys.executable, __file__, "--child"], env=env, capture_output=True,
                          text=True, timeout=1800)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def child() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0, interactive=False)

    import polars as pl

    from jalon.inventory import analysis, apply
    from jalon.inventory.models import Asset, ImportMode, InventoryImport
    from jalon.tenancy.models import Operator, Organisation

    rows = int(os.environ["JALON_BENCH_ROWS"])
    data = Path(os.environ["JALON_DATA_DIR"])
    source_file = data / "inventory.csv"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate_inventory.py"),
                    str(rows), str(source_file)], check=True, capture_output=True)
    operator = Operator.objects.create(name="Bench", slug="bench")
    organisation = Organisation.objects.create(operator=operator, name="Bench", slug="bench",
                                               kind="commune")
    source = InventoryImport.objects.create(organisation=organisation, file_name="x.csv",
                                            stored_path=str(source_file), sha256="0" * 64)

    timings: dict[str, float] = {"rows": rows}
    start = time.perf_counter()
    result = analysis.analyse(source_file, "inventory.csv", {}, None, year=2025)
    timings["analysis_s"] = time.perf_counter() - start
    frame: pl.DataFrame = result.frame

    def timed(name: str, write: object, build: object, mode: str) -> None:
        start = time.perf_counter()
        rows = build(frame, source)  # type: ignore[operator]
        with transaction.atomic():
            written = write(source, rows)  # type: ignore[operator]
        timings[name] = time.perf_counter() - start
        assert Asset.objects.filter(organisation=organisation).count() == rows_count, written
        if mode == ImportMode.MERGE:
            assert written["updated"] == rows_count, written

    def empty() -> None:
        Asset.objects.filter(organisation=organisation)._raw_delete(connection.alias)

    rows_count = rows
    new_build = lambda frame, source: apply.prepare(frame)  # noqa: E731
    for label, build, replace, merge in (
            ("old", apply.build_assets, old_replace, old_merge),
            ("new", new_build, apply.replace_inventory, apply.merge_inventory)):
        empty()
        timed(f"apply_first_{label}_s", replace, build, ImportMode.REPLACE)
        timed(f"apply_merge_{label}_s", merge, build, ImportMode.MERGE)
    print(json.dumps(timings))


# --- main's write path, kept callable in the benchmark only ----------------------------------

def old_replace(source: Any, assets: list[Any]) -> dict[str, int]:
    from jalon.inventory import apply
    from jalon.inventory.models import Asset, LifecycleEvent

    existing = Asset.objects.filter(organisation_id=source.organisation_id)
    deleted = existing.count()
    LifecycleEvent.objects.filter(asset__organisation_id=source.organisation_id).delete()
    apply._delete_rows(existing)
    Asset.objects.bulk_create(assets, batch_size=2_000)
    return {"created": len(assets), "updated": 0, "deleted": deleted}


def old_merge(source: Any, assets: list[Any]) -> dict[str, int]:
    from jalon.inventory import apply
    from jalon.inventory.models import Asset

    existing: dict[str, tuple[Any, ...]] = {}
    numbered = (Asset.objects.filter(organisation_id=source.organisation_id)
                .exclude(inventory_number="").order_by("id")
                .values_list("inventory_number", "id", *apply.KEEP_WHEN_EMPTY, "route",
                             "route_rule"))
    for number, asset_id, *kept in numbered.iterator(chunk_size=10_000):
        existing.setdefault(number, (asset_id, *kept))
    updated: list[int] = []
    for asset in assets:
        match = existing.pop(asset.inventory_number, None) if asset.inventory_number else None
        if match is None:
            continue
        asset.pk = match[0]
        for (name, empty), kept in zip(apply.KEEP_WHEN_EMPTY.items(), match[1:3], strict=True):
            if getattr(asset, name) == empty:
                setattr(asset, name, kept)
        if match[4] == apply.KEEP_ROUTE_RULE and asset.route_rule != apply.KEEP_ROUTE_RULE:
            asset.route, asset.route_rule = match[3], match[4]
        updated.append(asset.pk)
    for start in range(0, len(updated), 900):
        apply._delete_rows(Asset.objects.filter(pk__in=updated[start:start + 900]))
    Asset.objects.bulk_create(assets, batch_size=2_000)
    return {"created": len(assets) - len(updated), "updated": len(updated), "deleted": 0}


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    results: dict[str, object] = {
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
                   f"Python {platform.python_version()}",
        "date": time.strftime("%Y-%m-%d"),
        "load_average": os.getloadavg(),
    }
    with tempfile.TemporaryDirectory() as tmp:
        sqlite_dir = Path(tmp) / "sqlite"
        sqlite_dir.mkdir()
        results["sqlite"] = run_one(f"sqlite:///{sqlite_dir / 'bench.sqlite3'}", rows,
                                    sqlite_dir)
        print("sqlite", results["sqlite"], flush=True)
        pg_dir = Path(tmp) / "pg"
        pg_dir.mkdir()
        try:
            for sql in ("DROP DATABASE IF EXISTS jalon_bench_import",
                        "CREATE DATABASE jalon_bench_import"):
                subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres",  # noqa: S607
                                "-qc", sql], check=True, capture_output=True)
        except (OSError, subprocess.CalledProcessError) as exc:
            print(f"PostgreSQL skipped: {exc}")
        else:
            results["postgresql"] = run_one(PG_URL, rows, pg_dir)
            print("postgresql", results["postgresql"], flush=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    if "--child" in sys.argv:
        child()
    else:
        main()
