"""The generated default graph: determinism, structure, real records, provenance."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys

import pytest

from graph.errors import BuildError
from graph.generate import generate
from graph.namespaces import PREFIXES, prefix_block
from graph.real import PRACTICES, PROJECTS
from graph.regions import nuts_regions, region_categories

P = prefix_block()


def _generate(seed: int, scale: float) -> tuple[str, dict]:
    out = io.StringIO()
    summary = generate(out, seed=seed, scale=scale, regions=nuts_regions(),
                       categories=region_categories())
    return out.getvalue(), summary.records


def test_same_seed_same_quads_and_another_seed_others():
    a, records = _generate(7, 0.3)
    b, _ = _generate(7, 0.3)
    c, _ = _generate(8, 0.3)
    assert hashlib.sha256(a.encode()).digest() == hashlib.sha256(b.encode()).digest()
    assert a != c
    assert records["projects"] == round(258 * 0.3)


def test_determinism_does_not_depend_on_python_hash_randomisation():
    code = ("import hashlib, io, sys; from graph.generate import generate; "
            "from graph.regions import nuts_regions, region_categories; out = io.StringIO(); "
            "generate(out, seed=5, scale=0.2, regions=nuts_regions(), categories=region_categories()); "
            "print(hashlib.sha256(out.getvalue().encode()).hexdigest())")
    digests = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                       env=dict(os.environ, PYTHONHASHSEED=seed)).stdout.strip()
        for seed in ("1", "2")
    }
    assert len(digests) == 1 and len(digests.pop()) == 64


def test_scale_multiplies_every_count():
    _, one = _generate(42, 1.0)
    _, half = _generate(42, 0.5)
    for key in ("projects", "events", "practices", "action_plans", "reports"):
        assert abs(half[key] - one[key] / 2) <= max(2, 0.02 * one[key]), key


def test_impossible_scale_is_refused():
    with pytest.raises(BuildError, match="scale must be positive"):
        _generate(1, 0)


def _rows(kg, query: str) -> list[dict]:
    return kg.query(P + query).records()


def test_projects_have_5_to_10_partners_in_3_countries_or_more(default_kg):
    rows = _rows(default_kg, """
        SELECT ?p (COUNT(DISTINCT ?part) AS ?n) (COUNT(DISTINCT ?country) AS ?countries) WHERE {
          ?p a ikg:Project ; ikg:hasParticipation ?part .
          ?part ikg:participant/ikg:country ?country } GROUP BY ?p""")
    assert len(rows) == 258
    assert all(5 <= r["n"] <= 10 for r in rows)
    assert all(r["countries"] >= 3 for r in rows)


def test_each_project_has_one_lead_partner(default_kg):
    rows = _rows(default_kg, """
        SELECT ?p (COUNT(?part) AS ?leads) WHERE { ?p ikg:hasParticipation ?part .
          ?part ikg:partnerRole <https://ikg.example.org/ontology/concept/partner-role/lead-partner> }
        GROUP BY ?p""")
    assert len(rows) == 258 and all(r["leads"] == 1 for r in rows)


def test_organisation_participation_is_heavy_tailed(default_kg):
    rows = _rows(default_kg, """
        SELECT ?org (COUNT(?part) AS ?n) WHERE { ?part ikg:participant ?org } GROUP BY ?org""")
    counts = sorted((r["n"] for r in rows), reverse=True)
    assert len(counts) > 2000
    assert counts[0] >= 8  # a few very active organisations
    assert sum(1 for c in counts if c == 1) / len(counts) > 0.85  # most take part once


def test_capital_regions_are_more_active_than_the_median_region(default_kg):
    rows = _rows(default_kg, """
        SELECT ?region (COUNT(?part) AS ?n) WHERE { ?part ikg:participant/ikg:region ?region }
        GROUP BY ?region""")
    n = {r["region"].rsplit("/", 1)[-1]: r["n"] for r in rows}
    median = sorted(n.values())[len(n) // 2]
    capitals = ["FR10", "ITI4", "ES30", "EL30", "PL91", "BE10", "AT13", "CZ01", "HU11", "RO32"]
    assert sum(n.get(c, 0) for c in capitals) / len(capitals) > 2 * median


def test_changes_are_inspired_by_practices_of_other_regions_in_the_same_project(default_kg):
    rows = _rows(default_kg, """
        SELECT (COUNT(*) AS ?bad) WHERE {
          ?change a ikg:PolicyChange ; ikg:inspiredBy ?gp ; ikg:region ?target ;
                  ikg:implements/ikg:inActionPlan ?plan ; ikg:date ?day .
          ?plan ikg:inProject ?project ; ikg:date ?planned .
          ?gp ikg:identifiedIn ?origin ; ikg:region ?from .
          FILTER (?origin != ?project || ?from = ?target || ?day < ?planned) }""")
    assert rows[0]["bad"] == 0
    total = _rows(default_kg, "SELECT (COUNT(*) AS ?n) WHERE { ?c ikg:inspiredBy ?gp }")[0]["n"]
    assert total > 2000


def test_every_generated_record_says_so_and_real_records_carry_their_source(default_kg):
    rows = _rows(default_kg, """
        SELECT ?cls (COUNT(?s) AS ?n) WHERE {
          ?s a ?cls . FILTER (STRSTARTS(STR(?cls), STR(ikg:))
                              && ?cls NOT IN (ikg:Region, ikg:GenerationRun, ikg:DerivedGraph, ikg:Transfer))
          FILTER NOT EXISTS { ?s prov:wasGeneratedBy ?run }
          FILTER NOT EXISTS { ?s dcterms:source ?src } } GROUP BY ?cls""")
    assert rows == []
    # derived facts are not records: each says what it rests on, in a graph that says whether
    # that includes generated records (tests/test_derived.py)
    derived = _rows(default_kg, """SELECT (COUNT(?t) AS ?n) WHERE { ?t a ikg:Transfer
        FILTER NOT EXISTS { ?t ikg:ofChange ?c ; ikg:ofPractice ?p } }""")
    assert derived[0]["n"] == 0
    both = _rows(default_kg, """
        SELECT (COUNT(?s) AS ?n) WHERE { ?s prov:wasGeneratedBy ?run ; dcterms:source ?src }""")
    assert both[0]["n"] == 0
    run = _rows(default_kg, """
        SELECT ?seed ?scale WHERE { ?run a ikg:GenerationRun ; ikg:seed ?seed ; ikg:scale ?scale }""")
    assert run == [{"seed": 42, "scale": 1}]


def test_real_records_are_in_the_real_graph_with_their_source(default_kg):
    real_graph = "https://ikg.example.org/graph/real"
    for acronym in PROJECTS:
        rows = _rows(default_kg, f"""
            SELECT ?src WHERE {{ GRAPH <{real_graph}> {{
              ?p a ikg:Project ; ikg:acronym {_lit(acronym)} ; dcterms:source ?src }} }}""")
        assert len(rows) == 1 and "DESIGN.md" in rows[0]["src"], acronym
    for gp in PRACTICES:
        rows = _rows(default_kg, f"""
            SELECT ?src WHERE {{ GRAPH <{real_graph}> {{
              ?gp a ikg:GoodPractice ; dcterms:title {_lit(gp.title)} ; dcterms:source ?src }} }}""")
        assert len(rows) == 1, gp.title
    org = _rows(default_kg, f"""
        SELECT ?where WHERE {{ GRAPH <{real_graph}> {{ ?o a ikg:Organisation ;
          rdfs:label "Pas-de-Calais County Council" ; ikg:locatedIn ?where }} }}""")
    assert [r["where"] for r in org] == ["http://data.europa.eu/nuts/code/FRE12"]


def test_the_fab_lab_story_is_real_from_practice_to_change(default_kg):
    rows = _rows(default_kg, """
        SELECT ?cci ?country ?type WHERE { GRAPH <https://ikg.example.org/graph/real> {
          ?change a ikg:PolicyChange ; ikg:inspiredBy ?seroi ; ikg:improves ?op ;
                  ikg:changeType ?type ; dcterms:spatial ?country .
          ?seroi dcterms:title "SEROI roadmap" ; ikg:identifiedIn ?erudite .
          ?erudite ikg:acronym "ERUDITE" .
          ?op a ikg:OperationalProgramme ; ikg:cciCode ?cci . } }""")
    assert rows == [{"cci": "2014SI16MAOP001", "country": "http://data.europa.eu/nuts/code/SI",
                     "type": "https://ikg.example.org/ontology/concept/change-type/new-projects"}]
    # and the generated complement makes the chain whole: a Slovenian partner's action plan
    chain = _rows(default_kg, """
        SELECT ?country WHERE {
          ?change ikg:improves/ikg:cciCode "2014SI16MAOP001" ; ikg:implements ?action .
          ?action ikg:inspiredBy/dcterms:title "SEROI roadmap" ; ikg:inActionPlan ?plan .
          ?plan ikg:author/ikg:country ?country ; ikg:inProject/ikg:acronym "ERUDITE" }""")
    assert chain and chain[0]["country"] == "http://data.europa.eu/nuts/code/SI"


def test_prov_super_properties_are_materialised(default_kg):
    rows = _rows(default_kg, """
        SELECT (COUNT(*) AS ?n) WHERE { ?c ikg:inspiredBy ?gp .
          FILTER NOT EXISTS { ?c prov:wasInfluencedBy ?gp } }""")
    assert rows[0]["n"] == 0
    rows = _rows(default_kg, """
        SELECT (COUNT(?c) AS ?n) WHERE { ?c a prov:Activity , ikg:PolicyChange ; prov:used ?i }""")
    assert rows[0]["n"] > 2000


def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def test_prefixes_cover_the_ontology():
    assert PREFIXES["ikg"] == "https://ikg.example.org/ontology#"
