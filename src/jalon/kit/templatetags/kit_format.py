"""Template filters for French numbers: {{ value|fr:1 }}, {{ triple|crit:"gwp" }}."""

from __future__ import annotations

from typing import Any

from django import template

from jalon.kit import formatting

register = template.Library()


@register.filter
def fr(value: Any, decimals: int = 0) -> str:
    return formatting.fr_number(value, int(decimals))


@register.filter
def frsig(value: Any) -> str:
    return formatting.fr_significant(value)


@register.filter
def crit(value: Any, criterion: str) -> str:
    """A contract value (kg, MJ, m3) of `criterion` in its display unit (gwp in tonnes)."""
    return formatting.fr_criterion(criterion, value)


@register.filter
def unit(criterion: str) -> str:
    return formatting.display_unit(criterion)


@register.filter
def pct(share: Any) -> str:
    return formatting.fr_percent(share)
