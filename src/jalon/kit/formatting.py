"""Number and date formatting for every domain's pages (humanize is not installed, and must not be).

French typography: decimal comma, narrow no-break space (U+202F) between thousands; the English
interface writes 176,732.1. The `fr_` names are kept from when the interface was French only.
Values of the JSON contract are in kg, MJ, m3; pages show gwp in tonnes and pe in GJ
(readable magnitudes); the exports keep the contract's units.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Final

from django.utils import translation

THOUSANDS: Final = "\u202f"
# Display unit and divisor per criterion: gwp in tonnes (what authorities report), others as is.
DISPLAY_UNITS: Final[dict[str, tuple[str, float]]] = {
    "gwp": ("tCO2e", 1000.0),
    "adpe": ("kgSbeq", 1.0),
    "pe": ("GJ", 1000.0),
    "wu": ("m³", 1.0),
}


def fr_number(value: float | int | None, decimals: int = 0) -> str:
    """176732.14, 1 -> '176 732,1' in French, '176,732.1' in English; None -> '–'."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    text = f"{value:,.{decimals}f}"
    if (translation.get_language() or "fr").startswith("en"):
        return text
    return text.replace(",", THOUSANDS).replace(".", ",")


def fr_significant(value: float | int | None, digits: int = 4) -> str:
    """About `digits` significant digits, never fewer than the integer part: 176.73 -> 176,7."""
    if value is None:
        return "–"
    magnitude = math.floor(math.log10(abs(value))) if value else 0
    decimals = min(6, max(0, digits - 1 - magnitude))
    return fr_number(value, decimals)


def in_display_unit(criterion: str, value: float | None) -> float | None:
    return None if value is None else value / DISPLAY_UNITS[criterion][1]


def display_unit(criterion: str) -> str:
    return DISPLAY_UNITS[criterion][0]


def fr_criterion(criterion: str, value: float | None) -> str:
    """A contract value (kg, MJ, m3) formatted in the criterion's display unit, without unit."""
    return fr_significant(in_display_unit(criterion, value))


def fr_percent(share: float | None, decimals: int = 0) -> str:
    return "–" if share is None else fr_number(share * 100, decimals) + THOUSANDS + "%"


def fr_change(current: float | None, previous: float | None) -> str:
    """The relative change from `previous` to `current` with its sign, to the percent:
    '+3 %', '−12 %' (a true minus sign), '0 %'; '' when it cannot be computed."""
    if current is None or previous is None or not previous:
        return ""
    change = round((current - previous) / abs(previous) * 100)
    sign = "+" if change > 0 else "−" if change < 0 else ""
    return f"{sign}{fr_number(abs(change))}{THOUSANDS}%"


def utc_stamp(value: dt.datetime) -> str:
    """An aware datetime as ISO 8601 in UTC to the second: '2026-03-01T09:30:00Z' (metadata of
    open data and of the report's document)."""
    return value.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def fr_date(value: dt.date | dt.datetime | None, style: str = "long") -> str:
    """A date as the interface's language writes it: 'long' → '7 décembre 2026' (December 7,
    2026), 'short' → '07/12/2026' (12/07/2026); None → ''. Django's localised formats, so
    every page, export and the report write one date one way."""
    if value is None or value == "":
        return ""
    from django.utils import formats

    if isinstance(value, dt.datetime):
        value = value.date()
    return str(formats.date_format(value, "DATE_FORMAT" if style == "long"
                                   else "SHORT_DATE_FORMAT"))
