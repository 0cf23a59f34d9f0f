"""Lineage: downstream, upstream, paths, neighbourhoods; in graph/, over /api, and as `ikg trace`."""

from __future__ import annotations

from decimal import Decimal

import pytest
from click.testing import CliRunner

from graph.errors import BadParameter, NotFound
from graph.lineage import downstream, entity_kind, neighbourhood, shortest_path, upstream
from service.cli import cli
from tests.conftest import assert_error

BASE = "https://ikg.example.org"
ID = f"{BASE}/id/"
SEROI = ID + "practice/ERUDITE-GP1"
FABLAB = ID + "change/2014SI16MAOP001-C1"
OP = ID + "instrument/2014SI16MAOP001"


def test_the_real_story_upstream_from_the_fab_lab_change(backend_kg):
    up = upstream(backend_kg, FABLAB, BASE)
    (change,) = up["changes"]
    assert change["instrument"]["cci"] == "2014SI16MAOP001"
    assert [(p["title"], p["project"]["acronym"]) for p in change["practices"]] == [
        ("SEROI roadmap", "ERUDITE")]
    assert change["practices"][0]["evidence"].startswith("Action 'Set up Fab Labs in rural areas'")
    assert up["totals"]["changes"] == 1


def test_the_real_story_downstream_from_seroi(backend_kg):
    down = downstream(backend_kg, SEROI, BASE)
    assert down["practice"]["title"] == "SEROI roadmap"
    assert down["practice"]["project"]["acronym"] == "ERUDITE"
    changes = [c for a in down["actions"] for c in a["changes"]]
    assert FABLAB in {c["iri"] for c in changes}
    fablab_action = next(a for a in down["actions"] if any(c["iri"] == FABLAB for c in a["changes"]))
    assert fablab_action["title"] == "Set up Fab Labs in rural areas"
    assert fablab_action["instrument"]["iri"] == OP
    total = sum(Decimal(c["eur"]) for c in {c["iri"]: c for c in changes}.values())
    assert Decimal(down["totals"]["eur"]) == total


def test_attributed_euros_over_all_practices_add_up_to_the_programme(backend_kg):
    """Even split: summing every practice's attributed EUR gives every change's EUR once."""
    rows = backend_kg.query("""PREFIX ikg: <https://ikg.example.org/ontology#>
        SELECT ?c ?eur (COUNT(?p) AS ?n) WHERE { ?c ikg:financialImpact ?eur ; ikg:inspiredBy ?p }
        GROUP BY ?c ?eur""").records()
    multi = [r for r in rows if r["n"] > 1]
    assert multi, "some changes are inspired by several practices"
    probe = multi[0]["c"]
    up = upstream(backend_kg, probe, BASE)
    shares = [Decimal(p["attributedEur"]) for p in up["changes"][0]["practices"]]
    assert len(shares) == multi[0]["n"]
    assert abs(sum(shares) - Decimal(up["changes"][0]["eur"])) <= Decimal("0.01") * len(shares)


def test_upstream_of_an_instrument_collects_its_changes(backend_kg):
    up = upstream(backend_kg, OP, BASE)
    assert up["entity"]["kind"] == "instrument"
    assert FABLAB in {c["iri"] for c in up["changes"]}
    assert all(c["instrument"]["iri"] == OP for c in up["changes"])


def test_path_and_neighbourhood(backend_kg):
    path = shortest_path(backend_kg, SEROI, OP)
    assert path["hops"] >= 2
    nodes = {SEROI} | {e["subject"] for e in path["edges"]} | {e["object"] for e in path["edges"]}
    assert OP in nodes
    for a, b in zip(path["edges"], path["edges"][1:]):  # consecutive edges share a node
        assert {a["subject"], a["object"]} & {b["subject"], b["object"]}
    erudite = ID + "project/ERUDITE"
    near = neighbourhood(backend_kg, erudite)
    assert SEROI in near["nodes"] and 5 <= len(near["nodes"]) <= 500
    assert all(erudite in (e["subject"], e["object"]) for e in near["edges"])
    assert len(neighbourhood(backend_kg, erudite, hops=2)["nodes"]) > len(near["nodes"])


