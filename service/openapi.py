"""The OpenAPI 3.1 document of ikg's HTTP API, written as data from the tables the service itself uses.

Every route, method, parameter and answer the service has is here (a test compares the document
with the app's routes, and a schemathesis run compares it with a real server): enums, ranges
and media types come from the tables the code checks against, so the two cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from graph.analysis import EXACT_BETWEENNESS_NODES
from graph.export import DUMP_FILES
from graph.formats import FORMAT_PARAMS, GRAPH_FORMATS, RESULT_FORMATS
from graph.lineage import ACTION_FIELDS, CHANGE_FIELDS, PRACTICE_FIELDS
from graph.linked import INCOMING_PAGE, MAX_OFFSET, RECORD_KINDS
from graph.network import CALLS, EXPORT_FORMATS, LEVELS, METRICS, SEEDS, TOPIC_KEY, VIEW_METRICS, VIEWS
from graph.picture import COLOURINGS, LAYOUTS, PICTURE_FORMATS
from graph.queries import PARAM_TYPES, NamedQuery, Param
from service.errors import codes_of
from service.linked import FORMATS as DOC_FORMATS
from service.negotiation import RESERVED_PARAMS
from service.params import FALSE, TRUE
from service.state import catalogue
from service.ui import ASSETS, PAGE_VIEWS

__all__ = ["openapi_document", "UNDOCUMENTED_ROUTES"]

#: Routes of the app the document leaves out, and why.
UNDOCUMENTED_ROUTES = {
    "/static/<path:filename>": "Flask's built-in static route: ikg has no static folder, so it only "
                               "ever answers 404 (the front-end files are under /ui/)",
}

ID = "https://ikg.example.org/id/"
RESULT_TYPES = [media.split(";")[0] for _, _, media in RESULT_FORMATS.values()]
GRAPH_TYPES = [media.split(";")[0] for _, _, media in GRAPH_FORMATS.values()]
DOC_TYPES = [media for _, media, _ in DOC_FORMATS.values()]
#: What 500 means everywhere.
SERVER_FAULT = "a fault of the server (store_error, internal_error, ...): logged, never detailed"
#: A JSON Schema pattern of a non-empty string with something else than whitespace.
NOT_BLANK = r"\S"
#: EUR as a string with two decimals (JSON numbers would lose cents on large sums).
MONEY = {"type": "string", "pattern": r"^-?[0-9]+\.[0-9]{2}$"}
DATE = {"type": "string", "format": "date"}
IRI = {"type": "string", "format": "iri"}
# A segment of a record's IRI, as a path parameter: characters an IRI path segment may hold
# (RFC 3987 ipchar, from the Basic Multilingual Plane, without "%": keys have none, and a
# client sends "%" as %25). Other characters make no IRI: a 400.
SEGMENT = {"type": "string", "pattern": "^[A-Za-z0-9._~!$&'()*+,;=:@\u00a0-\ud7ff\uf900-\ufdcf"
                                          "\ufdf0-\uffef-]+$"}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(properties: dict[str, Any]) -> dict[str, Any]:
    """An object schema with these properties, all required."""
    return {"type": "object", "required": list(properties), "properties": properties}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def _fields(fields: dict[str, str]) -> dict[str, Any]:
    """The ``generatedFields`` of a lineage record: names of its fields."""
    return {"type": "array", "items": {"enum": list(fields)}, "uniqueItems": True}


STR = {"type": "string"}
INT = {"type": "integer"}
NUM = {"type": "number"}
BOOL = {"type": "boolean"}


def _array(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": items}


# ----------------------------------------------------------------------------- parameters


def _query(name: str, schema: dict[str, Any], description: str = "", required: bool = False,
           example: Any = None, **extra: Any) -> dict[str, Any]:
    p: dict[str, Any] = {"name": name, "in": "query", "required": required, "schema": schema}
    if description:
        p["description"] = description
    if example is not None:
        p["example"] = example
    return p | extra


def _path(name: str, schema: dict[str, Any], example: Any = None, description: str = "") -> dict[str, Any]:
    p = {"name": name, "in": "path", "required": True, "schema": schema}
    if example is not None:
        p["example"] = example
    if description:
        p["description"] = description
    return p


def _iri_param(name: str, description: str, example: str) -> dict[str, Any]:
    return _query(name, IRI, description + " (an absolute IRI, else a 400)", True, example)


FORMAT_DESCRIPTION = ("the answer's format, overriding Accept: " + ", ".join(FORMAT_PARAMS)
                      + ", or a media type; another value is ignored and Accept decides")
FORMAT_PARAMETERS = [_query(name, STR, FORMAT_DESCRIPTION + (" (the same as format)" if name != "format" else ""),
                            example="json" if name == "format" else None)
                     for name in RESERVED_PARAMS]
#: The same, as fields of a form (a POST reads the form and the query string alike).
FORMAT_FIELDS = {name: STR for name in RESERVED_PARAMS}
REAL_ONLY = _query("real_only", {"type": "string", "enum": [*TRUE, *FALSE]},
                   "only real records: generated ones (and amounts the generator set) are left out",
                   example="true")
FILTERS = [
    _query("level", {"type": "integer", "enum": list(LEVELS), "default": 2},
           "NUTS level of the region nodes: 0 (countries), 1 or 2"),
    _query("call", {"type": "integer", "enum": list(CALLS)}, "only projects of this call"),
    _query("topic", {"type": "string", "pattern": f"^(?:{TOPIC_KEY.pattern})?$"},
           "only projects of this specific objective (empty: all)", example="so-3-1"),
    _query("as_of", {"anyOf": [{"type": "string", "format": "date"}, {"type": "string", "maxLength": 0}]},
           "only projects started (changes dated) on or before this day (empty: all)"),
    REAL_ONLY,
]
SEARCH = [_query("q", {"type": "string", "minLength": 2, "maxLength": 100, "pattern": r"\S[\s\S]*\S"},
                 "2 to 100 characters once runs of whitespace are one space", True, "Fab Lab"),
          _query("limit", {"type": "integer", "minimum": 1, "maximum": 200, "default": 50})]
SEED = _query("seed", {"type": "integer", "minimum": SEEDS[0], "maximum": SEEDS[-1], "default": 0},
              "seed of what is drawn at random (layouts, communities, random graphs, permutations)")


def _param_schema(p: Param) -> dict[str, Any]:
    """The JSON Schema of a named query's parameter, by its type."""
    schema: dict[str, Any] = {
        "iri": IRI, "date": {"type": "string", "format": "date"}, "integer": INT,
        "decimal": NUM, "string": STR, "boolean": BOOL}[p.type]
    return schema | ({"default": p.default} if p.default is not None else {})


