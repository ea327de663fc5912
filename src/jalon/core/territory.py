"""An organisation's territory: its outline (GeoJSON), a plan of it in SVG, points inside it.

Jalon makes no request to a tile server (no third party, nothing downloaded at run time), so
its "map" is a plan drawn on the server from the outline the organisation stores — for
instance the commune or EPCI outline of IGN's Admin Express, exported in WGS84 — with the
reports as dots. This module is the pure part:

- `parse_geojson(data) -> Territory`: a Polygon, a MultiPolygon, a Feature of one, or a
  FeatureCollection of them (their union), checked (size, number of points, geometry type,
  WGS84 bounds, closed rings) with a French message that says where the problem is
  (`TerritoryError`).
- `Territory.contains(lon, lat)`: even–odd rule per polygon, holes excluded.
- `Projection.fit(bbox, width, height)`: equirectangular projection centred on the box (x
  scaled by cos(latitude), so that a metre east and a metre north are the same length on the
  plan; at a territory's scale the error against Web-Mercator is far under a pixel),
  `project(lon, lat) -> (x, y)` and `unproject(x, y) -> (lon, lat)`.
- `svg_path(territory, projection)`: the outline as one `d` attribute, rounded to 0.1 px and
  without the points less than a pixel from the previous one kept, so that an outline of
  200,000 points stays a path of a few tens of kilobytes at most.
- `to_json(territory)` / `from_json(value)`: storage as plain lists.

Coordinates are (longitude, latitude) in decimal degrees, as in GeoJSON (RFC 7946).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

MAX_BYTES: Final = 5 * 1024 * 1024
MAX_POINTS: Final = 200_000
MAX_POLYGONS: Final = 2_000
MIN_STEP_PX: Final = 1.0  # drawn outlines keep a point every pixel at most

Position = tuple[float, float]
Ring = tuple[Position, ...]
Polygon = tuple[Ring, ...]  # the exterior ring first, then holes


class TerritoryError(ValueError):
    """An outline Jalon cannot use, with a French message that says where and what to do."""


@dataclass(frozen=True, slots=True)
class BoundingBox:
    west: float
    south: float
    east: float
    north: float


@dataclass(frozen=True, slots=True)
class Territory:
    polygons: tuple[Polygon, ...]

    @property
    def n_points(self) -> int:
        return sum(len(ring) for polygon in self.polygons for ring in polygon)

    @property
    def bbox(self) -> BoundingBox:
        lons = [p[0] for polygon in self.polygons for p in polygon[0]]
        lats = [p[1] for polygon in self.polygons for p in polygon[0]]
        return BoundingBox(min(lons), min(lats), max(lons), max(lats))

    def contains(self, lon: float, lat: float) -> bool:
        """True when the point is inside a polygon and outside its holes (even–odd rule;
        a point exactly on an edge may go either way)."""
        box = self.bbox
        if not (box.west <= lon <= box.east and box.south <= lat <= box.north):
            return False
        return any(_inside(polygon, lon, lat) for polygon in self.polygons)


def _inside_ring(ring: Ring, lon: float, lat: float) -> bool:
    inside = False
    x1, y1 = ring[-1]
    for x2, y2 in ring:
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
        x1, y1 = x2, y2
    return inside


def _inside(polygon: Polygon, lon: float, lat: float) -> bool:
    if not _inside_ring(polygon[0], lon, lat):
        return False
    return not any(_inside_ring(hole, lon, lat) for hole in polygon[1:])


# --- GeoJSON -----------------------------------------------------------------------------------

def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(
        value)


def _ring(value: Any, where: str) -> Ring:
    if not isinstance(value, list) or len(value) < 4:
        raise TerritoryError(f"{where} : un anneau doit avoir au moins quatre positions (le "
                             "premier point répété à la fin).")
    points: list[Position] = []
    for i, position in enumerate(value, start=1):
        here = f"{where}, point {i}"
        if (not isinstance(position, list) or len(position) not in (2, 3)
                or not all(_number(c) for c in position)):
            raise TerritoryError(f"{here} : une position est une liste de deux nombres "
                                 "[longitude, latitude].")
        lon, lat = float(position[0]), float(position[1])
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            if abs(lon) > 1000 or abs(lat) > 1000:
                raise TerritoryError(
                    f"{here} : [{lon:g}, {lat:g}] ressemble à des mètres (Lambert-93 ?). "
                    "Exportez le contour en WGS84 (EPSG:4326), longitude et latitude en "
                    "degrés décimaux.")
            raise TerritoryError(f"{here} : [{lon:g}, {lat:g}] sort des bornes WGS84 "
                                 "(longitude entre -180 et 180, latitude entre -90 et 90).")
        points.append((lon, lat))
    if points[0] != points[-1]:
        raise TerritoryError(f"{where} : l'anneau n'est pas fermé (le dernier point doit "
                             "répéter le premier).")
    return tuple(points)


def _polygon(value: Any, where: str) -> Polygon:
    if not isinstance(value, list) or not value:
        raise TerritoryError(f"{where} : un polygone est une liste d'anneaux (le contour, "
                             "puis les trous éventuels).")
    return tuple(_ring(ring, f"{where}, anneau {i}") for i, ring in enumerate(value, start=1))


def _geometry(value: Any, where: str) -> list[Polygon]:
    if not isinstance(value, dict):
        raise TerritoryError(f"{where} : une géométrie GeoJSON est un objet avec « type » et "
                             "« coordinates ».")
    kind = value.get("type")
    coordinates = value.get("coordinates")
    if kind == "Polygon":
        return [_polygon(coordinates, f"{where}, polygone 1")]
    if kind == "MultiPolygon":
        if not isinstance(coordinates, list) or not coordinates:
            raise TerritoryError(f"{where} : un MultiPolygon est une liste de polygones.")
        return [_polygon(p, f"{where}, polygone {i}") for i, p in enumerate(coordinates, 1)]
    if kind == "GeometryCollection":
        raise TerritoryError(f"{where} : GeometryCollection n'est pas accepté ; envoyez un "
                             "Polygon ou un MultiPolygon.")
    raise TerritoryError(f"{where} : géométrie « {kind} » refusée. Le contour du territoire "
                         "doit être un Polygon ou un MultiPolygon.")


def parse_geojson(data: bytes | str) -> Territory:
    """Read an uploaded outline. Raises TerritoryError (French, located) on anything else."""
    if len(data) > MAX_BYTES:
        raise TerritoryError(f"Le fichier pèse {len(data) / 1024 / 1024:.1f} Mo : "
                             f"{MAX_BYTES // 1024 // 1024} Mo au plus. Simplifiez le contour "
                             "(par exemple avec mapshaper) avant de l'envoyer.")
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
        document = json.loads(text)
    except UnicodeDecodeError as exc:
        raise TerritoryError("Le fichier n'est pas du texte UTF-8 : envoyez un fichier "
                             "GeoJSON (.geojson ou .json).") from exc
    except json.JSONDecodeError as exc:
        raise TerritoryError(f"Ce n'est pas du JSON valide : ligne {exc.lineno}, colonne "
                             f"{exc.colno} ({exc.msg}).") from exc
    except RecursionError as exc:
        raise TerritoryError("Le fichier est trop imbriqué pour être un contour GeoJSON.") from exc
    if not isinstance(document, dict):
        raise TerritoryError("Le fichier doit contenir un objet GeoJSON (Feature, "
                             "FeatureCollection, Polygon ou MultiPolygon).")
    crs = document.get("crs")
    if isinstance(crs, dict):
        name = str((crs.get("properties") or {}).get("name", ""))
        if name and not any(code in name for code in ("4326", "CRS84")):
            raise TerritoryError(f"Système de coordonnées « {name} » : exportez le contour en "
                                 "WGS84 (EPSG:4326).")
    kind = document.get("type")
    polygons: list[Polygon] = []
    if kind == "FeatureCollection":
        features = document.get("features")
        if not isinstance(features, list) or not features:
            raise TerritoryError("La FeatureCollection ne contient aucune entité.")
        for i, feature in enumerate(features, start=1):
            if not isinstance(feature, dict) or feature.get("type") != "Feature":
                raise TerritoryError(f"Entité {i} : ce n'est pas une Feature GeoJSON.")
            polygons += _geometry(feature.get("geometry"), f"Entité {i}")
    elif kind == "Feature":
        polygons = _geometry(document.get("geometry"), "Entité")
    else:
        polygons = _geometry(document, "Géométrie")
    if len(polygons) > MAX_POLYGONS:
        raise TerritoryError(f"{len(polygons)} polygones : {MAX_POLYGONS} au plus.")
    territory = Territory(tuple(polygons))
    if territory.n_points > MAX_POINTS:
        raise TerritoryError(f"{territory.n_points} points : {MAX_POINTS} au plus. Simplifiez "
                             "le contour avant de l'envoyer.")
    return territory


def to_json(territory: Territory) -> list[Any]:
    """Plain lists for a JSON field: [[[[lon, lat], …], …], …] (6 decimals, ~0.1 m)."""
    return [[[[round(x, 6), round(y, 6)] for x, y in ring] for ring in polygon]
            for polygon in territory.polygons]


def from_json(value: Any) -> Territory | None:
    if not value:
        return None
    return Territory(tuple(tuple(tuple((float(p[0]), float(p[1])) for p in ring)
                                 for ring in polygon) for polygon in value))


# --- Projection and drawing --------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Projection:
    """Equirectangular projection of a small area onto an SVG box (y grows downwards)."""

    lon0: float
    lat0: float
    scale: float  # pixels per degree of latitude
    kx: float  # cos(lat0): degrees of longitude are shorter than degrees of latitude
    x0: float
    y0: float
    width: int
    height: int

    @classmethod
    def fit(cls, box: BoundingBox, width: int, height: int, margin: int = 8) -> Projection:
        """The largest scale at which the box fits in width × height inside the margin,
        centred. A box reduced to a point (one report) gets a window of about 1 km."""
        lat0 = (box.south + box.north) / 2
        lon0 = (box.west + box.east) / 2
        kx = math.cos(math.radians(lat0))
        span_x = max((box.east - box.west) * kx, 0.01)
        span_y = max(box.north - box.south, 0.01)
        scale = min((width - 2 * margin) / span_x, (height - 2 * margin) / span_y)
        return cls(lon0, lat0, scale, kx, width / 2, height / 2, width, height)

    def project(self, lon: float, lat: float) -> tuple[float, float]:
        return (self.x0 + (lon - self.lon0) * self.kx * self.scale,
                self.y0 - (lat - self.lat0) * self.scale)

    def unproject(self, x: float, y: float) -> tuple[float, float]:
        return (self.lon0 + (x - self.x0) / (self.kx * self.scale),
                self.lat0 - (y - self.y0) / self.scale)


def bbox_of(points: Iterable[Position]) -> BoundingBox | None:
    listed = list(points)
    if not listed:
        return None
    return BoundingBox(min(p[0] for p in listed), min(p[1] for p in listed),
                       max(p[0] for p in listed), max(p[1] for p in listed))


def svg_path(territory: Territory, projection: Projection) -> str:
    """The outline as an SVG path `d` (absolute moves and lines, 0.1 px, closed rings; holes
    drawn as rings too: fill-rule="evenodd" leaves them empty)."""
    parts: list[str] = []
    for polygon in territory.polygons:
        for ring in polygon:
            drawn = _ring_points(ring, projection)
            if len(drawn) < 3:
                continue
            parts.append("M" + "L".join(f"{x:g} {y:g}" for x, y in drawn) + "Z")
    return "".join(parts)


def _ring_points(ring: Sequence[Position], projection: Projection) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for lon, lat in ring:
        x, y = projection.project(lon, lat)
        point = (round(x, 1), round(y, 1))
        # A point less than a pixel from the last one kept adds nothing visible: an outline
        # of tens of thousands of points stays a path of at most a few thousand.
        if not out or abs(point[0] - out[-1][0]) + abs(point[1] - out[-1][1]) >= MIN_STEP_PX:
            out.append(point)
    if len(out) > 1 and out[0] == out[-1]:
        out.pop()
    return out


def regular_outline(lon: float, lat: float, radii_km: Sequence[float]) -> Territory:
    """A closed outline around (lon, lat) whose distance from the centre, in km, goes through
    `radii_km` evenly around the compass (north first, clockwise): an irregular, plausible
    shape for a demo territory, no real place's outline."""
    points: list[Position] = []
    n = len(radii_km)
    for i, radius in enumerate(radii_km):
        angle = 2 * math.pi * i / n
        dlat = radius * math.cos(angle) / 111.32
        dlon = radius * math.sin(angle) / (111.32 * math.cos(math.radians(lat)))
        points.append((round(lon + dlon, 6), round(lat + dlat, 6)))
    points.append(points[0])
    return Territory(((tuple(points),),))
