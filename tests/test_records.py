"""The publisher's own records (issue #12): record tables validated by their data package, mapped
declaratively, resolved against the list of operations in the store, imported as a source.

The store is the real CD-ETA row (tests/fixtures) with the example folder of invented records
(examples/cd-eta/records); hostile folders are copies of that folder with one thing broken.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from graph.errors import InputDataError
from graph.export import export_dumps
from graph.mapping import PACKAGE_FILE, allowed, data_package, tables
from graph.namespaces import Graphs
from graph.quads import QuadWriter
from graph.records import Provenance, RecordWriter
from graph.sources import build_from_sources, import_source, sources_in
from graph.store import StoreLocation, open_store
from tests.conftest import FIXTURES, IKG

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "cd-eta"
RECORDS = EXAMPLE / "records"
G = Graphs()
P = """PREFIX ikg: <https://ikg.example.org/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> StoreLocation:
    """The example as a publisher builds it: the list of operations, then the records."""
    loc = StoreLocation(tmp_path_factory.mktemp("example"))
    build_from_sources(loc, [("list-of-operations", EXAMPLE / "list-of-operations-CD-ETA.csv", "operations"),
                             ("records", RECORDS, "records")])
    return loc


@pytest.fixture(scope="module")
def cd_eta(tmp_path_factory) -> StoreLocation:
    """The CD-ETA row alone, for the hostile folders (each must leave it as it is)."""
    loc = StoreLocation(tmp_path_factory.mktemp("cd-eta"))
    import_source(loc, "list-of-operations", FIXTURES / "list-of-operations-CD-ETA.csv", name="operations")
    return loc


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "records"
    shutil.copytree(RECORDS, folder)
    return folder


def _edit(folder: Path, table: str, row: int, column: str, value: str) -> None:
    """Set one cell (``row`` counted from 1 under the header)."""
    path = folder / f"{table}.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf8"))))
    rows[row - 1][column] = value
    with open(path, "w", encoding="utf8", newline="") as f:
        out = csv.DictWriter(f, list(rows[0]))
        out.writeheader()
        out.writerows(rows)


def _refused(loc: StoreLocation, folder: Path) -> InputDataError:
    before = (loc.current(), len(open_store(loc.root)))
    with pytest.raises(InputDataError) as e:
        import_source(loc, "records", folder, name="records")
    assert (loc.current(), len(open_store(loc.root))) == before  # the store in use is unchanged
    return e.value


# --------------------------------------------------------------------------- the mapping


def test_the_shipped_data_package_is_the_one_the_mapping_makes():
    assert json.loads(PACKAGE_FILE.read_text(encoding="utf8")) == data_package()
    example = json.loads((RECORDS / "datapackage.json").read_text(encoding="utf8"))
    assert example["resources"] == data_package()["resources"] and example["synthetic"] is True


def test_the_allowed_concepts_are_the_shapes_own():
    practices = tables()["practices"]
    assert allowed(practices, practices.column("topic")) == ("so-1-1", "so-1-2", "so-2-1", "so-3-1", "so-4-1",
                                                             "so-4-2")
    changes = tables()["changes"]
    assert allowed(changes, changes.column("type")) == ("improved-management", "new-projects", "structural-change")


