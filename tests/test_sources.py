"""Imports as sources (issue #12): the list of operations added to a store in its own named graph,
with provenance, replaced atomically, listed, reported; hostile files change nothing.

The fixtures are the real CD-ETA row of Interreg Europe's list of operations in both editions
(see tests/test_operations.py for where the row comes from).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import URIRef

from graph.errors import BadParameter, InputDataError, StoreError, ValidationFailed
from graph.namespaces import Graphs
from graph.sources import build_from_sources, import_source, remove_source_statements, sources_in
from graph.store import OxigraphGraph, StoreLocation, open_store
from graph.validate import ValidationReport, Violation
from tests.conftest import FIXTURES, IKG, assert_error

PACKED = FIXTURES / "list-of-operations-CD-ETA.csv"
BY_BENEFICIARY = FIXTURES / "list-of-operations-CD-ETA-by-beneficiary.csv"
G = Graphs()
P = """PREFIX ikg: <https://ikg.example.org/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
NUTS3 = ["BG314", "RO124", "EL632", "ES523", "ITI14", "SI042", "ES414", "EE001"]


@pytest.fixture(scope="module")
def cd_eta(tmp_path_factory) -> StoreLocation:
    """A store made of the packed CD-ETA file alone, as `ikg import` makes it in an empty folder."""
    loc = StoreLocation(tmp_path_factory.mktemp("cd-eta"))
    import_source(loc, "list-of-operations", PACKED, name="cd-eta")
    return loc


def _state(loc: StoreLocation) -> tuple[str | None, list[str], int]:
    """What must not change when an import fails: the build in use, the build folders, quads."""
    cur = loc.current()
    return (cur.name if cur else None, sorted(p.name for p in loc.builds.iterdir()),
            len(open_store(loc.root)) if cur else 0)


def _records(kg: OxigraphGraph, name: str) -> set[tuple]:
    """The source graph's statements, without the description of the source itself."""
    rows = kg.query(f"""SELECT ?s ?p ?o WHERE {{ GRAPH <{G.source(name)}> {{ ?s ?p ?o }}
        FILTER (?s != <{G.data_iri('source', name)}>) }}""").rows
    return {tuple(r) for r in rows}


def test_the_real_row_imports_as_cd_eta_with_eight_partners_their_amounts_and_regions(cd_eta):
    kg = open_store(cd_eta.root)
    project = URIRef(G.data_iri("project", "CD-ETA"))
    rows = kg.query(P + """SELECT ?n ?name ?amount ?rate ?erdf ?where ?g WHERE {
        GRAPH ?g { <https://ikg.example.org/id/project/CD-ETA> ikg:hasParticipation ?pt . }
        ?pt ikg:partnerNumber ?n ; ikg:participant ?org ; ikg:eligibleExpenditure ?amount ;
            ikg:cofinancingRate ?rate ; ikg:erdfBudget ?erdf .
        ?org rdfs:label ?name ; ikg:locatedIn ?where } ORDER BY ?n""").rows
    assert len(rows) == 8
    assert [str(r[5]).rsplit("/", 1)[-1] for r in rows] == NUTS3
    assert {str(r[6]) for r in rows} == {G.source("cd-eta")}
    assert Decimal(str(rows[2][2])) == Decimal("208566.2") and Decimal(str(rows[5][3])) == Decimal("0.75")
    assert str(rows[6][1]) == "Foundation Saint Mary the Royal of Historic Heritage"  # no trailing space
    assert sum(Decimal(str(r[2])) for r in rows) == Decimal("1714148.6")
    assert Decimal(str(rows[0][4])) == Decimal("256270.75")  # 301,495 x 85%
    facts = kg.query(P + f"""SELECT ?index ?start ?end ?total WHERE {{ <{project}> ikg:projectIndex ?index ;
        ikg:startDate ?start ; ikg:endDate ?end ; ikg:totalBudget ?total }}""").rows
    assert [str(t) for t in facts[0]] == ["PGI00008", "2016-04-01", "2021-03-31", "1714148.6"]


