"""Where places are on a map of Europe: the Lambert azimuthal equal-area projection of
ETRS89-LAEA (EPSG:3035: centre 10 E, 52 N), the one Eurostat draws Europe in, fitted to a
frame of :data:`WIDTH` pixels that holds the European mainland, the Canaries, Madeira and the
Azores; NUTS regions at their GISCO label points (:func:`graph.regions.label_points`). The
pages' maps (service/maps.py) and the network pictures (``layout=map``) share it. No HTTP.
"""

from __future__ import annotations

import math
from functools import lru_cache

from graph.regions import label_points

__all__ = ["WIDTH", "FRAME", "height", "project", "position", "on_map"]

WIDTH = 800
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


def height() -> float:
    """The frame's height in pixels, for :data:`WIDTH`."""
    return _frame()[3]


def project(lon: float, lat: float) -> tuple[float, float]:
    """Pixels (x right, y down) of a point given in degrees (WGS 84)."""
    left, top, scale, _ = _frame()
    x, y = _laea(lon, lat)
    return (x - left) * scale, (top - y) * scale


def on_map(x: float, y: float) -> bool:
    return 0 <= x <= WIDTH and 0 <= y <= height()


@lru_cache(maxsize=1)
def _points() -> dict[str, tuple[float, float]]:
    return {code: project(float(lon), float(lat)) for code, (lon, lat) in label_points().items()}


def position(code: str) -> tuple[float, float] | None:
    """Where the NUTS region (or country) ``code`` is, in pixels (None: no label point, or
    outside the frame).

    >>> x, y = position("ITC4"); 0 < x < WIDTH and 0 < y < height()
    True
    >>> position("FRY3") is None  # French Guiana
    True
    """
    xy = _points().get(code)
    return xy if xy is not None and on_map(*xy) else None
