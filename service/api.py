"""The /api blueprint: lineage (downstream, upstream), paths and neighbourhoods as JSON, and the OpenAPI document."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from graph import lineage, linked
from graph.errors import BadParameter
from graph.linked import doc_path
from service.caching import revalidate_by_version
from service.openapi import openapi_document
from service.params import arg, bool_arg, int_arg
from service.state import data_base, executor_of

__all__ = ["bp", "register_openapi"]

bp = Blueprint("api", __name__, url_prefix="/api")
revalidate_by_version(bp)


def _arg(name: str) -> str:
    value = arg(name)
    if not value:
        raise BadParameter(f"the '{name}' parameter is required", {"param": name})
    return value


@bp.get("/lineage/downstream")
def downstream() -> Response:
    """What a good practice led to: actions, action plans, instruments, policy changes, EUR."""
    return jsonify(executor_of(current_app).call(lineage.downstream, practice=_arg("practice"),
                                                 base=data_base(), real_only=bool_arg("real_only")))


@bp.get("/lineage/upstream")
def upstream() -> Response:
    """What lies behind a policy change or instrument: practices, organisations, regions, projects."""
    return jsonify(executor_of(current_app).call(lineage.upstream, iri=_arg("iri"),
                                                 base=data_base(), real_only=bool_arg("real_only")))


@bp.get("/path")
def path() -> Response:
    """A shortest path between two entities, with the predicates of its edges."""
    return jsonify(executor_of(current_app).call(
        lineage.shortest_path, source=_arg("from"), target=_arg("to"),
        max_hops=int_arg("max_hops", 6)))


@bp.get("/neighbourhood")
def neighbourhood() -> Response:
    """The entities within k steps of one entity, and the statements between them."""
    return jsonify(executor_of(current_app).call(
        lineage.neighbourhood, iri=_arg("iri"), hops=int_arg("k", 1)))


@bp.get("/search")
def search() -> Response:
    """Things whose label contains q: projects, regions, organisations, practices, changes, instruments."""
    found = executor_of(current_app).call(
        linked.search, text=arg("q"), limit=int_arg("limit", 50), real_only=bool_arg("real_only"))
    base = data_base()
    return jsonify([{**r, "page": doc_path(r["iri"], base)} for r in found])


@bp.get("/docs")
def docs() -> str:
    """A browsable page of the OpenAPI document (Swagger UI from npm)."""
    return render_template("api-docs.html")


def register_openapi(app) -> None:  # noqa: ANN001 - a Flask app
    """Serve the OpenAPI document at /openapi.json."""

    @app.get("/openapi.json")
    def openapi() -> Response:
        """The OpenAPI 3.1 document of the JSON API, the SPARQL endpoint and the named queries."""
        return jsonify(openapi_document(request.host_url.rstrip("/")))
