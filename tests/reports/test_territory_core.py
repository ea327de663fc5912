"""Table tests of the territory geometry (jalon.core.territory): GeoJSON validation, point in
polygon, projection to the SVG box, the drawn path."""

from __future__ import annotations

import json
import math

import pytest

from jalon.core import territory as t

SQUARE = [[0.0, 0.0], [4.0, 0.0], [4.0, 4.0], [0.0, 4.0], [0.0, 0.0]]
HOLE = [[1.0, 1.0], [1.0, 3.0], [3.0, 3.0], [3.0, 1.0], [1.0, 1.0]]
FAR = [[10.0, 10.0], [11.0, 10.0], [11.0, 11.0], [10.0, 10.0]]


def _poly(*rings: list[list[float]]) -> dict[str, object]:
    return {"type": "Polygon", "coordinates": list(rings)}


def _multi(*polygons: list[list[list[float]]]) -> dict[str, object]:
    return {"type": "MultiPolygon", "coordinates": list(polygons)}


@pytest.mark.parametrize(("document", "n_polygons", "n_points"), [
    (_poly(SQUARE), 1, 5),
    (_poly(SQUARE, HOLE), 1, 10),
    (_multi([SQUARE], [FAR]), 2, 9),
    ({"type": "Feature", "properties": {"nom": "X"}, "geometry": _poly(SQUARE)}, 1, 5),
    ({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": _poly(SQUARE)},
        {"type": "Feature", "properties": {}, "geometry": _multi([FAR])}]}, 2, 9),
    ({"type": "Polygon", "coordinates": [[[0, 0, 12.5], [4, 0, 1], [4, 4, 1], [0, 0, 12.5]]]},
     1, 4),
    ({"type": "FeatureCollection", "crs": {"type": "name", "properties": {
        "name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
      "features": [{"type": "Feature", "properties": {}, "geometry": _poly(SQUARE)}]}, 1, 5),
])
def test_accepted_outlines(document: dict[str, object], n_polygons: int, n_points: int) -> None:
    parsed = t.parse_geojson(json.dumps(document).encode())
    assert len(parsed.polygons) == n_polygons
    assert parsed.n_points == n_points


@pytest.mark.parametrize(("data", "message"), [
    (b"\xff\xfe\x00", "UTF-8"),
    (b'{"type": "Polygon",', "ligne 1, colonne"),
    (b"[1, 2]", "objet GeoJSON"),
    (json.dumps({"type": "Point", "coordinates": [1, 2]}).encode(),
     "géométrie « Point » refusée"),
    (json.dumps({"type": "LineString", "coordinates": [[1, 2], [3, 4]]}).encode(),
     "Polygon ou un MultiPolygon"),
    (json.dumps({"type": "Feature", "geometry": None}).encode(), "Entité"),
    (json.dumps({"type": "FeatureCollection", "features": []}).encode(), "aucune entité"),
    (json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": _poly(SQUARE)},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [0, 0]}}]}).encode(),
     "Entité 2 : géométrie « Point »"),
    (json.dumps(_poly([[0, 0], [1, 0], [0, 0]])).encode(), "au moins quatre positions"),
    (json.dumps(_poly([[0, 0], [1, 0], [1, 1], [0, 1]])).encode(), "pas fermé"),
    (json.dumps(_poly([[0, 0], [1, 0], ["1", 1], [0, 0]])).encode(),
     "anneau 1, point 3 : une position"),
    (json.dumps(_poly([[0, 0], [1, 0], [1, 95], [0, 0]])).encode(),
     r"point 3 : \[1, 95\] sort des bornes WGS84"),
    (json.dumps(_poly([[652000, 6862000], [653000, 6862000], [653000, 6863000],
                       [652000, 6862000]])).encode(), "Lambert-93"),
    (json.dumps(_multi([SQUARE], [[[0, 0], [1, 0], [1, 1]]])).encode(),
     "polygone 2, anneau 1"),
    (json.dumps({"type": "FeatureCollection", "crs": {"type": "name", "properties": {
        "name": "urn:ogc:def:crs:EPSG::2154"}}, "features": []}).encode(), "EPSG::2154"),
    (json.dumps({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [True, 1], [0, 0]]]}
                ).encode(), "point 3"),
    (b" " * (t.MAX_BYTES + 1), "Mo au plus"),
])
def test_refused_outlines_say_what_and_where(data: bytes, message: str) -> None:
    with pytest.raises(t.TerritoryError, match=message):
        t.parse_geojson(data)


