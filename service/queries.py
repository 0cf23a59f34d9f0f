"""The /queries blueprint: the catalogue of named queries, each runnable by name with typed parameters."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request, url_for

from graph.provenance import real_graphs
from graph.store import QueryRequest
from service.caching import revalidate_by_version
from service.negotiation import RESERVED_PARAMS, answer_response, negotiated_formats
from service.params import boolean, single_values
from service.state import catalogue, data_base, executor_of

__all__ = ["bp"]

bp = Blueprint("queries", __name__, url_prefix="/queries")
revalidate_by_version(bp)


@bp.get("")
def index() -> Response:
    """The named queries with their summaries, parameters and URLs."""
    return jsonify({"queries": [
        {"name": q.name, "summary": q.summary, "url": url_for("queries.run", name=q.name, _external=True),
         "params": [{"name": p.name, "type": p.type, "example": p.example, "default": p.default,
                     "description": p.description} for p in q.params]}
        for q in catalogue()
    ]})


@bp.route("/<name>", methods=["GET", "POST"])
def run(name: str) -> Response:
    """Run one named query; parameters come from the URL or a form, typed and bound as terms."""
    query = catalogue().get(name)
    values = single_values(request.values, skip=RESERVED_PARAMS)
    real_only = boolean("real_only", values.pop("real_only", ""))
    bindings = query.bindings(values)
    result_format, graph_format = negotiated_formats()
    limit = current_app.config["IKG_ROW_LIMIT"]
    executor = executor_of(current_app)
    # real_only: the query's dataset is the real graphs alone (no generated record, no
    # generated statement of a real one)
    real = executor.call(real_graphs, base=data_base()) if real_only else None
    answer = executor.execute(QueryRequest(
        query.text, result_format, graph_format, row_limit=limit,
        bindings=tuple(sorted(bindings.items())), default_graphs=real, named_graphs=real))
    return answer_response(answer, limit)
