"""Server-rendered SVG charts: pure functions from numbers to markup (no Django, no JS).

Why SVG on the server: pages must work without JavaScript, under a strict CSP (no inline
style, no script) and stay light. Every chart is an `<svg role="img">` labelled by its
`<title>` and `<desc>`; pages always put the data table beside it, so no value is given by
colour alone. Colours are presentation attributes (allowed by the CSP) with at least 3:1
contrast on white; text is 12px or more (set by app.css `.chart text`).

API (all return a `str` of markup, every text escaped here):
- bar_chart(chart_id, bars, title=, desc=, fmt=)            horizontal bars, optional min–max
- stacked_bars(chart_id, rows, series, title=, desc=, fmt=) horizontal stacked bars + legend
- line_chart(chart_id, xs, series, title=, desc=, fmt=, from_zero=)  lines over years + legend
  (None values are not drawn; from_zero=False scales the axis to the data)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from typing import Final

# Dark enough on white (>= 4.5:1 for the first five, >= 3:1 for all) and distinct in hue.
PALETTE: Final = ("#0b4f8a", "#a0201c", "#1f6f3f", "#8a4b00", "#5b3a8c", "#555555",
                  "#006d77", "#7a1f5c")
INK: Final = "#1b1b1b"
# Single-series bars: mid blue, 3.5:1 on white and 4.9:1 under the black min–max whisker.
BAR_FILL: Final = "#5b8cc0"
GRID: Final = "#767676"
DASHES: Final = ("", "6 4", "2 3", "10 3 2 3")  # lines differ by dash too, not colour only
WIDTH: Final = 640
ROW: Final = 26
LABEL_W: Final = 190
VALUE_W: Final = 110

Formatter = Callable[[float], str]


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float
    low: float | None = None
    high: float | None = None


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _short(label: str, limit: int = 25) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _nice_max(value: float) -> float:
    """The smallest 1, 2 or 5 × 10^k at or above value (axes end on a round number)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return float(step * power)
    return float(10 * power)


def _open(chart_id: str, width: int, height: int, title: str, desc: str) -> list[str]:
    cid = _e(chart_id)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{cid}-title {cid}-desc">',
        f'<title id="{cid}-title">{_e(title)}</title>',
        f'<desc id="{cid}-desc">{_e(desc)}</desc>',
    ]


def _text(x: float, y: float, text: str, anchor: str = "start") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{INK}" '
            f'font-size="12">{_e(text)}</text>')


def bar_chart(chart_id: str, bars: Sequence[Bar], *, title: str, desc: str,
              fmt: Formatter = str) -> str:
    """One horizontal bar per item; a black whisker shows the min–max range when given."""
    height = ROW * max(len(bars), 1) + 12
    top = max((max(b.value, b.high or 0.0) for b in bars), default=0.0)
    scale = (WIDTH - LABEL_W - VALUE_W) / _nice_max(top)
    parts = _open(chart_id, WIDTH, height, title, desc)
    for i, bar in enumerate(bars):
        y = 6 + i * ROW
        mid = y + ROW / 2 - 3
        length = max(bar.value, 0.0) * scale
        parts.append(f'<g><title>{_e(bar.label)} : {_e(fmt(bar.value))}</title>')
        parts.append(_text(LABEL_W - 8, mid + 4, _short(bar.label), "end"))
        parts.append(f'<rect x="{LABEL_W}" y="{y + 3}" width="{length:.1f}" '
                     f'height="{ROW - 12}" fill="{BAR_FILL}"/>')
        end = LABEL_W + length
        if bar.low is not None and bar.high is not None:
            x0, x1 = LABEL_W + max(bar.low, 0) * scale, LABEL_W + max(bar.high, 0) * scale
            parts.append(f'<path d="M{x0:.1f} {mid:.1f}H{x1:.1f}M{x0:.1f} {mid - 5:.1f}'
                         f'V{mid + 5:.1f}M{x1:.1f} {mid - 5:.1f}V{mid + 5:.1f}" '
                         f'stroke="{INK}" stroke-width="1.5" fill="none"/>')
            end = max(end, x1)
        parts.append(_text(end + 6, mid + 4, fmt(bar.value)))
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def _legend(series: Sequence[str], y: float, lines: bool = False) -> list[str]:
    parts, x = [], 8.0
    for i, name in enumerate(series):
        colour = PALETTE[i % len(PALETTE)]
        if lines:
            dash = DASHES[i % len(DASHES)]
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(f'<path d="M{x:.1f} {y - 4:.1f}h22" stroke="{colour}" '
                         f'stroke-width="3"{dash_attr}/>')
            x += 28
        else:
            parts.append(f'<rect x="{x:.1f}" y="{y - 11:.1f}" width="12" height="12" '
                         f'fill="{colour}"/>')
            x += 16
        parts.append(_text(x, y, name))
        x += 8 + 7.2 * len(name)
    return parts


