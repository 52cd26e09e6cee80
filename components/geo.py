"""Outlines shipped in data/geo/ and the geometry the map needs: bounding boxes and framing.

The outlines are static files made by scripts/extract_outlines.py; data/geo/README.md records
where they come from. Framing uses Web Mercator, the projection deck.gl draws in.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

GEO_DIR = Path(__file__).resolve().parent.parent / "data" / "geo"
REGIONS_FILE = "regions.geojson"
# Land and coastline only: no national borders anywhere on the map (see data/geo/README.md).
LAND_FILE = "land.geojson"
# deck.gl's world is 512 pixels wide at zoom 0.
WORLD_PIXELS = 512
# Web Mercator stops short of the poles.
MAX_LATITUDE = 85.0511


@dataclass(frozen=True)
class Bounds:
    """A box in degrees: west, south, east, north."""

    west: float
    south: float
    east: float
    north: float

    @classmethod
    def around(cls, points: list[tuple[float, float]]) -> Bounds:
        """The smallest box holding every (lon, lat) point."""
        lons = [lon for lon, _ in points]
        lats = [lat for _, lat in points]
        return cls(min(lons), min(lats), max(lons), max(lats))

    def union(self, other: Bounds) -> Bounds:
        return Bounds(
            min(self.west, other.west),
            min(self.south, other.south),
            max(self.east, other.east),
            max(self.north, other.north),
        )

    def intersects(self, other: Bounds) -> bool:
        return not (
            other.west > self.east
            or other.east < self.west
            or other.south > self.north
            or other.north < self.south
        )

    def contains(self, lon: float, lat: float) -> bool:
        return self.west <= lon <= self.east and self.south <= lat <= self.north


@dataclass(frozen=True)
class View:
    """Where a map looks: its centre and zoom."""

    latitude: float
    longitude: float
    zoom: float

    def pixels(self, lon: float, lat: float) -> tuple[float, float]:
        """Where (lon, lat) lands on the map, in pixels from the world's top-left corner."""
        x, y = _mercator(lon, lat)
        scale = WORLD_PIXELS * 2**self.zoom
        return x * scale, y * scale

    def visible_bounds(self, width: int, height: int) -> Bounds:
        """The box a `width` x `height` pixel map shows at this view."""
        scale = WORLD_PIXELS * 2**self.zoom
        x, y = _mercator(self.longitude, self.latitude)
        half_w, half_h = width / 2 / scale, height / 2 / scale
        west, north = _unmercator(x - half_w, y - half_h)
        east, south = _unmercator(x + half_w, y + half_h)
        return Bounds(max(west, -180.0), south, min(east, 180.0), north)


def _mercator(lon: float, lat: float) -> tuple[float, float]:
    """(lon, lat) as Web Mercator x, y in 0..1 (y grows southward, as on screen)."""
    lat = max(-MAX_LATITUDE, min(MAX_LATITUDE, lat))
    x = (lon + 180) / 360
    y = (1 - math.log(math.tan(math.radians(lat)) + 1 / math.cos(math.radians(lat))) / math.pi) / 2
    return x, y


def _unmercator(x: float, y: float) -> tuple[float, float]:
    lon = x * 360 - 180
    lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y))))
    return lon, lat


def fit(
    bounds: Bounds, width: int, height: int, padding: float = 0.1, max_zoom: float = 11
) -> View:
    """The view that shows `bounds` whole in a `width` x `height` pixel map, with a margin.

    `padding` is the share of each side left free. A single point (an empty box) gets `max_zoom`.
    """
    x1, y1 = _mercator(bounds.west, bounds.north)
    x2, y2 = _mercator(bounds.east, bounds.south)
    usable_w, usable_h = width * (1 - 2 * padding), height * (1 - 2 * padding)
    zooms = [max_zoom]
    if x2 - x1 > 0:
        zooms.append(math.log2(usable_w / ((x2 - x1) * WORLD_PIXELS)))
    if y2 - y1 > 0:
        zooms.append(math.log2(usable_h / ((y2 - y1) * WORLD_PIXELS)))
    zoom = max(0.0, min(zooms))
    longitude, latitude = _unmercator((x1 + x2) / 2, (y1 + y2) / 2)
    return View(round(latitude, 4), round(longitude, 4), round(zoom, 2))


def _points(geometry: dict) -> list[tuple[float, float]]:
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    return [(lon, lat) for polygon in polygons for ring in polygon for lon, lat in ring]


def feature_bounds(feature: dict) -> Bounds:
    return Bounds.around(_points(feature["geometry"]))


@dataclass(frozen=True)
class Outlines:
    """A GeoJSON FeatureCollection and the provenance recorded in its `x-source` member."""

    features: tuple[dict, ...]
    source: dict
    # Each feature's box, worked out once when the file is read.
    boxes: tuple[Bounds, ...]

    def by_place(self) -> dict[str, dict]:
        """Features that carry a `place_id`, keyed by it."""
        return {
            f["properties"]["place_id"]: f for f in self.features if f["properties"].get("place_id")
        }

    def within(self, bounds: Bounds) -> list[dict]:
        """Features whose box meets `bounds` (so a zoomed-in map does not ship the world)."""
        return [
            f for f, box in zip(self.features, self.boxes, strict=True) if box.intersects(bounds)
        ]


@cache
def load_outlines(path: Path) -> Outlines:
    """Read a shipped outline file once per process; the files change only with a release."""
    collection = json.loads(path.read_text(encoding="utf-8"))
    features = tuple(collection["features"])
    return Outlines(features, collection.get("x-source", {}), tuple(map(feature_bounds, features)))


def regions(geo_dir: Path = GEO_DIR) -> Outlines:
    return load_outlines(geo_dir / REGIONS_FILE)


def land(geo_dir: Path = GEO_DIR) -> Outlines:
    """The world's land, one feature per landmass, with no names or codes."""
    return load_outlines(geo_dir / LAND_FILE)
