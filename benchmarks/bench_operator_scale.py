"""An operator at scale on PostgreSQL: its dashboard, the peers page, and recomputing every
member's footprint with two workers.

    python benchmarks/bench_operator_scale.py                       # quick: 20 × 500 devices
    python benchmarks/bench_operator_scale.py --members 400 --devices 10000   # 4 million assets
    make bench-operator                                             # the full run

1. generates, in PG_URL (default postgres://postgres@127.0.0.1:5432/jalon_bench_operator,
   created when missing), an operator of --members members with --devices devices each
   (the synthetic estate of benchmarks/generate_inventory.py, written with COPY through
   psycopg), a done import and audit events per member, a current strategy of five
   indicators (two shared by the operator, one built-in computed) with three yearly values;
   kept between runs of the same size (--fresh regenerates; a run of another size replaces
   them: give the quick run its own --db to keep the 4 million assets);
2. recomputes every member's footprint (footprint.tasks.recompute_footprint, stock and flux)
   with --workers `jalon worker` processes against the database queue, and times it — target
   10 minutes for 400 members; with --recompute K < members, only K members are recomputed
   and the total is extrapolated (said so in the results);
3. the operator's dashboard (/operator/dashboard/, unfiltered then filtered) and its CSV
   export, and the peers page of the member with the largest peer group, through Django's test
   client: median and p95 of --requests warm requests — target p95 under 1 s.

Results go to benchmarks/results-operator.json; benchmarks/README.md keeps the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from generate_inventory import generate  # noqa: E402
from loadgen import machine, p95  # noqa: E402

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/jalon_bench_operator"
TARGETS = {"page_p95_s": 1.0, "recompute_s": 600.0}
OPERATOR_SLUG = "bench-operateur"
KINDS = (("commune", (500, 2_000, 3_000, 8_000, 15_000, 30_000)),
         ("commune", (1_200, 2_500, 5_000, 12_000)),
         ("epci", (25_000, 60_000, 120_000)),
         ("departement", (250_000, 600_000)),
         ("other", (1_000, 40_000)))


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def setup(url: str, data_dir: Path) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["JALON_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "jalon.settings"
    os.environ.setdefault("JALON_CACHE_DIR", str(data_dir / "cache"))
    from jalon.demo_site import migrate, setup_django

    setup_django()
    migrate()


# --------------------------------------------------------------------------- generation


def _asset_columns() -> tuple[list[str], dict[str, Any]]:
    """The columns of inventory_asset COPY writes, and the constant of each column the
    generated frame does not hold (the model's default: Django's defaults are not the
    database's)."""
    from django.db import models
    from django.utils import timezone

    from jalon.inventory.models import Asset

    columns, constants = [], {}
    for field in Asset._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(field.column)
        if isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add):
            constants[field.column] = timezone.now().isoformat()
        elif field.has_default():
            constants[field.column] = field.get_default()
        elif field.null:
            constants[field.column] = None
        else:
            constants[field.column] = ""
    return columns, constants


def _integer_columns() -> set[str]:
    from django.db import models

    from jalon.inventory.models import Asset

    return {f.column for f in Asset._meta.concrete_fields
            if isinstance(f, (models.IntegerField, models.ForeignKey))}


def copy_assets(organisation_id: int, devices: int, seed: int, source_import: int) -> None:
    import polars as pl
    from django.db import connection

    columns, constants = _asset_columns()
    frame = generate(devices, seed=seed).with_columns(
        pl.lit(organisation_id).alias("organisation_id"),
        pl.lit(source_import).alias("source_import_id"),
        pl.int_range(1, devices + 1).alias("source_line"),
        pl.lit("DELL").alias("manufacturer"),
        (pl.col("category") == "virtual_machine").alias("is_virtual"))
    present = set(frame.columns)
    extra = []
    for column in columns:
        if column in present:
            continue
        value = constants[column]
        if isinstance(value, (dict, list)):
            value = json.dumps(value)
        extra.append(pl.lit(value).alias(column))
    frame = frame.with_columns(extra).select(columns)
    integers = [c for c in columns if c in _integer_columns() and frame[c].dtype != pl.Boolean]
    frame = frame.with_columns(pl.col(integers).cast(pl.Int64))
    buffer = io.BytesIO()
    # Quoted text (an empty text is "", not NULL); a null is an unquoted empty field.
    frame.write_csv(buffer, include_header=False, quote_style="non_numeric",
                    date_format="%Y-%m-%d")
    with connection.cursor() as cursor:
        raw = cursor.cursor if hasattr(cursor, "cursor") else cursor
        quoted = ", ".join(f'"{c}"' for c in columns)
        with raw.copy(f"COPY inventory_asset ({quoted}) "
                      "FROM STDIN WITH (FORMAT csv)") as copy:
            copy.write(buffer.getvalue())