def stacked_bars(chart_id: str, rows: Sequence[tuple[str, Sequence[float]]],
                 series: Sequence[str], *, title: str, desc: str,
                 fmt: Formatter = str) -> str:
    """One horizontal bar per row, split into `series` segments (e.g. phases); total at end."""
    legend_h = 26
    height = legend_h + ROW * max(len(rows), 1) + 8
    top = max((sum(max(v, 0.0) for v in values) for _, values in rows), default=0.0)
    scale = (WIDTH - LABEL_W - VALUE_W) / _nice_max(top)
    parts = _open(chart_id, WIDTH, height, title, desc)
    parts += _legend(series, 16)
    for i, (label, values) in enumerate(rows):
        y = legend_h + i * ROW
        x = float(LABEL_W)
        total = sum(max(v, 0.0) for v in values)
        parts.append(f'<g><title>{_e(label)} : {_e(fmt(total))}</title>')
        parts.append(_text(LABEL_W - 8, y + ROW / 2 + 1, _short(label), "end"))
        for j, value in enumerate(values):
            width = max(value, 0.0) * scale
            if width <= 0:
                continue
            # A white edge separates neighbouring segments whatever their colours.
            parts.append(f'<rect x="{x:.1f}" y="{y + 3}" width="{width:.1f}" '
                         f'height="{ROW - 12}" fill="{PALETTE[j % len(PALETTE)]}" '
                         f'stroke="#ffffff" stroke-width="1"/>')
            x += width
        parts.append(_text(x + 6, y + ROW / 2 + 1, fmt(total)))
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def _nice_range(low: float, high: float, ticks: int = 4) -> tuple[float, float]:
    """An axis around [low, high] in `ticks` round steps (1, 2, 2.5 or 5 × 10^k), so that
    series far from zero or close together are not drawn as flat lines."""
    floor = 0.0 if low >= 0 else -math.inf  # a positive quantity keeps a positive axis
    if high <= low:
        pad = abs(high) * 0.1 or 1.0
        low, high = max(low - pad, floor), high + pad
    margin = (high - low) * 0.05  # lines never touch the frame
    low, high = max(low - margin, floor), high + margin
    raw = (high - low) / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10, 20):
        step = factor * power
        start = max(math.floor(low / step) * step, floor)
        if start + ticks * step >= high:
            return float(start), float(start + ticks * step)
    return float(low), float(high)  # pragma: no cover - 20 × power always covers the span


def line_chart(chart_id: str, xs: Sequence[int],
               series: Sequence[tuple[str, Sequence[float | None]]],
               *, title: str, desc: str, fmt: Formatter = str, height: int = 280,
               from_zero: bool = True) -> str:
    """Lines over `xs` (years). The y axis starts at 0, or with `from_zero=False` spans the
    data in round steps (for totals that move by a few percent). A value None is not drawn:
    a series starts where its data start (a target path never before its baseline) and a
    gap breaks its line."""
    left, right, top_margin, bottom = 80, 20, 42, 30
    plot_w, plot_h = WIDTH - left - right, height - top_margin - bottom
    known = [v for _, values in series for v in values if v is not None]
    if from_zero or not known:
        y_min, y_max = 0.0, _nice_max(max(known, default=0.0))
    else:
        y_min, y_max = _nice_range(min(known), max(known))
    span = max(len(xs) - 1, 1)

    def px(i: int) -> float:
        return left + plot_w * i / span

    def py(v: float) -> float:
        value = max(v, y_min)
        return top_margin + plot_h * (1 - (value - y_min) / (y_max - y_min))

    parts = _open(chart_id, WIDTH, height, title, desc)
    parts += _legend([name for name, _ in series], 16, lines=True)
    # The five grid lines as one path (pages count their elements: EcoIndex).
    grid = "".join(f"M{left} {py(y_min + (y_max - y_min) * k / 4):.1f}H{WIDTH - right}"
                   for k in range(5))
    parts.append(f'<path d="{grid}" stroke="{GRID}" stroke-width="0.5" fill="none"/>')
    for k in range(5):
        value = y_min + (y_max - y_min) * k / 4
        parts.append(_text(left - 6, py(value) + 4, fmt(value), "end"))
    for i, x in enumerate(xs):
        parts.append(_text(px(i), height - 10, str(x), "middle"))
    for s, (name, values) in enumerate(series):
        colour = PALETTE[s % len(PALETTE)]
        dash = DASHES[s % len(DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f"<g><title>{_e(name)}</title>")
        runs: list[list[tuple[int, float]]] = [[]]
        for i, v in enumerate(values):
            if v is None:
                runs.append([])
            else:
                runs[-1].append((i, v))
        for run in runs:
            if len(run) > 1:
                points = " ".join(f"{px(i):.1f},{py(v):.1f}" for i, v in run)
                parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" '
                             f'stroke-width="2.5"{dash_attr}/>')
        for i, v in enumerate(values):
            if v is None:
                continue
            cx, cy = px(i), py(v)
            # Circles for the first series, squares for the next: shape as well as colour.
            marker = (f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4" fill="{colour}"/>' if s % 2 == 0
                      else f'<rect x="{cx - 4:.1f}" y="{cy - 4:.1f}" width="8" height="8" '
                           f'fill="{colour}"/>')
            parts.append(marker)
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)
