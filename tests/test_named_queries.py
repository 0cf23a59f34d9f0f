"""Every named query runs on the default graph with its example values and gives its golden answer."""

from __future__ import annotations

import json
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

import pytest

from graph.queries import load_catalogue
from tests.conftest import GOLDEN, assert_error

CATALOGUE = load_catalogue()
NAMES = [q.name for q in CATALOGUE]


def _plain(value: object) -> object:
    if isinstance(value, Decimal):  # cents: divisions in the attribution are not exact
        return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN))
    if isinstance(value, date):
        return value.isoformat()
    return value


def _answer(kg, name: str) -> dict:
    q = CATALOGUE.get(name)
    params = {p.name: p.example for p in q.params if p.example}
    res = q.run(kg, params)
    return {"query": name, "params": params, "variables": res.variables,
            "rows": [{k: _plain(v) for k, v in r.items()} for r in res.records()]}


def test_the_catalogue_has_the_evaluators_questions():
    assert len(NAMES) >= 20
    for q in CATALOGUE:
        assert q.summary and q.text.count("PREFIX") >= 1, q.name


@pytest.mark.parametrize("name", NAMES)
def test_named_query_matches_its_golden_answer(backend_kg, name, request):
    answer = _answer(backend_kg, name)
    path = GOLDEN / f"{name}.json"
    if request.config.getoption("--update-golden") and backend_kg.engine == "oxigraph":
        path.write_text(json.dumps(answer, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
    assert path.exists(), f"no golden file for {name}: run pytest --update-golden"
    assert answer["rows"], f"{name} returns nothing on the default graph with its example"
    assert answer == json.loads(path.read_text())


def test_attributed_impact_adds_up_to_the_programme_total(default_kg):
    total = default_kg.query("""PREFIX ikg: <https://ikg.example.org/ontology#>
        SELECT (SUM(?eur) AS ?t) WHERE { ?c a ikg:PolicyChange ; ikg:financialImpact ?eur }""")
    programme = total.records()[0]["t"]
    assert round(programme / 1_000_000) == 1474  # everything up to the programme's end
    for name in ("impact-by-origin-region", "impact-by-origin-country", "impact-by-origin-category",
                 "impact-by-topic"):
        rows = CATALOGUE.get(name).run(default_kg).records()
        attributed = sum(r["eur"] for r in rows)
        assert abs(attributed - programme) < Decimal("0.01"), name


def test_the_fab_lab_story_runs_from_seroi_to_slovenia(default_kg):
    rows = CATALOGUE.get("fab-lab-story").run(default_kg).records()
    real = [r for r in rows if r["inspirationGraph"] == "https://ikg.example.org/graph/real"]
    assert [(r["project"], r["cci"]) for r in real] == [("ERUDITE", "2014SI16MAOP001")]
    assert real[0]["changeLabel"].startswith("National Fab Lab network")


#: The named queries whose rows are records, and so say whether each is generated.
RECORD_ROWS = ("changes-inspired-by-practice", "practices-behind-change", "project-partners", "organisation-projects",
               "region-learned", "region-taught", "practices-behind-instrument", "travelling-practices",
               "sf-programmes-influenced", "region-projects")


def test_queries_whose_rows_are_records_say_which_are_generated(default_kg):
    for name in RECORD_ROWS:
        answer = _answer(default_kg, name)
        assert "generated" in answer["variables"], name
    behind = _answer(default_kg, "practices-behind-change")  # the example: the real Fab Lab change
    assert [(r["practice"], r["generated"]) for r in behind["rows"]] == [
        ("https://ikg.example.org/id/practice/ERUDITE-GP1", False)]
    led = _answer(default_kg, "changes-inspired-by-practice")  # from SEROI: the real change and generated ones
    assert {r["generated"] for r in led["rows"]} == {True, False}


def test_real_only_runs_a_named_query_on_the_real_graphs_alone(default_kg, default_location):
    """?real_only=true on /queries, --real-only on `ikg query`: no generated record, and no
    statement the generator added to a real one (SEROI's origin, the Fab Lab change's EUR)."""
    import subprocess

    from service.app import create_app
    from tests.conftest import IKG

    api = create_app({"TESTING": True, "IKG_KG": default_kg}).test_client()
    fab = "https://ikg.example.org/id/change/2014SI16MAOP001-C1"
    every = api.get("/queries/real-records", query_string={"format": "json"}).get_json()["results"]["bindings"]
    real = api.get("/queries/real-records", query_string={"format": "json", "real_only": "true"}).get_json()
    assert {b["record"]["value"] for b in real["results"]["bindings"]} == {b["record"]["value"] for b in every}
    partners = api.get("/queries/project-partners", query_string={
        "format": "json", "real_only": "1", "project": "https://ikg.example.org/id/project/ERUDITE"}).get_json()
    assert partners["results"]["bindings"] == []  # ERUDITE's partners are all generated
    behind = api.post("/queries/practices-behind-change", data={"change": fab, "real_only": "true",
                                                                "format": "json"}).get_json()["results"]["bindings"]
    assert [(b["title"]["value"], "region" in b, b["generated"]["value"]) for b in behind] == [
        ("SEROI roadmap", False, "false")]  # its origin region is a generated statement: left out
    headline = api.get("/queries/headline-figures", query_string={"format": "json", "real_only": "yes"}).get_json()
    row = headline["results"]["bindings"][0]
    assert "impact" not in row and "events" not in row  # no real amount, no real event
    assert_error(api.get("/queries/real-records", query_string={"real_only": "perhaps"}), 400, "bad_parameter")
    out = subprocess.run([IKG, "query", "practices-behind-change", "-p", f"change={fab}", "--real-only", "--format",
                          "json", "--store", str(default_location.root)], capture_output=True, text=True)
    rows = json.loads(out.stdout)
    assert out.returncode == 0 and [r.get("region") for r in rows] == [None] and rows[0]["title"] == "SEROI roadmap"
