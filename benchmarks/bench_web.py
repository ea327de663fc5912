"""Web platform benchmark: import, footprint page and public page under load.

    python benchmarks/bench_web.py [--rows 100000] [--readers 50] [--requests 20]

1. imports a generated inventory of 100,000 devices through the inventory services (upload,
   analysis, confirmation; tasks inline) into a fresh SQLite database — target ≤ 30 s;
2. the footprint page of that organisation: p95 of 20 warm requests through Django's test
   client — target ≤ 300 ms;
3. 50 concurrent readers of its public page against `jalon serve` (gunicorn) on loopback —
   target p95 ≤ 200 ms, no errors.

Results go to benchmarks/results-web.json and to the "Web platform" section of
benchmarks/README.md (the other sections are kept).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

import loadgen  # noqa: E402
from loadgen import free_port, machine, p95  # noqa: E402, F401  # kept importable from here

TARGETS = {"import_s": 30.0, "footprint_p95_ms": 300.0, "public_p95_ms": 200.0}


def setup(data_dir: Path) -> None:
    os.environ["JALON_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "jalon.settings"
    os.environ.setdefault("JALON_CACHE_DIR", str(data_dir / "cache"))
    from jalon.demo_site import migrate, setup_django

    setup_django()
    migrate()


def bench_import(csv_path: Path) -> tuple[Any, float, int, str]:
    from django.contrib.auth import get_user_model

    from jalon import demo_site
    from jalon.tenancy.models import Membership, Operator, Organisation

    operator = Operator.objects.create(name="Bench", slug="bench")
    organisation = Organisation.objects.create(operator=operator, name="Bench 100k",
                                               slug="bench-100k", kind="epci")
    user = get_user_model().objects.create_user("bench", password="bench-password-1")
    Membership.objects.create(user=user, organisation=organisation, role="admin")
    started = time.perf_counter()
    how = "inventory services (upload, analysis, confirmation; tasks inline)"
    count = demo_site.import_inventory(organisation, [csv_path], user)
    elapsed = time.perf_counter() - started
    organisation.refresh_from_db()
    return organisation, elapsed, count, how


def bench_footprint_page(organisation: Any, warm: int) -> tuple[float, float, float]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username="bench"))
    url = f"/o/{organisation.slug}/footprint/"
    started = time.perf_counter()
    response = client.get(url)
    cold = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, response.status_code
    times = []
    for _ in range(warm):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return cold, statistics.median(times), p95(times)


def bench_public_page(organisation: Any, data_dir: Path, readers: int, per_reader: int
                      ) -> dict[str, Any]:
    from jalon.tenancy.models import Publication

    Publication.objects.update_or_create(organisation=organisation, domain="footprint",
                                         defaults={"published": True})
    env = {**os.environ, "JALON_DATA_DIR": str(data_dir), "JALON_SECURE_COOKIES": "0"}
    path = f"/p/{organisation.slug}/"
    with loadgen.serve(env, ready_path=path, expect=200) as (port, _server):
        for _ in range(5):  # warm every worker's cache
            loadgen.get(port, path)
        return loadgen.fixed_reads(port, path, readers, per_reader)


def write_readme(results: dict[str, Any]) -> None:
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8") if readme.exists() else "# Benchmarks\n"
    r = results
    ok = {k: "✅" if v else "❌" for k, v in r["met"].items()}
    pub = r["public"]

    def n(value: int) -> str:
        return f"{value:,}".replace(",", "\u202f")

    rows = [
        (f"import of {n(r['rows'])} generated devices ({r['import_how']})",
         f"{r['import_s']:.1f} s ({n(r['imported'])} assets)", f"≤ 30 s {ok['import']}"),
        (f"footprint page, {n(r['rows'])} devices: first request (computes)",
         f"{r['footprint_cold_ms']:.0f} ms", "—"),
        (f"footprint page, {r['warm']} warm requests (Django test client): median / p95",
         f"{r['footprint_median_ms']:.0f} / {r['footprint_p95_ms']:.0f} ms",
         f"p95 ≤ 300 ms {ok['footprint']}"),
        (f"public page, {r['readers']} concurrent readers × {r['per_reader']} requests on "
         "loopback (`jalon serve`): median / p95 / max",
         f"{pub['median_ms']:.0f} / {pub['p95_ms']:.0f} / {pub['max_ms']:.0f} ms, "
         f"{pub['throughput_rps']:.0f} req/s", f"p95 ≤ 200 ms {ok['public']}"),
        ("errors under load", f"{pub['errors']} of {pub['requests']}", f"0 {ok['errors']}"),
    ]
    table = "\n".join(f"| {a} | {b} | {c} |" for a, b, c in rows)
    section = (
        "## Web platform\n\n"
        f"`make bench` (or `python benchmarks/bench_web.py`) — {r['date']}, on "
        f"{r['machine']}. SQLite database in a temporary folder; `jalon serve` = gunicorn, "
        f"{r['server']}.\n\n"
        "| measure | result | target |\n| --- | --- | --- |\n"
        f"{table}\n\n"
        f"The inventory is made by `benchmarks/generate_inventory.py {r['rows']}` "
        "(deterministic). Raw figures: `benchmarks/results-web.json`.\n")
    pattern = re.compile(r"^## Web platform\n.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub(section + "\n", text) if pattern.search(text) else (
        text.rstrip("\n") + "\n\n" + section)
    readme.write_text(text, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--per-reader", type=int, default=20)
    parser.add_argument("--requests", type=int, default=20, help="warm footprint requests")
    parser.add_argument("--no-readme", action="store_true")
    args = parser.parse_args()

    from generate_inventory import generate

    data = ROOT / "data"
    data.mkdir(exist_ok=True)
    csv_path = data / f"inventory-{args.rows // 1000}k.csv"
    if not csv_path.exists():
        generate(args.rows).write_csv(csv_path, date_format="%Y-%m-%d", float_precision=0)
    with tempfile.TemporaryDirectory(prefix="jalon-bench-web-") as tmp:
        data_dir = Path(tmp)
        setup(data_dir)
        print(f"importing {args.rows} devices…")
        organisation, import_s, imported, how = bench_import(csv_path)
        print(f"  {imported} assets in {import_s:.1f} s ({how})")
        print("footprint page…")
        cold, median, fp95 = bench_footprint_page(organisation, args.requests)
        print(f"  first {cold:.0f} ms, warm median {median:.0f} ms, p95 {fp95:.0f} ms")
        print(f"public page, {args.readers} concurrent readers…")
        public = bench_public_page(organisation, data_dir, args.readers, args.per_reader)
        print(f"  p95 {public['p95_ms']:.0f} ms, {public['errors']} errors, "
              f"{public['throughput_rps']:.0f} req/s")
    results = {
        "date": dt.datetime.now(dt.UTC).astimezone().date().isoformat(),
        "machine": machine(), "rows": args.rows,
        "server": "2 workers × 4 threads (gthread)",
        "import_s": import_s, "imported": imported, "import_how": how,
        "footprint_cold_ms": cold, "footprint_median_ms": median, "footprint_p95_ms": fp95,
        "warm": args.requests, "readers": args.readers, "per_reader": args.per_reader,
        "public": public,
    }
    results["met"] = {
        "import": import_s <= TARGETS["import_s"],
        "footprint": fp95 <= TARGETS["footprint_p95_ms"],
        "public": public["p95_ms"] <= TARGETS["public_p95_ms"],
        "errors": public["errors"] == 0,
    }
    (ROOT / "results-web.json").write_text(json.dumps(results, indent=2) + "\n",
                                           encoding="utf-8")
    if not args.no_readme:
        write_readme(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
