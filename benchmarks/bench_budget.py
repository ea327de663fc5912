"""Budget benchmark: a large year of digital spending through the real import, the summary
page and the annex.

    python benchmarks/bench_budget.py [--lines 20000]

1. builds a French Excel export (Windows-1252, semicolons) of `--lines` lines (the import's
   maximum is 20,000) by repeating the demo's two exercises;
2. imports it through the budget services (store + mapping guess, then apply: parse, classify,
   rate on six axes, all in one transaction) into a fresh SQLite database — target ≤ 30 s;
3. the summary page (chart and tables) of that year, p95 of 10 warm requests — target
   ≤ 500 ms; the XLSX annex, one request — target ≤ 10 s.

Prints the figures as JSON (and writes them to --out if given).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

TARGETS = {"import_s": 30.0, "summary_p95_ms": 500.0, "annex_s": 10.0}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=20_000)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["JALON_DATA_DIR"] = tmp
        os.environ["DJANGO_SETTINGS_MODULE"] = "jalon.settings"
        os.environ.setdefault("JALON_CACHE_DIR", str(Path(tmp) / "cache"))
        from jalon.demo_site import migrate, setup_django

        setup_django()
        migrate()
        from django.contrib.auth import get_user_model
        from django.test import Client

        from jalon.budget import demo, services
        from jalon.tenancy.models import Membership, Operator, Organisation

        rows = demo.export_rows(2025)
        body = rows[1:] + demo.export_rows(2026)[1:]
        for row in body:
            row[11] = row[11][:6] + "2025"  # every payment in the exercise
            row[10] = row[10][:6] + "2025"
        lines = [rows[0]] + [body[i % len(body)] for i in range(args.lines)]
        data = ("\r\n".join(";".join(r) for r in lines) + "\r\n").encode("cp1252")
        operator = Operator.objects.create(name="Bench", slug="bench")
        org = Organisation.objects.create(operator=operator, name="Bench budget",
                                          slug="bench-budget", kind="epci")
        user = get_user_model().objects.create_user("bench", password="bench-password-1")
        Membership.objects.create(user=user, organisation=org, role="admin")
        started = time.perf_counter()
        source = services.start_import(user, org, 2025, data, "bench.csv")
        count = services.apply_import(user, source)
        import_s = time.perf_counter() - started
        client = Client()
        client.force_login(user)
        url = f"/o/{org.slug}/budget/?year=2025"
        assert client.get(url).status_code == 200
        timings = []
        for _ in range(10):
            started = time.perf_counter()
            assert client.get(url).status_code == 200
            timings.append((time.perf_counter() - started) * 1000)
        p95 = statistics.quantiles(timings, n=20)[-1]
        started = time.perf_counter()
        response = client.get(f"/o/{org.slug}/budget/annex/2025.xlsx")
        annex_s = time.perf_counter() - started
        assert response.status_code == 200
    results = {"lines": count, "bytes": len(data), "import_s": round(import_s, 2),
               "summary_p95_ms": round(p95, 1), "annex_s": round(annex_s, 2),
               "annex_bytes": len(response.content), "targets": TARGETS}
    if args.out is not None:
        args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    ok = (import_s <= TARGETS["import_s"] and p95 <= TARGETS["summary_p95_ms"]
          and annex_s <= TARGETS["annex_s"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
