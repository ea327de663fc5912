"""The operator's dashboard of two versions of the code, in one process on the same data,
requests interleaved: a comparison that holds on a shared machine whose load moves.

    python benchmarks/ab_operator_dashboard.py --base a5e0a97 [--requests 20] [--url ...]

Loads `src/jalon/operators/dashboard.py` of the git revision --base as a second module, then
alternates the view between it and the current module on the database of
bench_operator_scale.py (generate it first: `bench_operator_scale.py --members 400 --devices
10000 --generate-only`, then a run that stores the footprints). Prints median / p95 / max of
each and the load average. Nothing is written.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from bench_operator_scale import DEFAULT_DB  # noqa: E402
from loadgen import load_average, p95  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", required=True, help="git revision of the other version")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--url", default="/operator/dashboard/")
    parser.add_argument("--db", default=os.environ.get("PG_URL", DEFAULT_DB))
    args = parser.parse_args()
    git = shutil.which("git") or "git"
    source = subprocess.run([git, "show", f"{args.base}:src/jalon/operators/dashboard.py"],
                            capture_output=True, text=True, check=True, cwd=ROOT).stdout
    work = Path(tempfile.mkdtemp(prefix="jalon-ab-"))
    (work / "dashboard_base.py").write_text(source, encoding="utf-8")
    os.environ.update({"DATABASE_URL": args.db, "JALON_DATA_DIR": str(work),
                       "DJANGO_SETTINGS_MODULE": "jalon.settings", "JALON_CACHE_DIR": ""})
    from jalon.demo_site import migrate, setup_django

    setup_django()
    migrate()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from jalon.operators import dashboard as current
    from jalon.operators import dashboard_views

    spec = importlib.util.spec_from_file_location("dashboard_base", work / "dashboard_base.py")
    assert spec is not None and spec.loader is not None
    base = importlib.util.module_from_spec(spec)
    sys.modules["dashboard_base"] = base
    spec.loader.exec_module(base)
    shim = types.SimpleNamespace(**{k: getattr(base, k) for k in dir(base)
                                    if not k.startswith("__")})
    # The view of either version calls kind_counts(operators[, board]).
    shim.kind_counts = lambda operators, _board=None: base.kind_counts(operators)
    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-operateur"))
    versions = {f"base ({args.base})": shim, "current": current}
    times: dict[str, list[float]] = {name: [] for name in versions}
    for module in versions.values():  # warm both
        dashboard_views.dashboard = module  # type: ignore[assignment]
        client.get(args.url)
    for _ in range(args.requests):
        for name, module in versions.items():
            dashboard_views.dashboard = module  # type: ignore[assignment]
            started = time.perf_counter()
            response = client.get(args.url)
            times[name].append(time.perf_counter() - started)
            assert response.status_code == 200, response.status_code
    for name, values in times.items():
        print(f"{name}: median {statistics.median(values):.3f} s, p95 {p95(values):.3f} s, "
              f"max {max(values):.3f} s ({args.requests} requests)")
    print(f"load average {load_average()}")


if __name__ == "__main__":
    main()
