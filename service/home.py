"""The front page at ``/``: the programme's headline figures as of a day the reader picks,
their course over time, the regions on a map by involvement, the practices that travelled
furthest, and the ways in. Also the map's background (:data:`service.maps.LAND_PATH`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, jsonify, render_template

from graph import overview
from graph.calibration import SNAPSHOTS
from graph.errors import BadParameter
from graph.linked import doc_path
from service.charts import line_chart, number
from service.maps import LAND_PATH, Marker, europe_svg, land_svg
from service.negotiation import best_offer
from service.params import date_arg
from service.state import catalogue, data_base, remembered

__all__ = ["bp"]

bp = Blueprint("home", __name__)

#: The first and last day one may ask the figures for.
EARLIEST, LATEST = date(2015, 1, 1), date(2030, 12, 31)
SNAPSHOT_LABELS = {"june-2022": "30 June 2022", "march-2023": "31 March 2023",
                   "programme-end": "31 December 2023 (programme end)"}


def published(p: dict[str, Any]) -> str:
    """A published figure as the programme worded it."""
    value, wording = p["value"], p["wording"]
    if wording == "range":
        return f"from {number(value[0])} to {number(value[1])}"
    text = number(value) if isinstance(value, int | float) else str(value)
    return {"exact": text, "over": f"over {text}", "almost": f"almost {text}", "close to": f"close to {text}",
            "about": f"about {text}", "2%": f"{text} (within 2%)"}.get(wording, f"{wording} {text}")


def _region_markers(rows: list[dict[str, Any]], base: str) -> list[Marker]:
    most = max((r["partners"] for r in rows), default=1) or 1
    return [Marker(r["code"], f"{r['label']} ({r['code']}): {r['partners']:,} partners in {r['projects']:,} projects"
                   + (" (generated records)" if r["generatedPartners"] == r["partners"] else ""),
                   size=12 + 700 * r["partners"] / most, href=doc_path(r["region"], base) or "")
            for r in rows]


@bp.get("/")
def index() -> Response:
    """The front page (HTML), or its figures as JSON for a client that asks for JSON."""
    day = date_arg("as_of")
    if day is not None and not EARLIEST <= day <= LATEST:
        raise BadParameter(f"as_of must be a day from {EARLIEST} to {LATEST}", {"param": "as_of"})
    line = remembered(overview.timeline, catalogue=catalogue())
    figures = overview.figures_as_of(line, day)
    best = best_offer(["text/html", "application/json"])
    if best == "application/json":
        resp = jsonify({**figures, "generated_note": "most records are generated (calibrated to the "
                        "programme's published figures); see /about/data"})
        resp.vary.add("Accept")
        return resp
    series = overview.series(line)
    regions = remembered(overview.involvement, day=day, catalogue=catalogue())
    travelled = remembered(overview.travelled, limit=10, catalogue=catalogue())
    marks = [(s.day, f"published snapshot: {SNAPSHOT_LABELS[s.name]}") for s in SNAPSHOTS]
    if day is not None:
        marks.append((day, f"the day shown: {day.isoformat()}"))
    charts = [line_chart([(date.fromisoformat(p["day"]), p[k]) for p in series], figures["labels"][k], marks)
              for k in overview.SERIES]
    base = data_base()
    resp = Response(render_template(
        "home.html", figures=figures, cards=overview.CARDS, number=number, day=day, earliest=EARLIEST,
        latest=LATEST, snapshots=[(s.day, SNAPSHOT_LABELS[s.name]) for s in SNAPSHOTS], charts=charts,
        europe=europe_svg(_region_markers(regions, base), label="NUTS 2 regions by their partners",
                          element_id="involvement"),
        regions=regions[:10], travelled=travelled, published=published,
        region_names={r["region"]: f"{r['label']} ({r['code']})"
                      for r in remembered(overview.involvement, catalogue=catalogue())}),
        mimetype="text/html")
    resp.vary.add("Accept")
    return resp


@bp.get(LAND_PATH)
def land() -> Response:
    """The countries every map is drawn on (from npm world-atlas), cached a day."""
    resp = Response(land_svg(), mimetype="image/svg+xml")
    resp.cache_control.max_age = 86400
    resp.cache_control.public = True
    return resp
