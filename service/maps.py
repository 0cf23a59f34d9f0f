"""Maps of Europe drawn on the server as SVG: country outlines from npm ``world-atlas``
(Natural Earth, public domain), regions at their GISCO NUTS label points. No request leaves
the server, the picture reads without JavaScript, and every region on it is a link.

The projection is the Lambert azimuthal equal-area of ETRS89-LAEA (EPSG:3035: centre 10 E,
52 N), the one Eurostat draws Europe in. The frame holds the European mainland, the
Canaries, Madeira and the Azores; the outermost regions across the oceans (French Guiana,
the Antilles, Réunion, Mayotte) are listed under the map, not drawn.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup, escape

from graph.namespaces import ROOT
from graph.regions import label_points

__all__ = ["ATTRIBUTION", "Marker", "Arrow", "europe_svg", "land_svg", "position", "COUNTRIES_FILE", "LAND_PATH"]

COUNTRIES_FILE = ROOT / "ui" / "node_modules" / "world-atlas" / "countries-50m.json"
#: Shown on every map: GISCO's terms for the NUTS label points, Natural Earth's outlines.
ATTRIBUTION = ("© EuroGeographics for the administrative boundaries · country outlines: "
               "Natural Earth (public domain), npm world-atlas")
WIDTH = 800
#: Where the app serves :func:`land_svg` (each map loads it as an image, cached by the browser).
LAND_PATH = "/maps/europe-land.svg"
#: (west, south, east, north) in degrees: what the frame shows.
FRAME = (-30.0, 27.0, 44.0, 71.5)
_LON0, _LAT0 = math.radians(10.0), math.radians(52.0)


def _laea(lon: float, lat: float) -> tuple[float, float]:
    """Lambert azimuthal equal-area on the unit sphere, centred on ETRS89-LAEA's origin."""
    lam, phi = math.radians(lon) - _LON0, math.radians(lat)
    k = math.sqrt(2.0 / (1.0 + math.sin(_LAT0) * math.sin(phi) + math.cos(_LAT0) * math.cos(phi) * math.cos(lam)))
    return (k * math.cos(phi) * math.sin(lam),
            k * (math.cos(_LAT0) * math.sin(phi) - math.sin(_LAT0) * math.cos(phi) * math.cos(lam)))


@lru_cache(maxsize=1)
def _frame() -> tuple[float, float, float, float]:
    """(min x, max y, scale, height) that fit :data:`FRAME` into :data:`WIDTH` pixels."""
    west, south, east, north = FRAME
    edge = [(lon, lat) for lon in (west, east) for lat in (south + (north - south) * i / 20 for i in range(21))]
    edge += [(west + (east - west) * i / 20, lat) for lat in (south, north) for i in range(21)]
    xs, ys = zip(*(_laea(lon, lat) for lon, lat in edge), strict=True)
    left, right, top, bottom = min(xs), max(xs), max(ys), min(ys)
    scale = WIDTH / (right - left)
    return left, top, scale, (top - bottom) * scale


def _xy(lon: float, lat: float) -> tuple[float, float]:
    left, top, scale, _ = _frame()
    x, y = _laea(lon, lat)
    return (x - left) * scale, (top - y) * scale


def _on_map(x: float, y: float) -> bool:
    return 0 <= x <= WIDTH and 0 <= y <= _frame()[3]


@lru_cache(maxsize=1)
def _points() -> dict[str, tuple[float, float]]:
    return {code: _xy(float(lon), float(lat)) for code, (lon, lat) in label_points().items()}


def position(code: str) -> tuple[float, float] | None:
    """Where the NUTS region ``code`` is on the map, in pixels (None: no label point, or
    outside the frame)."""
    xy = _points().get(code)
    return xy if xy is not None and _on_map(*xy) else None


def _rings(topology: dict, geometry: dict) -> Iterable[list[tuple[float, float]]]:
    """The rings of a TopoJSON polygon or multipolygon, in degrees."""
    sx, sy = topology["transform"]["scale"]
    tx, ty = topology["transform"]["translate"]

    def arc(i: int) -> list[tuple[float, float]]:
        x = y = 0
        points = []
        for dx, dy in topology["arcs"][i if i >= 0 else ~i]:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        return points if i >= 0 else points[::-1]

    polygons = [geometry["arcs"]] if geometry["type"] == "Polygon" else geometry.get("arcs", [])
    for polygon in polygons:
        for ring in polygon:
            points: list[tuple[float, float]] = []
            for i in ring:
                part = arc(i)
                points.extend(part[1:] if points else part)
            yield points


