"""Dumps and the dataset description: `ikg export`, /dumps/ and /.well-known/void."""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil

import pyoxigraph as ox
import pytest
from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef

from graph.errors import StoreError
from graph.export import DUMP_FILES, export_dumps
from graph.namespaces import IKG, NUTS
from graph.store import OxigraphGraph, store_path
from tests.conftest import assert_error

VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
SH = Namespace("http://www.w3.org/ns/shacl#")
DS = URIRef("https://ikg.example.org/.well-known/void#ikg")


def dumped(path, fmt) -> set[str]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rb") as f:
        return {f"{t.subject} {t.predicate} {t.object}" for t in ox.parse(f, fmt)}


def count(kg, query: str) -> int:
    return int(kg.query(query).rows[0][0])


def test_the_dumps_parse_back_to_exactly_the_store(default_kg, default_dumps):
    """No blank nodes, so isomorphic means the same set of triples. The store's terms are read
    as pyoxigraph gives them: rdflib would rewrite a date-time's "Z" as "+00:00"."""
    expected = {f"{s} {p} {o}" for s, p, o in default_kg.raw.query(
        "SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o }", use_default_graph_as_union=True)}
    assert dumped(default_dumps / "ikg.nt.gz", ox.RdfFormat.N_TRIPLES) == expected
    with gzip.open(default_dumps / "ikg.nt.gz", "rt", encoding="utf8") as lines:
        assert sum(1 for _ in lines) == len(expected)  # one line a triple, none twice
    assert json.loads((default_dumps / "manifest.json").read_text())["triples"] == len(expected)
    assert dumped(default_dumps / "ikg.ttl", ox.RdfFormat.TURTLE) == expected
    with gzip.open(default_dumps / "ikg.nq.gz", "rb") as f:
        quads = sum(1 for _ in ox.parse(f, ox.RdfFormat.N_QUADS))
    assert quads == len(default_kg)


def test_a_triple_in_two_graphs_is_dumped_and_counted_once(tiny_kg, tmp_path):
    """The same statement in two graphs (an import that repeats a generated record's fact):
    once in the N-Triples, the Turtle read back from them, and the VoID counts; twice in the
    N-Quads, which keep the graphs."""
    tiny_kg.update("INSERT { GRAPH <urn:ikg:copy> { ?s a ?c } } WHERE { GRAPH ?g { ?s a ?c } }")
    quads = len(tiny_kg)
    expected = {f"{s} {p} {o}" for s, p, o in tiny_kg.raw.query(
        "SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o }", use_default_graph_as_union=True)}
    types = count(tiny_kg, f"SELECT (COUNT(DISTINCT *) AS ?n) WHERE {{ ?s <{RDF.type}> ?c }}")
    assert len(expected) < quads
    manifest = export_dumps(tiny_kg, tmp_path / "dumps", "v")
    dumps = tmp_path / "dumps"
    with gzip.open(dumps / "ikg.nt.gz", "rt", encoding="utf8") as lines:
        assert sum(1 for _ in lines) == len(expected)
    assert dumped(dumps / "ikg.nt.gz", ox.RdfFormat.N_TRIPLES) == expected
    assert dumped(dumps / "ikg.ttl", ox.RdfFormat.TURTLE) == expected
    with gzip.open(dumps / "ikg.nq.gz", "rb") as f:
        assert sum(1 for _ in ox.parse(f, ox.RdfFormat.N_QUADS)) == quads
    stats = json.loads((dumps / "statistics.json").read_text())
    assert manifest["triples"] == stats["triples"] == len(expected)
    assert stats["properties"][str(RDF.type)] == types


def _ox(term) -> str:
    if isinstance(term, URIRef):
        return str(ox.NamedNode(str(term)))
    if term.language:
        return str(ox.Literal(str(term), language=term.language))
    return str(ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD.string))))


def test_checksums_match_and_the_report_says_the_graph_conforms(default_dumps):
    lines = (default_dumps / "SHA256SUMS").read_text().splitlines()
    sums = dict(reversed(line.split("  ")) for line in lines)
    assert set(sums) == {d.name for d in DUMP_FILES} - {"SHA256SUMS", "manifest.json"}
    for name, digest in sums.items():
        assert hashlib.sha256((default_dumps / name).read_bytes()).hexdigest() == digest, name
    report = Graph().parse(default_dumps / "validation-report.ttl", format="turtle")
    assert (None, SH.conforms, Literal(True)) in report
    manifest = json.loads((default_dumps / "manifest.json").read_text())
    assert manifest["conforms"] is True and manifest["build"]["seed"] == 42
    assert {f["name"]: f["sha256"] for f in manifest["files"]} == sums


