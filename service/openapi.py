"""The OpenAPI 3.1 document of ikg's HTTP API, written as data."""

from __future__ import annotations

from typing import Any

from graph.export import DUMP_FILES
from service.errors import STATUS

__all__ = ["openapi_document"]


def _iri_param(name: str, description: str, example: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": True, "description": description,
            "schema": {"type": "string", "format": "iri"}, "example": example}


def _errors(*statuses: int) -> dict[str, Any]:
    return {str(s): {"description": ", ".join(sorted(c for c, v in STATUS.items() if v == s)),
                     "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            for s in statuses}


def _json(description: str) -> dict[str, Any]:
    return {"200": {"description": description,
                    "content": {"application/json": {"schema": {"type": "object"}}}}}


ID = "https://ikg.example.org/id/"
RESULT_TYPES = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                "text/tab-separated-values", "text/turtle", "application/ld+json",
                "application/n-triples", "application/rdf+xml", "application/n-quads"]


DOC_TYPES = ["text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml",
             "text/html"]


def openapi_document(server: str) -> dict[str, Any]:
    """The document, with ``server`` as the base URL."""
    answers = {"200": {"description": "the answer, in the negotiated format",
                       "content": {t: {} for t in RESULT_TYPES}}}
    query_params = [
        {"name": "query", "in": "query", "required": False, "schema": {"type": "string"},
         "description": "the SPARQL query (without it, GET answers the service description)"},
        {"name": "default-graph-uri", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}},
        {"name": "named-graph-uri", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}},
        {"name": "format", "in": "query", "schema": {"type": "string"},
         "description": "json, xml, csv, tsv, turtle, jsonld, ntriples, rdfxml, nquads (overrides Accept)"},
    ]
    return {
        "openapi": "3.1.0",
        "info": {"title": "ikg: the knowledge graph of European interregional cooperation",
                 "version": "0.1.0",
                 "description": "SPARQL 1.1 endpoint, named queries, and a JSON API to trace which "
                                "good practice inspired which policy change. Attribution rule: a "
                                "change inspired by n practices gives each 1/n of its EUR."},
        "servers": [{"url": server}],
        "paths": {
            "/sparql": {
                "get": {"summary": "SPARQL 1.1 query (or the service description without a query)",
                        "parameters": query_params,
                        "responses": answers | _errors(400, 406, 503)},
                "post": {"summary": "SPARQL 1.1 query or update (form or direct body)",
                         "requestBody": {"content": {
                             "application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": {
                                 "query": {"type": "string"}, "update": {"type": "string"}}}},
                             "application/sparql-query": {"schema": {"type": "string"}},
                             "application/sparql-update": {"schema": {"type": "string"}}}},
                         "responses": answers | {"204": {"description": "update done"}}
                         | _errors(400, 401, 403, 406, 415, 503)},
            },
            "/queries": {"get": {"summary": "The catalogue of named queries with their parameters",
                                 "responses": _json("the catalogue")}},
            "/queries/{name}": {"get": {
                "summary": "Run a named query; its parameters go in the query string, typed",
                "parameters": [{"name": "name", "in": "path", "required": True,
                                "schema": {"type": "string"}, "example": "headline-figures"}],
                "responses": answers | _errors(400, 404, 406, 503)}},
            "/api/lineage/downstream": {"get": {
                "summary": "What a good practice led to: actions, action plans, instruments, policy "
                           "changes, with EUR totals and the EUR attributed to the practice",
                "parameters": [_iri_param("practice", "a good practice", ID + "practice/ERUDITE-GP1")],
                "responses": _json("the lineage tree") | _errors(400, 404, 503)}},
            "/api/lineage/upstream": {"get": {
                "summary": "What lies behind a policy change or instrument: practices, organisations, "
                           "regions and projects, with the evidence",
                "parameters": [_iri_param("iri", "a policy change or policy instrument",
                                          ID + "change/2014SI16MAOP001-C1")],
                "responses": _json("the lineage") | _errors(400, 404, 503)}},
            "/api/path": {"get": {
                "summary": "A shortest path between two entities, with the predicates of its edges",
                "parameters": [_iri_param("from", "one entity", ID + "practice/ERUDITE-GP1"),
                               _iri_param("to", "another entity", ID + "project/SYMBI"),
                               {"name": "max_hops", "in": "query", "schema": {"type": "integer",
                                                                              "minimum": 1, "maximum": 10}}],
                "responses": _json("the path") | _errors(400, 404, 503)}},
            "/api/neighbourhood": {"get": {
                "summary": "The entities within k steps of one entity",
                "parameters": [_iri_param("iri", "an entity", ID + "project/ERUDITE"),
                               {"name": "k", "in": "query", "schema": {"type": "integer", "minimum": 1,
                                                                       "maximum": 3}}],
                "responses": _json("nodes and edges") | _errors(400, 404, 503)}},
            "/api/search": {"get": {
                "summary": "Things whose label contains q (case-insensitive): projects, regions, "
                           "organisations, practices, changes, instruments, action plans, calls",
                "parameters": [{"name": "q", "in": "query", "required": True,
                                "schema": {"type": "string", "minLength": 2, "maxLength": 100},
                                "example": "Fab Lab"},
                               {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1,
                                                                           "maximum": 200}}],
                "responses": _json("iri, label and class of each match, best first") | _errors(400, 503)}},
            "/api/networks/{view}": {"get": {
                "summary": "A network view (regions, transfers, organisations) as node-link JSON, "
                           "GraphML, GEXF or CSV",
                "parameters": [
                    {"name": "view", "in": "path", "required": True,
                     "schema": {"enum": ["regions", "transfers", "organisations"]}},
                    {"name": "level", "in": "query", "schema": {"enum": [0, 1, 2]}},
                    {"name": "call", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 4}},
                    {"name": "topic", "in": "query", "schema": {"type": "string"}, "example": "so-3-1"},
                    {"name": "as_of", "in": "query", "schema": {"type": "string", "format": "date"}},
                    {"name": "format", "in": "query",
                     "schema": {"enum": ["json", "graphml", "gexf", "nodes.csv", "edges.csv"]}}],
                "responses": _json("the network") | _errors(400, 503)}},
            "/api/networks/{view}/metrics": {"get": {
                "summary": "One analysis of a network view",
                "parameters": [
                    {"name": "view", "in": "path", "required": True,
                     "schema": {"enum": ["regions", "transfers", "organisations"]}},
                    {"name": "metric", "in": "query", "schema": {"enum": [
                        "summary", "centrality", "small-world", "communities", "core-periphery",
                        "net-flows", "category-mixing", "reach", "growth"]}},
                    {"name": "k", "in": "query", "schema": {"type": "integer"}},
                    {"name": "seed", "in": "query", "schema": {"type": "integer"}}],
                "responses": _json("the analysis") | _errors(400, 503)}},
            "/id/{kind}/{key}": {"get": {
                "summary": "A record's IRI: 303 See Other to its document",
                "parameters": [{"name": "kind", "in": "path", "required": True,
                                "schema": {"type": "string"}, "example": "project"},
                               {"name": "key", "in": "path", "required": True,
                                "schema": {"type": "string"}, "example": "ERUDITE"}],
                "responses": {"303": {"description": "Location: /doc/{kind}/{key}"}} | _errors(404)}},
            "/doc/{kind}/{key}": {"get": {
                "summary": "The description of a record (or /doc/nuts/{code}, /doc/concept/{scheme}/{key}): "
                           "outgoing statements, labels of linked things, incoming links a page at a time; "
                           "an extension (.ttl, .jsonld, .nt, .rdf, .html) overrides Accept",
                "parameters": [{"name": "kind", "in": "path", "required": True,
                                "schema": {"type": "string"}, "example": "practice"},
                               {"name": "key", "in": "path", "required": True,
                                "schema": {"type": "string"}, "example": "ERUDITE-GP1"},
                               {"name": "incoming", "in": "query", "schema": {"type": "integer", "minimum": 0},
                                "description": "offset of the page of incoming links (100 a page)"}],
                "responses": {"200": {"description": "the document", "content": {t: {} for t in DOC_TYPES}},
                              "304": {"description": "the client's copy is current"}}
                | _errors(400, 404, 406)}},
            "/ontology": {"get": {
                "summary": "The ontology at its namespace, negotiated; HTML documentation by pyLODE",
                "responses": {"200": {"description": "the ontology", "content": {t: {} for t in DOC_TYPES}}}
                | _errors(406)}},
            "/.well-known/void": {"get": {
                "summary": "VoID and DCAT description of the dataset, with statistics from the store",
                "responses": {"200": {"description": "the description",
                                      "content": {t: {} for t in DOC_TYPES}}} | _errors(406, 503)}},
            "/dumps/": {"get": {
                "summary": "The dump files with sizes and SHA-256 checksums (HTML or JSON)",
                "responses": _json("the manifest") | _errors(404)}},
            "/dumps/{file}": {"get": {
                "summary": "One dump file, with Content-Length, ETag (its SHA-256), Last-Modified and ranges",
                "parameters": [{"name": "file", "in": "path", "required": True,
                                "schema": {"enum": [d.name for d in DUMP_FILES]}}],
                "responses": {"200": {"description": "the file"}, "206": {"description": "a byte range"},
                              "304": {"description": "the client's copy is current"}} | _errors(404)}},
        },
        "components": {"schemas": {"Error": {
            "type": "object", "required": ["ok", "status", "code", "error", "detail"],
            "properties": {"ok": {"const": False}, "status": {"type": "integer"},
                           "code": {"type": "string", "enum": sorted(STATUS)},
                           "error": {"type": "string"}, "detail": {"type": "object"}}}}},
    }
