"""SHACL validation: the SPARQL compilation of the shapes agrees with pySHACL."""

from __future__ import annotations

import pytest
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef

from graph.store import OxigraphGraph
from graph.validate import ShapeError, compile_shapes, validate_store, validate_with_pyshacl

IKG = Namespace("https://ikg.example.org/ontology#")
ID = "https://ikg.example.org/id/"
NUTS = "http://data.europa.eu/nuts/code/"


@pytest.fixture(scope="module")
def extract(default_kg) -> Graph:
    """ERUDITE and what it links to, with the concepts and regions they use: a small valid graph."""
    g = Graph()
    seeds = [URIRef(ID + "project/ERUDITE")]
    seen: set = set()
    keep_following = ("project/", "participation/", "practice/", "call/", "programme/", "activity/")
    while seeds:
        s = seeds.pop()
        if s in seen:
            continue
        seen.add(s)
        res = default_kg.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", {"s": s})
        for _, p, o in res.rows:
            g.add((s, p, o))
            if isinstance(o, URIRef) and (
                any(k in str(o) for k in keep_following) or str(o).startswith(NUTS)
                or "/ontology/concept/" in str(o) or "/id/organisation/" in str(o) or "/id/geometry/" in str(o)
            ):
                seeds.append(o)
    for t in default_kg.query("""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
                                 CONSTRUCT { ?c a skos:Concept } WHERE { ?c a skos:Concept .
                                 FILTER(CONTAINS(STR(?c), "/ontology/concept/")) }""").triples:
        g.add(t)
    return g


def _both(g: Graph, tmp_path):
    """Our SPARQL validation in Oxigraph (the engine builds use) and pySHACL, on the same graph."""
    data = tmp_path / "data.nt"
    g.serialize(data, format="nt")
    kg = OxigraphGraph()
    kg.load(data, "ntriples")
    kg.load("ontology/ikg.ttl", "turtle", "https://ikg.example.org/graph/ontology")
    return validate_store(kg), validate_with_pyshacl(g)


def test_valid_extract_conforms_for_both_engines(extract, tmp_path):
    assert len(extract) > 300
    ours, theirs = _both(extract, tmp_path)
    assert theirs.conforms, theirs.text()
    assert ours.conforms, ours.text()


def _mutations():
    erudite = URIRef(ID + "project/ERUDITE")
    part = URIRef(ID + "participation/ERUDITE-1")

    def no_acronym(g):
        g.remove((erudite, IKG.acronym, None))

    def two_labels(g):
        g.add((erudite, RDFS.label, Literal("Another label")))

    def region_at_nuts3(g):
        org = g.value(part, IKG.participant)
        g.set((org, IKG.region, URIRef(NUTS + "FRE12")))
        g.add((URIRef(NUTS + "FRE12"), RDF.type, IKG.Region))

    def number_as_text(g):
        g.set((part, IKG.partnerNumber, Literal("first")))

    def no_provenance(g):
        g.remove((part, URIRef("http://www.w3.org/ns/prov#wasGeneratedBy"), None))

    def unknown_topic(g):
        g.set((erudite, IKG.topic, URIRef("https://ikg.example.org/ontology/concept/topic/space")))

    def negative_budget(g):
        g.set((erudite, IKG.erdfBudget, Literal("-5", datatype=URIRef(
            "http://www.w3.org/2001/XMLSchema#decimal"))))

    def partner_is_a_project(g):
        g.set((part, IKG.participant, erudite))

    return [no_acronym, two_labels, region_at_nuts3, number_as_text, no_provenance,
            unknown_topic, negative_budget, partner_is_a_project]


# each screen is checked in its set-wise form (0) and focus node by focus node (huge)
@pytest.mark.parametrize("per_focus_cost", [0, 10**9])
@pytest.mark.parametrize("mutate", _mutations(), ids=lambda f: f.__name__)
def test_both_engines_find_the_same_violations(extract, mutate, per_focus_cost, tmp_path, monkeypatch):
    monkeypatch.setattr("graph.validate.PER_FOCUS_COST", per_focus_cost)
    g = Graph()
    for t in extract:
        g.add(t)
    mutate(g)
    ours, theirs = _both(g, tmp_path)
    assert not ours.conforms and not theirs.conforms
    assert ours.focus_nodes() == theirs.focus_nodes(), (ours.text(), theirs.text())


def test_every_shape_of_the_ontology_compiles():
    checks = compile_shapes()
    assert len(checks) == 18  # one a class of ontology/VOCABULARY.md, ikg:Source and ikg:LabelPoint included
    assert all(c.screens for c in checks)
    assert sum(len(c.constraints) for c in checks) > 150


@pytest.mark.parametrize("extra", [
    "sh:hasValue ikg:X",
    "sh:path [ sh:inversePath ikg:acronym ]",
    "sh:qualifiedValueShape [ sh:datatype xsd:string ]",
])
def test_an_unsupported_shape_is_an_error_not_a_skipped_check(extra):
    shapes = Graph().parse(data=f"""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ikg: <https://ikg.example.org/ontology#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        ikg:S a sh:NodeShape ; sh:targetClass ikg:Project ;
          sh:property [ sh:path ikg:acronym ; sh:minCount 1 ; {extra} ] .""", format="turtle")
    with pytest.raises(ShapeError):
        compile_shapes(shapes)


def test_a_wide_screen_that_finds_other_classes_values_reports_nothing(extract, tmp_path):
    """A node of no target class with two labels and a literal as its region: the wide screens
    of rdfs:label and ikg:region find it, the exact ones (joined to each class) do not."""
    g = Graph()
    for t in extract:
        g.add(t)
    other = URIRef(ID + "thing/not-a-target")
    g.add((other, RDFS.label, Literal("one")))
    g.add((other, RDFS.label, Literal("two")))
    g.add((other, IKG.region, Literal("FR10")))
    ours, theirs = _both(g, tmp_path)
    assert theirs.conforms, theirs.text()
    assert ours.conforms, ours.text()
