"""Maps of Europe drawn on the server as SVG: country outlines from npm ``world-atlas``
(Natural Earth, public domain), regions at their GISCO NUTS label points. No request leaves
the server, the picture reads without JavaScript, and every region on it is a link.

The projection and the frame are :mod:`graph.geo`'s; the outermost regions across the oceans
(French Guiana, the Antilles, Réunion, Mayotte) are listed under the map, not drawn.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup, escape

from graph.geo import FRAME, WIDTH, height, position, project
from graph.namespaces import ROOT

__all__ = ["ATTRIBUTION", "Marker", "Arrow", "europe_svg", "land_svg", "position", "COUNTRIES_FILE", "LAND_PATH"]

COUNTRIES_FILE = ROOT / "ui" / "node_modules" / "world-atlas" / "countries-50m.json"
#: Shown on every map: GISCO's terms for the NUTS label points, Natural Earth's outlines.
ATTRIBUTION = ("© EuroGeographics for the administrative boundaries · country outlines: "
               "Natural Earth (public domain), npm world-atlas")
#: Where the app serves :func:`land_svg` (each map loads it as an image, cached by the browser).
LAND_PATH = "/maps/europe-land.svg"


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
                x, y = project(lon, lat)  # land beyond the frame is cut off by the picture's edge
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
    tall = height()
    paths = "".join(f'<path d="{d}"><title>{escape(name)}</title></path>' for name, d in _outlines())
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {tall:.0f}" width="{WIDTH}" '
            f'height="{tall:.0f}"><rect width="{WIDTH}" height="{tall:.0f}" fill="#dfeaf3"/>'
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
    tall = height()
    attrs = f' id="{escape(element_id)}"' if element_id else ""
    parts = [f'<figure class="map"{attrs}><svg viewBox="0 0 {WIDTH} {tall:.0f}" role="img" '
             f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">',
             '<defs><marker id="arrowhead" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" '
             'markerHeight="6" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" class="arrowhead"/>'
             '</marker></defs>',
             f'<image href="{LAND_PATH}" width="{WIDTH}" height="{tall:.0f}"/>']
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
    parts.append(f'<text class="attribution" x="{WIDTH - 6}" y="{tall - 6:.0f}" text-anchor="end">'
                 f'{escape(ATTRIBUTION)}</text></svg>')
    if missing:
        links = ", ".join(f'<a href="{escape(m.href)}">{escape(m.title)}</a>' if m.href else str(escape(m.title))
                          for m in missing)
        parts.append(f'<figcaption class="muted">Not on the map (outside its frame or without a label '
                     f'point): {links}</figcaption>')
    parts.append("</figure>")
    return Markup("".join(parts))