def generate_world(members: int, devices: int, say: Any) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from jalon.inventory.models import ImportStatus, InventoryImport
    from jalon.strategy.models import (
        Indicator,
        IndicatorDefinition,
        IndicatorValue,
        Strategy,
    )
    from jalon.tenancy.models import (
        AuditEvent,
        Membership,
        Operator,
        OperatorAdmin,
        Organisation,
    )

    User = get_user_model()
    operator = Operator.objects.create(name="Bench — GIP régional", slug=OPERATOR_SLUG)
    admin = User.objects.create_user("bench-operateur", password="bench-password-1")
    OperatorAdmin.objects.create(user=admin, operator=operator)
    shared = [IndicatorDefinition.objects.create(
        operator=operator, key=f"partage-{i}", name=f"Indicateur partagé {i}", unit="%",
        precision=1, shared=True) for i in range(2)]
    computed = IndicatorDefinition.objects.filter(
        operator__isnull=True, organisation__isnull=True, computed="footprint_per_agent").first()
    if computed is None:
        computed = IndicatorDefinition.objects.create(
            key="bench-footprint-per-agent", name="Empreinte par agent", unit="kgCO2e/agent",
            computed="footprint_per_agent", direction="down")
    private = IndicatorDefinition.objects.create(operator=operator, key="prive",
                                                 name="Indicateur propre", unit="%")
    definitions = [*shared, computed, private, private]
    year = timezone.localdate().year
    now = timezone.now()
    started = time.perf_counter()
    for i in range(members):
        kind, populations = KINDS[i % len(KINDS)]
        population = populations[(i // len(KINDS)) % len(populations)] + i
        with transaction.atomic():
            org = Organisation.objects.create(
                operator=operator, name=f"Membre {i:03d}", slug=f"bench-membre-{i:03d}",
                kind=kind, population=population, agents=max(10, devices // 3 + i % 50),
                inventory_version=1)
            if i == 0:
                Membership.objects.create(user=User.objects.create_user(
                    "bench-membre", password="bench-password-1"), organisation=org,
                    role="viewer")
            source = InventoryImport.objects.create(
                organisation=org, file_name="export-glpi.csv", stored_path="/nonexistent",
                size=devices * 200, sha256="0" * 64, status=ImportStatus.DONE,
                finished_at=now - dt.timedelta(days=i % 90), counts={"used": devices})
            copy_assets(org.pk, devices, seed=2026 + i, source_import=source.pk)
            AuditEvent.objects.bulk_create([
                AuditEvent(organisation=org, action="inventory.imported", target="bench")
                for _ in range(3)])
            strategy = Strategy.objects.create(
                organisation=org, title=f"Stratégie du membre {i:03d}",
                period_start=year - 2, period_end=year + 4,
                adopted_on=dt.date(year - 2, 6, 1) if i % 4 else None, template_key="bench")
            indicators = Indicator.objects.bulk_create([
                Indicator(strategy=strategy, definition=d, position=n, target_kind="level",
                          target_value=50 + n * 10, target_date=dt.date(year + 3, 12, 31),
                          target_defined=n != 4)
                for n, d in enumerate(definitions)])
            IndicatorValue.objects.bulk_create([
                IndicatorValue(indicator=ind, date=dt.date(year - k, 12, 31),
                               value=float((i * 7 + n * 13) % 60 + 10 * (3 - k)))
                for n, ind in enumerate(indicators) for k in (3, 2, 1)])
        if (i + 1) % 20 == 0 or i + 1 == members:
            rate = (i + 1) * devices / (time.perf_counter() - started)
            say(f"  {i + 1}/{members} members ({rate:,.0f} devices/s)")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def existing_world(members: int, devices: int) -> bool:
    from jalon.inventory.models import Asset
    from jalon.tenancy.models import Organisation

    orgs = Organisation.objects.filter(operator__slug=OPERATOR_SLUG)
    if orgs.count() != members:
        return False
    return Asset.objects.filter(organisation__operator__slug=OPERATOR_SLUG).count() == \
        members * devices


def drop_world() -> None:
    from django.db import connection

    from jalon.tenancy.models import Operator

    # Assets first in one statement (a cascade through the ORM would load 4 million rows).
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE inventory_asset, inventory_lifecycleevent CASCADE")
        cursor.execute("TRUNCATE footprint_footprintresult")
        cursor.execute("TRUNCATE django_tasks_database_dbtaskresult")
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(username__startswith="bench-").delete()
    for operator in Operator.objects.filter(slug=OPERATOR_SLUG):
        from jalon.strategy.models import IndicatorDefinition, Strategy

        Strategy.objects.filter(organisation__operator=operator).delete()
        IndicatorDefinition.objects.filter(operator=operator).delete()
        from jalon.tenancy.models import AuditEvent

        AuditEvent.objects.filter(organisation__operator=operator).delete()
        operator.organisations.all().delete()
        operator.delete()


# --------------------------------------------------------------------------- recompute


def recompute(members: list[int], workers: int, data_dir: Path, say: Any) -> dict[str, Any]:
    from django_tasks_db.models import DBTaskResult

    from jalon.footprint.models import FootprintResult
    from jalon.footprint.tasks import recompute_footprint

    FootprintResult.objects.filter(organisation_id__in=members).delete()
    DBTaskResult.objects.all().delete()
    for organisation_id in members:
        recompute_footprint.enqueue(organisation_id)
    env = {**os.environ, "JALON_DATA_DIR": str(data_dir)}
    jalon = str(Path(sys.executable).with_name("jalon"))
    started = time.perf_counter()
    processes = [subprocess.Popen(
        [jalon, "worker", "--no-startup-delay", "--interval", "0.2", "--worker-id",
         f"bench-{n}"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for n in range(workers)]
    first: tuple[float, int] | None = None  # (seconds, tasks done) at the first completions
    try:
        last = -1
        while True:
            done = DBTaskResult.objects.filter(status__in=["SUCCESSFUL", "FAILED"]).count()
            if first is None and done >= workers:
                first = (time.perf_counter() - started, done)
            if done != last and (done % 20 == 0 or done == len(members)):
                say(f"  {done}/{len(members)} footprints "
                    f"({time.perf_counter() - started:.0f} s)")
                last = done
            if done >= len(members):
                break
            if any(p.poll() is not None for p in processes):
                raise RuntimeError("a worker stopped: "
                                   + "".join((p.stderr.read() or b"").decode()[-2000:]
                                             for p in processes if p.stderr))
            time.sleep(0.5)
        elapsed = time.perf_counter() - started
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
    failed = DBTaskResult.objects.filter(status="FAILED").count()
    stored = FootprintResult.objects.filter(organisation_id__in=members).count()
    # Each worker's first task also loads Django, the factor set and boaviztapi: the steady
    # rate is measured after the first completions.
    steady = None
    if first is not None and len(members) > first[1]:
        steady = round((elapsed - first[0]) * workers / (len(members) - first[1]), 2)
    return {"members": len(members), "workers": workers, "seconds": round(elapsed, 1),
            "per_member_s": round(elapsed * workers / len(members), 2),
            "first_completions_s": None if first is None else round(first[0], 1),
            "steady_per_member_s": steady,
            "failed": failed, "results_stored": stored}


def fill_footprints(ids: list[int], computed: list[int]) -> int:
    """Members whose footprint was not recomputed get a copy of a computed member's stored
    results (same generator, same size: the same shape of JSON), so that the dashboard reads
    one stored footprint per member as it would in production. Returns the copies made."""
    from jalon.footprint.models import FootprintResult
    from jalon.tenancy.models import Organisation

    sources = list(FootprintResult.objects.filter(organisation_id__in=computed))
    if not sources:
        return 0
    by_org: dict[int, list[Any]] = {}
    for row in sources:
        by_org.setdefault(row.organisation_id, []).append(row)
    templates = list(by_org.values())
    missing = [i for i in ids if i not in by_org]
    versions = dict(Organisation.objects.filter(pk__in=missing)
                    .values_list("pk", "inventory_version"))
    FootprintResult.objects.filter(organisation_id__in=missing).delete()
    copies = [FootprintResult(organisation_id=org, inventory_version=versions[org],
                              year=row.year, method=row.method, lifespan_rule=row.lifespan_rule,
                              dimensions=row.dimensions, data=row.data)
              for n, org in enumerate(missing) for row in templates[n % len(templates)]]
    for start in range(0, len(copies), 50):
        FootprintResult.objects.bulk_create(copies[start:start + 50])
    return len(copies)


# --------------------------------------------------------------------------- pages


def timed(client: Any, url: str, requests: int) -> dict[str, float]:
    started = time.perf_counter()
    response = client.get(url)
    cold = time.perf_counter() - started
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    return {"cold_s": round(cold, 3), "median_s": round(statistics.median(times), 3),
            "p95_s": round(p95(times), 3), "bytes": len(response.content)}


def queries(url: str, client: Any) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured.captured_queries)


def bench_pages(requests: int) -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from jalon.operators.peers import peer_group
    from jalon.tenancy.models import Membership, Organisation

    User = get_user_model()
    operator_client = Client()
    operator_client.force_login(User.objects.get(username="bench-operateur"))
    out: dict[str, Any] = {}
    for label, url in (("dashboard", "/operator/dashboard/"),
                       ("dashboard_filtered", "/operator/dashboard/?kind=commune&band=1"
                                              "&sort=-per_agent"),
                       ("dashboard_csv", "/operator/dashboard/export.csv")):
        out[label] = timed(operator_client, url, requests)
        out[label]["queries"] = queries(url, operator_client)
    # The peers page of the member with the largest peer group (same kind and band).
    members = list(Organisation.objects.filter(operator__slug=OPERATOR_SLUG))
    largest = max(members, key=lambda o: peer_group(o).count())
    viewer = User.objects.get(username="bench-membre")
    Membership.objects.update_or_create(user=viewer, organisation=largest,
                                        defaults={"role": "viewer"})
    peers_client = Client()
    peers_client.force_login(viewer)
    url = f"/o/{largest.slug}/strategy/peers/"
    out["peers"] = timed(peers_client, url, requests)
    out["peers"]["queries"] = queries(url, peers_client)
    out["peers"]["peer_group"] = peer_group(largest).count()
    return out


# --------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=20)
    parser.add_argument("--devices", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--recompute", type=int, default=None,
                        help="members whose footprint is recomputed (default: all); fewer "
                             "gives an extrapolated total; 0 measures the pages only")
    parser.add_argument("--requests", type=int, default=15)
    parser.add_argument("--db", default=os.environ.get("PG_URL", DEFAULT_DB))
    parser.add_argument("--fresh", action="store_true", help="regenerate the data")
    parser.add_argument("--generate-only", action="store_true",
                        help="generate (or check) the data and stop")
    parser.add_argument("--out", type=Path, default=ROOT / "results-operator.json")
    args = parser.parse_args()

    def say(message: str) -> None:
        print(message, flush=True)

    ensure_database(args.db)
    data_dir = Path(tempfile.mkdtemp(prefix="jalon-bench-operator-"))
    setup(args.db, data_dir)
    from jalon.tenancy.models import Organisation

    total = args.members * args.devices
    if args.fresh or not existing_world(args.members, args.devices):
        say("Removing earlier bench data…")
        drop_world()
        say(f"Generating {args.members} members × {args.devices:,} devices "
            f"({total:,} assets, COPY)…")
        started = time.perf_counter()
        generate_world(args.members, args.devices, say)
        generation_s = time.perf_counter() - started
        say(f"  generated in {generation_s:.0f} s")
    else:
        generation_s = None
        say(f"Reusing {args.members} members × {args.devices:,} devices already in the base")
    if args.generate_only:
        return
    ids = list(Organisation.objects.filter(operator__slug=OPERATOR_SLUG)
               .order_by("pk").values_list("pk", flat=True))
    chosen = ids if args.recompute is None else ids[: args.recompute]
    if chosen:
        say(f"Recomputing {len(chosen)} footprints with {args.workers} workers…")
        recomputed = recompute(chosen, args.workers, data_dir, say)
    else:  # --recompute 0: the pages only, on the footprints stored by an earlier run
        recomputed = {"skipped": True, "seconds": 0.0}
    if chosen and len(chosen) < len(ids):
        recomputed["extrapolated_all_s"] = round(recomputed["seconds"] * len(ids) / len(chosen))
        recomputed["note"] = (f"measured on {len(chosen)} of {len(ids)} members, total "
                              "extrapolated linearly; the other members' stored footprints "
                              "are copies of computed ones (fill_footprints)")
        recomputed["copies"] = fill_footprints(ids, chosen)
    say(f"  {recomputed}")
    say(f"Pages ({args.requests} warm requests each)…")
    pages = bench_pages(args.requests)
    for label, figures in pages.items():
        say(f"  {label}: {figures}")
    all_s = recomputed.get("extrapolated_all_s", recomputed["seconds"])
    results = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        # The machine is shared: the load average says how much else ran meanwhile.
        "load_average_1min_at_end": round(os.getloadavg()[0], 1),
        "command": "python benchmarks/bench_operator_scale.py " + " ".join(sys.argv[1:]),
        "database": "PostgreSQL (" + args.db.rsplit("/", 1)[1] + ")",
        "members": args.members, "devices_per_member": args.devices, "assets": total,
        "generation_s": None if generation_s is None else round(generation_s),
        "recompute": recomputed, "pages": pages,
        "met": {"pages_p95_under_1s": all(p["p95_s"] < TARGETS["page_p95_s"]
                                          for p in pages.values()),
                "recompute_under_10min": None if not chosen
                else all_s < TARGETS["recompute_s"]},
    }
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    say(json.dumps(results["met"]))


if __name__ == "__main__":
    main()
