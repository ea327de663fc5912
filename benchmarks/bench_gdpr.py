"""Benchmark of the GDPR legal clock (jalon.core.gdpr_deadlines): due dates of 100,000
requests (with and without extension and pauses) spread over 2015-2060, from the shipped
holidays table; and, for comparison, the first call that has to import the `holidays` package
(a year outside the table). Pure Python, no database. Run: python benchmarks/bench_gdpr.py"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from jalon.core import gdpr_deadlines as clock

N = 100_000


def run() -> float:
    rng = random.Random(13)  # noqa: S311  # reproducible dates, not a secret
    start_day = dt.date(2015, 1, 1)
    days = [start_day + dt.timedelta(days=rng.randrange(45 * 365)) for _ in range(N)]
    started = time.perf_counter()
    for i, day in enumerate(days):
        pauses = ([clock.Pause("identity", day, day + dt.timedelta(days=i % 9))]
                  if i % 5 == 0 else ())
        clock.deadline(day, pauses=pauses, extended=i % 7 == 0, today=day)
    return time.perf_counter() - started


def first_import() -> float:
    code = ("import time, datetime as dt; t = time.perf_counter(); "
            "from jalon.core import gdpr_deadlines as c; c.is_public_holiday(dt.date(2099, 1, 1)); "
            "print(time.perf_counter() - t)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={"PYTHONPATH": str(Path(__file__).resolve().parents[1]
                                                            / "src")})
    return float(out.stdout.strip())


def main() -> None:
    runs = [run() for _ in range(3)]
    median = statistics.median(runs)
    print(f"due dates of {N:,} requests: median {median:.2f} s "
          f"({N / median:,.0f} per second), runs {', '.join(f'{r:.2f}' for r in runs)}")
    print(f"a year outside the table (imports the holidays package): {first_import():.2f} s")


if __name__ == "__main__":
    main()
