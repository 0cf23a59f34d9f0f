"""The SPARQL 1.1 Protocol at /sparql through the Flask test client, with the one error shape."""

from __future__ import annotations

import csv
import io
import json

import pytest
from rdflib import Graph

from tests.conftest import assert_error

IKG = "PREFIX ikg: <https://ikg.example.org/ontology#> "
COUNT = IKG + "SELECT (COUNT(?p) AS ?n) WHERE { ?p a ikg:Project }"
ACRONYMS = IKG + "SELECT ?acronym WHERE { ?p ikg:acronym ?acronym } ORDER BY ?acronym"
CONSTRUCT = IKG + "CONSTRUCT { ?c ikg:inspiredBy ?gp } WHERE { ?c ikg:inspiredBy ?gp }"
DESCRIBE = "DESCRIBE <https://ikg.example.org/id/change/C1>"
ASK = IKG + "ASK { ?c a ikg:PolicyChange }"


def _n(resp) -> int:
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return int(resp.get_json()["results"]["bindings"][0]["n"]["value"])


def test_get_post_form_and_post_direct_answer_alike(client):
    assert _n(client.get("/sparql", query_string={"query": COUNT})) == 2
    assert _n(client.post("/sparql", data={"query": COUNT})) == 2
    assert _n(client.post("/sparql", data=COUNT, content_type="application/sparql-query")) == 2
    assert _n(client.post("/sparql", data=COUNT.encode(),
                          content_type="application/sparql-query; charset=utf-8")) == 2


@pytest.mark.parametrize("accept, media", [
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("application/json", "application/sparql-results+json"),
    ("*/*", "application/sparql-results+json"),
    ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
    ("application/sparql-results+json,*/*;q=0.9", "application/sparql-results+json"),  # YASGUI
    ("text/html, */*;q=0.1", "application/sparql-results+json"),
])
def test_select_negotiation_with_q_values(client, accept, media):
    resp = client.get("/sparql", query_string={"query": ACRONYMS}, headers={"Accept": accept})
    assert resp.status_code == 200 and resp.mimetype == media
    assert "Accept" in resp.headers["Vary"]


def test_select_values_in_every_format(client):
    q = {"query": ACRONYMS}
    js = client.get("/sparql", query_string=q | {"format": "json"}).get_json()
    assert [b["acronym"]["value"] for b in js["results"]["bindings"]] == ["ALPHA", "BETA"]
    xml = client.get("/sparql", query_string=q | {"format": "xml"}).get_data(as_text=True)
    assert xml.index("<literal>ALPHA</literal>") < xml.index("<literal>BETA</literal>")
    rows = list(csv.reader(io.StringIO(
        client.get("/sparql", query_string=q | {"format": "csv"}).get_data(as_text=True))))
    assert rows == [["acronym"], ["ALPHA"], ["BETA"]]
    tsv = client.get("/sparql", query_string=q | {"format": "tsv"}).get_data(as_text=True)
    assert tsv.splitlines() == ["?acronym", '"ALPHA"', '"BETA"']


@pytest.mark.parametrize("param", ["format", "output", "results"])
def test_format_parameters_override_accept(client, param):
    resp = client.get("/sparql", query_string={"query": COUNT, param: "csv"},
                      headers={"Accept": "application/sparql-results+xml"})
    assert resp.mimetype == "text/csv" and resp.get_data(as_text=True).splitlines() == ["n", "2"]


@pytest.mark.parametrize("fmt, value", [("json", "true"), ("xml", "<boolean>true</boolean>"),
                                        ("csv", "true"), ("tsv", "true")])
def test_ask_in_every_format(client, fmt, value):
    resp = client.get("/sparql", query_string={"query": ASK, "format": fmt})
    assert resp.status_code == 200 and value in resp.get_data(as_text=True)
    if fmt == "json":
        assert resp.get_json() == {"head": {}, "boolean": True}


