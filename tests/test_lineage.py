"""Lineage: downstream, upstream, paths, neighbourhoods; in graph/, over /api, and as `ikg trace`."""

from __future__ import annotations

from decimal import Decimal

import pytest
from click.testing import CliRunner

from graph.errors import BadParameter, NotFound
from graph.lineage import downstream, entity_kind, neighbourhood, shortest_path, upstream
from service.cli import cli
from tests.conftest import assert_error

ID = "https://ikg.example.org/id/"
SEROI = ID + "practice/ERUDITE-GP1"
FABLAB = ID + "change/2014SI16MAOP001-C1"
OP = ID + "instrument/2014SI16MAOP001"


def test_the_real_story_upstream_from_the_fab_lab_change(default_kg):
    up = upstream(default_kg, FABLAB)
    (change,) = up["changes"]
    assert change["instrument"]["cci"] == "2014SI16MAOP001"
    assert [(p["title"], p["project"]["acronym"]) for p in change["practices"]] == [
        ("SEROI roadmap", "ERUDITE")]
    assert change["practices"][0]["evidence"].startswith("Action 'Set up Fab Labs in rural areas'")
    assert up["totals"]["changes"] == 1


def test_the_real_story_downstream_from_seroi(default_kg):
    down = downstream(default_kg, SEROI)
    assert down["practice"]["title"] == "SEROI roadmap"
    assert down["practice"]["project"]["acronym"] == "ERUDITE"
    changes = [c for a in down["actions"] for c in a["changes"]]
    assert FABLAB in {c["iri"] for c in changes}
    fablab_action = next(a for a in down["actions"] if any(c["iri"] == FABLAB for c in a["changes"]))
    assert fablab_action["title"] == "Set up Fab Labs in rural areas"
    assert fablab_action["instrument"]["iri"] == OP
    total = sum(Decimal(c["eur"]) for c in {c["iri"]: c for c in changes}.values())
    assert Decimal(down["totals"]["eur"]) == total


def test_attributed_euros_over_all_practices_add_up_to_the_programme(default_kg):
    """Even split: summing every practice's attributed EUR gives every change's EUR once."""
    rows = default_kg.query("""PREFIX ikg: <https://ikg.example.org/ontology#>
        SELECT ?c ?eur (COUNT(?p) AS ?n) WHERE { ?c ikg:financialImpact ?eur ; ikg:inspiredBy ?p }
        GROUP BY ?c ?eur""").records()
    multi = [r for r in rows if r["n"] > 1]
    assert multi, "some changes are inspired by several practices"
    probe = multi[0]["c"]
    up = upstream(default_kg, probe)
    shares = [Decimal(p["attributedEur"]) for p in up["changes"][0]["practices"]]
    assert len(shares) == multi[0]["n"]
    assert abs(sum(shares) - Decimal(up["changes"][0]["eur"])) <= Decimal("0.01") * len(shares)


def test_upstream_of_an_instrument_collects_its_changes(default_kg):
    up = upstream(default_kg, OP)
    assert up["entity"]["kind"] == "instrument"
    assert FABLAB in {c["iri"] for c in up["changes"]}
    assert all(c["instrument"]["iri"] == OP for c in up["changes"])


def test_path_and_neighbourhood(default_kg):
    path = shortest_path(default_kg, SEROI, OP)
    assert path["hops"] >= 2
    nodes = {SEROI} | {e["subject"] for e in path["edges"]} | {e["object"] for e in path["edges"]}
    assert OP in nodes
    for a, b in zip(path["edges"], path["edges"][1:]):  # consecutive edges share a node
        assert {a["subject"], a["object"]} & {b["subject"], b["object"]}
    erudite = ID + "project/ERUDITE"
    near = neighbourhood(default_kg, erudite)
    assert SEROI in near["nodes"] and 5 <= len(near["nodes"]) <= 500
    assert all(erudite in (e["subject"], e["object"]) for e in near["edges"])
    assert len(neighbourhood(default_kg, erudite, hops=2)["nodes"]) > len(near["nodes"])