def test_every_record_says_it_was_derived_from_its_source_which_says_what_was_read(cd_eta):
    kg = open_store(cd_eta.root)
    source = G.data_iri("source", "cd-eta")
    unmarked = kg.query(P + """SELECT ?s WHERE { GRAPH ?g { ?s a ?c } FILTER (?c IN (ikg:Project,
        ikg:Organisation, ikg:Participation)) FILTER NOT EXISTS { ?s prov:wasDerivedFrom ?src } }""").rows
    assert unmarked == []
    derived = kg.query(P + f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s prov:wasDerivedFrom <{source}> }}").rows
    assert int(derived[0][0]) == 17  # 1 project, 8 organisations, 8 participations
    (listed,) = sources_in(kg)
    assert listed["name"] == "cd-eta" and listed["graph"] == G.source("cd-eta")
    assert listed["sha256"] == hashlib.sha256(PACKED.read_bytes()).hexdigest()
    assert (listed["rows_read"], listed["rows_rejected"], listed["records_created"]) == (1, 0, 17)
    assert listed["files"] == PACKED.name and listed["kind"] == "list-of-operations"
    # nothing generated: a store made from a source has no generation run and no generated graph
    assert kg.query(f"ASK {{ GRAPH <{G.generated}> {{ ?s ?p ?o }} }}").boolean is False
    # the PROV statements of the records are materialised, as for generated records
    assert kg.query(P + "ASK { ?pt <http://www.w3.org/ns/org#member> ?org }").boolean


def test_the_other_edition_in_french_gives_the_same_records(tmp_path, cd_eta):
    loc = StoreLocation(tmp_path)
    import_source(loc, "list-of-operations", BY_BENEFICIARY, name="cd-eta")
    assert _records(open_store(loc.root), "cd-eta") == _records(open_store(cd_eta.root), "cd-eta")


