"""Trends of the indicators over twelve months, as server-rendered SVG (the kit's charts plot
years; these plot months, with gaps where a month has no answer). Same conventions as
jalon.kit.charts: role="img" labelled by <title>/<desc>, lines told apart by colour and dash
(never colour alone), the data table always beside the chart. No marker per point: the DOM
stays small (EcoIndex) and every value is in the table."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

from jalon.kit.charts import DASHES, GRID, INK, PALETTE

WIDTH, HEIGHT = 640, 250
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 40, 30


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _text(x: float, y: float, text: str, anchor: str = "start") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{INK}" '
            f'font-size="12">{_e(text)}</text>')


def trend_chart(chart_id: str, labels: Sequence[str],
                series: Sequence[tuple[str, Sequence[float | None]]], *, top: float,
                title: str, desc: str, fmt: Callable[[float], str]) -> str:
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    span = max(len(labels) - 1, 1)

    def px(i: int) -> float:
        return LEFT + plot_w * i / span

    def py(v: float) -> float:
        return TOP + plot_h * (1 - min(max(v, 0.0), top) / top)

    cid = _e(chart_id)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
             f'width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" '
             f'aria-labelledby="{cid}-title {cid}-desc">',
             f'<title id="{cid}-title">{_e(title)}</title>',
             f'<desc id="{cid}-desc">{_e(desc)}</desc>']
    grid = "".join(f"M{LEFT} {py(top * k / 4):.1f}H{WIDTH - RIGHT}" for k in range(5))
    parts.append(f'<path d="{grid}" stroke="{GRID}" stroke-width="0.5" fill="none"/>')
    for k in range(5):
        parts.append(_text(LEFT - 6, py(top * k / 4) + 4, fmt(top * k / 4), "end"))
    for i, label in enumerate(labels):
        if i % 3 == 0 or i == len(labels) - 1:
            parts.append(_text(px(i), HEIGHT - 10, label, "middle"))
    x = float(LEFT)
    for s, (name, values) in enumerate(series):
        colour, dash = PALETTE[s % len(PALETTE)], DASHES[s % len(DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<path d="M{x:.1f} 16h22" stroke="{colour}" stroke-width="3"'
                     f'{dash_attr}/>')
        parts.append(_text(x + 28, 20, name))
        x += 40 + 7.2 * len(name)
        # One path per series; "M" starts again after a month without answers.
        d, pen_down = [], False
        for i, v in enumerate(values):
            if v is None:
                pen_down = False
                continue
            d.append(f"{'L' if pen_down else 'M'}{px(i):.1f} {py(v):.1f}")
            if not pen_down and (i + 1 >= len(values) or values[i + 1] is None):
                d.append("h0.1")  # a lone month still shows (round cap)
            pen_down = True
        if d:
            parts.append(f'<path d="{"".join(d)}" fill="none" stroke="{colour}" '
                         f'stroke-width="2.5" stroke-linecap="round"{dash_attr}/>')
    parts.append("</svg>")
    return "".join(parts)