def test_a_failed_export_leaves_the_previous_dump_alone(default_location, default_dumps, tmp_path, monkeypatch):
    folder = tmp_path / "dumps"
    shutil.copytree(default_dumps, folder)
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.stat().st_size < 10_000_000}
    kg = OxigraphGraph(store_path(default_location.root), read_only=True)

    def broken(output, fmt="ntriples"):
        raise StoreError("disk full")

    monkeypatch.setattr(kg, "write_triples", broken)
    with pytest.raises(StoreError):
        export_dumps(kg, folder, "v")
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.name in before} == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".dumps")]


@pytest.fixture()
def dumps_client(default_kg, default_dumps):
    from service.app import create_app

    return create_app({"TESTING": True, "IKG_KG": default_kg,
                       "IKG_DUMPS": str(default_dumps)}).test_client()


def test_dumps_are_served_with_length_etag_and_ranges(dumps_client, default_dumps):
    listing = dumps_client.get("/dumps/", headers={"Accept": "application/json"}).get_json()
    assert {f["name"] for f in listing["files"]} >= {"ikg.nt.gz", "ikg.ttl", "shapes.ttl"}
    html = dumps_client.get("/dumps/").get_data(as_text=True)
    assert 'href="/dumps/ikg.nt.gz"' in html
    for f in listing["files"]:
        resp = dumps_client.get(f"/dumps/{f['name']}")
        assert resp.status_code == 200 and int(resp.headers["Content-Length"]) == f["bytes"]
        assert resp.headers["ETag"] == f'"{f["sha256"]}"' and resp.headers["Last-Modified"]
        assert resp.headers["Accept-Ranges"] == "bytes"
        assert resp.headers["Access-Control-Allow-Origin"] == "*"
        assert "Content-Encoding" not in resp.headers
        resp.close()
    data = (default_dumps / "ikg.ttl").read_bytes()
    part = dumps_client.get("/dumps/ikg.ttl", headers={"Range": "bytes=100-1099"})
    assert part.status_code == 206 and part.data == data[100:1100]
    assert part.headers["Content-Range"] == f"bytes 100-1099/{len(data)}"
    etag = dumps_client.get("/dumps/ikg.ttl").headers["ETag"]
    assert dumps_client.get("/dumps/ikg.ttl", headers={"If-None-Match": etag}).status_code == 304
    assert_error(dumps_client.get("/dumps/passwords.txt"), 404, "not_found")
    assert_error(dumps_client.get("/dumps/..%2fbuild.json"), 404, "not_found")


def test_no_dumps_yet_is_a_clear_404(tiny_kg, tmp_path):
    from service.app import create_app

    client = create_app({"TESTING": True, "IKG_KG": tiny_kg, "IKG_DUMPS": str(tmp_path)}).test_client()
    body = assert_error(client.get("/dumps/"), 404, "not_found")
    assert "ikg export" in body["error"]
    assert_error(client.get("/dumps/ikg.nt.gz"), 404, "not_found")


def _void(client, fmt="text/turtle") -> Graph:
    resp = client.get("/.well-known/void", headers={"Accept": fmt})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return Graph().parse(data=resp.data, format={
        "text/turtle": "turtle", "application/ld+json": "json-ld", "application/n-triples": "nt",
        "application/rdf+xml": "xml"}[fmt])


def _int(g: Graph, s, p) -> int:
    value = g.value(s, p)
    assert value is not None, (s, p)
    return int(value)


def test_void_statistics_match_sparql_counts(dumps_client, default_kg):
    g = _void(dumps_client)
    assert (DS, RDF.type, VOID.Dataset) in g and (DS, RDF.type, DCAT.Dataset) in g
    assert _int(g, DS, VOID.triples) == count(
        default_kg, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }")
    assert _int(g, DS, VOID.distinctSubjects) == count(
        default_kg, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }")
    classes = {g.value(part, VOID["class"]): _int(g, part, VOID.entities)
               for part in g.objects(DS, VOID.classPartition)}
    for cls in ("Project", "GoodPractice", "PolicyChange", "Organisation"):
        assert classes[URIRef(IKG + cls)] == count(
            default_kg, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <{IKG}{cls}> }}"), cls
    assert classes[URIRef(IKG + "Project")] == 258
    props = {g.value(part, VOID.property): _int(g, part, VOID.triples)
             for part in g.objects(DS, VOID.propertyPartition)}
    assert props[URIRef(IKG + "region")] == count(
        default_kg, f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?o WHERE {{ ?s <{IKG}region> ?o }} }}")
    assert _int(g, DS, VOID.entities) == count(default_kg, f"""SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{
        ?s a ?c FILTER (STRSTARTS(STR(?c), "{IKG}") && ?c != <{IKG}Region>) }}""")
    assert _int(g, DS, VOID.distinctObjects) == count(
        default_kg, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }")
    assert _int(g, DS, VOID.classes) == len(classes) and _int(g, DS, VOID.properties) == len(props)
    linkset = next(s for s in g.subjects(RDF.type, VOID.Linkset))
    assert _int(g, linkset, VOID.triples) == count(default_kg, f"""SELECT (COUNT(*) AS ?n) WHERE {{
        SELECT DISTINCT ?s ?p ?o WHERE {{ ?s ?p ?o FILTER (STRSTARTS(STR(?o), "{NUTS}"))
        FILTER (!STRSTARTS(STR(?s), "http://data.europa.eu/nuts/")) }} }}""")
    graphs = {s: _int(g, s, VOID.triples) for s in g.objects(DS, VOID.subset) if s != linkset}
    assert sum(graphs.values()) == len(default_kg)