def test_the_page_search_and_networks_answer_on_imported_data(cd_eta):
    from service.app import create_app

    app = create_app({"IKG_KG": open_store(cd_eta.root), "TESTING": True})
    c = app.test_client()
    page = c.get("/doc/project/CD-ETA", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "A <strong>real</strong> record" in page and "/doc/source/cd-eta" in page
    assert "PGI00008" in page and "University of Patras" in page
    source_page = c.get("/doc/source/cd-eta", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert PACKED.name in source_page and hashlib.sha256(PACKED.read_bytes()).hexdigest() in source_page
    assert [h["label"] for h in c.get("/api/search?q=CD-ETA").get_json()] == ["CD-ETA"]
    regions = c.get("/api/networks/regions").get_json()
    assert sorted(n["code"] for n in regions["nodes"]) == sorted({c[:4] for c in NUTS3})
    assert len(regions["edges"]) == 28  # 8 regions, each pair in one project
    partners = c.get("/queries/project-partners", query_string={"project": G.data_iri("project", "CD-ETA")},
                     headers={"Accept": "application/sparql-results+json"}).get_json()
    assert len(partners["results"]["bindings"]) == 8
    hood = c.get("/api/neighbourhood", query_string={"iri": G.data_iri("project", "CD-ETA")}).get_json()
    assert len(hood["nodes"]) > 8
    void = c.get("/.well-known/void", headers={"Accept": "application/n-triples"}).get_data(as_text=True)
    assert (f"<{G.source('cd-eta')}> <http://purl.org/dc/terms/source> <{G.data_iri('source', 'cd-eta')}>"
            in void)


def _other_project(path: Path, drop_last: bool = False) -> Path:
    """The by-beneficiary CD-ETA rows as another project (PGI99999, OTHER-1) of the same
    organisations; without its last beneficiary when ``drop_last``."""
    rows = list(csv.reader(BY_BENEFICIARY.open(encoding="utf8"), delimiter=";"))
    header = rows[0]
    index = next(i for i, h in enumerate(header) if h.startswith("Indice"))
    name = next(i for i, h in enumerate(header) if h.startswith("Acronyme"))
    for r in rows[1:]:
        r[index], r[name] = "PGI99999", "OTHER-1"
    with path.open("w", encoding="utf8", newline="") as f:
        csv.writer(f, delimiter=";").writerows(rows[:-1] if drop_last else rows)
    return path


def test_importing_a_name_again_replaces_its_graph_and_the_statements_only_it_entailed(tmp_path):
    loc = StoreLocation(tmp_path / "store")
    import_source(loc, "list-of-operations", PACKED, name="ops")
    import_source(loc, "list-of-operations", _other_project(tmp_path / "other.csv"), name="other")
    kg = open_store(loc.root)
    before = len(kg)
    museum = URIRef(G.data_iri("organisation", "ee-estonian-war-museum-general-laidoner-museum"))
    gone = URIRef(G.data_iri("participation", "OTHER-1-8"))
    assert kg.query("ASK { ?pt ?p ?museum }", {"pt": gone, "museum": museum}).boolean
    imp = import_source(loc, "list-of-operations", _other_project(tmp_path / "shorter.csv", True), name="other")
    assert imp.replaced and imp.records == {"projects": 1, "organisations": 7, "participations": 7}
    kg = open_store(loc.root)
    assert len(sources_in(kg)) == 2 and len(kg) < before
    # the participation the new file lacks is gone, with the statements it entailed
    assert kg.query("ASK { { ?pt ?p ?o } UNION { ?s ?p ?pt } }", {"pt": gone}).boolean is False
    # the museum, which "ops" states too, keeps its record and what it entails
    formal = URIRef("http://www.w3.org/ns/org#FormalOrganization")
    assert kg.query("ASK { GRAPH ?g { ?museum a ?formal } }", {"museum": museum, "formal": formal}).boolean
    assert open_store(loc.root).query(P + "SELECT ?p WHERE { ?p ikg:projectIndex ?i } ORDER BY ?i").rows == [
        (URIRef(G.data_iri("project", "CD-ETA")),), (URIRef(G.data_iri("project", "OTHER-1")),)]


def test_statements_entailed_by_another_graph_stay_when_a_source_goes():
    kg = OxigraphGraph()
    s, o = "https://ikg.example.org/id/action/A", "https://ikg.example.org/id/practice/P"
    inspired, influenced = "https://ikg.example.org/ontology#inspiredBy", "http://www.w3.org/ns/prov#wasInfluencedBy"
    kg.update(f"""INSERT DATA {{
        GRAPH <{G.source('a')}> {{ <{s}> <{inspired}> <{o}> . <{s}> <{inspired}> <{o}2> }}
        GRAPH <{G.generated}> {{ <{s}> <{inspired}> <{o}> }}
        GRAPH <{G.inferred}> {{ <{s}> <{influenced}> <{o}> . <{s}> <{influenced}> <{o}2> }} }}""")
    assert remove_source_statements(kg, G, "a") is True
    left = {str(r[0]) for r in kg.query(f"SELECT ?o WHERE {{ GRAPH <{G.inferred}> {{ ?s ?p ?o }} }}").rows}
    assert left == {o}
    assert remove_source_statements(kg, G, "a") is False


def _garbage(path: Path) -> Path:
    with path.open("wb") as f:
        block = bytes(range(256)) * 4096
        for _ in range(50):  # 50 MiB
            f.write(block)
    return path


def _missing_column(path: Path) -> Path:
    rows = list(csv.reader(PACKED.open(encoding="utf8")))
    with path.open("w", encoding="utf8", newline="") as f:
        csv.writer(f).writerows([r[:7] + r[8:] for r in rows])  # no amount column
    return path


def _latin1(path: Path) -> Path:
    path.write_bytes(PACKED.read_text(encoding="utf8").encode("latin-1"))
    return path


def _broken_xlsx(path: Path) -> Path:
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    return path


def _unaligned(path: Path) -> Path:
    rows = list(csv.reader(PACKED.open(encoding="utf8")))
    rows[1][7] = "1;2;3"  # three amounts for eight beneficiaries
    with path.open("w", encoding="utf8", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


@pytest.mark.parametrize(("make", "name", "says"), [
    (_missing_column, "no-amount.csv", "no column 'Total eligible expenditure"),
    (_broken_xlsx, "broken.xlsx", "not a readable XLSX workbook"),
    (_garbage, "garbage.csv", "bytes: more than a list of operations"),
    (_latin1, "latin1.csv", "is not UTF-8"),
    (_unaligned, "unaligned.csv", "3 values for 8 beneficiaries cannot be aligned"),
])
def test_a_hostile_file_is_a_clear_error_and_the_store_in_use_is_unchanged(tmp_path, make, name, says):
    loc = StoreLocation(tmp_path / "store")
    import_source(loc, "list-of-operations", PACKED, name="cd-eta")
    before = _state(loc)
    with pytest.raises(InputDataError, match=says):
        import_source(loc, "list-of-operations", make(tmp_path / name), name="cd-eta")
    assert _state(loc) == before
    out = subprocess.run([IKG, "import", "list-of-operations", str(tmp_path / name), "--name", "cd-eta",
                          "--store", str(loc.root)], capture_output=True, text=True)
    assert out.returncode == 1 and "error (bad_input_data)" in out.stderr and says in out.stderr
    assert _state(loc) == before


def test_a_graph_that_breaks_the_shapes_is_not_switched_to(tmp_path, monkeypatch):
    loc = StoreLocation(tmp_path / "store")
    import_source(loc, "list-of-operations", PACKED, name="cd-eta")
    before = _state(loc)
    broken = ValidationReport(False, [Violation("shape", "https://x/focus", None, None, "broken")], 1)
    monkeypatch.setattr("graph.sources.validate_store", lambda kg: broken)
    with pytest.raises(ValidationFailed):
        import_source(loc, "list-of-operations", BY_BENEFICIARY, name="other")
    assert _state(loc) == before


def test_an_import_is_not_switched_to_when_another_build_was_meanwhile(tmp_path, monkeypatch):
    loc = StoreLocation(tmp_path / "store")
    import_source(loc, "list-of-operations", PACKED, name="cd-eta")
    from graph import sources

    real_finish = sources._finish

    def another_build_first(kg, held, location, info, based_on, *args):
        if based_on is not True:  # the import's own finish: let a build from nothing switch first
            build_from_sources(location, [("list-of-operations", PACKED, "meanwhile")])
        return real_finish(kg, held, location, info, based_on, *args)

    monkeypatch.setattr(sources, "_finish", another_build_first)
    with pytest.raises(StoreError, match="the store in use changed"):
        import_source(loc, "list-of-operations", BY_BENEFICIARY, name="other")
    assert [s["name"] for s in sources_in(open_store(loc.root))] == ["meanwhile"]


def test_bad_names_and_kinds_are_refused_before_anything_is_made(tmp_path):
    loc = StoreLocation(tmp_path / "store")
    with pytest.raises(BadParameter, match="source name"):
        import_source(loc, "list-of-operations", PACKED, name="Bad Name!")
    with pytest.raises(BadParameter, match="unknown kind"):
        import_source(loc, "keep-eu", PACKED)
    with pytest.raises(BadParameter, match="two sources are named"):
        build_from_sources(loc, [("list-of-operations", PACKED, "x"), ("list-of-operations", PACKED, "x")])
    assert loc.current() is None


def test_the_report_lists_every_repair_as_json_or_csv(tmp_path):
    store = tmp_path / "store"
    out = subprocess.run([IKG, "import", "list-of-operations", str(PACKED), "--store", str(store),
                          "--report", str(tmp_path / "report.json")], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "1 projects, 8 organisations, 8 participations" in out.stdout
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["name"] == "list-of-operations-cd-eta" and report["rows_read"] == 1
    assert report["notes_by_action"] == {"repaired": 2}
    assert {(n["row"], n["column"], n["value"]) for n in report["notes"]} == {
        (2, "country", "BG;RO;RO;EL;EL;ES;ES;IT;IT;SI;SI;ES;ES;EE;EE"), (2, "post_code", "GR 26504")}
    subprocess.run([IKG, "import", "list-of-operations", str(PACKED), "--store", str(store),
                    "--report", str(tmp_path / "report.csv")], check=True, capture_output=True)
    rows = list(csv.DictReader((tmp_path / "report.csv").open(encoding="utf8")))
    assert [(r["file"], r["row"], r["column"], r["action"]) for r in rows] == [
        (PACKED.name, "2", "country", "repaired"), (PACKED.name, "2", "post_code", "repaired")]
    listed = json.loads(subprocess.run([IKG, "sources", "--store", str(store), "--format", "json"],
                                       check=True, capture_output=True, text=True).stdout)
    assert [s["name"] for s in listed] == ["list-of-operations-cd-eta"]


def test_ikg_build_from_sources_makes_a_store_with_no_generated_record(tmp_path):
    store = tmp_path / "store"
    out = subprocess.run([IKG, "build", "--source", str(PACKED), "--source", str(BY_BENEFICIARY),
                          "--store", str(store)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    kg = open_store(store)
    assert [s["name"] for s in sources_in(kg)] == ["list-of-operations-cd-eta",
                                                   "list-of-operations-cd-eta-by-beneficiary"]
    assert kg.query(P + "ASK { ?s prov:wasGeneratedBy ?run }").boolean is False
    info = json.loads((StoreLocation(store).current() / "build.json").read_text())
    assert info["generated_quads"] == 0 and set(info["sources"]) == {
        "list-of-operations-cd-eta", "list-of-operations-cd-eta-by-beneficiary"}


def test_the_imported_store_is_served_with_the_source_named(cd_eta):
    from service.app import create_app

    c = create_app({"IKG_KG": open_store(cd_eta.root), "TESTING": True}).test_client()
    assert_error(c.get("/doc/source/no-such-source"), 404, "not_found")


def test_the_default_graph_round_trips_through_a_list_of_operations(default_location, tmp_path):
    from graph.operations import GENERATED_TITLE, operation_keys

    listed = tmp_path / "operations.csv"
    out = subprocess.run([IKG, "export", "--store", str(default_location.root), "--list-of-operations",
                          str(listed)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert listed.read_text(encoding="utf8").splitlines()[0] == f'"{GENERATED_TITLE}"'  # says it is generated
    loc = StoreLocation(tmp_path / "store")
    (imp,) = build_from_sources(loc, [("list-of-operations", listed, "round-trip")])
    before, after = operation_keys(open_store(default_location.root)), operation_keys(open_store(loc.root))
    assert len(before["projects"]) == 258 and len(before["participations"]) == imp.rows_read
    for kind in ("projects", "organisations", "participations"):
        assert after[kind] == before[kind], kind
    assert imp.rows_rejected == 0 and imp.records["projects"] == 258
    # the file says row by row that its records are generated, and they stay so: a generated
    # record never becomes a real one by going out and back in
    header = listed.read_text(encoding="utf8").splitlines()[1]
    assert header.endswith("Generated record (ikg) / Enregistrement généré (ikg)")
    kg = open_store(loc.root)
    unmarked = kg.query("""PREFIX ikg: <https://ikg.example.org/ontology#> PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT (COUNT(?s) AS ?n) WHERE { VALUES ?c { ikg:Project ikg:Organisation ikg:Participation } ?s a ?c
        FILTER NOT EXISTS { ?s prov:wasGeneratedBy ?run } }""").rows[0][0]
    assert int(str(unmarked)) == 0


def test_a_list_marking_some_rows_generated_imports_those_as_generated(tmp_path):
    """A mixed export: the rows whose 'Generated record (ikg)' cell is true are generated records,
    the others real ones imported from the source."""
    rows = list(csv.reader(io.StringIO(BY_BENEFICIARY.read_text(encoding="utf8")), delimiter=";"))
    rows[0].append("Enregistrement généré (ikg)")  # the list's French header, as the fixture has it
    for n, r in enumerate(rows[1:]):
        r.append("true" if n == 0 else "false")
    mixed = tmp_path / "mixed.csv"
    with open(mixed, "w", encoding="utf8", newline="") as f:
        csv.writer(f, delimiter=";").writerows(rows)
    loc = StoreLocation(tmp_path / "store")
    import_source(loc, "list-of-operations", mixed, name="mixed")
    kg = open_store(loc.root)
    marks = kg.query("""PREFIX ikg: <https://ikg.example.org/ontology#> PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?c (COUNT(?s) AS ?n) (SUM(IF(EXISTS { ?s prov:wasGeneratedBy ?r }, 1, 0)) AS ?gen) WHERE {
        VALUES ?c { ikg:Project ikg:Participation } ?s a ?c } GROUP BY ?c""").rows
    got = {str(c).rsplit("#", 1)[-1]: (int(str(n)), int(str(g))) for c, n, g in marks}
    assert got["Project"] == (1, 0)  # not all its rows are generated: the project is real
    assert got["Participation"][1] == 1 and got["Participation"][0] > 1  # the first partner's row alone
