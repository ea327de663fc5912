"""The trend of one indicator over twelve months, as a server-rendered SVG (the kit's charts
plot years; these plot months, with gaps where a month has no answer). Same conventions as
jalon.kit.charts: role="img" labelled by <title>/<desc>, the data table always beside it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

from jalon.kit.charts import GRID, INK, PALETTE

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 34


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def trend_chart(chart_id: str, labels: Sequence[str], values: Sequence[float | None], *,
                top: float, title: str, desc: str, fmt: Callable[[float], str]) -> str:
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
    for k in range(5):
        value = top * k / 4
        y = py(value)
        parts.append(f'<path d="M{LEFT} {y:.1f}H{WIDTH - RIGHT}" stroke="{GRID}" '
                     f'stroke-width="0.5" fill="none"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{INK}" '
                     f'font-size="12">{_e(fmt(value))}</text>')
    for i, label in enumerate(labels):
        if i % 2 == 0 or i == len(labels) - 1:
            parts.append(f'<text x="{px(i):.1f}" y="{HEIGHT - 12}" text-anchor="middle" '
                         f'fill="{INK}" font-size="12">{_e(label)}</text>')
    colour = PALETTE[0]
    segment: list[str] = []
    segments: list[list[str]] = []
    for i, v in enumerate(values):
        if v is None:
            if segment:
                segments.append(segment)
            segment = []
            continue
        segment.append(f"{px(i):.1f},{py(v):.1f}")
    if segment:
        segments.append(segment)
    for points in segments:
        parts.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" '
                     f'stroke-width="2.5"/>')
    for i, v in enumerate(values):
        if v is not None:
            parts.append(f'<circle cx="{px(i):.1f}" cy="{py(v):.1f}" r="4" fill="{colour}">'
                         f'<title>{_e(labels[i])} : {_e(fmt(v))}</title></circle>')
    parts.append("</svg>")
    return "".join(parts)