def test_void_names_the_endpoint_dumps_licence_and_examples(dumps_client, default_dumps):
    g = _void(dumps_client, "application/ld+json")
    assert (DS, VOID.sparqlEndpoint, URIRef("http://localhost/sparql")) in g
    assert (DS, VOID.dataDump, URIRef("http://localhost/dumps/ikg.nt.gz")) in g
    assert (DS, URIRef("http://purl.org/dc/terms/license"), None) in g
    assert g.value(DS, VOID.uriSpace) == Literal("https://ikg.example.org/id/")
    assert len(list(g.objects(DS, VOID.exampleResource))) == 4
    for example in g.objects(DS, VOID.exampleResource):
        assert dumps_client.get(str(example)[len("https://ikg.example.org"):]).status_code == 303
    assert (DS, VOID.vocabulary, URIRef("http://www.w3.org/ns/prov#")) in g
    manifest = json.loads((default_dumps / "manifest.json").read_text())
    sums = {str(g.value(d, DCAT.downloadURL)).rsplit("/", 1)[1]:
            str(g.value(g.value(d, SPDX.checksum), SPDX.checksumValue))
            for d in g.objects(DS, DCAT.distribution) if g.value(d, DCAT.downloadURL)}
    assert sums == {f["name"]: f["sha256"] for f in manifest["files"]}
    assert dumps_client.get("/.well-known/void.html").status_code == 200


def test_void_statistics_saved_by_export_are_the_counted_ones(default_kg, default_dumps):
    from graph.void import statistics

    saved = json.loads((default_dumps / "statistics.json").read_text())
    saved.pop("version")
    assert saved == json.loads(json.dumps(statistics(default_kg).__dict__))


def test_void_in_every_rdf_format_says_the_same(dumps_client):
    graphs = [_void(dumps_client, fmt) for fmt in ("text/turtle", "application/ld+json",
                                                   "application/n-triples", "application/rdf+xml")]
    counts = [_int(g, DS, VOID.triples) for g in graphs]
    assert len(set(counts)) == 1 and all(len(g) == len(graphs[0]) for g in graphs)


def test_void_is_counted_once_and_revalidated(tiny_kg, tmp_path, monkeypatch):
    import graph.void
    from service.app import create_app

    calls = []
    count = graph.void.statistics
    monkeypatch.setattr(graph.void, "statistics", lambda kg: calls.append(1) or count(kg))
    client = create_app({"TESTING": True, "IKG_KG": tiny_kg, "IKG_DUMPS": str(tmp_path)}).test_client()
    first = client.get("/.well-known/void.ttl")
    assert client.get("/.well-known/void.jsonld").status_code == 200
    assert client.get("/.well-known/void.html").status_code == 200
    assert len(calls) == 1
    assert client.get("/.well-known/void.ttl",
                      headers={"If-None-Match": first.headers["ETag"]}).status_code == 304


def test_statistics_cache_counts_once_for_concurrent_first_callers_and_drops_old_counts():
    import threading

    from graph.void import Statistics, StatisticsCache

    def stats(n):
        return Statistics(triples=n, entities=0, distinct_subjects=0, distinct_objects=0)

    cache, calls, gate = StatisticsCache(), [], threading.Event()

    def slow_count():
        calls.append(1)
        gate.wait(5)
        return stats(1)

    results = []
    threads = [threading.Thread(target=lambda: results.append(cache.get("v1", slow_count)))
               for _ in range(3)]
    for t in threads:
        t.start()
    gate.set()
    for t in threads:
        t.join(5)
    assert len(calls) == 1 and [r[0] for r in results] == ["v1"] * 3
    # v2 and then v3 are asked for while v2 is still being counted: v2's late answer is dropped
    hold2, done2 = threading.Event(), threading.Event()

    def count2():
        hold2.wait(5)
        done2.set()
        return stats(2)

    assert cache.get("v2", count2)[0] == "v1"  # the last known, while v2 is counted
    assert cache.get("v3", lambda: stats(3))[0] == "v1"
    for _ in range(100):  # v3's count runs in its own thread
        if cache.get("v3", lambda: stats(3))[0] == "v3":
            break
        threading.Event().wait(0.02)
    hold2.set()
    done2.wait(5)
    threading.Event().wait(0.1)
    assert cache.get("v3", lambda: stats(3)) == ("v3", stats(3))


