"""Template filters for French numbers, dates and labels: {{ value|fr:1 }}, {{ triple|crit:"gwp" }},
{{ d|frdate }}, {{ code|category }}, {{ code|mix }}, {{ code|condition }}."""

from __future__ import annotations

from typing import Any

from django import template

from jalon.kit import formatting, labels

register = template.Library()


@register.filter
def fr(value: Any, decimals: int = 0) -> str:
    # A template hands over "" for a missing key (string_if_invalid), and a JSON field may
    # hold a number as text: neither must break a page.
    if value is None or value == "":
        return formatting.fr_number(None)
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            return str(value)
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


# French labels of codes (jalon.kit.labels): {{ asset.category|category }}, {{ c|mix }}.
@register.filter
def category(value: Any) -> str:
    return labels.category_label(value) if value else ""


@register.filter
def condition(value: Any) -> str:
    return labels.condition_label(value)


@register.filter
def mix(value: Any) -> str:
    return labels.mix_label(value)


@register.filter
def phase(value: Any) -> str:
    return labels.phase_label(value) if value else ""


@register.filter
def criterion(value: Any) -> str:
    return labels.criterion_label(value) if value else ""


@register.filter
def frdate(value: Any, style: str = "long") -> str:
    """A date in the interface's language: 'long' → 7 décembre 2026, 'short' → 07/12/2026."""
    return formatting.fr_date(value, style)


@register.filter
def fileformat(value: Any) -> str:
    """A reader's format id in words ("spreadsheet" -> "tableur générique")."""
    return labels.format_label(str(value)) if value else ""
