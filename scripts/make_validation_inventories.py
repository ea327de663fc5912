"""Generate the validation inventories of docs/validation.md in tests/fixtures/validation/.

Every fleet is built in a *steady state* for year 2020: for each category of n devices with
lifespan L (the factor set's reference lifespan), purchases are monthly cohorts from
January (2020 - L) to December 2020, each device retired exactly L years after its purchase
(retirement_date, left empty when it falls after 2020). At every instant of 2020 exactly n
devices are in service and their ages are uniform over [0, L), so the stock method charges
n x (embodied / L) and n x yearly use to 2020, which is what published "per year" figures
describe. Monthly cohort sizes are n / (12 L) rounded by cumulative rounding (periodic, so any
12 L consecutive months hold exactly n devices).

Run: .venv/bin/python scripts/make_validation_inventories.py
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from jalon.core.factors import load_factor_set

OUT = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "validation"
YEAR = 2020
COLUMNS = ["inventory_number", "category", "quantity", "purchase_date", "retirement_date",
           "lifespan_years", "annual_kwh", "cpu_units", "cpu_cores", "ram_gb", "ssd_count",
           "ssd_capacity_gb", "entity"]
# A typical 2U virtualisation host of 2016-2020 (assumption, see docs/validation.md).
SERVER = {"cpu_units": 2, "cpu_cores": 12, "ram_gb": 192, "ssd_count": 2,
          "ssd_capacity_gb": 960}

# La Rochelle Ville + Agglo 2020. The two published counts are PCs (2,500 "unités centrales",
# split here 60 % desktop / 40 % laptop) and 3,400 screens; everything else is an assumption
# for an authority of ~3,000 agents plus ~60 schools, stated in docs/validation.md.
LA_ROCHELLE_PCS_SCREENS = {"desktop": 1500, "laptop": 1000, "monitor": 3400}
LA_ROCHELLE_OTHERS = {
    "smartphone": 1000, "tablet": 500, "ip_phone": 2000, "printer": 300, "copier": 150,
    "projector": 200, "display": 50, "server": 60, "storage": 6, "switch": 250,
    "wifi_ap": 300, "router": 80, "firewall": 4,
}
# Green IT benchmark 2021: a per-user fleet for 100 users (assumptions in docs/validation.md).
GREENIT_100_USERS = {
    "laptop": 60, "desktop": 40, "monitor": 130, "smartphone": 50, "tablet": 5,
    "ip_phone": 90, "printer": 5, "copier": 4, "projector": 3, "display": 2,
    "server": 3, "storage": 1, "switch": 4, "wifi_ap": 5, "router": 2, "firewall": 1,
}
# Boavizta default yearly consumptions (use_time_ratio 0.3 x 8,760 h x avg_power), used in the
# sensitivity variant: laptop-pro 75 W, desktop-pro 175 W, monitor 55 W.
BOAVIZTA_KWH = {"laptop": 197.1, "desktop": 459.9, "monitor": 144.54}
SINGLE = ["laptop", "desktop", "monitor", "smartphone", "tablet", "ip_phone", "printer",
          "copier", "wifi_ap", "router", "switch", "server"]


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def cohorts(prefix: str, category: str, n: int, lifespan: float,
            extra: dict[str, object] | None = None) -> list[dict[str, object]]:
    period = round(12 * lifespan)
    first = dt.date(YEAR, 1, 1)
    first = add_months(first, -period)
    sizes = [round((k + 1) * n / period) - round(k * n / period) for k in range(period)]
    rows = []
    for k in range(period + 12):
        quantity = sizes[k % period]
        if quantity == 0:
            continue
        bought = add_months(first, k)
        retired = add_months(bought, period)
        rows.append({
            "inventory_number": f"{prefix}-{category}-{k:03d}",
            "category": category,
            "quantity": quantity,
            "purchase_date": bought.isoformat(),
            "retirement_date": retired.isoformat() if retired < dt.date(YEAR + 1, 1, 1) else "",
            **(SERVER if category == "server" else {}),
            **(extra or {}),
        })
    return rows


def fleet(prefix: str, counts: dict[str, int], lifespans: dict[str, float],
          kwh: dict[str, float] | None = None) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for category, n in counts.items():
        extra = {"annual_kwh": kwh[category]} if kwh and category in kwh else None
        rows += cohorts(prefix, category, n, lifespans[category], extra)
    return rows


def write(name: str, rows: list[dict[str, object]]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with (OUT / name).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in COLUMNS})


def main() -> None:
    lifespans = load_factor_set().lifespan_table()
    write("la_rochelle_pcs_screens.csv", fleet("LR", LA_ROCHELLE_PCS_SCREENS, lifespans))
    write("la_rochelle_full.csv",
          fleet("LR", {**LA_ROCHELLE_PCS_SCREENS, **LA_ROCHELLE_OTHERS}, lifespans))
    write("la_rochelle_pcs_screens_boavizta_kwh.csv",
          fleet("LRB", LA_ROCHELLE_PCS_SCREENS, lifespans, BOAVIZTA_KWH))
    # La Rochelle renewed PCs and screens after 5 years in 2020 (it announced 5 -> 6 years
    # afterwards): the same estate with desktops and monitors on their own 5-year lifespan.
    own = {**lifespans, "desktop": 5.0, "monitor": 5.0}
    rows = fleet("LR5", {**LA_ROCHELLE_PCS_SCREENS, **LA_ROCHELLE_OTHERS}, own)
    for row in rows:
        if row["category"] in ("desktop", "monitor"):
            row["lifespan_years"] = 5
    write("la_rochelle_full_5y.csv", rows)
    write("greenit_100_users.csv", fleet("GIT", GREENIT_100_USERS, lifespans))
    # One device of each category, bought 2019-01-01: in service all of 2020 and not yet
    # amortised (every reference lifespan is >= 2.5 years), so 2020 bears embodied / L.
    write("single_devices.csv", [
        {"inventory_number": f"ONE-{c}", "category": c, "quantity": 1,
         "purchase_date": "2019-01-01", **(SERVER if c == "server" else {})}
        for c in SINGLE])


if __name__ == "__main__":
    main()