@pytest.mark.parametrize("call, error", [
    (lambda kg: downstream(kg, FABLAB, BASE), NotFound),  # a change, not a practice
    (lambda kg: downstream(kg, ID + "practice/NOPE", BASE), NotFound),
    (lambda kg: upstream(kg, SEROI, BASE), NotFound),
    (lambda kg: upstream(kg, "not an iri", BASE), BadParameter),
    (lambda kg: entity_kind(kg, 'x:y> } #'), BadParameter),
    (lambda kg: shortest_path(kg, SEROI, OP, max_hops=0), BadParameter),
    (lambda kg: neighbourhood(kg, SEROI, hops=9), BadParameter),
])
def test_lineage_errors(backend_kg, call, error):
    with pytest.raises(error):
        call(backend_kg)


@pytest.fixture(scope="module")
def api(backend_kg):
    from service.app import create_app

    return create_app({"TESTING": True, "IKG_KG": backend_kg}).test_client()


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


# --------------------------------------------------------------------------- provenance in answers


def test_lineage_says_what_is_generated_node_by_node_and_amount_by_amount(api):
    seroi = "https://ikg.example.org/id/practice/ERUDITE-GP1"
    down = api.get("/api/lineage/downstream", query_string={"practice": seroi}).get_json()
    assert down["practice"]["generated"] is False and down["realOnly"] is False
    changes = {c["iri"]: c for a in down["actions"] for c in a["changes"]}
    fab = changes["https://ikg.example.org/id/change/2014SI16MAOP001-C1"]
    assert fab["generated"] is False and fab["eurGenerated"] is True  # a real change, its EUR generated
    assert any(c["generated"] for c in changes.values())  # the generated changes around it say so
    assert down["totals"]["eurFromSources"] == "0.00"  # no real amount: every euro here is generated
    real = api.get("/api/lineage/downstream",
                              query_string={"practice": seroi, "real_only": "true"}).get_json()
    kept = [c for a in real["actions"] for c in a["changes"]]
    assert [c["iri"] for c in kept] == [fab["iri"]] and kept[0]["eur"] is None  # the real chain alone
    assert all(not a["generated"] for a in real["actions"]) and real["totals"]["changes"] == 1
    up = api.get("/api/lineage/upstream", query_string={"iri": fab["iri"], "real_only": "1"}).get_json()
    assert [p["iri"] for c in up["changes"] for p in c["practices"]] == [seroi]
    assert up["changes"][0]["eur"] is None and up["totals"]["eurFromSources"] == "0.00"


def test_lineage_says_which_statements_of_a_real_record_were_generated_seroi_origin_fab_lab_date(api):
    """SEROI's origin region and organisation and the Fab Lab change's date, region and EUR are
    generated statements of real records: listed in generatedFields, null with real_only."""
    seroi = "https://ikg.example.org/id/practice/ERUDITE-GP1"
    fab_iri = "https://ikg.example.org/id/change/2014SI16MAOP001-C1"
    down = api.get("/api/lineage/downstream", query_string={"practice": seroi}).get_json()
    head = down["practice"]
    assert {"region", "regionLabel", "organisation"} <= set(head["generatedFields"])
    assert "title" not in head["generatedFields"] and "project" not in head["generatedFields"]  # stated
    fab = next(c for a in down["actions"] for c in a["changes"] if c["iri"] == fab_iri)
    assert {"date", "region", "eur", "attributedEur"} <= set(fab["generatedFields"])
    assert "label" not in fab["generatedFields"] and "type" not in fab["generatedFields"]  # stated
    generated = next(c for a in down["actions"] for c in a["changes"] if c["generated"])
    assert set(generated["generatedFields"]) == {"label", "type", "date", "region", "eur", "attributedEur"}
    real = api.get("/api/lineage/downstream", query_string={"practice": seroi, "real_only": "true"}).get_json()
    assert real["practice"]["title"] == "SEROI roadmap" and real["practice"]["project"]["acronym"] == "ERUDITE"
    assert real["practice"]["region"] is None and real["practice"]["organisation"]["iri"] is None
    (kept,) = [c for a in real["actions"] for c in a["changes"]]
    assert (kept["date"], kept["region"], kept["eur"]) == (None, None, None)
    assert kept["label"].startswith("National Fab Lab network") and real["totals"]["regions"] == 0


def test_real_only_is_a_boolean(api):
    from tests.conftest import assert_error

    assert_error(api.get("/api/lineage/downstream", query_string={
        "practice": "https://ikg.example.org/id/practice/ERUDITE-GP1", "real_only": "maybe"}), 400, "bad_parameter")