def test_a_mapped_row_makes_the_statements_the_mapping_says():
    out = io.StringIO()
    w = QuadWriter(out, G.source("s"))
    rw = RecordWriter(w, G)
    from datetime import date
    from decimal import Decimal

    rw.mapped(tables()["practices"], {"key": "GP1", "title": "Fab labs", "project": "P", "organisation": "si-o",
                                      "region": "SI04", "topic": "so-1-1", "identified_on": date(2017, 1, 2)},
              Provenance.derived(G.source("s"), G.data_iri("source", "s")))
    rw.mapped(tables()["changes"], {"key": "C1", "title": "Network", "instrument": "I", "action": "A",
                                    "type": "new-projects", "date": date(2019, 1, 1), "eur": Decimal("5.50"),
                                    "region": "SI04", "inspired_by": ["GP1"], "evidence": "a report"},
              Provenance.derived(G.source("s"), G.data_iri("source", "s")))
    lines = set(out.getvalue().splitlines())
    gp, ch, q = (f"<{G.data_iri(k, v)}>" for k, v in (("practice", "GP1"), ("change", "C1"),
                                                     ("inspiration", "C1-GP1")))
    ikg, g = "https://ikg.example.org/ontology#", f"<{G.source('s')}> ."
    expected = {
        f'{gp} <http://purl.org/dc/terms/title> "Fab labs" {g}',
        f"{gp} <{ikg}identifiedIn> <{G.data_iri('project', 'P')}> {g}",
        f"{gp} <{ikg}region> <http://data.europa.eu/nuts/code/SI04> {g}",
        f"{gp} <{ikg}topic> <https://ikg.example.org/ontology/concept/topic/so-1-1> {g}",
        f'{gp} <{ikg}identifiedOn> "2017-01-02"^^<http://www.w3.org/2001/XMLSchema#date> {g}',
        f"{gp} <http://www.w3.org/ns/prov#wasDerivedFrom> <{G.data_iri('source', 's')}> {g}",
        f'{ch} <{ikg}financialImpact> "5.50"^^<http://www.w3.org/2001/XMLSchema#decimal> {g}',
        f"{ch} <{ikg}inspiredBy> {gp} {g}",
        f"{ch} <{ikg}qualifiedInspiration> {q} {g}",
        f"{q} <http://www.w3.org/ns/prov#entity> {gp} {g}",
        f'{q} <http://www.w3.org/2000/01/rdf-schema#label> "Fab labs inspired Network" {g}',
        f'{q} <{ikg}evidence> "a report" {g}',
    }
    assert expected <= lines, expected - lines
    assert not any("evidence" in line and line.startswith(ch) for line in lines)  # evidence is the node's


# --------------------------------------------------------------------------- the example


def test_the_example_imports_its_records_linked_to_the_real_project_and_partners(example):
    kg = open_store(example.root)
    (src,) = [s for s in sources_in(kg) if s["name"] == "records"]
    assert src["kind"] == "records" and src["rows_read"] == 12 and src["records_created"] == 12
    assert sorted(src["files"].split("; ")) == ["action-plans.csv", "actions.csv", "changes.csv", "events.csv",
                                        "instruments.csv", "practices.csv"]
    rows = kg.query(P + """SELECT ?title ?org ?region ?project WHERE {
        ?gp a ikg:GoodPractice ; rdfs:label ?title ; ikg:originOrganisation/rdfs:label ?org ;
            ikg:region ?region ; ikg:identifiedIn/ikg:acronym ?project } ORDER BY ?title""").rows
    assert [(str(r[1]), str(r[2]).rsplit("/", 1)[-1], str(r[3])) for r in rows] == [
        ("University of Patras", "EL63", "CD-ETA"),  # the region is the organisation's, placed by post code
        ("Estonian War Museum - General Laidoner Museum", "EE00", "CD-ETA"),  # named by the index PGI00008
    ]
    # the change's region is its action plan's, which is its author's
    (region,) = kg.query(P + """SELECT ?r WHERE { <https://ikg.example.org/id/change/CD-ETA-EX-C1>
        ikg:region ?r }""").rows[0]
    assert str(region).endswith("/RO12")


def test_the_example_says_its_records_are_invented(example):
    kg = open_store(example.root)
    unmarked = kg.query(P + f"""SELECT ?s WHERE {{ GRAPH <{G.source('records')}> {{ ?s prov:wasDerivedFrom ?src }}
        FILTER NOT EXISTS {{ ?s prov:wasGeneratedBy ?run }} }}""").rows
    assert unmarked == []
    real = kg.query(P + f"""SELECT ?s WHERE {{ GRAPH <{G.source('operations')}> {{ ?s prov:wasGeneratedBy ?r }} }}""")
    assert real.rows == []  # the list of operations stays real