@pytest.mark.parametrize("accept, media, rdflib_format", [
    ("text/turtle", "text/turtle", "turtle"),
    ("application/ld+json", "application/ld+json", "json-ld"),
    ("application/n-triples", "application/n-triples", "nt"),
    ("application/rdf+xml", "application/rdf+xml", "xml"),
    ("application/n-quads", "application/n-quads", "nquads"),
    ("*/*", "text/turtle", "turtle"),
])
@pytest.mark.parametrize("query", [CONSTRUCT, DESCRIBE], ids=["construct", "describe"])
def test_graph_answers_in_every_rdf_format(client, accept, media, rdflib_format, query):
    resp = client.get("/sparql", query_string={"query": query}, headers={"Accept": accept})
    assert resp.status_code == 200 and resp.mimetype == media
    g = Graph()
    g.parse(data=resp.get_data(as_text=True), format=rdflib_format)
    assert len(g) >= 1
    assert any(str(s) == "https://ikg.example.org/id/change/C1" for s in g.subjects())


def test_not_acceptable_is_a_406(client):
    assert_error(client.get("/sparql", query_string={"query": COUNT},
                            headers={"Accept": "image/png"}), 406, "not_acceptable")
    assert_error(client.get("/sparql", query_string={"query": CONSTRUCT},
                            headers={"Accept": "text/csv"}), 406, "not_acceptable")


def test_default_and_named_graph_uris(client):
    generated = "https://ikg.example.org/graph/generated"
    q = {"query": COUNT, "default-graph-uri": generated}
    assert _n(client.get("/sparql", query_string=q)) == 2
    q = {"query": COUNT, "default-graph-uri": "https://ikg.example.org/graph/nothing"}
    assert _n(client.get("/sparql", query_string=q)) == 0
    named = IKG + "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    q = {"query": named, "named-graph-uri": generated}
    assert _n(client.get("/sparql", query_string=q)) == 1
    assert _n(client.post("/sparql", data={"query": named, "named-graph-uri": "urn:none"})) == 0


def test_service_description_on_a_bare_get(client):
    resp = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert resp.status_code == 200 and resp.mimetype == "text/turtle"
    g = Graph().parse(data=resp.get_data(as_text=True), format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    (endpoint,) = list(g.objects(None, __import__("rdflib").URIRef(sd + "endpoint")))
    assert str(endpoint).endswith("/sparql")
    names = {str(o) for o in g.objects(None, __import__("rdflib").URIRef(sd + "name"))}
    assert names == {"https://ikg.example.org/graph/generated"}
    jsonld = client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert jsonld.mimetype == "application/ld+json" and json.loads(jsonld.get_data())


def test_row_cap_cuts_and_says_so(tiny_kg):
    from service.app import create_app

    client = create_app({"TESTING": True, "IKG_KG": tiny_kg, "IKG_ROW_LIMIT": 1}).test_client()
    resp = client.get("/sparql", query_string={"query": ACRONYMS, "format": "csv"})
    assert resp.get_data(as_text=True).splitlines() == ["acronym", "ALPHA"]
    assert resp.headers["Ikg-Result-Truncated"] == "true; limit=1"
    resp = client.get("/sparql", query_string={"query": COUNT})
    assert "Ikg-Result-Truncated" not in resp.headers


def test_syntax_error_is_a_400_with_the_parser_message_and_position(client):
    body = assert_error(client.get("/sparql", query_string={"query": "SELECT ?x WHERE { ?x ?y }"}),
                        400, "sparql_syntax")
    assert body["detail"]["line"] == 1 and body["detail"]["column"] > 1
    assert "error at 1:" in body["detail"]["message"]


@pytest.mark.parametrize("kwargs, status, code", [
    ({"method": "GET", "query_string": {"query": ""}}, 400, "missing_query"),
    ({"method": "GET", "query_string": [("query", COUNT), ("query", COUNT)]}, 400, "missing_query"),
    ({"method": "POST", "data": {"format": "json"}}, 400, "missing_query"),
    ({"method": "POST", "data": {"query": [COUNT, COUNT]}}, 400, "missing_query"),
    # the dataset's IRIs are checked where they come in (NIL, empty and a control character were 500s)
    ({"method": "GET", "query_string": {"query": COUNT, "default-graph-uri": "NIL"}}, 400, "bad_parameter"),
    ({"method": "GET", "query_string": {"query": COUNT, "named-graph-uri": ""}}, 400, "bad_parameter"),
    ({"method": "POST", "data": {"query": COUNT, "default-graph-uri": "http://x\x01y"}}, 400, "bad_parameter"),
    ({"method": "POST", "data": "x", "content_type": "text/plain"}, 415, "unsupported_media_type"),
    ({"method": "POST", "data": COUNT}, 415, "unsupported_media_type"),
    ({"method": "PUT", "data": COUNT}, 405, "method_not_allowed"),
    ({"method": "DELETE"}, 405, "method_not_allowed"),
])
def test_protocol_errors_have_the_error_shape(client, kwargs, status, code):
    assert_error(client.open("/sparql", **kwargs), status, code)


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { service <http://example.org/sparql> { ?s ?p ?o } }",
    "PREFIX ex: <http://x/> SELECT * WHERE { SERVICE SILENT ex:ep { ?s ?p ?o } }",
])
def test_service_is_refused(client, query):
    body = assert_error(client.get("/sparql", query_string={"query": query}), 400,
                        "service_not_allowed")
    assert body["detail"]["operations"] == ["SERVICE"]


