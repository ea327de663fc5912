"""The sane range of every numeric inventory value: the one table behind every door.

The same bounds make the database CHECK constraints (jalon.inventory.models), the model's
validators (forms, API, CLI go through `Asset.full_clean`), the API's OpenAPI schema
(jalon.api.schemas) and the engine's guard (`engine.computable`), so that a value one door
refuses can never come in through another, and a stored value can never make the engine
produce an infinite or negative figure.

The upper bounds are physical limits with a wide margin, not policy: a device lasting more than
a century, drawing more than 10 GWh a year or holding more than 10 PB does not exist; a value
beyond them is a typing or unit error (Wh for kWh, MB for GB).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class Bound:
    minimum: float
    maximum: float
    exclusive_minimum: bool = False  # the minimum itself is refused (a lifespan of 0 years)

    def holds(self, value: float | int | None) -> bool:
        """True for None (not given) and a finite value within the bounds."""
        if value is None:
            return True
        number = float(value)
        if not math.isfinite(number) or number > self.maximum:
            return False
        return number > self.minimum if self.exclusive_minimum else number >= self.minimum

    def describe(self) -> str:
        low = f"> {self.minimum:g}" if self.exclusive_minimum else f">= {self.minimum:g}"
        return f"{low} and <= {self.maximum:g}"


COUNT: Final = Bound(0, 100_000)
CAPACITY_GB: Final = Bound(0, 10_000_000)  # 10 PB

BOUNDS: Final[dict[str, Bound]] = {
    "quantity": Bound(1, 1_000_000),
    "lifespan_years": Bound(0, 100, exclusive_minimum=True),
    "purchase_price_eur": Bound(0, 9_999_999_999.99),  # the column's 12 digits, 2 decimals
    "annual_kwh": Bound(0, 10_000_000),  # 10 GWh a year
    "cpu_units": COUNT,
    "cpu_cores": COUNT,
    "ram_gb": Bound(0, 1_000_000),
    "ssd_count": COUNT,
    "ssd_capacity_gb": CAPACITY_GB,
    "hdd_count": COUNT,
    "hdd_capacity_gb": CAPACITY_GB,
    # A PUE is at least 1 by definition (ISO/IEC 30134-2); the worst rooms measured stay
    # under 3: 10 leaves room for estimates while refusing a percentage typed as a ratio.
    "pue": Bound(1, 10),
    "weight_kg": Bound(0, 100_000),
}

# The values the engine multiplies or divides by: out of bounds, a device cannot be computed.
COMPUTED: Final = ("quantity", "lifespan_years", "annual_kwh", "pue")


def out_of_bounds(values: dict[str, object]) -> dict[str, str]:
    """The fields of `values` outside their bounds, each with the range expected."""
    wrong = {}
    for name, bound in BOUNDS.items():
        value = values.get(name)
        if value is None:
            continue
        try:
            number = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            wrong[name] = bound.describe()
            continue
        if not bound.holds(number):
            wrong[name] = bound.describe()
    return wrong
