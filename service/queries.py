"""The /queries blueprint: the catalogue of named queries, each runnable by name with typed
parameters. API clients get JSON (the catalogue) and SPARQL results; a browser (one that
prefers text/html and names no format) gets pages: a form per query, its answer as a table
with links to the records, and downloads."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for

from graph import queries as named
from graph.errors import BadParameter
from graph.provenance import real_graphs
from graph.store import QueryRequest
from service.caching import revalidate_by_version
from service.negotiation import RESERVED_PARAMS, answer_response, best_offer, negotiated_formats
from service.params import boolean, single_values
from service.state import catalogue, data_base, executor_of

__all__ = ["bp"]

bp = Blueprint("queries", __name__, url_prefix="/queries")
revalidate_by_version(bp)


#: How a parameter's type is asked for in a form.
INPUTS = {"date": "date", "integer": "number", "decimal": "number", "iri": "url", "boolean": "select",
          "string": "text"}
#: Rows a page shows; the downloads have them all (up to the row limit).
PAGE_ROWS = 500


def _wants_page() -> bool:
    """Whether the client is a browser asking for a page: it prefers text/html to every
    format of the API, and names no format."""
    if any(request.values.get(k) for k in RESERVED_PARAMS):
        return False
    return best_offer(["application/json", "application/sparql-results+json", "text/csv", "text/html"]) == "text/html"


def _page(template: str, status: int = 200, **values) -> Response:
    resp = Response(render_template(template, inputs=INPUTS, **values), status=status, mimetype="text/html")
    resp.vary.add("Accept")
    return resp


@bp.get("")
def index() -> Response:
    """The named queries with their summaries, parameters and URLs (a page for a browser)."""
    if _wants_page():
        return _page("queries.html", queries=list(catalogue()))
    resp = jsonify({"queries": [
        {"name": q.name, "summary": q.summary, "url": url_for("queries.run", name=q.name, _external=True),
         "params": [{"name": p.name, "type": p.type, "example": p.example, "default": p.default,
                     "description": p.description} for p in q.params]}
        for q in catalogue()
    ]})
    resp.vary.add("Accept")
    return resp


@bp.route("/<name>", methods=["GET", "POST"])
def run(name: str) -> Response:
    """Run one named query; parameters come from the URL or a form, typed and bound as terms."""
    query = catalogue().get(name)
    values = single_values(request.values, skip=RESERVED_PARAMS)
    if request.method == "GET" and _wants_page():
        return _query_page(query, values)
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


def _query_page(query: named.NamedQuery, values: dict[str, str]) -> Response:
    """A named query's form, filled with ``values``, and its answer as a table when the form
    was sent (a 400 page naming the wrong parameter otherwise)."""
    asked = bool(values) or request.args.get("run") is not None
    values.pop("run", None)
    real_only_text = values.pop("real_only", "")
    form = {p.name: values.get(p.name, p.default or p.example or "") for p in query.params}
    answer, error = None, None
    if asked or not [p for p in query.params if p.default is None]:
        try:
            real_only = boolean("real_only", real_only_text)
            executor = executor_of(current_app)
            real = executor.call(real_graphs, base=data_base()) if real_only else None
            answer = executor.call(named.table, query=query, values=values, dataset=real, limit=PAGE_ROWS)
        except BadParameter as e:
            error = e
    query_string = request.query_string.decode()
    return _page("query.html", 400 if error else 200, query=query, form=form, answer=answer, error=error,
                 real_only=real_only_text.lower() in ("true", "1", "yes", "on"), query_string=query_string,
                 downloads={f: f"/queries/{query.name}?{query_string + '&' if query_string else ''}format={f}"
                            for f in ("csv", "json", "tsv")})