@lru_cache(maxsize=1)
def _outlines() -> tuple[tuple[str, str], ...]:
    """(country name, SVG path) of each country with land in the frame (each of its rings
    that reaches into the frame, whole), points closer than a pixel dropped."""
    try:
        topology = json.loads(COUNTRIES_FILE.read_text())
    except OSError as e:
        raise RuntimeError(f"the map's country outlines are missing ({COUNTRIES_FILE}): run `make setup`") from e
    west, south, east, north = FRAME
    out = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        if geometry["type"] not in ("Polygon", "MultiPolygon"):
            continue
        parts = []
        for ring in _rings(topology, geometry):
            if not any(west <= lon <= east and south <= lat <= north for lon, lat in ring):
                continue
            path, last = [], None
            for lon, lat in ring:
                x, y = _xy(lon, lat)  # land beyond the frame is cut off by the picture's edge
                if last is None or abs(x - last[0]) + abs(y - last[1]) >= 1.0:
                    path.append(f"{x:.1f},{y:.1f}")
                    last = (x, y)
            if len(path) >= 3:
                parts.append("M" + "L".join(path) + "Z")
        if parts:
            out.append((geometry.get("properties", {}).get("name", ""), "".join(parts)))
    return tuple(out)


@lru_cache(maxsize=1)
def land_svg() -> str:
    """The countries in the frame, one path each with its name: the background of every map,
    a file of its own so that pages do not carry it."""
    height = _frame()[3]
    paths = "".join(f'<path d="{d}"><title>{escape(name)}</title></path>' for name, d in _outlines())
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" width="{WIDTH}" '
            f'height="{height:.0f}"><rect width="{WIDTH}" height="{height:.0f}" fill="#dfeaf3"/>'
            f'<g fill="#f7f5ef" stroke="#9aa3ad" stroke-width="0.6">{paths}</g></svg>')


@dataclass(frozen=True)
class Marker:
    """A region on the map: a circle of area ``size`` (pixels², at least 6), a link, a tooltip."""

    code: str
    title: str
    size: float = 30.0
    href: str = ""
    css: str = "region"


@dataclass(frozen=True)
class Arrow:
    """From one region to another (a practice that travelled), with a tooltip."""

    source: str
    target: str
    title: str
    css: str = "travel"


def europe_svg(markers: Sequence[Marker], arrows: Sequence[Arrow] = (), label: str = "Map of Europe",
               element_id: str = "") -> Markup:
    """The map with ``markers`` (largest first, so small ones stay clickable on top) and
    ``arrows``, its attribution inside the picture; regions not in the frame are listed under
    it."""
    height = _frame()[3]
    attrs = f' id="{escape(element_id)}"' if element_id else ""
    parts = [f'<figure class="map"{attrs}><svg viewBox="0 0 {WIDTH} {height:.0f}" role="img" '
             f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">',
             '<defs><marker id="arrowhead" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" '
             'markerHeight="6" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" class="arrowhead"/>'
             '</marker></defs>',
             f'<image href="{LAND_PATH}" width="{WIDTH}" height="{height:.0f}"/>']
    for a in arrows:
        start, end = position(a.source), position(a.target)
        if start is None or end is None or start == end:
            continue
        parts.append(f'<line class="{escape(a.css)}" x1="{start[0]:.1f}" y1="{start[1]:.1f}" x2="{end[0]:.1f}" '
                     f'y2="{end[1]:.1f}" marker-end="url(#arrowhead)"><title>{escape(a.title)}</title></line>')
    missing = []
    for m in sorted(markers, key=lambda m: -m.size):
        xy = position(m.code)
        if xy is None:
            missing.append(m)
            continue
        r = math.sqrt(max(m.size, 6.0) / math.pi)
        circle = (f'<circle class="{escape(m.css)}" cx="{xy[0]:.1f}" cy="{xy[1]:.1f}" r="{r:.1f}" '
                  f'data-code="{escape(m.code)}"><title>{escape(m.title)}</title></circle>')
        parts.append(f'<a href="{escape(m.href)}" aria-label="{escape(m.title)}">{circle}</a>' if m.href else circle)
    parts.append(f'<text class="attribution" x="{WIDTH - 6}" y="{height - 6:.0f}" text-anchor="end">'
                 f'{escape(ATTRIBUTION)}</text></svg>')
    if missing:
        links = ", ".join(f'<a href="{escape(m.href)}">{escape(m.title)}</a>' if m.href else str(escape(m.title))
                          for m in missing)
        parts.append(f'<figcaption class="muted">Not on the map (outside its frame or without a label '
                     f'point): {links}</figcaption>')
    parts.append("</figure>")
    return Markup("".join(parts))