def test_lineage_and_pages_answer_on_the_example(example):
    from service.app import create_app

    c = create_app({"IKG_KG": open_store(example.root), "TESTING": True}).test_client()
    down = c.get("/api/lineage/downstream", query_string={"practice": G.data_iri("practice", "CD-ETA-EX-GP1")})
    assert down.status_code == 200, down.get_data(as_text=True)
    body = down.get_data(as_text=True)
    assert "CD-ETA-EX-C1" in body and "CD-ETA-EX-C2" in body
    page = c.get("/doc/practice/CD-ETA-EX-GP1", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "generated" in page.lower() and "/doc/source/records" in page


def test_reimporting_the_records_replaces_them(example, tmp_path):
    folder = _copy(tmp_path)
    lines = (folder / "events.csv").read_text(encoding="utf8").splitlines()
    (folder / "events.csv").write_text("\n".join(lines[:-1]) + "\n", encoding="utf8")
    imp = import_source(example, "records", folder, name="records")
    assert imp.replaced and imp.records["events"] == 1
    kg = open_store(example.root)
    assert len(kg.query(P + "SELECT ?e WHERE { ?e a ikg:LearningEvent }").rows) == 1


# --------------------------------------------------------------------------- hostile folders


@pytest.mark.parametrize("table,row,column,value,why", [
    ("practices", 1, "identified_on", "2017-13-45", "type"),
    ("practices", 2, "topic", "heritage", "constraint"),
    ("changes", 1, "eur", "-5", "constraint"),
    ("changes", 2, "eur", "lots", "type"),
    ("instruments", 1, "country", "Romania", "constraint"),
    ("events", 2, "key", "has space", "constraint"),
    ("actions", 1, "action_plan", "NO-SUCH-PLAN", "foreign"),
    ("events", 2, "key", "CD-ETA-EX-E1", "primary"),
    ("practices", 1, "title", "", "constraint"),
])
def test_a_cell_breaking_the_data_package_is_refused_with_its_row_and_column(cd_eta, tmp_path, table, row,
                                                                            column, value, why):
    folder = _copy(tmp_path)
    _edit(folder, table, row, column, value)
    e = _refused(cd_eta, folder)
    (note,) = [n for n in e.detail["notes"] if n.file == f"{table}.csv"]
    assert note.row == row + 1  # the file's own row number, the header being row 1
    assert why in note.reason.lower() or why in e.message.lower()
    if why not in ("foreign", "primary"):
        assert note.column == column and f"{table}.csv row {row + 1} column {column!r}" in e.message


@pytest.mark.parametrize("table,row,column,value,words", [
    ("practices", 1, "project", "NO-SUCH", "no project 'NO-SUCH'"),
    ("practices", 1, "organisation", "University of Athens", "no partner of CD-ETA is named"),
    ("changes", 1, "inspired_by", "CD-ETA-EX-GP1;GP-NONE", "no row of practices.csv has the key 'GP-NONE'"),
    ("instruments", 1, "cci_code", "2014RO16RFOP002", "required when cci_code is given"),
    ("action-plans", 1, "instrument", "2014RO16RFOP999",
     "no row of instruments.csv has the key '2014RO16RFOP999', and the store holds no OperationalProgramme"),
])
def test_a_row_naming_what_is_not_there_is_refused(cd_eta, tmp_path, table, row, column, value, words):
    folder = _copy(tmp_path)
    _edit(folder, table, row, column, value)
    e = _refused(cd_eta, folder)
    assert words in e.message


def test_plans_and_changes_may_address_a_real_operational_programme_by_its_cci_code(cd_eta, tmp_path):
    """Romania's Integrated Regional Programme is in the reference layer: a plan and its change name
    it by CCI code, with no row of instruments.csv, and it is the real record they link to."""
    folder = _copy(tmp_path)
    _edit(folder, "action-plans", 1, "instrument", "2014RO16RFOP002")
    _edit(folder, "changes", 1, "instrument", "2014RO16RFOP002")
    loc = StoreLocation(tmp_path / "store")
    build_from_sources(loc, [("list-of-operations", FIXTURES / "list-of-operations-CD-ETA.csv", "operations"),
                             ("records", folder, "records")])
    kg = open_store(loc.root)
    op = G.data_iri("instrument", "2014RO16RFOP002")
    rows = kg.query(P + f"""SELECT ?title ?g WHERE {{ <{G.data_iri('change', 'CD-ETA-EX-C1')}> ikg:improves ?op .
        <{G.data_iri('action-plan', 'CD-ETA-EX-2')}> ikg:addresses ?op .
        GRAPH ?g {{ ?op <http://purl.org/dc/terms/title> ?title }} }}""").rows
    assert [(str(t), str(g)) for t, g in rows] == [("Integrated Regional Programme - RO - ERDF", G.real)]
    assert kg.query(P + f"ASK {{ <{op}> a ikg:OperationalProgramme }}").boolean


def test_a_folder_without_a_table_its_rows_name_is_refused(cd_eta, tmp_path):
    folder = _copy(tmp_path)
    (folder / "practices.csv").unlink()
    e = _refused(cd_eta, folder)
    assert "the folder has no practices.csv" in e.message


def test_organisations_are_named_as_the_list_spells_them_accents_and_case_aside(cd_eta, tmp_path):
    folder = _copy(tmp_path)
    _edit(folder, "practices", 1, "organisation", "UNIVERSITY OF PÁTRAS ")
    loc = StoreLocation(tmp_path / "store")
    build_from_sources(loc, [("list-of-operations", FIXTURES / "list-of-operations-CD-ETA.csv", "ops"),
                             ("records", folder, "records")])
    rows = open_store(loc.root).query(P + """SELECT ?o WHERE {
        <https://ikg.example.org/id/practice/CD-ETA-EX-GP1> ikg:originOrganisation ?o }""").rows
    assert str(rows[0][0]) == G.data_iri("organisation", "el-university-of-patras")


@pytest.mark.parametrize("broken,words", [
    ("unknown-file", "mystery.csv is no table of ikg's records"),
    ("unknown-column", "no column 'colour' in practices"),
    ("missing-column", "the required column 'topic' is missing"),
    ("latin1", "is not UTF-8"),
    ("empty", "has no table of records"),
    ("garbage", "no column"),
    ("huge", "more than 20 MiB"),
    ("headers-only", "no row in any table"),
    ("not-a-folder", "is not a folder of record tables"),
])
def test_hostile_folders_get_a_clear_error_and_change_nothing(cd_eta, tmp_path, broken, words):
    folder = _copy(tmp_path)
    if broken == "unknown-file":
        (folder / "mystery.csv").write_text("a,b\n1,2\n", encoding="utf8")
    elif broken == "unknown-column":
        text = (folder / "practices.csv").read_text(encoding="utf8").splitlines()
        (folder / "practices.csv").write_text("\n".join([text[0] + ",colour"] + [t + ",red" for t in text[1:]]))
    elif broken == "missing-column":
        rows = list(csv.reader(io.StringIO((folder / "practices.csv").read_text(encoding="utf8"))))
        i = rows[0].index("topic")
        with open(folder / "practices.csv", "w", encoding="utf8", newline="") as f:
            csv.writer(f).writerows([r[:i] + r[i + 1:] for r in rows])
    elif broken == "latin1":
        (folder / "events.csv").write_bytes((folder / "events.csv").read_text(encoding="utf8")
                                            .replace("Patras", "Pátras").encode("latin-1"))
    elif broken == "empty":
        for p in folder.glob("*.csv"):
            p.unlink()
    elif broken == "garbage":
        (folder / "events.csv").write_text("\u2603,\u2603\n" * 1000, encoding="utf8")
    elif broken == "huge":
        with open(folder / "events.csv", "w", encoding="utf8") as f:
            f.write("key,title,project,type,date,region\n" + "x" * (21 << 20))
    elif broken == "headers-only":
        for p in folder.glob("*.csv"):
            p.write_text(p.read_text(encoding="utf8").splitlines()[0] + "\n", encoding="utf8")
    elif broken == "not-a-folder":
        folder = folder / "practices.csv"
    e = _refused(cd_eta, folder)
    assert words in e.message


def test_records_cannot_lean_on_generated_projects(default_location, tmp_path):
    """The default graph's projects are generated: a real record may not name one."""
    store = tmp_path / "store"
    shutil.copytree(default_location.root, store, symlinks=True)
    (acronym,) = open_store(store).query(P + """SELECT ?a WHERE { ?p a ikg:Project ; ikg:acronym ?a ;
        prov:wasGeneratedBy ?run } ORDER BY ?a LIMIT 1""").rows[0]
    folder = tmp_path / "records"
    folder.mkdir()
    (folder / "events.csv").write_text("key,title,project,type,date,region\n"
                                       f"E1,A visit,{acronym},study-visit,2017-05-16,SI04\n", encoding="utf8")
    e = _refused(StoreLocation(store), folder)
    assert f"no project '{acronym}'" in e.message and "generated projects cannot be named" in e.message


# --------------------------------------------------------------------------- the command line


def test_the_command_line_writes_the_template_imports_and_reports_errors(tmp_path):
    template = tmp_path / "mine"
    out = subprocess.run([IKG, "init-records", str(template)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert sorted(p.name for p in template.iterdir()) == sorted(
        ["datapackage.json"] + [f"{t}.csv" for t in tables()])
    assert (template / "changes.csv").read_text(encoding="utf8").startswith("key,title,instrument,action,type")
    store = tmp_path / "store"
    ok = subprocess.run([IKG, "build", "--source", str(EXAMPLE / "list-of-operations-CD-ETA.csv"),
                         "--source", str(RECORDS), "--store", str(store)], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert "source 'records' (records," in ok.stdout
    broken = _copy(tmp_path)
    _edit(broken, "changes", 2, "date", "yesterday")
    report = tmp_path / "report.csv"
    bad = subprocess.run([IKG, "import", "records", str(broken), "--store", str(store), "--name", "records",
                          "--report", str(report)], capture_output=True, text=True)
    assert bad.returncode == 1
    assert "changes.csv row 3 column 'date'" in bad.stderr
    (row,) = list(csv.DictReader(io.StringIO(report.read_text(encoding="utf8"))))
    assert (row["file"], row["row"], row["column"], row["value"], row["action"]) == (
        "changes.csv", "3", "date", "yesterday", "rejected")
    listed = subprocess.run([IKG, "sources", "--store", str(store), "--format", "json"], capture_output=True,
                            text=True)
    assert [s["name"] for s in json.loads(listed.stdout)] == ["list-of-operations-cd-eta", "records"]


def test_named_queries_search_void_and_dumps_answer_on_the_example(example, tmp_path):
    from service.app import create_app

    c = create_app({"IKG_KG": open_store(example.root), "TESTING": True}).test_client()
    json_ = {"Accept": "application/sparql-results+json"}
    down = c.get("/queries/changes-inspired-by-practice", headers=json_,
                 query_string={"practice": G.data_iri("practice", "CD-ETA-EX-GP1")}).get_json()
    assert sorted(b["change"]["value"].rsplit("/", 1)[-1] for b in down["results"]["bindings"]) == [
        "CD-ETA-EX-C1", "CD-ETA-EX-C2"]
    up = c.get("/queries/practices-behind-change", headers=json_,
               query_string={"change": G.data_iri("change", "CD-ETA-EX-C2")}).get_json()
    assert len(up["results"]["bindings"]) == 2  # both practices, from Patras and from Estonia
    hits = c.get("/api/search?q=3D-scanning").get_json()
    assert G.data_iri("practice", "CD-ETA-EX-GP1") in {h["iri"] for h in hits}
    void = c.get("/.well-known/void", headers={"Accept": "application/n-triples"}).get_data(as_text=True)
    assert f"<{G.source('records')}> <http://purl.org/dc/terms/source> <{G.data_iri('source', 'records')}>" in void
    export_dumps(open_store(example.root), tmp_path / "dumps", "test")
    quads = next((tmp_path / "dumps").glob("*.nq.gz"))
    with gzip.open(quads, "rt", encoding="utf8") as f:
        text = f.read()
    assert f"<{G.data_iri('practice', 'CD-ETA-EX-GP1')}>" in text and f"<{G.source('records')}> ." in text


def test_networks_of_real_records_only(example, default_kg):
    from graph.network import Filters, network

    real = network(open_store(example.root), "regions", Filters(real_only=True))
    assert real.number_of_nodes() == 8 and real.number_of_edges() == 28  # CD-ETA's 8 regions, real partners
    assert all(d["real_weight"] == 1 and not d["generated"] for *_, d in real.edges(data=True))
    # the example's practices and changes are invented: no real transfer
    assert network(open_store(example.root), "transfers", Filters(real_only=True)).number_of_edges() == 0
    # the default graph's partners are generated, even those of its nine real projects
    assert network(default_kg, "regions", Filters(real_only=True)).number_of_edges() == 0
    assert network(default_kg, "regions").number_of_edges() > 5000
