"""The derived graphs (graph.derived): the facts the region-level network views read are the
rules applied to the records, real and generated facts are kept apart, and every write through
ikg (build, import, update) rewrites them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from graph import derived
from graph.execution import InlineExecutor
from graph.namespaces import Graphs
from graph.network import Filters, network, view_metrics
from graph.sources import build_from_sources
from graph.store import OxigraphGraph, StoreLocation, open_store

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "cd-eta"
G = Graphs()
P = """PREFIX ikg: <https://ikg.example.org/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""
FILTERS = [Filters(), Filters(level=1), Filters(level=0), Filters(call=2), Filters(topic="so-3-1"),
           Filters(as_of=date(2018, 6, 30)), Filters(real_only=True),
           Filters(call=3, level=1, as_of=date(2021, 12, 31))]


def _edges(G) -> list[tuple]:
    return sorted((a, b, d["weight"], round(d.get("eur", 0.0), 2), d["real_weight"], d["generated"])
                  for a, b, d in G.edges(data=True))


def _as_they_read(monkeypatch) -> None:
    """Make the views apply the rules as they read, as on a store without derived graphs."""
    monkeypatch.setattr(derived, "available", lambda kg: None)


@pytest.mark.parametrize("f", FILTERS, ids=lambda f: ",".join(f"{k}={v}" for k, v in vars(f).items()
                                                               if v not in (None, False, 2)) or "all")
@pytest.mark.parametrize("view", ["regions", "transfers"])
def test_views_from_derived_facts_equal_the_rules_applied_as_they_read(backend_kg, monkeypatch, view, f):
    assert derived.available(backend_kg) is not None  # the build wrote them; push carried them
    stored = _edges(network(backend_kg, view, f))
    assert stored or (view, f.real_only) == ("regions", True)  # real projects have generated partners
    _as_they_read(monkeypatch)
    assert _edges(network(backend_kg, view, f)) == stored


@pytest.mark.parametrize("view", ["regions", "transfers"])
def test_growth_from_derived_facts_equals_the_rules_applied_as_they_read(default_kg, monkeypatch, view):
    stored = view_metrics(default_kg, view, "growth")["result"]
    assert [c["call"] for c in stored] == [1, 2, 3, 4] and stored[-1]["edges"] > stored[0]["edges"] > 0
    _as_they_read(monkeypatch)
    assert view_metrics(default_kg, view, "growth")["result"] == stored


def test_real_and_generated_facts_are_kept_apart(default_kg):
    """A fact in derived/real rests on real records alone; one in derived/generated has a
    generated record among its premises."""
    d = derived.available(default_kg)
    assert d == derived.DerivedGraphs(G.derived_real, G.derived_generated)
    leaning = default_kg.query(P + f"""ASK {{ GRAPH <{d.real}> {{ ?t ikg:ofChange ?c ; ikg:ofPractice ?p }}
        {{ ?c prov:wasGeneratedBy ?run }} UNION {{ ?p prov:wasGeneratedBy ?run }} }}""").boolean
    unmarked = default_kg.query(P + f"""ASK {{ GRAPH <{d.generated}> {{ ?t ikg:ofChange ?c ; ikg:ofPractice ?p }}
        FILTER NOT EXISTS {{ ?c prov:wasGeneratedBy ?r1 }}
        FILTER NOT EXISTS {{ ?p prov:wasGeneratedBy ?r2 }} }}""").boolean
    assert leaning is False and unmarked is False
    counts = dict(default_kg.query(P + """SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?t a ikg:Transfer } }
        GROUP BY ?g""").rows)
    assert int(counts[_iri(d.real)]) == 1 and int(counts[_iri(d.generated)]) > 1000
    # the nine real projects' partners are generated: none of their regions is a real fact
    assert not default_kg.query(P + f"ASK {{ GRAPH <{d.real}> {{ ?p ikg:partnerRegion ?r }} }}").boolean


def _iri(s: str):
    from rdflib import URIRef

    return URIRef(s)


@pytest.fixture()
def writable(default_kg, tmp_path) -> OxigraphGraph:
    """A writable copy of the default graph's store."""
    default_kg.backup(tmp_path / "copy")
    kg = OxigraphGraph(tmp_path / "copy")
    yield kg
    kg.close()


