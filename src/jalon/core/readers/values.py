"""Vectorised parsing of raw text columns into typed canonical columns, with problems.

Each parser takes a Utf8 column and returns the typed column plus a boolean mask of the rows
whose non-empty value could not be parsed; the caller turns masked rows into Problems. Bad values
become nulls: the rest of the row, and of the file, still computes.
"""

from __future__ import annotations

from typing import Final

import polars as pl

from jalon.core.model import CATEGORIES, CONDITIONS

DATE_FORMATS: Final[tuple[str, ...]] = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%d-%m-%Y",
    "%d.%m.%Y",
)

# Spaces a French export puts in "1 234,56 €": ordinary, no-break (U+00A0) and narrow
# no-break (U+202F, Excel and LibreOffice in fr_FR).
_SPACES = r"[\s\u00a0\u202f]"
_NUMBER = r"^-?\d+(\.\d+)?$"

DISPOSALS: Final[tuple[str, ...]] = ("reused_internally", "donated", "sold_refurbished", "recycled")


def blank_to_null(column: pl.Expr) -> pl.Expr:
    stripped = column.str.strip_chars()
    return pl.when(stripped == "").then(None).otherwise(stripped)


def parse_date(raw: pl.Expr, formats: tuple[str, ...] = DATE_FORMATS) -> tuple[pl.Expr, pl.Expr]:
    """Try each format in turn; a non-empty value that no format reads is a problem.

    strict=False makes impossible dates such as 31/02/2019 null rather than an error.
    """
    text = blank_to_null(raw)
    parsed = pl.coalesce(
        [text.str.strptime(pl.Datetime, fmt, strict=False, exact=True).dt.date()
         if "%H" in fmt else text.str.strptime(pl.Date, fmt, strict=False, exact=True)
         for fmt in formats]
    )
    bad = text.is_not_null() & parsed.is_null()
    return parsed, bad


def normalise_number_text(raw: pl.Expr) -> pl.Expr:
    """'1 234,56 €' -> '1234.56'; '1.234,56' -> '1234.56'; '12,3,4' stays unparseable."""
    text = blank_to_null(raw).str.replace_all(r"€|EUR|eur", "").str.replace_all(_SPACES, "")
    both = text.str.contains(r"\.") & text.str.contains(",")
    one_comma = text.str.count_matches(",") == 1
    return (
        pl.when(both & text.str.contains(r"^-?\d{1,3}(\.\d{3})+,\d+$"))
        .then(text.str.replace_all(r"\.", "").str.replace(",", "."))
        .when(~text.str.contains(r"\.") & one_comma)
        .then(text.str.replace(",", "."))
        .otherwise(text)
    )


