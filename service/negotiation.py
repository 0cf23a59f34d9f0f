"""Content negotiation for query answers: format parameters, Accept with q-values, the response."""

from __future__ import annotations

from flask import Response, request

from graph.store import GRAPH_FORMATS, RESULT_FORMATS, Streamed

__all__ = ["negotiated_formats", "answer_response", "FORMAT_PARAMS", "RESERVED_PARAMS"]

#: Media types (without parameters) to format names, for Accept negotiation.
RESULT_MEDIA = {media.split(";")[0]: name for name, (_, _, media) in RESULT_FORMATS.items()}
RESULT_MEDIA["application/json"] = "json"
RESULT_MEDIA["application/xml"] = "xml"
GRAPH_MEDIA = {media.split(";")[0]: name for name, (_, _, media) in GRAPH_FORMATS.items()}
GRAPH_MEDIA["application/x-turtle"] = "turtle"
GRAPH_MEDIA["text/plain"] = "ntriples"
GRAPH_MEDIA["application/xml"] = "rdfxml"
#: Values of ``format=`` / ``output=`` / ``results=`` (SPARQLWrapper sends these) to
#: (result format, graph format).
FORMAT_PARAMS = {
    "json": ("json", "jsonld"), "xml": ("xml", "rdfxml"), "csv": ("csv", None),
    "tsv": ("tsv", None), "turtle": (None, "turtle"), "ttl": (None, "turtle"),
    "n3": (None, "turtle"), "nt": (None, "ntriples"), "ntriples": (None, "ntriples"),
    "n-triples": (None, "ntriples"), "rdf": (None, "rdfxml"), "rdfxml": (None, "rdfxml"),
    "rdf+xml": (None, "rdfxml"), "json-ld": (None, "jsonld"), "jsonld": (None, "jsonld"),
    "nquads": (None, "nquads"), "n-quads": (None, "nquads"),
}  # fmt: skip
#: Request parameters that choose the answer's form, not values of a named query.
RESERVED_PARAMS = ("format", "output", "results")


def negotiated_formats() -> tuple[str | None, str | None]:
    """(result format, graph format): from format=/output=/results=, else from Accept.

    None for a kind of answer the client accepts in no format we have (a 406 if the query
    turns out to be of that kind).
    """
    for key in ("format", "output", "results"):
        value = (request.values.get(key) or "").strip().lower()
        if value in FORMAT_PARAMS:
            r, g = FORMAT_PARAMS[value]
            return r or "json", g or "turtle"
        if value.split(";")[0] in RESULT_MEDIA or value.split(";")[0] in GRAPH_MEDIA:
            v = value.split(";")[0]
            return RESULT_MEDIA.get(v, "json"), GRAPH_MEDIA.get(v, "turtle")
    accept = request.accept_mimetypes
    if not accept:
        return "json", "turtle"
    result = accept.best_match(["application/sparql-results+json", *RESULT_MEDIA])
    graph = accept.best_match(["text/turtle", *GRAPH_MEDIA])
    return RESULT_MEDIA.get(result or ""), GRAPH_MEDIA.get(graph or "")


def answer_response(answer: Streamed, row_limit: int) -> Response:
    """The HTTP response of a streamed answer: chunks, media type, Vary, truncation header."""
    resp = Response(answer.chunks, content_type=answer.media_type)
    resp.headers["Vary"] = "Accept"
    if answer.truncated:
        resp.headers["Ikg-Result-Truncated"] = f"true; limit={row_limit}"
    return resp
