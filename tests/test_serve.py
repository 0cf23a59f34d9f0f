"""A real `ikg serve` process answers real HTTP clients (SPARQLWrapper, urllib)."""

from __future__ import annotations

import json
import time
import urllib.parse
import urllib.request

import pytest
from rdflib import Graph
from SPARQLWrapper import CSV, JSON, JSONLD, TSV, TURTLE, XML, SPARQLWrapper

COUNT = ("PREFIX ikg: <https://ikg.example.org/ontology#> "
         "SELECT (COUNT(DISTINCT ?project) AS ?n) WHERE { ?project a ikg:Project }")


def test_sparqlwrapper_counts_258_projects(server):
    sw = SPARQLWrapper(server + "/sparql")
    sw.setQuery(COUNT)
    sw.setReturnFormat(JSON)
    result = sw.query().convert()
    assert result["results"]["bindings"][0]["n"]["value"] == "258"


def test_sparqlwrapper_csv_and_post(server):
    sw = SPARQLWrapper(server + "/sparql")
    sw.setQuery(COUNT)
    sw.setMethod("POST")
    sw.setReturnFormat(CSV)
    assert sw.query().convert().decode().split() == ["n", "258"]


def test_plain_http_post_form(server):
    body = urllib.parse.urlencode({"query": COUNT}).encode()
    req = urllib.request.Request(server + "/sparql", data=body,
                                 headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.headers["Content-Type"].startswith("application/sparql-results+json")
        data = json.load(resp)
    assert data["results"]["bindings"][0]["n"]["value"] == "258"


def test_http_error_shape_over_the_wire(server):
    url = server + "/sparql?" + urllib.parse.urlencode({"query": "SELECT nonsense"})
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(url, timeout=10)
    assert e.value.code == 400
    assert json.load(e.value)["code"] == "sparql_syntax"


PROJECTS_OF_SI = """PREFIX ikg: <https://ikg.example.org/ontology#>
SELECT ?acronym WHERE {
  ?p a ikg:Project ; ikg:acronym ?acronym ; ikg:hasParticipation/ikg:participant/ikg:country
     <http://data.europa.eu/nuts/code/SI> .
  FILTER (?acronym = "ERUDITE") }"""
FABLAB = """PREFIX ikg: <https://ikg.example.org/ontology#>
CONSTRUCT { ?change ikg:improves ?op } WHERE {
  ?change ikg:improves ?op . ?op ikg:cciCode "2014SI16MAOP001" }"""
OP = "https://ikg.example.org/id/instrument/2014SI16MAOP001"


def _wrapper(server, query, fmt, method="GET"):
    sw = SPARQLWrapper(server + "/sparql")
    sw.setQuery(query)
    sw.setReturnFormat(fmt)
    sw.setMethod(method)
    return sw.query().convert()


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_select_in_json_xml_csv_tsv(server, method):
    js = _wrapper(server, PROJECTS_OF_SI, JSON, method)
    assert [b["acronym"]["value"] for b in js["results"]["bindings"]] == ["ERUDITE"]
    xml = _wrapper(server, PROJECTS_OF_SI, XML, method)  # a DOM document
    assert [n.firstChild.data for n in xml.getElementsByTagName("literal")] == ["ERUDITE"]
    assert _wrapper(server, PROJECTS_OF_SI, CSV, method).decode().split() == ["acronym", "ERUDITE"]
    assert _wrapper(server, PROJECTS_OF_SI, TSV, method).decode().split() == ["?acronym", '"ERUDITE"']


def test_sparqlwrapper_ask(server):
    ask = "ASK { <https://ikg.example.org/id/project/ERUDITE> ?p ?o }"
    assert _wrapper(server, ask, JSON)["boolean"] is True
    assert _wrapper(server, ask.replace("ERUDITE", "NOPE"), JSON)["boolean"] is False


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_construct_and_describe_in_turtle_and_jsonld(server, method):
    g = _wrapper(server, FABLAB, TURTLE, method)
    g = Graph().parse(data=g, format="turtle") if isinstance(g, (bytes, str)) else g
    assert {str(o) for o in g.objects()} == {OP}
    jl = _wrapper(server, FABLAB, JSONLD, method)
    jl = Graph().parse(data=jl, format="json-ld") if isinstance(jl, (bytes, str)) else jl
    assert {str(o) for o in jl.objects()} == {OP}
    d = _wrapper(server, f"DESCRIBE <{OP}>", TURTLE, method)
    d = Graph().parse(data=d, format="turtle") if isinstance(d, (bytes, str)) else d
    assert any(str(o) == "2014SI16MAOP001" for o in d.objects())


def test_sparqlwrapper_sees_the_error(server):
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    with pytest.raises(QueryBadFormed):
        _wrapper(server, "SELECT ?x WHERE { ?x }", JSON)


def test_a_pathological_query_times_out_and_a_simple_one_is_answered_meanwhile(short_timeout_server):
    import threading

    cross = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    result: dict = {}

    def heavy():
        start = time.monotonic()
        url = short_timeout_server + "/sparql?" + urllib.parse.urlencode({"query": cross})
        try:
            urllib.request.urlopen(url, timeout=120).read()
            result["status"] = 200
        except urllib.error.HTTPError as e:
            result["status"], result["body"] = e.code, json.load(e)
        result["seconds"] = time.monotonic() - start

    t = threading.Thread(target=heavy)
    t.start()
    answer = _wrapper(short_timeout_server, COUNT, JSON)
    assert answer["results"]["bindings"][0]["n"]["value"] == "258"
    t.join(timeout=120)
    assert result["status"] == 503 and result["body"]["code"] == "query_timeout"
    assert result["seconds"] >= 3  # stopped at the deadline, not before


def test_cors_preflight_over_the_wire(server):
    req = urllib.request.Request(server + "/sparql", method="OPTIONS", headers={
        "Origin": "http://example.org", "Access-Control-Request-Method": "POST"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.headers["Access-Control-Allow-Origin"] == "*"
        assert "POST" in resp.headers["Access-Control-Allow-Methods"]


def test_named_query_through_the_worker_pool(server):
    url = server + "/queries/headline-figures?" + urllib.parse.urlencode(
        {"asOf": "2023-03-31", "format": "csv"})
    with urllib.request.urlopen(url, timeout=30) as resp:
        header, values = resp.read().decode().splitlines()
    assert dict(zip(header.split(","), values.split(",")))["sfInstruments"] == "525"


def test_lineage_through_the_worker_pool(server):
    url = server + "/api/lineage/upstream?" + urllib.parse.urlencode(
        {"iri": "https://ikg.example.org/id/change/2014SI16MAOP001-C1"})
    with urllib.request.urlopen(url, timeout=30) as resp:
        body = json.load(resp)
    assert body["changes"][0]["practices"][0]["title"] == "SEROI roadmap"
    missing = server + "/api/lineage/downstream?" + urllib.parse.urlencode(
        {"practice": "https://ikg.example.org/id/practice/NOPE"})
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(missing, timeout=30)
    assert e.value.code == 404 and json.load(e.value)["code"] == "not_found"