def parse_float(raw: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    text = normalise_number_text(raw)
    ok = text.str.contains(_NUMBER)
    parsed = pl.when(ok).then(text).otherwise(None).cast(pl.Float64)
    bad = text.is_not_null() & ~ok.fill_null(False)
    return parsed, bad


def parse_int(raw: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    value, bad = parse_float(raw)
    whole = value == value.round(0)
    parsed = pl.when(whole).then(value).otherwise(None).cast(pl.Int64)
    return parsed, bad | (value.is_not_null() & ~whole)


_TRUE = ["true", "1", "yes", "oui", "vrai", "x"]
_FALSE = ["false", "0", "no", "non", "faux"]


def parse_bool(raw: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    text = blank_to_null(raw).str.to_lowercase()
    parsed = pl.when(text.is_in(_TRUE)).then(True).when(text.is_in(_FALSE)).then(False)
    return parsed.otherwise(None), text.is_not_null() & ~text.is_in(_TRUE + _FALSE)


def parse_enum(raw: pl.Expr, allowed: tuple[str, ...]) -> tuple[pl.Expr, pl.Expr]:
    text = blank_to_null(raw).str.to_lowercase()
    ok = text.is_in(list(allowed))
    return pl.when(ok).then(text).otherwise(None), text.is_not_null() & ~ok


def parse_country(raw: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    text = blank_to_null(raw).str.to_uppercase()
    ok = text.str.contains(r"^[A-Z]{3}$")
    return pl.when(ok).then(text).otherwise(None), text.is_not_null() & ~ok.fill_null(False)


def parse_text(raw: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    return blank_to_null(raw), pl.lit(False)


# What each canonical column is parsed as, and the message a person reads when it fails.
PARSERS: Final[dict[str, tuple[str, str]]] = {
    "quantity": ("int", "expected a whole number of devices"),
    "purchase_date": ("date", "expected a date such as 31/12/2020 or 2020-12-31"),
    "commissioning_date": ("date", "expected a date such as 31/12/2020 or 2020-12-31"),
    "retirement_date": ("date", "expected a date such as 31/12/2020 or 2020-12-31"),
    "lifespan_years": ("float", "expected a number of years such as 5 or 6,5"),
    "purchase_price_eur": ("float", "expected an amount such as 1 234,56 €"),
    "annual_kwh": ("float", "expected a number of kWh per year"),
    "is_virtual": ("bool", "expected oui/non or true/false"),
    "cpu_units": ("int", "expected a whole number of processors"),
    "cpu_cores": ("int", "expected a whole number of cores per processor"),
    "ram_gb": ("float", "expected a memory size in GB"),
    "ssd_count": ("int", "expected a whole number of SSDs"),
    "ssd_capacity_gb": ("float", "expected a capacity in GB"),
    "hdd_count": ("int", "expected a whole number of HDDs"),
    "hdd_capacity_gb": ("float", "expected a capacity in GB"),
    "pue": ("float", "expected a PUE such as 1,5"),
    "weight_kg": ("float", "expected a weight in kg"),
    "category": ("category", "unknown category; use one of: " + ", ".join(CATEGORIES)),
    "condition": ("condition", "unknown condition; use new, refurbished or reused"),
    "disposal": ("disposal", "unknown disposal; use " + ", ".join(DISPOSALS)),
    "country": ("country", "expected an ISO 3166-1 alpha-3 country code such as FRA"),
}

# Range rules checked after parsing: (column, predicate that must hold, message).
RANGE_RULES: Final[tuple[tuple[str, pl.Expr, str], ...]] = (
    ("quantity", pl.col("quantity") >= 1, "the quantity must be at least 1"),
    ("lifespan_years", pl.col("lifespan_years") > 0, "the lifespan must be more than 0 years"),
    ("purchase_price_eur", pl.col("purchase_price_eur") >= 0, "a price cannot be negative"),
    ("annual_kwh", pl.col("annual_kwh") >= 0, "the yearly consumption cannot be negative"),
    ("pue", pl.col("pue") >= 1, "a PUE is at least 1"),
    ("ram_gb", pl.col("ram_gb") >= 0, "memory cannot be negative"),
    ("cpu_units", pl.col("cpu_units") >= 0, "cannot be negative"),
    ("cpu_cores", pl.col("cpu_cores") >= 0, "cannot be negative"),
    ("ssd_count", pl.col("ssd_count") >= 0, "cannot be negative"),
    ("hdd_count", pl.col("hdd_count") >= 0, "cannot be negative"),
    ("weight_kg", pl.col("weight_kg") >= 0, "a weight cannot be negative"),
)


def parser_for(column: str, date_formats: tuple[str, ...] = DATE_FORMATS,
               ) -> tuple[pl.Expr, pl.Expr]:
    """Typed expression and bad-value mask for the raw Utf8 column of the same name."""
    raw = pl.col(column)
    kind = PARSERS.get(column, ("text", ""))[0]
    if kind == "date":
        return parse_date(raw, date_formats)
    if kind == "float":
        return parse_float(raw)
    if kind == "int":
        return parse_int(raw)
    if kind == "bool":
        return parse_bool(raw)
    if kind == "category":
        return parse_enum(raw, CATEGORIES)
    if kind == "condition":
        return parse_enum(raw, CONDITIONS)
    if kind == "disposal":
        return parse_enum(raw, DISPOSALS)
    if kind == "country":
        return parse_country(raw)
    return parse_text(raw)
