"""The shipped table of French public holidays equals what the `holidays` package computes
(the table exists only so that the deadline rule does not import the package at run time)."""

from __future__ import annotations

import holidays
import pytest

from jalon.core import gdpr_deadlines as clock


@pytest.mark.parametrize("subdivision", [None, "57", "6AE"])
def test_table_equals_the_holidays_package(subdivision):
    for year in clock.TABLE_YEARS:
        expected = frozenset(holidays.country_holidays("FR", subdiv=subdivision, years=year))
        assert clock._holidays(year, subdivision) == expected, (year, subdivision)


def test_outside_the_table_the_package_answers():
    import datetime as dt

    assert clock.is_public_holiday(dt.date(2070, 7, 14))
    assert clock.is_public_holiday(dt.date(2026, 5, 27), "971")  # abolition of slavery
    assert not clock.is_public_holiday(dt.date(2026, 5, 27))