def test_too_many_points_is_refused() -> None:
    ring = [[round(math.cos(i / 1e5), 3), round(math.sin(i / 1e5), 3)]
            for i in range(t.MAX_POINTS)]
    ring.append(ring[0])
    with pytest.raises(t.TerritoryError, match="points"):
        t.parse_geojson(json.dumps(_poly(ring)))


@pytest.mark.parametrize(("lon", "lat", "inside"), [
    (0.5, 0.5, True),    # in the square, outside the hole
    (2.0, 2.0, False),   # in the hole
    (3.5, 2.0, True),
    (5.0, 2.0, False),   # east of the square
    (-0.1, 2.0, False),
    (10.9, 10.1, True),  # in the second polygon (a triangle)
    (10.2, 10.8, False),  # in its bounding box, outside the triangle
    (7.0, 7.0, False),   # between the two, inside the overall bounding box
])
def test_contains(lon: float, lat: float, inside: bool) -> None:
    territory = t.parse_geojson(json.dumps(_multi([SQUARE, HOLE], [FAR])))
    assert territory.contains(lon, lat) is inside


@pytest.mark.parametrize(("lon", "lat"), [(1.642, 47.3215), (1.60, 47.30), (1.68, 47.34)])
def test_projection_round_trips(lon: float, lat: float) -> None:
    projection = t.Projection.fit(t.BoundingBox(1.58, 47.28, 1.70, 47.36), 600, 400)
    x, y = projection.project(lon, lat)
    assert 0 <= x <= 600 and 0 <= y <= 400
    back = projection.unproject(x, y)
    assert back == pytest.approx((lon, lat), abs=1e-9)


def test_projection_keeps_the_shape_and_margin() -> None:
    box = t.BoundingBox(1.58, 47.28, 1.70, 47.36)
    projection = t.Projection.fit(box, 600, 400, margin=10)
    west, north = projection.project(box.west, box.north)
    east, south = projection.project(box.east, box.south)
    assert min(west, north, 600 - east, 400 - south) == pytest.approx(10, abs=1e-6)
    # a km east is as long as a km north on the plan (cos(47.32°) ≈ 0.678)
    width_km = (box.east - box.west) * 111.32 * math.cos(math.radians(47.32))
    height_km = (box.north - box.south) * 111.32
    assert (east - west) / (south - north) == pytest.approx(width_km / height_km, rel=1e-3)


def test_projection_of_a_single_point_is_a_window() -> None:
    projection = t.Projection.fit(t.BoundingBox(1.6, 47.3, 1.6, 47.3), 300, 300)
    assert projection.project(1.6, 47.3) == pytest.approx((150, 150))


def test_svg_path_rounds_and_drops_repeated_points() -> None:
    dense = [[1.6 + i * 1e-7, 47.3] for i in range(500)] + [[1.7, 47.3], [1.7, 47.4],
                                                              [1.6, 47.3]]
    territory = t.parse_geojson(json.dumps(_poly(dense)))
    projection = t.Projection.fit(territory.bbox, 400, 400)
    path = t.svg_path(territory, projection)
    assert path.startswith("M") and path.endswith("Z")
    assert path.count("L") < 10  # 500 points within a pixel become one


def test_storage_round_trip_and_demo_outline() -> None:
    outline = t.regular_outline(1.642, 47.3215, [6, 7, 5, 6.5, 7.5, 5.5, 6, 7])
    assert outline.contains(1.642, 47.3215)
    assert not outline.contains(1.80, 47.3215)  # ~12 km east
    stored = json.loads(json.dumps(t.to_json(outline)))
    assert t.from_json(stored) == outline
    assert t.from_json(None) is None
    assert t.bbox_of([]) is None
    assert t.bbox_of([(1, 2), (3, 0)]) == t.BoundingBox(1, 0, 3, 2)


def test_a_dense_outline_draws_a_small_path() -> None:
    n = 50_000
    ring = [[round(1.64 + 0.08 * math.cos(2 * math.pi * i / n), 6),
             round(47.32 + 0.05 * math.sin(2 * math.pi * i / n), 6)] for i in range(n)]
    ring.append(ring[0])
    territory = t.parse_geojson(json.dumps(_poly(ring)))
    path = t.svg_path(territory, t.Projection.fit(territory.bbox, 600, 420))
    assert len(path) < 40 * 1024
