"""Generate a large synthetic inventory in Jalon's canonical CSV format (deterministic).

    python benchmarks/generate_inventory.py 1000000 benchmarks/data/inventory-1m.csv
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import polars as pl

# Share of each category in a local authority's estate (order of magnitude of the demo).
MIX = {
    "laptop": 0.13, "desktop": 0.09, "thin_client": 0.015, "workstation": 0.005,
    "monitor": 0.26, "smartphone": 0.09, "tablet": 0.025, "ip_phone": 0.13, "printer": 0.02,
    "copier": 0.006, "scanner": 0.002, "projector": 0.012, "display": 0.004, "server": 0.01,
    "storage": 0.001, "switch": 0.01, "router": 0.002, "wifi_ap": 0.022, "firewall": 0.001,
    "virtual_machine": 0.165,
}
SERVER_CONFIGS = [
    (1, 8, 64, 2, 480, 0, 0), (2, 12, 128, 2, 480, 4, 1200), (2, 16, 256, 2, 960, 0, 0),
    (2, 20, 384, 2, 480, 4, 2400), (2, 24, 512, 4, 1920, 0, 0), (1, 16, 128, 2, 960, 2, 4000),
    (2, 32, 768, 6, 3840, 0, 0), (2, 8, 96, 2, 300, 6, 1800),
]


def generate(n: int, seed: int = 2026) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    categories = np.array(list(MIX))
    weights = np.array(list(MIX.values()))
    category = rng.choice(categories, size=n, p=weights / weights.sum())
    # Purchases between 2013 and 2026, more of them recently (a growing estate).
    day = rng.triangular(0, 4700, 4700, size=n).astype(np.int64)
    purchase = np.datetime64("2013-01-01") + day.astype("timedelta64[D]")
    retired = rng.random(n) < 0.08
    life = rng.integers(365 * 3, 365 * 8, size=n).astype("timedelta64[D]")
    retirement = np.where(retired, purchase + life, np.datetime64("NaT"))
    retirement = np.where(retirement > np.datetime64("2026-11-01"), np.datetime64("NaT"),
                          retirement)
    condition = rng.choice(np.array(["new", "refurbished", "reused"]), size=n,
                           p=[0.93, 0.05, 0.02])
    config_index = rng.integers(0, len(SERVER_CONFIGS), size=n)
    configs = np.array(SERVER_CONFIGS, dtype=float)[config_index]
    is_server = category == "server"
    frame = pl.DataFrame({
        "inventory_number": [f"BENCH-{i:07d}" for i in range(n)],
        "category": category,
        "quantity": np.ones(n, dtype=np.int64),
        "purchase_date": purchase,
        "retirement_date": retirement,
        "condition": np.where(category == "virtual_machine", "new", condition),
        "entity": rng.choice(np.array([f"Direction {i}" for i in range(40)]), size=n),
        "site": rng.choice(np.array([f"Site {i}" for i in range(120)]), size=n),
        "country": np.where(rng.random(n) < 0.02, "DEU", "FRA"),
    })
    names = ["cpu_units", "cpu_cores", "ram_gb", "ssd_count", "ssd_capacity_gb", "hdd_count",
             "hdd_capacity_gb"]
    server_columns = {
        name: pl.Series(name, np.where(is_server, configs[:, i], np.nan)).fill_nan(None)
        for i, name in enumerate(names)
    }
    return frame.with_columns(**server_columns)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else Path("benchmarks/data/inventory-1m.csv")
    out.parent.mkdir(parents=True, exist_ok=True)
    generate(n).write_csv(out, date_format="%Y-%m-%d", float_precision=0)
    print(f"{n} devices written to {out} ({out.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
