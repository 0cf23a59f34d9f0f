"""The store interface: Oxigraph and rdflib answer alike; errors are translated once."""

from __future__ import annotations

import pytest
from rdflib import XSD, Literal, URIRef

from graph.errors import BadParameter, QuerySyntaxError, StoreError, UpdateFailed
from graph.store import OxigraphGraph, QueryRequest, RdflibGraph
from tests.conftest import FIXTURES

Q = """PREFIX ikg: <https://ikg.example.org/ontology#>
SELECT ?asOf ?acronym WHERE { ?p a ikg:Project ; ikg:acronym ?acronym ; ikg:startDate ?start .
  FILTER (?start <= ?asOf) } ORDER BY ?acronym"""


@pytest.fixture(params=["oxigraph", "rdflib"])
def kg(request):
    kg = OxigraphGraph() if request.param == "oxigraph" else RdflibGraph()
    kg.load(FIXTURES / "tiny.trig", "trig")
    return kg


def test_bound_parameters_filter_as_terms(kg):
    day = Literal("2018-01-01", datatype=XSD.date)
    assert [r["acronym"] for r in kg.query(Q, {"asOf": day}).records()] == ["ALPHA"]
    later = Literal("2020-01-01", datatype=XSD.date)
    assert [r["acronym"] for r in kg.query(Q, {"asOf": later}).records()] == ["ALPHA", "BETA"]


def test_union_of_named_graphs_is_the_default_graph(kg):
    res = kg.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert res.records()[0]["n"] == len(kg) > 20


def test_ask_and_construct(kg):
    assert kg.query("ASK { ?s a <https://ikg.example.org/ontology#PolicyChange> }").boolean is True
    res = kg.query("CONSTRUCT { ?c <urn:p> ?gp } WHERE { ?c <https://ikg.example.org/ontology#inspiredBy> ?gp }")
    assert res.triples == [(URIRef("https://ikg.example.org/id/change/C1"), URIRef("urn:p"),
                            URIRef("https://ikg.example.org/id/practice/GP1"))]


def test_a_malformed_query_is_a_syntax_error(kg):
    with pytest.raises(QuerySyntaxError) as e:
        kg.query("SELEC ?x WHERE { ?x ?y ?z }")
    assert e.value.code == "sparql_syntax"


@pytest.mark.parametrize("fmt, start", [("json", b'{"head"'), ("xml", b"<?xml"),
                                        ("csv", b"acronym"), ("tsv", b"?acronym")])
def test_streamed_answers_alike_in_both_engines(kg, fmt, start):
    q = "PREFIX ikg: <https://ikg.example.org/ontology#> SELECT ?acronym WHERE { ?p ikg:acronym ?acronym }"
    answer = kg.stream(QueryRequest(q, fmt))
    body = b"".join(answer.chunks)
    assert answer.kind == "select" and body.startswith(start) and not answer.truncated
    assert b"ALPHA" in body and b"BETA" in body


# ----------------------------------------------------------------------------- engine errors


def test_a_bound_parameter_the_select_does_not_return_is_a_bad_parameter():
    kg = OxigraphGraph()
    kg.load(FIXTURES / "tiny.trig", "trig")
    with pytest.raises(BadParameter) as e:
        kg.query("SELECT ?p WHERE { ?p ?q ?o }", {"o": Literal("x")})
    assert e.value.detail == {"param": "o"} and "?o" in e.value.message


@pytest.mark.parametrize("update, graph, verb", [
    ("CLEAR GRAPH <http://example.org/missing>", "http://example.org/missing", "does not exist"),
    ("DROP GRAPH <http://example.org/missing>", "http://example.org/missing", "does not exist"),
    ("CREATE GRAPH <http://example.org/g> ; CREATE GRAPH <http://example.org/g>", "http://example.org/g",
     "already exists"),
])
def test_an_update_the_engine_refuses_is_update_failed_and_changes_nothing(update, graph, verb):
    kg = OxigraphGraph()
    kg.load(FIXTURES / "tiny.trig", "trig")
    before = len(kg)
    with pytest.raises(UpdateFailed) as e:
        kg.update("INSERT DATA { <http://example.org/s> <http://example.org/p> 1 } ; " + update)
    assert e.value.detail == {"graph": graph} and verb in e.value.message and "SILENT" in e.value.message
    assert len(kg) == before  # one transaction: the INSERT before it was not applied either


def test_any_other_engine_error_is_a_store_error(monkeypatch):
    kg = OxigraphGraph()

    class Failing:
        def query(self, *args, **kwargs):
            raise RuntimeError("something inside the engine broke")

    monkeypatch.setattr(kg, "_store", Failing())
    with pytest.raises(StoreError):
        kg.stream(QueryRequest("SELECT * { ?s ?p ?o }", "json"))
