"""Vectorised parsing of raw text columns into typed canonical columns, with problems.

Each parser takes a Utf8 column and returns the typed column plus a boolean mask of the rows
whose non-empty value could not be parsed; the caller turns masked rows into Problems. Bad values
become nulls: the rest of the row, and of the file, still computes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final, cast

import polars as pl

from jalon.core.bounds import BOUNDS
from jalon.core.model import CATEGORIES

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
# ASCII digits only: Rust's \d also matches Arabic-Indic or fullwidth digits, which no
# number cast reads.
_NUMBER = r"^-?[0-9]+(\.[0-9]+)?$"

DISPOSALS: Final[tuple[str, ...]] = ("reused_internally", "donated", "sold_refurbished", "recycled")


def _text(raw: pl.Series) -> pl.Series:
    stripped = raw.str.strip_chars()
    if not (stripped.str.len_bytes() == 0).any():
        return stripped  # the common case: no blank cell left once stripped
    return pl.select(pl.when(pl.lit(stripped) == "").then(None).otherwise(pl.lit(stripped))
                     ).to_series()


def _slow_path(text: pl.Series, fast: pl.Series, slow: pl.Expr) -> pl.Series:
    """Apply the costly parser only to the values the fast one could not read.

    Exports are mostly clean: parsing 1,000,000 ISO dates or plain numbers with one cast
    rather than a chain of regular expressions keeps reading in seconds (make bench).
    """
    pending = fast.is_null() & text.is_not_null()
    if not pending.any():
        return fast
    indices = pending.arg_true()
    parsed = pl.DataFrame({"v": text.gather(indices)}).select(slow).to_series()
    return fast.scatter(indices, parsed)


def parse_date(raw: pl.Series, formats: tuple[str, ...] = DATE_FORMATS,
               ) -> tuple[pl.Series, pl.Series]:
    """Try each format in turn; a non-empty value that no format reads is a problem.

    strict=False makes impossible dates such as 31/02/2019 null rather than an error.
    """
    text = _text(raw)
    first, rest = formats[0], formats[1:]
    fast = text.str.strptime(pl.Date, first, strict=False, exact=True) if "%H" not in first \
        else text.str.strptime(pl.Datetime, first, strict=False, exact=True).dt.date()
    v = pl.col("v")
    slow = pl.coalesce(
        [v.str.strptime(pl.Datetime, fmt, strict=False, exact=True).dt.date()
         if "%H" in fmt else v.str.strptime(pl.Date, fmt, strict=False, exact=True)
         for fmt in rest] or [pl.lit(None, pl.Date)])
    parsed = _slow_path(text, fast, slow)
    return parsed, text.is_not_null() & parsed.is_null()


def normalise_number_text(text: pl.Expr) -> pl.Expr:
    """'1 234,56 €' -> '1234.56'; '1.234,56' -> '1234.56'; '12,3,4' stays unparseable."""
    text = text.str.replace_all(r"€|EUR|eur", "").str.replace_all(_SPACES, "")
    both = text.str.contains(r"\.") & text.str.contains(",")
    one_comma = text.str.count_matches(",") == 1
    return (
        pl.when(both & text.str.contains(r"^-?[0-9]{1,3}(\.[0-9]{3})+,[0-9]+$"))
        .then(text.str.replace_all(r"\.", "").str.replace(",", "."))
        .when(~text.str.contains(r"\.") & one_comma)
        .then(text.str.replace(",", "."))
        .otherwise(text)
    )


def parse_float(raw: pl.Series) -> tuple[pl.Series, pl.Series]:
    text = _text(raw)
    fast = text.cast(pl.Float64, strict=False)
    normalised = normalise_number_text(pl.col("v"))
    slow = pl.when(normalised.str.contains(_NUMBER)).then(normalised).otherwise(None).cast(
        pl.Float64, strict=False)
    parsed = _slow_path(text, fast, slow)
    # "NaN", "inf", "1e400" are floats to Polars but no quantity, price or lifespan: they
    # are problems, not values that would turn every total into NaN downstream.
    finite = parsed.is_finite().fill_null(True)
    if not finite.all():
        parsed = _keep(parsed, finite)
    return parsed, text.is_not_null() & parsed.is_null()


# The largest whole number kept: beyond it a float no longer holds every integer, and a
# count of devices, cores or disks that large is a typing error anyway.
MAX_WHOLE: Final = 2.0 ** 53


def parse_int(raw: pl.Series) -> tuple[pl.Series, pl.Series]:
    value, bad = parse_float(raw)
    whole = ((value == value.round(0)) & (value.abs() <= MAX_WHOLE)).fill_null(True)
    parsed = pl.select(pl.when(pl.lit(whole)).then(pl.lit(value)).otherwise(None)
                       .cast(pl.Int64)).to_series()
    return parsed, bad | ~whole


_TRUE = ["true", "1", "yes", "oui", "vrai", "x"]
_FALSE = ["false", "0", "no", "non", "faux"]


def parse_bool(raw: pl.Series) -> tuple[pl.Series, pl.Series]:
    text = _text(raw).str.to_lowercase()
    parsed = pl.select(pl.when(pl.lit(text).is_in(_TRUE)).then(True)
                       .when(pl.lit(text).is_in(_FALSE)).then(False)
                       .otherwise(None)).to_series()
    return parsed, text.is_not_null() & ~text.is_in(_TRUE + _FALSE)


def parse_enum(raw: pl.Series, allowed: tuple[str, ...]) -> tuple[pl.Series, pl.Series]:
    text = _text(raw).str.to_lowercase()
    ok = text.is_in(list(allowed)).fill_null(False)
    return _keep(text, ok), text.is_not_null() & ~ok


# Country names asset tools write instead of ISO codes.
COUNTRY_NAMES: Final[dict[str, str]] = {
    "france": "FRA", "allemagne": "DEU", "germany": "DEU", "belgique": "BEL", "belgium": "BEL",
    "espagne": "ESP", "spain": "ESP", "italie": "ITA", "italy": "ITA", "suisse": "CHE",
    "switzerland": "CHE", "luxembourg": "LUX", "pays-bas": "NLD", "netherlands": "NLD",
    "royaume-uni": "GBR", "united kingdom": "GBR", "europe": "EEE",
}


# How asset tools and spreadsheets word the origin or acquisition mode of a device, folded
# (lower case, no accents), tried in order: the first that matches gives the condition.
# Leased devices are new devices (their manufacture is the estate's to carry); a device
# received as a donation or transferred from another body is reused. See docs/formats.md.
CONDITION_WORDS: Final[tuple[tuple[str, str], ...]] = (
    (r"^(new|refurbished|reused)$", ""),  # the canonical values, kept as written
    (r"recondition|refurbish|seconde main|second[- ]hand|occasion|remanufactur|renew|"
     r"\bused\b", "refurbished"),
    (r"reemploi|reemploy|reutilis|reuse|recup|\bdon\b|\bdons\b|donne|donat|don recu|"
     r"gift|transfer|mutualis|redeploi|redeploy|cession gratuite", "reused"),
    (r"neuf|neuve|\bnew\b|achat|purchase|bought|location|loue|leas|\blld\b|\bloa\b|"
     r"credit[- ]bail|rent", "new"),
)


def fold_expr(text: pl.Expr) -> pl.Expr:
    """Lower case without accents, as classify.fold does for one value."""
    return text.str.normalize("NFKD").str.replace_all(r"\p{M}", "").str.to_lowercase()


def parse_condition(raw: pl.Series) -> tuple[pl.Series, pl.Series]:
    """new / refurbished / reused from the canonical values or from the words asset tools use
    (neuf, reconditionné, réemploi, location, don...); anything else is a problem."""
    text = _text(raw)
    folded = pl.col("v").pipe(fold_expr).str.strip_chars()
    expr: pl.Expr = pl.lit(None, pl.Utf8)
    for pattern, condition in reversed(CONDITION_WORDS):
        value = folded if not condition else pl.lit(condition)
        expr = pl.when(folded.str.contains(pattern)).then(value).otherwise(expr)
    parsed = pl.DataFrame({"v": text}).select(expr).to_series()
    return parsed, text.is_not_null() & parsed.is_null()


def parse_country(raw: pl.Series) -> tuple[pl.Series, pl.Series]:
    stripped = _text(raw)
    named = stripped.str.to_lowercase().replace_strict(COUNTRY_NAMES, default=stripped,
                                                       return_dtype=pl.Utf8)
    text = named.str.to_uppercase()
    ok = text.str.contains(r"^[A-Z]{3}$").fill_null(False)
    return _keep(text, ok), text.is_not_null() & ~ok


def _keep(text: pl.Series, ok: pl.Series) -> pl.Series:
    return pl.select(pl.when(pl.lit(ok)).then(pl.lit(text)).otherwise(None)).to_series()


def parse_text(raw: pl.Series) -> tuple[pl.Series, pl.Series]:
    text = _text(raw)
    return text, pl.repeat(False, len(text), dtype=pl.Boolean, eager=True)


# What each canonical column is parsed as, and the message a person reads when it fails.
PARSERS: Final[dict[str, tuple[str, str]]] = {
    "quantity": ("int", "expected a whole number of devices"),
    "purchase_date": ("date", "expected a date such as 31/12/2020 or 2020-12-31"),
    "commissioning_date": ("date", "expected a date such as 31/12/2020 or 2020-12-31"),
    "retirement_date": ("date", "expected a date such as 31/12/2020 or 2020-12-31"),
    "lifespan_years": ("float", "expected a number of years such as 5 or 6,5"),
    "purchase_price_eur": ("float", "expected an amount such as 1 234,56 €"),
    "purchase_price_incl_vat_eur": ("float", "expected an amount such as 1 234,56 €"),
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
    "condition": ("condition", "unknown origin; use new, refurbished or reused (neuf, "
                  "reconditionné, réemploi, location and don are understood too)"),
    "disposal": ("disposal", "unknown disposal; use " + ", ".join(DISPOSALS)),
    "country": ("country", "expected an ISO 3166-1 alpha-3 country code such as FRA"),
}

# Range rules checked after parsing: (column, predicate that must hold, message).
BEYOND_MAXIMUM: Final = ("the value is beyond the plausible maximum for this column: a typing "
                         "or unit error (Wh for kWh, MB for GB)?")

RANGE_RULES: Final[tuple[tuple[str, pl.Expr, str], ...]] = (
    ("quantity", pl.col("quantity") >= 1, "the quantity must be at least 1"),
    ("lifespan_years", pl.col("lifespan_years") > 0, "the lifespan must be more than 0 years"),
    ("purchase_price_eur", pl.col("purchase_price_eur") >= 0, "a price cannot be negative"),
    ("purchase_price_incl_vat_eur", pl.col("purchase_price_incl_vat_eur") >= 0,
     "a price cannot be negative"),
    ("annual_kwh", pl.col("annual_kwh") >= 0, "the yearly consumption cannot be negative"),
    ("pue", pl.col("pue") >= 1, "a PUE is at least 1"),
    ("ram_gb", pl.col("ram_gb") >= 0, "memory cannot be negative"),
    ("cpu_units", pl.col("cpu_units") >= 0, "cannot be negative"),
    ("cpu_cores", pl.col("cpu_cores") >= 0, "cannot be negative"),
    ("ssd_count", pl.col("ssd_count") >= 0, "cannot be negative"),
    ("hdd_count", pl.col("hdd_count") >= 0, "cannot be negative"),
    ("weight_kg", pl.col("weight_kg") >= 0, "a weight cannot be negative"),
    # The upper bounds every door shares (jalon.core.bounds): beyond them a value is a typing
    # or unit error, read as a problem on its cell rather than refused by the database later.
    *((column, pl.col(column) <= bound.maximum, BEYOND_MAXIMUM)
      for column, bound in BOUNDS.items()),
)


# Columns that repeat a few values (types, models, sites, statuses): their distinct values are
# parsed once each. Dates are parsed the same way: a year of purchases has a few hundred days.
REPEATING: Final = frozenset({
    "quantity", "purchase_price_eur", "purchase_price_incl_vat_eur", "category", "item_type",
    "type", "manufacturer", "model",
    "condition", "status", "entity", "site", "country", "is_virtual", "disposal",
    "purchase_date", "commissioning_date",
    "retirement_date", "lifespan_years", "cpu_units", "cpu_cores", "ram_gb", "ssd_count",
    "ssd_capacity_gb", "hdd_count", "hdd_capacity_gb", "pue", "annual_kwh", "weight_kg",
})

Parser = Callable[[pl.Series], tuple[pl.Series, pl.Series]]


def _parser(kind: str, date_formats: tuple[str, ...]) -> Parser:
    parsers: dict[str, Parser] = {
        "date": lambda raw: parse_date(raw, date_formats),
        "float": parse_float,
        "int": parse_int,
        "bool": parse_bool,
        "category": lambda raw: parse_enum(raw, CATEGORIES),
        "condition": parse_condition,
        "disposal": lambda raw: parse_enum(raw, DISPOSALS),
        "country": parse_country,
    }
    return parsers.get(kind, parse_text)


def _by_distinct_value(raw: pl.Series, parse: Parser) -> tuple[pl.Series, pl.Series] | None:
    """Parse each distinct value once and spread the results back; None when values repeat
    too little for it to pay (every parser works value by value, so the result is the same)."""
    encoded = raw.cast(pl.Categorical(pl.Categories.random()))
    distinct = encoded.unique().drop_nulls()
    if distinct.len() > max(1000, raw.len() // 20):
        return None
    value, bad = parse(distinct.cast(pl.Utf8))
    # Results are laid out by the categorical's code, then looked up by every row's code.
    ids = distinct.to_physical()
    size = cast(int, ids.max()) + 1 if ids.len() else 0
    by_id = pl.repeat(None, size, dtype=value.dtype, eager=True).scatter(ids, value)
    bad_by_id = pl.repeat(False, size, dtype=pl.Boolean, eager=True).scatter(ids, bad)
    codes = encoded.to_physical()
    return by_id.gather(codes), bad_by_id.gather(codes)


def _on_present_values(raw: pl.Series, parse: Parser) -> tuple[pl.Series, pl.Series]:
    """Parse only the non-empty cells of a mostly empty column (server columns in a fleet)."""
    present = raw.is_not_null().arg_true()
    value, bad = parse(raw.gather(present))
    empty = pl.repeat(None, raw.len(), dtype=value.dtype, eager=True)
    return (empty.scatter(present, value),
            pl.repeat(False, raw.len(), dtype=pl.Boolean, eager=True).scatter(present, bad))


def parse_column(raw: pl.Series, column: str, date_formats: tuple[str, ...] = DATE_FORMATS,
                 ) -> tuple[pl.Series, pl.Series]:
    """Typed column and bad-value mask for the raw Utf8 column of a canonical column.

    Large files are parsed on what varies: mostly empty columns on their filled cells, repeating
    columns on their distinct values (1,000,000 rows in a fraction of a second, `make bench`).
    """
    parse = _parser(PARSERS.get(column, ("text", ""))[0], date_formats)
    typed: tuple[pl.Series, pl.Series] | None = None
    if raw.len() >= 10_000:
        if raw.null_count() * 2 > raw.len():
            typed = _on_present_values(raw, parse)
        elif column in REPEATING:
            typed = _by_distinct_value(raw, parse)
    value, bad = typed if typed is not None else parse(raw)
    return value.alias(column), bad.fill_null(False).alias(f"__bad_{column}")
