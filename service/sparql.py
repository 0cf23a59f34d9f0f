"""The /sparql blueprint: SPARQL 1.1 Protocol (query, service description, update gate)."""

from __future__ import annotations

import hmac
import math

from flask import Blueprint, Response, current_app, request
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS
from werkzeug.exceptions import MethodNotAllowed

from graph.answers import volatile
from graph.errors import BadParameter, NotAcceptable
from graph.formats import GRAPH_FORMATS, W3C_FORMATS
from graph.guard import Limits, check_shape
from graph.namespaces import iri_term, is_iri
from graph.store import QueryRequest, UpdateRequest
from service.caching import revalidate_by_version
from service.errors import (
    MissingQuery,
    Unauthorized,
    UnsupportedMediaType,
    UpdateForbidden,
)
from service.negotiation import answer_response, negotiated_formats
from service.state import executor_of

__all__ = ["bp"]

bp = Blueprint("sparql", __name__, url_prefix="/sparql")
def _deterministic() -> bool:
    """Whether the query in the request answers the same for the same data."""
    text = " ".join(request.values.getlist("query"))
    if (request.mimetype or "") == "application/sparql-query":
        text += request.get_data(as_text=True, cache=True)
    return not volatile(text)


revalidate_by_version(bp, _deterministic)

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS_NS = Namespace("http://www.w3.org/ns/formats/")

SD_RESULT_FORMATS = [URIRef(iri) for iri in W3C_FORMATS]


def _operation() -> tuple[str, str | None]:
    """("query" | "update" | "description", text) from the request, per the protocol."""
    ctype = (request.mimetype or "").lower()
    if request.method in ("GET", "HEAD"):  # HEAD: the headers of the same GET
        if "update" in request.args:  # the protocol's updates are POSTs only
            raise MethodNotAllowed(["POST"], "SPARQL Update needs POST: send update= as a form "
                                   "(application/x-www-form-urlencoded) or the update as the body "
                                   "(application/sparql-update)")
        values = request.args.getlist("query")
        if not values:
            return "description", None
        return "query", _one(values, "query")
    if ctype == "application/sparql-query":
        return "query", _one([request.get_data(as_text=True)], "query")
    if ctype == "application/sparql-update":
        return "update", _one([request.get_data(as_text=True)], "update")
    if ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        if "update" in request.form:
            return "update", _one(request.form.getlist("update"), "update")
        return "query", _one(request.form.getlist("query"), "query")
    raise UnsupportedMediaType(
        "POST a query as application/sparql-query, an update as application/sparql-update, "
        f"or either as a form (application/x-www-form-urlencoded), not {ctype or 'nothing'}",
        {"content_type": ctype},
    )


def _one(values: list[str], name: str) -> str:
    if len(values) != 1:
        raise MissingQuery(
            f"send exactly one '{name}' parameter, not {len(values)}" if values
            else f"no '{name}' parameter", {"count": len(values)})
    if not values[0].strip():
        raise MissingQuery(f"the '{name}' parameter is empty", {"count": 1})
    return values[0]


#: The protocol's dataset parameters of each operation, and those of the other (a 400: a
#: dataset the operation would ignore gives silently wrong answers).
DATASET_PARAMS = {"query": ("default-graph-uri", "named-graph-uri"),
                  "update": ("using-graph-uri", "using-named-graph-uri")}
OPERATION = {"query": "a query", "update": "an update"}


def _dataset(kind: str) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
    """The dataset a ``kind`` ("query" or "update") request sends: the values of its two
    protocol parameters, each an absolute IRI (None when the parameter is not sent).

    Raises
    ------
    BadParameter
        A value that is not an absolute IRI (empty, relative or malformed), or a parameter of
        the other operation.
    """
    other = "update" if kind == "query" else "query"
    for name in DATASET_PARAMS[other]:
        if name in request.values:
            raise BadParameter(f"'{name}' names the dataset of {OPERATION[other]}, not of "
                               f"{OPERATION[kind]}: use {' and '.join(DATASET_PARAMS[kind])}",
                               {"param": name})
    default, named = (_iris(name) for name in DATASET_PARAMS[kind])
    return default or None, named or None


def _iris(name: str) -> tuple[str, ...]:
    """The values of the parameter ``name``, each an absolute IRI, else a 400 bad_parameter."""
    return tuple(str(iri_term(v, name)) for v in request.values.getlist(name))


