"""The store interface: Oxigraph and rdflib answer alike; errors are translated once."""

from __future__ import annotations

import pytest
from rdflib import XSD, Literal, URIRef

from graph.errors import QuerySyntaxError
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