# ----------------------------------------------------------------------------- answers


def _errors(*statuses: int) -> dict[str, Any]:
    """The error answers of an operation: the one error shape, its codes for each status."""
    return {str(s): {"description": SERVER_FAULT if s == 500 else ", ".join(codes_of(s)),
                     "content": {"application/json": {"schema": _ref(f"Error{s}")}}}
            for s in (*statuses, 500)}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"200": {"description": description, "content": {"application/json": {"schema": schema}}}}


def _media(types: list[str], description: str, status: str = "200",
           schemas: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    return {status: {"description": description,
                     "content": {t: ({"schema": (schemas or {})[t]} if t in (schemas or {}) else {})
                                 for t in types}}}


NOT_MODIFIED = {"304": {"description": "the client's copy (If-None-Match) is current"}}
HTML = {"200": {"description": "a page", "content": {"text/html": {"schema": STR}}}}


def _see_other(target: str) -> dict[str, Any]:
    return {"303": {"description": f"See Other: {target}",
                    "headers": {"Location": {"required": True, "schema": STR}}}}


#: Each error status, for the components.
ERROR_STATUSES = (400, 401, 403, 404, 406, 413, 415, 416, 503)


def _error_schema(status: int) -> dict[str, Any]:
    code = STR if status == 500 else {"type": "string", "enum": codes_of(status)}
    return {"type": "object", "required": ["ok", "status", "code", "error", "detail"],
            "additionalProperties": False,
            "properties": {"ok": {"const": False}, "status": {"const": status}, "code": code,
                           "error": STR, "detail": {"type": "object"}}}


TERM = {"type": "object", "required": ["type", "value"],
        "properties": {"type": {"enum": ["uri", "literal", "bnode", "triple"]},
                       "value": {"type": ["string", "object"]}, "datatype": STR, "xml:lang": STR}}
SCHEMAS: dict[str, dict[str, Any]] = {
    **{f"Error{s}": _error_schema(s) for s in (*ERROR_STATUSES, 500)},
    "SparqlResults": {
        "description": "SPARQL 1.1 Query Results JSON: bindings of a SELECT, or the boolean of an ASK",
        "type": "object", "required": ["head"],
        "properties": {"head": {"type": "object", "properties": {"vars": _array(STR), "link": _array(STR)}},
                       "results": _obj({"bindings": _array({"type": "object", "additionalProperties": TERM})}),
                       "boolean": BOOL},
        "oneOf": [{"required": ["results"]}, {"required": ["boolean"]}]},
    "Catalogue": _obj({"queries": _array(_obj({
        "name": STR, "summary": STR, "url": {"type": "string", "format": "uri"},
        "params": _array(_obj({"name": STR, "type": {"enum": list(PARAM_TYPES)}, "example": _nullable(STR),
                               "default": _nullable(STR), "description": STR}))}))}),
    "Party": _obj({"iri": _nullable(STR), "label": _nullable(STR), "generated": BOOL}),
    "NamedProject": _obj({"iri": _nullable(STR), "acronym": _nullable(STR), "generated": BOOL}),
    "Downstream": _obj({
        "practice": _obj({"iri": STR, "title": _nullable(STR), "region": _nullable(STR),
                          "regionLabel": _nullable(STR), "generated": BOOL,
                          "generatedFields": _fields(PRACTICE_FIELDS),
                          "project": _ref("NamedProject"), "organisation": _ref("Party")}),
        "actions": _array(_obj({
            "iri": STR, "title": _nullable(STR), "generated": BOOL, "generatedFields": _fields(ACTION_FIELDS),
            "actionPlan": _nullable(_obj({"iri": STR, "label": STR, "region": STR, "author": _ref("Party"),
                                          "generated": BOOL})),
            "instrument": _nullable(_obj({"iri": STR, "title": STR, "generated": BOOL})),
            "changes": _array(_obj({"iri": STR, "label": _nullable(STR), "type": _nullable(STR),
                                    "date": _nullable(DATE), "region": _nullable(STR), "eur": _nullable(MONEY),
                                    "attributedEur": _nullable(MONEY),
                                    "inspiredBy": {"type": "integer", "minimum": 1}, "generated": BOOL,
                                    "generatedFields": _fields(CHANGE_FIELDS), "eurGenerated": BOOL}))})),
        "totals": _obj({"actions": INT, "changes": INT, "regions": INT, "eur": MONEY, "attributedEur": MONEY,
                        "eurFromSources": MONEY, "attributedEurFromSources": MONEY}),
        "attribution": STR, "realOnly": BOOL}),
    "Upstream": _obj({
        "entity": _obj({"iri": STR, "kind": {"enum": ["change", "instrument"]}}),
        "changes": _array(_obj({
            "iri": STR, "label": _nullable(STR), "type": _nullable(STR), "date": _nullable(DATE),
            "eur": _nullable(MONEY), "region": _nullable(STR), "instrument": _obj({"iri": STR, "cci": _nullable(STR)}),
            "action": STR, "actionPlan": STR, "generated": BOOL, "eurGenerated": BOOL,
            "generatedFields": _fields(CHANGE_FIELDS),
            "practices": _array(_obj({
                "iri": STR, "title": _nullable(STR), "region": _nullable(STR), "regionLabel": _nullable(STR),
                "organisation": _ref("Party"), "project": _ref("NamedProject"),
                "evidence": _nullable(STR), "attributedEur": _nullable(MONEY), "generated": BOOL,
                "generatedFields": _fields(PRACTICE_FIELDS)}))})),
        "totals": _obj({"changes": INT, "eur": MONEY, "eurFromSources": MONEY, "organisations": INT,
                        "originRegions": INT, "projects": INT}),
        "realOnly": BOOL,
        "attribution": STR}),
    "Edge": _obj({"subject": STR, "predicate": STR, "object": STR}),
    "Path": _obj({"from": STR, "to": STR, "hops": {"type": "integer", "minimum": 0},
                  "edges": _array(_ref("Edge"))}),
    "Neighbourhood": _obj({"iri": STR, "hops": INT, "nodes": _array(STR), "edges": _array(_ref("Edge")),
                           "truncated": BOOL}),
    "DataQuality": _obj({
        "kinds": _array(_obj({"kind": STR, "records": INT, "generated": INT, "real": INT, "imported": INT,
                              "calibratedTo": STR, "modelled": STR})),
        "realRecords": _array(_obj({"iri": STR, "label": STR, "kind": STR, "source": STR})),
        "sources": _array(_obj({"iri": STR, "label": STR}))}),
    "SearchResults": _array(_obj({"iri": STR, "label": STR, "class": STR, "generated": BOOL,
                                  "page": _nullable(STR)})),
    "NodeLink": {
        "description": "NetworkX node-link data: nodes with their attributes (code, label, country, "
                       "category for regions; label, region, country for organisations), edges with "
                       "weight (and eur for transfers)",
        **_obj({"directed": BOOL, "multigraph": BOOL, "graph": {"type": "object"},
                "nodes": _array({"type": "object", "required": ["id"], "properties": {"id": STR}}),
                "edges": _array({"type": "object", "required": ["source", "target"],
                                 "properties": {"source": STR, "target": STR, "weight": NUM, "eur": NUM}})})},
    "Summary": _obj({"nodes": INT, "edges": INT, "density": NUM, "directed": BOOL}),
    "Metrics": {
        "description": "One analysis of a view: `result` by `metric`; `nodes` holds the attributes "
                       "of the nodes the result names (empty for summary, small-world, category-mixing)",
        "type": "object", "required": ["view", "metric", "result"],
        "properties": {"view": {"enum": list(VIEWS)}, "metric": {"enum": list(METRICS)},
                       "nodes": {"type": "object", "additionalProperties": {"type": "object"}},
                       "betweenness_sources": {**_nullable(INT), "description": (
                           "centrality: null when betweenness is exact; else how many sources (drawn "
                           f"with `seed`) it is estimated from, on a view of over {EXACT_BETWEENNESS_NODES:,} "
                           "nodes")}},
        "oneOf": [
            {"properties": {"metric": {"const": "summary"}, "result": _ref("Summary")}},
            {"properties": {"metric": {"const": "centrality"}, "result": {
                "type": "object", "additionalProperties": _obj(
                    {"degree": INT, "strength": NUM, "betweenness": NUM, "pagerank": NUM})}}},
            {"properties": {"metric": {"const": "small-world"}, "result": _obj(
                {"nodes": INT, "edges": INT, "clustering": NUM, "random_clustering": NUM,
                 "random_clustering_sd": NUM, "samples": INT, "seed": INT, "ratio": _nullable(NUM)})}},
            {"properties": {"metric": {"const": "communities"}, "result": _array(_array(STR))}},
            {"properties": {"metric": {"const": "core-periphery"}, "result": _obj(
                {"k": INT, "core": _array(STR), "periphery": _array(STR), "core_density": NUM,
                 "density": NUM})}},
            {"properties": {"metric": {"const": "net-flows"}, "result": {
                "type": "object", "additionalProperties": _obj(
                    {"exported": NUM, "imported": NUM, "net": NUM, "exported_eur": NUM,
                     "imported_eur": NUM, "net_eur": NUM})}}},
            {"properties": {"metric": {"const": "category-mixing"}, "result": _obj(
                {"observed": NUM, "expected": NUM, "p_value": NUM, "assortativity": _nullable(NUM)})}},
            {"properties": {"metric": {"const": "reach"}, "result": {
                "type": "object", "additionalProperties": _obj({"learned_from": INT, "taught": INT})}}},
            {"properties": {"metric": {"const": "growth"}, "result": _array(
                {**_ref("Summary"), "required": ["call"], "properties": {"call": INT}})}},
        ]},
    "Manifest": {
        "description": "The manifest `ikg export` wrote, with `current` (whether it describes the "
                       "data served now) and `data_version`",
        **_obj({"files": _array(_obj({"name": {"enum": [d.name for d in DUMP_FILES]}, "bytes": INT,
                                      "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                                      "media_type": STR, "title": STR})),
                "current": BOOL, "data_version": STR})},
}


# ----------------------------------------------------------------------------- operations


def _sparql() -> dict[str, Any]:
    answers = _media(RESULT_TYPES + GRAPH_TYPES,
                     "the answer in the negotiated format: results of SELECT and ASK, RDF of "
                     "CONSTRUCT and DESCRIBE (and of the service description)",
                     schemas={"application/sparql-results+json": _ref("SparqlResults")})
    text = {"type": "string", "minLength": 1, "pattern": NOT_BLANK}
    dataset = [
        _query(name, _array(IRI), f"a graph of the query's {kind} (repeatable; absolute IRIs, else a 400); "
               "with either parameter, the dataset is the one they name, whatever FROM says",
               style="form", explode=True)
        for name, kind in (("default-graph-uri", "default graph"), ("named-graph-uri", "named graphs"))]
    using = [
        _query(name, _array(IRI), f"a graph of the {kind} of an update's WHERE (repeatable; absolute "
               "IRIs); with USING, USING NAMED or WITH in the update, a 400 (dataset_conflict)",
               style="form", explode=True)
        for name, kind in (("using-graph-uri", "default graph"), ("using-named-graph-uri", "named graphs"))]
    seconds = {"type": "number", "exclusiveMinimum": 0}
    timeout = _query("timeout", seconds, "seconds the request may run, when shorter than the "
                     "server's IKG_QUERY_TIMEOUT (a longer one is the server's); not positive: a 400")
    return {
        "get": {"operationId": "sparqlQuery", "tags": ["SPARQL"],
                "summary": "SPARQL 1.1 query; without `query`, the service description (RDF)",
                "parameters": [
                    _query("query", text, "the SPARQL query; an empty one is a 400 (missing_query): "
                           "leave it out to get the service description",
                           example="SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"),
                    *dataset, timeout, *FORMAT_PARAMETERS],
                "responses": answers | NOT_MODIFIED | _errors(400, 406, 503)},
        "post": {"operationId": "sparqlPost", "tags": ["SPARQL"],
                 "summary": "SPARQL 1.1 query or update, as a form or a direct body. Updates need "
                            "IKG_UPDATE_TOKEN set and `Authorization: Bearer <token>`; otherwise a 403",
                 "parameters": [*dataset, *using, timeout, *FORMAT_PARAMETERS],
                 "requestBody": {"required": True, "content": {
                     "application/x-www-form-urlencoded": {"schema": {
                         "type": "object", "additionalProperties": False,
                         "properties": {"query": text, "update": text, "default-graph-uri": _array(IRI),
                                        "named-graph-uri": _array(IRI), "using-graph-uri": _array(IRI),
                                        "using-named-graph-uri": _array(IRI), "timeout": seconds}
                         | FORMAT_FIELDS,
                         "anyOf": [{"required": ["query"]}, {"required": ["update"]}]}},
                     "application/sparql-query": {"schema": text},
                     "application/sparql-update": {"schema": text}}},
                 "security": [{}, {"updateToken": []}],
                 "responses": answers | {"204": {"description": "the update was applied"}}
                 | _errors(400, 401, 403, 406, 413, 415, 503)},
    }


def _named_query(q: NamedQuery) -> dict[str, Any]:
    params = [_query(p.name, _param_schema(p), p.description, p.default is None, p.example) for p in q.params]
    answers = _media(RESULT_TYPES + GRAPH_TYPES, "the answer in the negotiated format",
                     schemas={"application/sparql-results+json": _ref("SparqlResults")})
    form = {"type": "object", "additionalProperties": False,
            "properties": {p.name: _param_schema(p) for p in q.params} | {"real_only": REAL_ONLY["schema"]}
            | FORMAT_FIELDS}
    if required := [p.name for p in q.params if p.default is None]:
        form["required"] = required
    return {
        "get": {"operationId": f"query_{q.name}", "tags": ["named queries"], "summary": q.summary,
                "description": "Parameters are typed and bound as RDF terms; another parameter is a 400. "
                               "real_only=true runs the query on the real graphs alone.",
                "parameters": params + [REAL_ONLY] + FORMAT_PARAMETERS,
                "responses": answers | NOT_MODIFIED | _errors(400, 406, 503)},
        "post": {"operationId": f"queryPost_{q.name}", "tags": ["named queries"],
                 "summary": q.summary + " (parameters as a form)", "parameters": FORMAT_PARAMETERS,
                 "requestBody": {"required": bool(required),
                                 "content": {"application/x-www-form-urlencoded": {"schema": form}}},
                 "responses": answers | _errors(400, 406, 413, 503)},
    }


def _networks() -> dict[str, Any]:
    view = _path("view", {"enum": list(VIEWS)}, "regions")
    return {
        "/api/networks/{view}": {"get": {
            "operationId": "network", "tags": ["networks"],
            "summary": "A network view as node-link JSON, GraphML, GEXF or CSV (nodes or edges)",
            "parameters": [view, *FILTERS, _query("format", {"enum": list(EXPORT_FORMATS), "default": "json"})],
            "responses": {"200": {
                "description": "the view in the format asked for (files come with Content-Disposition)",
                "content": {media: ({"schema": _ref("NodeLink")} if fmt == "json" else {})
                            for fmt, media in EXPORT_FORMATS.items()}}}
            | NOT_MODIFIED | _errors(400, 503)}},
        # one path a view: each view has its own metrics
        **{f"/api/networks/{v}/metrics": {"get": {
            "operationId": f"networkMetrics_{v}", "tags": ["networks"],
            "summary": f"One analysis of the {v} view",
            "parameters": [_query("metric", {"enum": list(VIEW_METRICS[v]), "default": "summary"}),
                           _query("k", {"type": "integer", "minimum": 1, "default": 1},
                                  "steps of reach (reach within 0 steps is 0 everywhere)"),
                           SEED, *FILTERS],
            "responses": _json(_ref("Metrics"), "the analysis") | NOT_MODIFIED | _errors(400, 503)}}
           for v in VIEWS},
        "/api/networks/{view}/picture": {"get": {
            "operationId": "networkPicture", "tags": ["networks"],
            "summary": "A picture of a network view: a seeded force layout or the regions on the map, "
                       "nodes coloured by category or community",
            "parameters": [view, _query("format", {"enum": list(PICTURE_FORMATS), "default": "png"}),
                           _query("colour", {"enum": list(COLOURINGS), "default": "category"}),
                           _query("layout", {"enum": list(LAYOUTS), "default": "spring"},
                                  "spring: force-directed (seeded); map: each region at its NUTS label point"),
                           SEED, *FILTERS],
            "responses": _media(list(PICTURE_FORMATS.values()), "the picture")
            | NOT_MODIFIED | _errors(400, 503)}},
    }


def _linked() -> dict[str, Any]:
    kind = _path("kind", {"enum": list(RECORD_KINDS)}, "project")
    key = _path("key", SEGMENT, "ERUDITE", "the last segment of the record's IRI")
    extension = _path("ext", {"enum": list(DOC_FORMATS)}, "ttl", "the format: " + ", ".join(
        f".{e} {name}" for e, (_, _, name) in DOC_FORMATS.items()))
    document = _media(DOC_TYPES, "the document; an extension (.ttl, .jsonld, .nt, .rdf, .html) at "
                                 "the end of the path overrides Accept")
    incoming = _query("incoming", {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0},
                      f"offset of the page of incoming links ({INCOMING_PAGE} a page)")
    scheme = _path("scheme", SEGMENT, "topic", "a concept scheme")
    concept = _path("key", SEGMENT, "so-3-1", "a concept of the scheme")

    def doc(summary: str, op: str, *params: dict[str, Any]) -> dict[str, Any]:
        return {"get": {"operationId": op, "tags": ["linked data"], "summary": summary,
                        "parameters": [*params, incoming],
                        "responses": document | NOT_MODIFIED | _errors(400, 404, 406, 503)}}

    def see_other(summary: str, op: str, target: str, *params: dict[str, Any]) -> dict[str, Any]:
        return {"get": {"operationId": op, "tags": ["linked data"], "summary": summary,
                        "parameters": list(params),
                        "responses": _see_other(target) | _errors(400, 404, 503)}}

    def negotiated(summary: str, op: str, *params: dict[str, Any], statuses: tuple[int, ...]) -> dict[str, Any]:
        return {"get": {"operationId": op, "tags": ["linked data"], "summary": summary,
                        "parameters": list(params),
                        "responses": _media(DOC_TYPES, "the description") | NOT_MODIFIED | _errors(*statuses)}}

    return {
        "/id/{kind}/{key}": see_other("A record's IRI: 303 See Other to its document (404 when the "
                                      "graph lacks it)", "record", "/doc/{kind}/{key}", kind, key),
        "/ontology/concept/{scheme}": see_other("A concept scheme's IRI: 303 to its document",
                                                "conceptScheme", "/doc/concept/{scheme}", scheme),
        "/ontology/concept/{scheme}/{key}": see_other("A concept's IRI: 303 to its document", "concept",
                                                      "/doc/concept/{scheme}/{key}", scheme, concept),
        "/doc/{kind}/{key}": doc(
            "The description of a record, a concept scheme (kind `concept`) or a NUTS region (kind "
            "`nuts`): outgoing statements, labels of linked things, incoming links a page at a time",
            "document", _path("kind", {"enum": [*RECORD_KINDS, "concept", "nuts"]}, "practice"),
            _path("key", SEGMENT, "ERUDITE-GP1", "the last segment of the IRI, with an optional "
                                                 "extension")),
        "/doc/concept/{scheme}/{key}": doc("The description of a concept", "conceptDocument", scheme, concept),
        # the ontology is a file: no store, no 503; an extension is no negotiation: no 406
        "/ontology": negotiated("The ontology at its namespace, negotiated; HTML documentation by pyLODE",
                                "ontology", statuses=(406,)),
        "/ontology.{ext}": negotiated("The ontology in one format", "ontologyFile", extension,
                                      statuses=(404,)),
        "/.well-known/void": negotiated("VoID and DCAT description of the dataset, with statistics "
                                        "from the store", "void", statuses=(406, 503)),
        "/.well-known/void.{ext}": negotiated("The dataset description in one format", "voidFile", extension,
                                              statuses=(404, 503)),
    }


def _pages() -> dict[str, Any]:
    def page(summary: str, op: str, *params: dict[str, Any], statuses: tuple[int, ...] = (),
             cached: bool = False) -> dict[str, Any]:
        return {"get": {"operationId": op, "tags": ["pages"], "summary": summary, "parameters": list(params),
                        "responses": HTML | (NOT_MODIFIED if cached else {}) | _errors(*statuses)}}

    assets: dict[str, Any] = {}
    for package, (_, files) in ASSETS.items():
        assets[f"/ui/{package}/{{name}}"] = {"get": {
            "operationId": f"asset_{package.replace('-', '_')}", "tags": ["pages"],
            "summary": f"A script or style of the {package} npm package (404 until `make setup` "
                       "installed it)",
            "parameters": [_path("name", {"enum": sorted(files)})],
            "responses": _media(["text/javascript", "text/css", "application/octet-stream"],
                                "the file (a source map is application/octet-stream)")
            | _errors(404)}}
    return {
        "/": {"get": {
            "operationId": "home", "tags": ["pages"],
            "summary": "The front page: the headline figures as of a day (everything recorded when "
                       "none), their course over time, the regions by involvement on a map, the "
                       "practices that travelled furthest; its figures as JSON for a client that asks",
            "parameters": [_query("as_of", {"anyOf": [{"type": "string", "format": "date"},
                                                      {"type": "string", "maxLength": 0}]},
                                  "count what is dated on or before this day (2015-01-01 to 2030-12-31); "
                                  "empty: everything", example="2022-06-30")],
            "responses": _media(["text/html", "application/json"], "the page, or its figures")
            | _errors(400, 503)}},
        "/sparql-editor": page("The query editor (YASGUI) with example queries", "sparqlEditor"),
        "/maps/europe-land.svg": {"get": {
            "operationId": "mapBackground", "tags": ["pages"],
            "summary": "The countries every map is drawn on (Natural Earth via npm world-atlas)",
            "responses": _media(["image/svg+xml"], "the picture") | _errors(503)}},
        "/search": page("Search by name, as a page", "searchPage", *SEARCH, statuses=(400, 503)),
        "/networks": page("The exchange networks: a picture, the size, the brokers, the exports", "networksPage",
                          _query("view", {"enum": list(PAGE_VIEWS), "default": "regions"}),
                          _query("colour", {"enum": list(COLOURINGS), "default": "category"}),
                          *[f for f in FILTERS if f["name"] in ("level", "call")], statuses=(400, 503)),
        "/api/docs": page("This document in Swagger UI", "apiDocs", statuses=(503,), cached=True),
        **assets,
    }


def openapi_document(server: str) -> dict[str, Any]:
    """The document, with ``server`` as the base URL."""
    queries = {f"/queries/{q.name}": _named_query(q) for q in catalogue()}
    return {
        "openapi": "3.1.0",
        "info": {"title": "ikg: the knowledge graph of European interregional cooperation",
                 "version": "0.1.0",
                 "description": "SPARQL 1.1 endpoint, named queries, a JSON API to trace which good "
                                "practice inspired which policy change and to analyse the networks of "
                                "exchange, linked-data pages and dumps. Attribution rule: a change "
                                "inspired by n practices gives each 1/n of its EUR. Every error answer "
                                "has one JSON shape: {ok: false, status, code, error, detail}."},
        "servers": [{"url": server}],
        "paths": {
            "/sparql": _sparql(),
            "/queries": {"get": {"operationId": "queries", "tags": ["named queries"],
                                 "summary": "The catalogue of named queries with their parameters",
                                 "responses": _json(_ref("Catalogue"), "the catalogue") | NOT_MODIFIED
                                 | _errors(503)}},
            **queries,
            "/api/lineage/downstream": {"get": {
                "operationId": "downstream", "tags": ["lineage"],
                "summary": "What a good practice led to: actions, action plans, instruments, policy "
                           "changes, with EUR totals and the EUR attributed to the practice",
                "parameters": [_iri_param("practice", "a good practice", ID + "practice/ERUDITE-GP1"), REAL_ONLY],
                "responses": _json(_ref("Downstream"), "the lineage tree") | NOT_MODIFIED
                | _errors(400, 404, 503)}},
            "/api/lineage/upstream": {"get": {
                "operationId": "upstream", "tags": ["lineage"],
                "summary": "What lies behind a policy change or instrument: practices, organisations, "
                           "regions and projects, with the evidence",
                "parameters": [_iri_param("iri", "a policy change or policy instrument",
                                          ID + "change/2014SI16MAOP001-C1"), REAL_ONLY],
                "responses": _json(_ref("Upstream"), "the lineage") | NOT_MODIFIED | _errors(400, 404, 503)}},
            "/api/path": {"get": {
                "operationId": "path", "tags": ["lineage"],
                "summary": "A shortest path between two entities, with the predicates of its edges",
                "parameters": [_iri_param("from", "one entity", ID + "practice/ERUDITE-GP1"),
                               _iri_param("to", "another entity", ID + "project/SYMBI"),
                               _query("max_hops", {"type": "integer", "minimum": 1, "maximum": 10,
                                                   "default": 6})],
                "responses": _json(_ref("Path"), "the path (404 when there is none within max_hops)")
                | NOT_MODIFIED | _errors(400, 404, 503)}},
            "/api/neighbourhood": {"get": {
                "operationId": "neighbourhood", "tags": ["lineage"],
                "summary": "The entities within k steps of one entity, and the statements between them",
                "parameters": [_iri_param("iri", "an entity", ID + "project/ERUDITE"),
                               _query("k", {"type": "integer", "minimum": 1, "maximum": 3, "default": 1})],
                "responses": _json(_ref("Neighbourhood"), "nodes and edges") | NOT_MODIFIED
                | _errors(400, 404, 503)}},
            "/api/search": {"get": {
                "operationId": "search", "tags": ["lineage"],
                "summary": "Things whose label, other name, code (NUTS, CCI, project index) or acronym "
                           "contains q (case, accents and Greek or Cyrillic letters aside): projects, regions, "
                           "organisations, practices, changes, instruments, action plans, programmes, calls",
                "parameters": [*SEARCH, REAL_ONLY],
                "responses": _json(_ref("SearchResults"), "iri, label, class, whether generated and the "
                                   "path of the page on this server of each match, best first")
                | NOT_MODIFIED | _errors(400, 503)}},
            **_networks(),
            **_linked(),
            "/dumps/": {"get": {
                "operationId": "dumps", "tags": ["dumps"],
                "summary": "The dump files with sizes and SHA-256 checksums: a page, or JSON for "
                           "clients that prefer it (Accept)",
                "responses": _media(["text/html", "application/json"], "the manifest",
                                    schemas={"application/json": _ref("Manifest"), "text/html": STR})
                | _errors(404, 503)}},
            "/about/data": {"get": {
                "operationId": "aboutData", "tags": ["dumps"],
                "summary": "What is real and what is generated, kind by kind, how the generated records are "
                           "calibrated and modelled, the real records with their sources: a page, or JSON (Accept)",
                "responses": _media(["text/html", "application/json"], "the data-quality description",
                                    schemas={"application/json": _ref("DataQuality"), "text/html": STR})
                | _errors(503)}},
            "/dumps/{file}": {"get": {
                "operationId": "dump", "tags": ["dumps"],
                "summary": "One dump file, with Content-Length, ETag (its SHA-256), Last-Modified and ranges",
                "parameters": [_path("file", {"enum": [d.name for d in DUMP_FILES]}, "ontology.ttl")],
                "responses": _media(sorted({d.media_type for d in DUMP_FILES}), "the file")
                | _media(sorted({d.media_type for d in DUMP_FILES}), "a byte range (Range)", "206")
                | NOT_MODIFIED | _errors(404, 416, 503)}},
            "/openapi.json": {"get": {"operationId": "openapi", "tags": ["pages"],
                                      "summary": "This document",
                                      "responses": _json({"type": "object", "required": ["openapi", "paths"]},
                                                         "the OpenAPI 3.1 document") | _errors()}},
            **_pages(),
        },
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"updateToken": {
                "type": "http", "scheme": "bearer",
                "description": "the value of IKG_UPDATE_TOKEN; SPARQL Update is off without it"}},
        },
        "tags": [{"name": t} for t in ("SPARQL", "named queries", "lineage", "networks", "linked data",
                                       "dumps", "pages")],
    }
