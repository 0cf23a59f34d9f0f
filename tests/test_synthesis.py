"""The generated policy-learning layer around imported projects (issue #12, `--synthesise-learning`):
marked generated throughout, plausible by construction, deterministic, and usable by lineage and
networks. The store is the real CD-ETA row of the list of operations with the layer around it."""

from __future__ import annotations

import subprocess
from datetime import date
from decimal import Decimal

import pytest

from graph.lineage import downstream
from graph.namespaces import Graphs
from graph.network import network
from graph.programmes import operational_programmes
from graph.regions import nuts_regions
from graph.sources import build_from_sources
from graph.store import StoreLocation, open_store
from tests.conftest import FIXTURES, IKG

LIST = FIXTURES / "list-of-operations-CD-ETA.csv"
G = Graphs()
P = """PREFIX ikg: <https://ikg.example.org/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""
LAYER = ("GoodPractice", "LearningEvent", "ActionPlan", "Action", "PolicyInstrument", "PolicyChange", "Inspiration")


def _build(path, seed: int) -> StoreLocation:
    loc = StoreLocation(path)
    build_from_sources(loc, [("list-of-operations", LIST, "operations")], synthesise=seed)
    return loc


@pytest.fixture(scope="module")
def layered(tmp_path_factory) -> StoreLocation:
    return _build(tmp_path_factory.mktemp("layered"), 42)


def test_every_record_of_the_layer_is_generated_and_in_the_generated_graph(layered):
    kg = open_store(layered.root)
    for cls in LAYER:
        # the real Structural Funds programmes of the reference layer are the Commission's records
        rows = kg.query(P + f"""SELECT (COUNT(?s) AS ?n) (SUM(IF(EXISTS {{ GRAPH <{G.generated}> {{
              ?s prov:wasGeneratedBy ?run }} }}, 1, 0)) AS ?marked) WHERE {{ ?s a ikg:{cls}
              FILTER NOT EXISTS {{ ?s a ikg:OperationalProgramme }} }}""").rows
        n, marked = (int(str(v)) for v in rows[0])
        assert n > 0 and marked == n, cls
    # the real records stay as imported: none of them is marked generated
    real = kg.query(P + f"""SELECT ?s WHERE {{ GRAPH <{G.source('operations')}> {{ ?s ?p ?o }}
        GRAPH ?g {{ ?s prov:wasGeneratedBy ?run }} }}""").rows
    assert real == []


def test_the_layer_invents_no_structural_funds_programme_and_addresses_real_ones(layered):
    kg = open_store(layered.root)
    real = {op.cci for op in operational_programmes(nuts_regions())}
    ops = kg.query(P + """SELECT ?cci ?g ?generated WHERE { GRAPH ?g { ?i ikg:cciCode ?cci }
        BIND (EXISTS { ?i prov:wasGeneratedBy ?run } AS ?generated) }""").rows
    assert {str(c) for c, _, _ in ops} == real  # the Commission's 312, and no other
    assert {(str(g), str(gen)) for _, g, gen in ops} == {(G.real, "false")}
    addressed = kg.query(P + """SELECT (COUNT(?plan) AS ?n) WHERE { ?plan a ikg:ActionPlan ;
        ikg:addresses/ikg:cciCode ?cci ; prov:wasGeneratedBy ?run }""").rows[0][0]
    assert int(str(addressed)) > 0  # generated plans address real programmes of their country


def test_dates_and_amounts_follow_the_stated_model(layered):
    kg = open_store(layered.root)
    start, end = date(2016, 4, 1), date(2021, 3, 31)  # CD-ETA's life, from the list
    changes = kg.query(P + """SELECT ?d ?eur ?type ?plan_day WHERE { ?c a ikg:PolicyChange ; ikg:date ?d ;
        ikg:financialImpact ?eur ; ikg:changeType ?type ; ikg:implements/ikg:inActionPlan/ikg:date ?plan_day }""").rows
    assert changes
    for d, eur, ctype, plan_day in changes:
        day = date.fromisoformat(str(d))
        assert date.fromisoformat(str(plan_day)) < day <= end
        if str(ctype).endswith("/new-projects"):
            assert Decimal(str(eur)) > 0
    events = [date.fromisoformat(str(r[0])) for r in kg.query(P + """SELECT ?d WHERE {
        ?e a ikg:LearningEvent ; ikg:date ?d }""").rows]
    assert events and all(start <= d <= end and d.weekday() < 5 for d in events)
    assert not any((d.month, d.day) in ((12, 25), (1, 1)) for d in events)


def test_the_same_seed_gives_the_same_layer(layered, tmp_path):
    again, other = _build(tmp_path / "again", 42), _build(tmp_path / "other", 7)

    def titles(loc):
        return sorted(str(r[0]) for r in open_store(loc.root).query(
            P + "SELECT ?t WHERE { ?c a ikg:GoodPractice ; <http://purl.org/dc/terms/title> ?t }").rows)

    assert titles(again) == titles(layered) and titles(other) != titles(layered)


def test_lineage_and_networks_answer_on_the_layer(layered):
    kg = open_store(layered.root)
    (practice,) = kg.query(P + """SELECT ?gp WHERE { ?c a ikg:PolicyChange ; ikg:inspiredBy ?gp }
        ORDER BY ?gp LIMIT 1""").rows[0]
    tree = downstream(kg, str(practice), G.base)
    assert tree["totals"]["changes"] > 0 and tree["practice"]["project"]["acronym"] == "CD-ETA"
    transfers = network(kg, "transfers")
    assert transfers.number_of_edges() > 0  # a practice from one partner's region changed another's


def test_synthesise_learning_goes_with_sources_only(tmp_path):
    out = subprocess.run([IKG, "build", "--synthesise-learning", "--store", str(tmp_path / "s")],
                         capture_output=True, text=True)
    assert out.returncode == 2 and "--synthesise-learning goes with --source" in out.stderr
