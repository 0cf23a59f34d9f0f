"""The /sparql blueprint: SPARQL 1.1 query over the store (GET, POST form, POST direct)."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from graph.errors import IkgError
from graph.store import GRAPH_FORMATS, RESULT_FORMATS
from service.app import store_of

__all__ = ["bp"]

bp = Blueprint("sparql", __name__, url_prefix="/sparql")

#: Media types accepted in Accept and their format names (results, then graphs).
RESULT_MEDIA = {media.split(";")[0]: name for name, (_, _, media) in RESULT_FORMATS.items()}
GRAPH_MEDIA = {media.split(";")[0]: name for name, (_, _, media) in GRAPH_FORMATS.items()}
#: The ``format=`` / ``output=`` / ``results=`` values clients send (SPARQLWrapper among them).
FORMAT_ALIASES = {
    "json": "json", "xml": "xml", "csv": "csv", "tsv": "tsv", "turtle": "turtle", "ttl": "turtle",
    "n3": "turtle", "nt": "ntriples", "ntriples": "ntriples", "rdf": "rdfxml",
    "rdfxml": "rdfxml", "rdf+xml": "rdfxml", "json-ld": "jsonld", "jsonld": "jsonld",
}  # fmt: skip


class MissingQuery(IkgError):
    code = "missing_query"


class UnsupportedMediaType(IkgError):
    code = "unsupported_media_type"


def _query_text() -> str:
    if request.method == "GET":
        values = request.args.getlist("query")
    else:
        ctype = (request.mimetype or "").lower()
        if ctype == "application/sparql-query":
            values = [request.get_data(as_text=True)]
        elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            values = request.form.getlist("query")
        else:
            raise UnsupportedMediaType(
                f"POST a query as application/sparql-query or a form, not {ctype or 'nothing'}",
                {"content_type": ctype},
            )
    if len(values) != 1 or not values[0].strip():
        raise MissingQuery(
            "send exactly one non-empty 'query' parameter" if values else "no 'query' parameter",
            {"count": len(values)},
        )
    return values[0]


def _formats() -> tuple[str, str]:
    """(result format, graph format) from format=/output=/results= or the Accept header."""
    for key in ("format", "output", "results"):
        value = (request.values.get(key) or "").lower()
        if value in FORMAT_ALIASES:
            name = FORMAT_ALIASES[value]
            return (name if name in RESULT_FORMATS else "json",
                    name if name in GRAPH_FORMATS else "turtle")
        if value in RESULT_MEDIA or value in GRAPH_MEDIA:
            return RESULT_MEDIA.get(value, "json"), GRAPH_MEDIA.get(value, "turtle")
    accept = request.accept_mimetypes
    result = accept.best_match(list(RESULT_MEDIA) + ["application/json"], default=None)
    graph = accept.best_match(list(GRAPH_MEDIA), default=None)
    return (RESULT_MEDIA.get(result or "", "json"), GRAPH_MEDIA.get(graph or "", "turtle"))


@bp.route("", methods=["GET", "POST"])
def sparql() -> Response:
    """Answer one SPARQL query in the negotiated format."""
    query = _query_text()
    result_format, graph_format = _formats()
    answer = store_of(current_app).answer(query, result_format, graph_format)
    return Response(answer.body, content_type=answer.media_type)