def test_trace_marks_generated_records_and_leaves_them_out_with_real_only(default_location):
    import subprocess

    from tests.conftest import IKG

    out = subprocess.run([IKG, "trace", "ERUDITE-GP1", "--store", str(default_location.root)],
                         capture_output=True, text=True)
    assert out.returncode == 0 and "[generated]" in out.stdout and "(generated)" in out.stdout
    real = subprocess.run([IKG, "trace", "ERUDITE-GP1", "--real-only", "--store", str(default_location.root)],
                          capture_output=True, text=True)
    assert real.returncode == 0, real.stderr
    assert "[generated]" not in real.stdout and "National Fab Lab network" in real.stdout
    assert "EUR (generated, left out)" in real.stdout


def test_a_page_separates_the_eur_from_sources_from_the_generated(api):
    page = api.get("/doc/practice/ERUDITE-GP1", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "come from a source; the rest was generated" in page and "(generated)" in page
    change = api.get("/doc/change/2014SI16MAOP001-C1", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "from a source, the rest generated" in change


def test_search_says_what_is_generated_and_can_leave_it_out(api):
    hits = api.get("/api/search?q=roadmap&limit=200").get_json()
    assert {h["iri"]: h["generated"] for h in hits}["https://ikg.example.org/id/practice/ERUDITE-GP1"] is False
    assert any(h["generated"] for h in hits)  # generated practices are called roadmaps too
    real = api.get("/api/search?q=roadmap&limit=200&real_only=true").get_json()
    assert real and not any(h["generated"] for h in real)
    assert {h["iri"] for h in real} == {h["iri"] for h in hits if not h["generated"]}


def test_search_finds_a_region_by_its_nuts_code_and_a_programme_by_its_cci_code(api):
    region = api.get("/api/search?q=SI04").get_json()
    assert region[0]["iri"] == "http://data.europa.eu/nuts/code/SI04" and region[0]["label"] == "Zahodna Slovenija"
    programme = api.get("/api/search?q=2014SI16MAOP001").get_json()
    assert programme[0]["iri"] == "https://ikg.example.org/id/instrument/2014SI16MAOP001"
    assert programme[0]["generated"] is False  # the real Slovenian programme


def test_search_finds_any_real_programme_by_its_cci_code_and_its_title(api):
    """Every one of the Commission's 312 programmes is a real record: Bavaria's ERDF programme is
    found by code and by title, and is not generated (the invented ones were 692 of 693)."""
    by_code = api.get("/api/search?q=2014DE16RFOP002").get_json()
    assert [(h["iri"], h["label"], h["generated"]) for h in by_code[:1]] == [
        ("https://ikg.example.org/id/instrument/2014DE16RFOP002", "Bayern - ERDF", False)]
    by_title = api.get("/api/search", query_string={"q": "Bayern - ERDF", "real_only": "true"}).get_json()
    assert "https://ikg.example.org/id/instrument/2014DE16RFOP002" in [h["iri"] for h in by_title]


@pytest.mark.parametrize("typed", ["attiki", "Attiki", "ATTIKI", "Αττική", "αττικη", "Aττική", "EL30", "el30"])
def test_search_finds_a_region_by_its_latin_name_its_greek_one_and_its_code(api, typed):
    """EL30's label begins with a Latin A (Eurostat's workbook): it is found by the Greek
    name typed with a Greek Alpha, without accents, by its Latin name and by its code."""
    hits = api.get("/api/search", query_string={"q": typed}).get_json()
    assert "http://data.europa.eu/nuts/code/EL30" in [h["iri"] for h in hits[:3]], typed
    assert next(h for h in hits if h["iri"].endswith("/EL30"))["page"] == "/doc/nuts/EL30"


def test_search_sees_no_accents_and_cyrillic_in_latin(api):
    def found(q: str) -> list[str]:
        return [h["iri"] for h in api.get("/api/search", query_string={"q": q}).get_json()]

    assert "http://data.europa.eu/nuts/code/BG31" in found("severozapaden")  # Северозападен
    assert "http://data.europa.eu/nuts/code/FR10" in found("ile de france")  # Île-de-France
    projects = api.get("/api/search?q=erudite").get_json()
    assert projects[0]["page"] == "/doc/project/ERUDITE"


def test_a_search_of_symbols_alone_finds_nothing_rather_than_failing(api):
    assert api.get("/api/search", query_string={"q": "\U000ec56c\x19"}).get_json() == []
    assert api.get("/api/search", query_string={"q": "--"}).get_json() == []
