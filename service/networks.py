"""The /api/networks blueprint: network views as JSON, GraphML, GEXF or CSV, and their analyses."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify

from graph import network
from graph.network import EXPORT_FORMATS
from service.caching import revalidate_by_version
from service.params import arg, bool_arg, int_arg
from service.state import executor_of

__all__ = ["bp"]

bp = Blueprint("networks", __name__, url_prefix="/api/networks")
revalidate_by_version(bp)


def _filters() -> dict:
    return {"level": int_arg("level", 2), "call": int_arg("call", None),
            "topic": arg("topic") or None, "as_of": arg("as_of") or None, "real_only": bool_arg("real_only")}


@bp.get("/<view>")
def view(view: str) -> Response:
    """A view (regions, transfers, organisations) as node-link JSON or an export format."""
    fmt = arg("format", "json")
    body = executor_of(current_app).call(network.view_export, view=view, fmt=fmt, **_filters())
    resp = Response(body, content_type=EXPORT_FORMATS.get(fmt, "application/octet-stream"))
    if fmt != "json":
        resp.headers["Content-Disposition"] = f'attachment; filename="ikg-{view}.{fmt}"'
    return resp


@bp.get("/<view>/metrics")
def metrics(view: str) -> Response:
    """One analysis of a view: summary, centrality, small-world, communities, core-periphery,
    net-flows, category-mixing, reach or growth."""
    return jsonify(executor_of(current_app).call(
        network.view_metrics, view=view, metric=arg("metric", "summary"),
        k=int_arg("k", 1), seed=int_arg("seed", 0), **_filters()))


@bp.get("/<view>/picture")
def picture(view: str) -> Response:
    """A picture of a view: PNG or SVG, coloured by category or community, laid out by
    force or on the map."""
    from graph.picture import PICTURE_FORMATS

    fmt = arg("format", "png")
    body = executor_of(current_app).call(
        network.view_picture, view=view, fmt=fmt, colour=arg("colour", "category"),
        seed=int_arg("seed", 0), layout=arg("layout", "spring"), **_filters())
    return Response(body, content_type=PICTURE_FORMATS[fmt])