def _timeout() -> float | None:
    """The client's ``timeout`` (seconds, to shorten the server's), or None.

    Raises
    ------
    BadParameter
        A value that is not one positive number.
    """
    values = request.values.getlist("timeout")
    if not values:
        return None
    try:
        (seconds,) = (float(v) for v in values)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds > 0):
        raise BadParameter("'timeout' must be one positive number of seconds (it can only shorten "
                           f"the server's {current_app.config['IKG_QUERY_TIMEOUT']:g} s), not "
                           f"{', '.join(values)[:100]!r}", {"param": "timeout"})
    return seconds


def _base_iri() -> str | None:
    """The base IRI of relative IRIs in a query or update: the endpoint's URL, as Oxigraph
    server does (None when the Host header makes it no IRI: relative IRIs then do not parse)."""
    url = request.base_url
    return url if is_iri(url) else None


@bp.route("", methods=["GET", "POST"])
def sparql() -> Response:
    """Answer one SPARQL query (or refuse an update) in the negotiated format."""
    kind, text = _operation()
    timeout = _timeout()  # checked on every request, the description's too
    config = current_app.config
    if kind == "description":  # which takes no dataset, but a malformed one is still malformed
        for name in (*DATASET_PARAMS["query"], *DATASET_PARAMS["update"]):
            _iris(name)
        return _service_description()
    assert text is not None
    if kind == "update":
        return _update(text, timeout)
    check_shape(text, Limits(config["IKG_MAX_QUERY_CHARS"], config["IKG_MAX_NESTING"]))
    # SERVICE is refused by the executor, on the parsed query, in the worker (under the deadline)
    result_format, graph_format = negotiated_formats()
    default_graphs, named_graphs = _dataset("query")
    answer = executor_of(current_app).execute(QueryRequest(
        text, result_format, graph_format, default_graphs, named_graphs,
        row_limit=config["IKG_ROW_LIMIT"], base_iri=_base_iri()), timeout=timeout)
    return answer_response(answer, config["IKG_ROW_LIMIT"])


def _update(text: str, timeout: float | None) -> Response:
    token = current_app.config["IKG_UPDATE_TOKEN"]
    if not token:
        raise UpdateForbidden(
            "SPARQL Update is off on this server (set IKG_UPDATE_TOKEN to enable it)", {})
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        raise Unauthorized("SPARQL Update needs 'Authorization: Bearer <token>'", {})
    # SERVICE and LOAD are refused by the executor, on the parsed update, in the writer
    check_shape(text, Limits(None, current_app.config["IKG_MAX_NESTING"]))
    using, using_named = _dataset("update")
    executor_of(current_app).update(UpdateRequest(text, using, using_named, _base_iri()),
                                    timeout=timeout)
    return Response(status=204)


def _service_description() -> Response:
    """The SPARQL 1.1 Service Description of this endpoint, in a negotiated RDF format."""
    _, graph_format = negotiated_formats()
    if graph_format is None:
        raise NotAcceptable("the service description is RDF: accept Turtle, N-Triples, "
                            "RDF/XML, JSON-LD or N-Quads", {})
    g = Graph()
    g.bind("sd", SD)
    g.bind("formats", FORMATS_NS)
    service = BNode()
    endpoint = URIRef(request.base_url)
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, endpoint))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    if current_app.config["IKG_UPDATE_TOKEN"]:
        g.add((service, SD.supportedLanguage, SD.SPARQL11Update))
    # true for queries and for the WHERE of updates: see graph.dataset
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    for f in SD_RESULT_FORMATS:
        g.add((service, SD.resultFormat, f))
    dataset, default = BNode(), BNode()
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add((default, RDFS.comment, Literal(
        "The union of all the graphs of the store, for a query or an update operation that names "
        "no dataset (no FROM, FROM NAMED, USING or WITH, no default-graph-uri, named-graph-uri, "
        "using-graph-uri or using-named-graph-uri). A dataset named in the text or the request "
        "replaces it, as SPARQL 1.1 says.")))
    for name in executor_of(current_app).graph_names():
        ng = BNode()
        g.add((dataset, SD.namedGraph, ng))
        g.add((ng, RDF.type, SD.NamedGraph))
        g.add((ng, SD.name, URIRef(name)))
    _, rdflib_name, media = GRAPH_FORMATS[graph_format]
    resp = Response(g.serialize(format=rdflib_name, encoding="utf-8"), content_type=media)
    resp.headers["Vary"] = "Accept"
    return resp