@pytest.mark.parametrize("call, error", [
    (lambda kg: downstream(kg, FABLAB), NotFound),  # a change, not a practice
    (lambda kg: downstream(kg, ID + "practice/NOPE"), NotFound),
    (lambda kg: upstream(kg, SEROI), NotFound),
    (lambda kg: upstream(kg, "not an iri"), BadParameter),
    (lambda kg: entity_kind(kg, 'x:y> } #'), BadParameter),
    (lambda kg: shortest_path(kg, SEROI, OP, max_hops=0), BadParameter),
    (lambda kg: neighbourhood(kg, SEROI, hops=9), BadParameter),
])
def test_lineage_errors(default_kg, call, error):
    with pytest.raises(error):
        call(default_kg)


@pytest.fixture(scope="module")
def api(default_kg):
    from service.app import create_app

    return create_app({"TESTING": True, "IKG_KG": default_kg}).test_client()


def test_lineage_api(api):
    down = api.get("/api/lineage/downstream", query_string={"practice": SEROI}).get_json()
    assert down["practice"]["title"] == "SEROI roadmap"
    up = api.get("/api/lineage/upstream", query_string={"iri": FABLAB}).get_json()
    assert up["changes"][0]["practices"][0]["project"]["acronym"] == "ERUDITE"
    path = api.get("/api/path", query_string={"from": SEROI, "to": OP}).get_json()
    assert path["hops"] >= 2
    near = api.get("/api/neighbourhood", query_string={"iri": ID + "project/ERUDITE", "k": 1})
    assert near.status_code == 200 and SEROI in near.get_json()["nodes"]


@pytest.mark.parametrize("url, query, status, code", [
    ("/api/lineage/downstream", {}, 400, "bad_parameter"),
    ("/api/lineage/downstream", {"practice": "x> } #"}, 400, "bad_parameter"),
    ("/api/lineage/downstream", {"practice": ID + "practice/NOPE"}, 404, "not_found"),
    ("/api/lineage/upstream", {"iri": SEROI}, 404, "not_found"),
    ("/api/path", {"from": SEROI, "to": OP, "max_hops": "many"}, 400, "bad_parameter"),
    ("/api/neighbourhood", {"iri": SEROI, "k": "7"}, 400, "bad_parameter"),
])
def test_lineage_api_errors(api, url, query, status, code):
    assert_error(api.get(url, query_string=query), status, code)


def test_openapi_document_and_page(api):
    doc = api.get("/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1")
    assert {"/sparql", "/queries", "/queries/headline-figures", "/api/lineage/downstream",
            "/api/lineage/upstream", "/api/path", "/api/neighbourhood", "/api/networks/{view}",
            "/api/networks/regions/metrics", "/id/{kind}/{key}", "/doc/{kind}/{key}", "/ontology",
            "/.well-known/void", "/dumps/", "/dumps/{file}"} <= set(doc["paths"])
    assert "not_found" in doc["components"]["schemas"]["Error404"]["properties"]["code"]["enum"]
    page = api.get("/api/docs").get_data(as_text=True)
    assert "swagger-ui-bundle.js" in page
    assert api.get("/ui/swagger-ui-dist/swagger-ui-bundle.js").status_code == 200


def test_trace_prints_the_tree(default_location):
    res = CliRunner().invoke(cli, ["trace", "ERUDITE-GP1", "--store", str(default_location.root)])
    assert res.exit_code == 0, res.output
    assert res.output.startswith("SEROI roadmap")
    assert "Set up Fab Labs in rural areas" in res.output and "National Fab Lab network" in res.output
    res = CliRunner().invoke(cli, ["trace", "2014SI16MAOP001-C1", "--store", str(default_location.root)])
    assert res.exit_code == 0 and "inspired by SEROI roadmap (ERUDITE)" in res.output
    res = CliRunner().invoke(cli, ["trace", "NOPE", "--store", str(default_location.root)])
    assert res.exit_code == 1 and "no practice, change or instrument" in res.output
