"""District shapes for the choropleth map, drawn offline.

Three sources, in this order:

1. a GeoJSON file named by SAFEGUARD_DISTRICT_MAP: a force's real boundaries, e.g. the
   ONS Open Geography Portal's Local Authority Districts (generalised, clipped) under the
   Open Government Licence v3.0. A feature belongs to the area whose ONS code is the
   value of one of its properties (LAD24CD and the like). Coordinates in longitude and
   latitude or in metres (British National Grid) are both read.
2. the shipped schematic map (mapdata/staffordshire-districts.hex.json): the nine
   Staffordshire and Stoke-on-Trent districts as clusters of hexagons, the project's own
   work (Apache-2.0), labelled "schematic, not to scale";
3. when neither covers every active area (another force, no file): a tile map, one
   hexagon per area in alphabetical order, also labelled schematic.

Nothing is fetched from anywhere: the map is drawn on the server as SVG (choropleth.py).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..env import SettingError, env_optional

SHIPPED = Path(__file__).resolve().parent / "mapdata" / "staffordshire-districts.hex.json"
MAP_VARIABLE = "SAFEGUARD_DISTRICT_MAP"
GSS_CODE = re.compile(r"^[EWSNKJ]\d{8}$")
WIDTH = 360.0  # the map's drawing width; the height follows the shape
MAX_HEIGHT = 440.0
MARGIN = 8.0

Point = tuple[float, float]


@dataclass
class Shape:
    code: str
    name: str
    fill: str  # SVG path data of the area
    outline: str  # SVG path data of its boundary (stroked for a hotspot)
    label_at: Point


@dataclass
class DistrictMap:
    width: float
    height: float
    shapes: dict[str, Shape]
    borders: str  # path data of every boundary, drawn over the fills
    attribution: str
    schematic: bool
    source: str
    notes: list[str] = field(default_factory=list)

    def covers(self, codes: set[str]) -> bool:
        return codes <= set(self.shapes)


def configured_map_path() -> Path | None:
    value = env_optional(MAP_VARIABLE)
    if value is None:
        return None
    path = Path(value).expanduser()
    if not path.is_file():
        raise SettingError(f"{MAP_VARIABLE}={value}: no such file")
    return path


def district_map(areas: list[tuple[str, str]]) -> DistrictMap:
    """The map for these areas ((ONS code, name), the active districts): the configured
    file or the shipped map when it covers them all, else a tile map of them."""
    codes = {code for code, _ in areas}
    path = configured_map_path()
    for candidate in ([_geojson(str(path))] if path else []) + [_hexes(str(SHIPPED))]:
        if candidate.covers(codes):
            return candidate
    return tile_map(areas)


# The shipped hexagon map -------------------------------------------------------------


def _hex_corners(cx: float, cy: float, r: float) -> list[Point]:
    return [(cx + r * math.cos(math.radians(a)), cy + r * math.sin(math.radians(a)))
            for a in (-90, -30, 30, 90, 150, 210)]


def _key(p: Point) -> tuple[int, int]:
    return round(p[0] * 10), round(p[1] * 10)


def _ring_path(ring: list[Point]) -> str:
    head, *rest = ring
    return (f"M{head[0]:.1f} {head[1]:.1f}" + "".join(f"L{x:.1f} {y:.1f}" for x, y in rest)
            + "Z")


@lru_cache(maxsize=4)
def _hexes(path: str) -> DistrictMap:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    rows: list[str] = data["grid"]["rows"]
    districts: dict[str, dict[str, str]] = data["districts"]
    columns = max(len(row) for row in rows)
    # Pointy-top hexagons; odd rows shifted right by half a cell.
    cell_width = (WIDTH - 2 * MARGIN) / (columns + 0.5)
    r = cell_width / math.sqrt(3)
    centres: dict[tuple[int, int], str] = {}
    cells: dict[str, list[Point]] = {letter: [] for letter in districts}
    for row, line in enumerate(rows):
        for col, letter in enumerate(line):
            if letter not in districts:
                continue
            centre = (MARGIN + cell_width * (col + 0.5 + 0.5 * (row % 2)),
                      MARGIN + r + 1.5 * r * row)
            centres[_key(centre)] = letter
            cells[letter].append(centre)
    fills = {letter: [] for letter in districts}  # type: dict[str, list[str]]
    outlines = {letter: [] for letter in districts}  # type: dict[str, list[str]]
    borders: list[str] = []
    for letter, centres_of in cells.items():
        for cx, cy in centres_of:
            corners = _hex_corners(cx, cy, r)
            fills[letter].append(_ring_path(corners))
            for a, b in zip(corners, corners[1:] + corners[:1], strict=True):
                mid = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
                across = centres.get(_key((2 * mid[0] - cx, 2 * mid[1] - cy)))
                if across == letter:
                    continue
                edge = f"M{a[0]:.1f} {a[1]:.1f}L{b[0]:.1f} {b[1]:.1f}"
                outlines[letter].append(edge)
                if across is None or letter < across:
                    borders.append(edge)
    height = MARGIN + r * 2 + 1.5 * r * (len(rows) - 1) + MARGIN
    shapes = {}
    for letter, spec in districts.items():
        centres_of = cells[letter]
        if not centres_of:
            continue
        shapes[spec["ons_code"]] = Shape(
            code=spec["ons_code"], name=spec["name"], fill="".join(fills[letter]),
            outline="".join(outlines[letter]), label_at=_label_point(centres_of))
    return DistrictMap(width=WIDTH, height=height, shapes=shapes, borders="".join(borders),
                       attribution=data["attribution"], schematic=True,
                       source=str(data.get("name", "")))


def _label_point(points: list[Point]) -> Point:
    """The member point nearest the mean: inside the shape even when it is bent."""
    mx = sum(p[0] for p in points) / len(points)
    my = sum(p[1] for p in points) / len(points)
    return min(points, key=lambda p: (p[0] - mx) ** 2 + (p[1] - my) ** 2)


# A tile map for any areas -------------------------------------------------------------


def tile_map(areas: list[tuple[str, str]]) -> DistrictMap:
    """One hexagon per area, alphabetical, in rows: honest when no boundaries exist."""
    ordered = sorted(areas, key=lambda area: area[1])
    per_row = max(1, math.ceil(math.sqrt(len(ordered))))
    cell_width = (WIDTH - 2 * MARGIN) / (per_row + 0.5)
    r = cell_width / math.sqrt(3)
    shapes: dict[str, Shape] = {}
    for index, (code, name) in enumerate(ordered):
        row, col = divmod(index, per_row)
        cx = MARGIN + cell_width * (col + 0.5 + 0.5 * (row % 2))
        cy = MARGIN + r + 1.5 * r * row
        ring = _ring_path(_hex_corners(cx, cy, r * 0.97))
        shapes[code] = Shape(code, name, ring, ring, (cx, cy))
    rows = max(1, math.ceil(len(ordered) / per_row))
    height = MARGIN + r * 2 + 1.5 * r * (rows - 1) + MARGIN
    return DistrictMap(width=WIDTH, height=height, shapes=shapes, borders="",
                       attribution="Tile map: one hexagon per district, in alphabetical order.",
                       schematic=True, source="tiles",
                       notes=["Schematic: one tile per district, not a map."])


# A force's own boundaries (GeoJSON) -----------------------------------------------------


@lru_cache(maxsize=4)
def _geojson(path: str) -> DistrictMap:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        features = data["features"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SettingError(f"{MAP_VARIABLE}={path}: not a GeoJSON feature collection "
                           f"({exc})") from None
    polygons: dict[str, list[list[Point]]] = {}
    names: dict[str, str] = {}
    for feature in features:
        properties = feature.get("properties") or {}
        code = next((str(v) for v in properties.values()
                     if isinstance(v, str) and GSS_CODE.match(v)), None)
        geometry = feature.get("geometry") or {}
        if code is None or geometry.get("type") not in ("Polygon", "MultiPolygon"):
            continue
        parts = ([geometry["coordinates"]] if geometry["type"] == "Polygon"
                 else geometry["coordinates"])
        polygons.setdefault(code, []).extend(
            [(float(x), float(y)) for x, y, *_ in ring] for part in parts for ring in part)
        names[code] = next((str(v) for k, v in properties.items()
                            if k.upper().endswith("NM") and isinstance(v, str)), code)
    if not polygons:
        raise SettingError(f"{MAP_VARIABLE}={path}: no polygon carries an ONS code")
    project = _projection([p for rings in polygons.values() for ring in rings for p in ring])
    shapes: dict[str, Shape] = {}
    height = 0.0
    for code, rings in polygons.items():
        drawn = [[project(p) for p in ring] for ring in rings]
        height = max(height, *(y for ring in drawn for _, y in ring))
        d = "".join(_ring_path(ring) for ring in drawn if len(ring) >= 3)
        largest = max(drawn, key=_ring_area)
        shapes[code] = Shape(code, names[code], d, d, _centroid(largest))
    attribution = str(data.get("attribution") or data.get("license") or
                      f"Boundaries: {Path(path).name}")
    return DistrictMap(width=WIDTH, height=height + MARGIN, shapes=shapes, borders="",
                       attribution=attribution, schematic=False, source=Path(path).name)


def _projection(points: list[Point]) -> Any:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    geographic = max(abs(v) for v in xs) <= 180 and max(abs(v) for v in ys) <= 90
    squeeze = math.cos(math.radians((min(ys) + max(ys)) / 2)) if geographic else 1.0
    width = (max(xs) - min(xs)) * squeeze or 1.0
    height = (max(ys) - min(ys)) or 1.0
    scale = min((WIDTH - 2 * MARGIN) / width, (MAX_HEIGHT - 2 * MARGIN) / height)
    left, top = min(xs), max(ys)

    def project(p: Point) -> Point:
        return (MARGIN + (p[0] - left) * squeeze * scale, MARGIN + (top - p[1]) * scale)

    return project


def _ring_area(ring: list[Point]) -> float:
    return abs(sum(a[0] * b[1] - b[0] * a[1]
                   for a, b in zip(ring, ring[1:] + ring[:1], strict=True))) / 2


def _centroid(ring: list[Point]) -> Point:
    area = 0.0
    cx = cy = 0.0
    for a, b in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = a[0] * b[1] - b[0] * a[1]
        area += cross
        cx += (a[0] + b[0]) * cross
        cy += (a[1] + b[1]) * cross
    if abs(area) < 1e-9:
        return ring[0]
    return cx / (3 * area), cy / (3 * area)