def test_an_update_through_ikg_rewrites_the_derived_facts(writable, monkeypatch):
    """Move the organisations of one region to another: the views read the new facts, which
    are again the rules applied to the records."""
    before = network(writable, "regions")
    moved, to = "http://data.europa.eu/nuts/code/ITC4", "http://data.europa.eu/nuts/code/ITC1"
    assert moved in before and to in before
    InlineExecutor(writable).update(P + f"""DELETE {{ GRAPH ?g {{ ?o ikg:region <{moved}> }} }}
        INSERT {{ GRAPH ?g {{ ?o ikg:region <{to}> }} }}
        WHERE {{ GRAPH ?g {{ ?o a ikg:Organisation ; ikg:region <{moved}> }} }}""")
    assert derived.available(writable) is not None
    after = network(writable, "regions")
    assert moved not in after and after.degree(to, weight="weight") > before.degree(to, weight="weight")
    _as_they_read(monkeypatch)
    assert _edges(network(writable, "regions")) == _edges(after)


def test_a_failed_rewrite_drops_the_derived_facts_and_the_views_still_answer(writable, monkeypatch):
    stored = _edges(network(writable, "transfers"))

    def broken(kg, graphs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(derived, "refresh", broken)
    InlineExecutor(writable).update(P + "INSERT DATA { <urn:x> ikg:note 'x' }")  # done, not undone
    assert writable.query("ASK { <urn:x> ?p ?o }").boolean
    assert derived.available(writable) is None
    assert _edges(network(writable, "transfers")) == stored


def test_facts_of_other_rules_are_not_read(writable):
    stored = _edges(network(writable, "transfers"))
    writable.update(P + """DELETE { GRAPH ?g { ?g ikg:rulesVersion ?v } }
        INSERT { GRAPH ?g { ?g ikg:rulesVersion 0 } } WHERE { GRAPH ?g { ?g ikg:rulesVersion ?v } }""")
    assert derived.available(writable) is None
    assert _edges(network(writable, "transfers")) == stored


def test_imported_real_records_give_real_facts(tmp_path):
    """The example's real project with its real partners: co-partnership edges resting on
    real records alone, in derived/real."""
    loc = StoreLocation(tmp_path)
    build_from_sources(loc, [("list-of-operations", EXAMPLE / "list-of-operations-CD-ETA.csv", "operations"),
                             ("records", EXAMPLE / "records", "records")])
    kg = open_store(loc.root)
    try:
        assert derived.available(kg) is not None
        regions = network(kg, "regions")
        assert regions.number_of_edges() > 0
        assert all(d["real_weight"] == d["weight"] and not d["generated"] for *_, d in regions.edges(data=True))
        assert _edges(network(kg, "regions", Filters(real_only=True))) == _edges(regions)
    finally:
        kg.close()


def _move_organisations(kg, source: str, target: str) -> None:
    InlineExecutor(kg).update(P + f"""DELETE {{ GRAPH ?g {{ ?o ikg:region <{source}> }} }}
        INSERT {{ GRAPH ?g {{ ?o ikg:region <{target}> }} }}
        WHERE {{ GRAPH ?g {{ ?o a ikg:Organisation ; ikg:region <{source}> }} }}""")


@pytest.mark.parametrize("server", ["oxigraph_served", "virtuoso_served"])
def test_an_update_through_ikg_rewrites_the_derived_facts_on_a_server(request, server, monkeypatch):
    """On a SPARQL server the rewrite is a series of updates: move one region's organisations
    to a region of no one, see the views follow (as the rules read them), and move them back."""
    _, kg = request.getfixturevalue(server)
    moved, nowhere = "http://data.europa.eu/nuts/code/ITC4", "https://ikg.example.org/test/region/nowhere"
    before = _edges(network(kg, "transfers"))
    _move_organisations(kg, moved, nowhere)
    try:
        assert derived.available(kg) is not None
        regions = network(kg, "regions")
        assert nowhere in regions and moved not in regions
        with monkeypatch.context() as m:
            _as_they_read(m)
            assert _edges(network(kg, "regions")) == _edges(regions)
    finally:
        _move_organisations(kg, nowhere, moved)
    assert derived.available(kg) is not None and _edges(network(kg, "transfers")) == before