def test_dumps_of_an_older_version_are_flagged(dumps_client):
    """The inline store's version is not the build's, so these dumps are not of the data."""
    listing = dumps_client.get("/dumps/", headers={"Accept": "application/json"}).get_json()
    assert listing["current"] is False and listing["data_version"] != listing["version"]
    assert 'id="stale"' in dumps_client.get("/dumps/").get_data(as_text=True)
    g = _void(dumps_client)
    assert "older than the data served" in " ".join(str(c) for c in g.objects(DS, RDFS.comment))


def test_dumps_of_the_build_served_are_current(server, default_dumps):
    import urllib.request

    req = urllib.request.Request(server + "/dumps/", headers={"Accept": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        listing = json.loads(resp.read())
        assert "Accept" in resp.headers["Vary"]
    assert listing["current"] is True and listing["version"] == listing["data_version"]


def test_after_an_update_void_serves_the_last_statistics_and_counts_again(tiny_kg, tmp_path, monkeypatch):
    """Counting a large store takes longer than a request should wait: after an update the
    description says its statistics are of the previous version until the new count is in."""
    import threading
    import time

    import graph.void
    from service.app import create_app

    count = graph.void.statistics
    release = threading.Event()
    release.set()

    def held_count(kg):
        release.wait(20)
        return count(kg)

    monkeypatch.setattr(graph.void, "statistics", held_count)
    app = create_app({"TESTING": True, "IKG_KG": tiny_kg, "IKG_UPDATE_TOKEN": "t",
                      "IKG_DUMPS": str(tmp_path)})
    client = app.test_client()
    before = count(tiny_kg)
    first = client.get("/.well-known/void.ttl")  # nothing counted or saved yet: counted now
    g = Graph().parse(data=first.data, format="turtle")
    assert _int(g, DS, VOID.triples) == before.triples
    assert g.value(DS, RDFS.comment) is None
    release.clear()  # hold the next count
    client.post("/sparql", data={"update": """INSERT DATA { GRAPH <https://ikg.example.org/graph/generated> {
        <https://ikg.example.org/id/project/GAMMA> a <https://ikg.example.org/ontology#Project> } }"""},
                headers={"Authorization": "Bearer t"})
    stale = Graph().parse(data=client.get("/.well-known/void.ttl").data, format="turtle")
    assert "counted at version" in str(stale.value(DS, RDFS.comment))
    assert _int(stale, DS, VOID.triples) == before.triples
    assert 'id="stale"' in client.get("/.well-known/void.html").get_data(as_text=True)
    release.set()
    deadline = time.monotonic() + 20
    while True:
        g = Graph().parse(data=client.get("/.well-known/void.ttl").data, format="turtle")
        if g.value(DS, RDFS.comment) is None:
            break
        assert time.monotonic() < deadline, "the new statistics never arrived"
        time.sleep(0.05)
    assert _int(g, DS, VOID.triples) == before.triples + 1
    classes = {g.value(p, VOID["class"]): _int(g, p, VOID.entities) for p in g.objects(DS, VOID.classPartition)}
    assert classes[URIRef(IKG + "Project")] == 3


def test_the_export_keeps_the_builds_validation_report_while_the_store_is_unchanged(default_location, default_dumps,
                                                                                   tmp_path):
    """The build validated this very version with these shapes: the export copies its report
    instead of validating again; another version (an update since) is validated again."""
    from graph.store import build_version, read_build_info

    build = default_location.current()
    manifest = json.loads((default_dumps / "manifest.json").read_text(encoding="utf8"))
    assert manifest["validated"] == "at build" and manifest["conforms"] is True
    assert (default_dumps / "validation-report.ttl").read_bytes() == (build / "validation-report.ttl").read_bytes()
    kg = OxigraphGraph(store_path(default_location.root), read_only=True)
    try:
        again = export_dumps(kg, tmp_path / "dumps", build_version(build)[0] + "-updated", read_build_info(build))
    finally:
        kg.close()
    assert again["validated"] == "at export" and again["conforms"] is True