def test_service_in_a_string_or_a_variable_is_fine(client):
    q = 'SELECT ?service WHERE { BIND("SERVICE <x>" AS ?service) }'
    assert client.get("/sparql", query_string={"query": q}).status_code == 200


UPDATE = "INSERT DATA { <urn:a> <urn:b> <urn:c> }"


def test_update_is_off_by_default(client):
    body = assert_error(client.post("/sparql", data={"update": UPDATE}), 403, "update_forbidden")
    assert "IKG_UPDATE_TOKEN" in body["error"]
    assert_error(client.post("/sparql", data=UPDATE, content_type="application/sparql-update"),
                 403, "update_forbidden")
    # by GET, an update is refused as a method the operation does not take, on or off
    resp = client.get("/sparql", query_string={"update": UPDATE})
    body = assert_error(resp, 405, "method_not_allowed")
    assert resp.headers["Allow"] == "POST" and "POST" in body["error"]


def test_update_needs_the_bearer_token_when_enabled(tiny_kg):
    from service.app import create_app

    client = create_app({"TESTING": True, "IKG_KG": tiny_kg,
                         "IKG_UPDATE_TOKEN": "s3cret"}).test_client()
    assert_error(client.post("/sparql", data={"update": UPDATE}), 401, "unauthorized")
    assert_error(client.post("/sparql", data={"update": UPDATE},
                             headers={"Authorization": "Bearer wrong"}), 401, "unauthorized")
    ok = client.post("/sparql", data={"update": UPDATE}, headers={"Authorization": "Bearer s3cret"})
    assert ok.status_code == 204
    ask = client.get("/sparql", query_string={"query": "ASK { <urn:a> <urn:b> <urn:c> }"})
    assert ask.get_json()["boolean"] is True
    load = client.post("/sparql", data={"update": "LOAD <http://example.org/data.ttl>"},
                       headers={"Authorization": "Bearer s3cret"})
    assert_error(load, 400, "service_not_allowed")
    bad = client.post("/sparql", data={"update": "INSERT DATA { <urn:a> }"},
                      headers={"Authorization": "Bearer s3cret"})
    assert_error(bad, 400, "sparql_syntax")


def test_cors_on_answers_errors_and_preflight(client):
    resp = client.get("/sparql", query_string={"query": COUNT}, headers={"Origin": "http://yasgui.org"})
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    err = client.get("/sparql", query_string={"query": "nonsense"})
    assert err.headers["Access-Control-Allow-Origin"] == "*"
    pre = client.options("/sparql", headers={
        "Origin": "http://yasgui.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert pre.status_code in (200, 204)
    assert "POST" in pre.headers["Access-Control-Allow-Methods"]
    assert pre.headers["Access-Control-Allow-Headers"] == "content-type"


def test_unknown_route_is_a_json_404(client):
    assert_error(client.get("/nowhere"), 404, "not_found")


def test_a_crash_is_a_500_without_details(app, monkeypatch):
    from graph.store import OxigraphGraph

    def boom(*a, **k):
        raise ZeroDivisionError("secret internals")

    monkeypatch.setattr(OxigraphGraph, "stream", boom)
    body = assert_error(app.test_client().get("/sparql", query_string={"query": COUNT}), 500,
                        "internal_error")
    assert "secret" not in json.dumps(body)


def test_missing_store_is_a_503(tmp_path):
    from service.app import create_app

    client = create_app({"IKG_STORE": str(tmp_path / "none")}).test_client()
    body = assert_error(client.get("/sparql", query_string={"query": COUNT}), 503,
                        "store_not_found")
    assert "ikg build" in body["error"]
