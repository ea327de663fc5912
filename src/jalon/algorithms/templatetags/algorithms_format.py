"""Formatting of the register's figures (shares with one decimal, as the bias report needs)."""

from __future__ import annotations

from typing import Any

from django import template

from jalon.kit.formatting import fr_percent

register = template.Library()


@register.filter
def pct1(share: Any) -> str:
    """0.5538 → « 55,4 % » (None → « – »)."""
    if share is None or share == "":
        return "–"
    return fr_percent(float(share), 1)
