"""`make bench`: the cost of the data centres domain where it touches large inventories.

1. `footprint.pue.apply`: the footprint's frame of 1,000,000 devices with the PUE of the room
   hosting each server, from a provider naming 40 locations and 5,000 servers (what
   `datacentres.selectors.pue_map` returns) — added to every footprint computation.
2. `core.datacentres.conformity` of 10,000 sites against the shipped practices.

Prints the medians of RUNS runs (seconds). No database: the provider is a fixed mapping.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jalon.settings")
RUNS = 5
N_DEVICES = 1_000_000


def median(function: Any) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    import django

    django.setup()
    import polars as pl

    from jalon.core import datacentres as core
    from jalon.footprint import pue

    sites = [f"Site {i}" for i in range(400)]
    frame = pl.DataFrame({
        "site": [sites[i % len(sites)] for i in range(N_DEVICES)],
        "name": [f"srv-{i}" for i in range(N_DEVICES)],
        "inventory_number": [f"INV-{i:07d}" for i in range(N_DEVICES)],
        "pue": [None if i % 3 else 1.8 for i in range(N_DEVICES)],
    }, schema_overrides={"pue": pl.Float64})
    mapping = {"site": {sites[i]: 1.5 + i / 100 for i in range(40)},
               "name": {f"srv-{i}": 1.3 for i in range(0, 50_000, 10)},
               "inventory_number": {}}
    # Only the bench's provider (the app's own one reads the database).
    registered = dict(pue._providers)
    pue._providers.clear()
    pue.register("bench", lambda _organisation: mapping)
    try:
        applied = median(lambda: pue.apply(None, frame))  # type: ignore[arg-type]
    finally:
        pue._providers.clear()
        pue._providers.update(registered)

    practices = core.load_practices()
    checklist = {p.number: core.ChecklistEntry(core.IMPLEMENTED) for p in practices[::2]}
    today = dt.date(2026, 5, 1)
    conformity = median(lambda: [core.conformity(practices, checklist, today)
                                 for _ in range(10_000)])
    print("| measure | median (s) |\n|---|---:|")
    print(f"| footprint.pue.apply, {N_DEVICES:,} devices, 40 locations + 5,000 names "
          f"| {applied:.3f} |")
    print(f"| core.conformity x 10,000 sites ({len(practices)} practices) | {conformity:.3f} |")


if __name__ == "__main__":
    main()
