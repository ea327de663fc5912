"""Plans of the territory in SVG, drawn on the server (no tile server, no third party).

- `public_plan`: the outline and the open reports (positions rounded to 0.001°, as in the open
  data) for the public report form, where a small script (static/reports/plan.js) turns a click,
  a tap or the arrow keys into the latitude and longitude fields. The projection travels in
  `data-` attributes so that the script computes positions exactly as the server draws them.
- `status_map`: the back office's map of reports by status, each status with its own symbol
  and colour (never colour alone) and a legend; the page puts the data table beside it.

The geometry is jalon.core.territory; this module only writes markup (every text escaped).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Final

from django.utils.translation import gettext as _

from jalon.core import territory as geo
from jalon.kit.charts import PALETTE
from jalon.reports.models import Report, ReportStatus

PUBLIC_WIDTH: Final = 600
PUBLIC_HEIGHT: Final = 420
MAP_WIDTH: Final = 640
MAP_HEIGHT: Final = 480
OUTLINE_FILL: Final = "#eef3f8"
OUTLINE_STROKE: Final = "#0b4f8a"
DOT: Final = "#555555"

# One symbol per status (shape and colour): the legend and the table say which.
SYMBOLS: Final = {
    ReportStatus.NEW: ("circle", PALETTE[1]),
    ReportStatus.ACKNOWLEDGED: ("square", PALETTE[3]),
    ReportStatus.PLANNED: ("diamond", PALETTE[4]),
    ReportStatus.IN_PROGRESS: ("triangle", PALETTE[0]),
    ReportStatus.RESOLVED: ("check", PALETTE[2]),
    ReportStatus.REJECTED: ("cross", PALETTE[5]),
    ReportStatus.DUPLICATE: ("ring", PALETTE[6]),
}


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _symbol(shape: str, colour: str, x: float, y: float, r: float = 5) -> str:
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{colour}"/>'
    if shape == "ring":
        return (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r - 1}" fill="none" stroke="{colour}" '
                'stroke-width="2"/>')
    if shape == "square":
        return (f'<rect x="{x - r + 1:.1f}" y="{y - r + 1:.1f}" width="{2 * r - 2}" '
                f'height="{2 * r - 2}" fill="{colour}"/>')
    if shape == "diamond":
        return (f'<path d="M{x:.1f} {y - r - 1:.1f}L{x + r + 1:.1f} {y:.1f}L{x:.1f} '
                f'{y + r + 1:.1f}L{x - r - 1:.1f} {y:.1f}Z" fill="{colour}"/>')
    if shape == "triangle":
        return (f'<path d="M{x:.1f} {y - r - 1:.1f}L{x + r + 1:.1f} {y + r:.1f}L{x - r - 1:.1f} '
                f'{y + r:.1f}Z" fill="{colour}"/>')
    if shape == "check":
        return (f'<path d="M{x - r:.1f} {y:.1f}L{x - 1:.1f} {y + r - 1:.1f}L{x + r:.1f} '
                f'{y - r:.1f}" fill="none" stroke="{colour}" stroke-width="2.5"/>')
    return (f'<path d="M{x - r + 1:.1f} {y - r + 1:.1f}L{x + r - 1:.1f} {y + r - 1:.1f}M'
            f'{x + r - 1:.1f} {y - r + 1:.1f}L{x - r + 1:.1f} {y + r - 1:.1f}" fill="none" '
            f'stroke="{colour}" stroke-width="2.5"/>')


def _points(reports: Sequence[Report]) -> list[tuple[float, float]]:
    return [(float(r.longitude), float(r.latitude)) for r in reports
            if r.latitude is not None and r.longitude is not None]


def _projection(outline: geo.Territory | None, points: Sequence[tuple[float, float]],
                width: int, height: int) -> geo.Projection | None:
    box = outline.bbox if outline is not None else geo.bbox_of(points)
    if box is None:
        return None
    return geo.Projection.fit(box, width, height, margin=12)


def _outline(outline: geo.Territory | None, projection: geo.Projection) -> str:
    if outline is None:
        return ""
    return (f'<path d="{geo.svg_path(outline, projection)}" fill="{OUTLINE_FILL}" '
            f'stroke="{OUTLINE_STROKE}" stroke-width="1.5" fill-rule="evenodd"/>')


@dataclass(frozen=True)
class PublicPlan:
    svg: str
    n_reports: int


def public_plan(outline: geo.Territory | None, open_reports: Sequence[Report]
                ) -> PublicPlan | None:
    """The plan of the public form, or None without a stored outline (then the form offers
    the fields alone: a plan of dots without the territory would mislead)."""
    if outline is None:
        return None
    projection = geo.Projection.fit(outline.bbox, PUBLIC_WIDTH, PUBLIC_HEIGHT, margin=12)
    # Open reports, rounded to 0.001° (about 100 m): where problems are already known, not
    # who reported them.
    dots = sorted({(round(lon, 3), round(lat, 3)) for lon, lat in _points(open_reports)})
    p = projection
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="plan-svg" width="{p.width}" '
        f'height="{p.height}" viewBox="0 0 {p.width} {p.height}" aria-hidden="true" '
        f'focusable="false" data-lon0="{p.lon0!r}" data-lat0="{p.lat0!r}" '
        f'data-scale="{p.scale!r}" data-kx="{p.kx!r}" data-x0="{p.x0!r}" data-y0="{p.y0!r}">',
        f'<rect width="{p.width}" height="{p.height}" fill="#ffffff"/>',
        _outline(outline, projection),
    ]
    for lon, lat in dots:
        x, y = projection.project(lon, lat)
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{DOT}"/>')
    parts.append(f'<g class="plan-marker" visibility="hidden"><circle r="9" fill="none" '
                 f'stroke="{PALETTE[1]}" stroke-width="3"/><circle r="2.5" '
                 f'fill="{PALETTE[1]}"/></g>')
    parts.append("</svg>")
    return PublicPlan("".join(parts), len(dots))


@dataclass(frozen=True)
class StatusRow:
    status: str
    label: str
    shape: str
    colour: str
    drawn: int
    without_position: int

    @property
    def shape_label(self) -> str:
        return {"circle": _("rond plein"), "square": _("carré"), "diamond": _("losange"),
                "triangle": _("triangle"), "check": _("coche"), "cross": _("croix"),
                "ring": _("cercle vide")}[self.shape]


@dataclass(frozen=True)
class StatusMap:
    svg: str
    rows: list[StatusRow]
    outside: int  # drawn reports outside the stored outline


def status_map(outline: geo.Territory | None, located: Sequence[Report],
               unlocated_counts: dict[str, int]) -> StatusMap | None:
    """Reports by status on the outline (or on the box of the reports without one)."""
    points = _points(located)
    projection = _projection(outline, points, MAP_WIDTH, MAP_HEIGHT)
    if projection is None:
        return None
    by_status: dict[str, list[Report]] = {s: [] for s in SYMBOLS}
    for report in located:
        by_status.setdefault(report.status, []).append(report)
    rows = [StatusRow(s, str(label), *SYMBOLS[ReportStatus(s)], len(by_status.get(s, [])),
                      unlocated_counts.get(s, 0)) for s, label in ReportStatus.choices]
    drawn = sum(r.drawn for r in rows)
    title = _("Carte des signalements par statut")
    desc = _("%(n)d signalements localisés, chacun marqué du symbole de son statut ; le "
             "tableau à côté donne les mêmes nombres et la liste des signalements.") % {
        "n": drawn}
    legend_h = 24 * ((len(rows) + 2) // 3)
    height = MAP_HEIGHT + legend_h
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'width="{MAP_WIDTH}" height="{height}" viewBox="0 0 {MAP_WIDTH} {height}" '
        'aria-labelledby="status-map-title status-map-desc">',
        f'<title id="status-map-title">{_e(title)}</title>',
        f'<desc id="status-map-desc">{_e(desc)}</desc>',
        f'<rect width="{MAP_WIDTH}" height="{MAP_HEIGHT}" fill="#ffffff" stroke="#767676"/>',
        _outline(outline, projection),
    ]
    outside = 0
    # Closed reports first, so that the open ones are drawn on top.
    for row in sorted(rows, key=lambda r: r.status not in ("resolved", "rejected", "duplicate")):
        for report in by_status.get(row.status, []):
            lon, lat = float(report.longitude or 0), float(report.latitude or 0)
            if outline is not None and not outline.contains(lon, lat):
                outside += 1
            x, y = projection.project(lon, lat)
            parts.append(_symbol(row.shape, row.colour, x, y))
    for i, row in enumerate(rows):
        x = 8 + (i % 3) * 212
        y = MAP_HEIGHT + 16 + 24 * (i // 3)
        parts.append(_symbol(row.shape, row.colour, x + 6, y - 4))
        parts.append(f'<text x="{x + 18}" y="{y}" font-size="12" fill="#1b1b1b">'
                     f'{_e(row.label)} ({row.drawn})</text>')
    parts.append("</svg>")
    return StatusMap("".join(parts), rows, outside)
