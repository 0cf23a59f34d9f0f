"""The remote store: the service over real SPARQL servers (Oxigraph server, Virtuoso 7), loads
into them (cut short, then resumed), the engine differences the store module absorbs.

The named-query, lineage, network and linked-data tests run over every backend through the
``backend_kg`` fixture; what is here is what only a remote store has.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

import graph.remote as remote_module
from graph.errors import BadParameter, StoreLoading
from graph.queries import load_catalogue
from graph.remote import STAGING, RemoteGraph, _plain_groups, _with_bindings
from tests.conftest import IKG, assert_error, remote_options
from tests.engines import free_port, oxigraph_server

PROJECTS = "PREFIX ikg: <https://ikg.example.org/ontology#> SELECT (COUNT(?p) AS ?n) WHERE { ?p a ikg:Project }"


def _projects(kg) -> int:
    return int(kg.query(PROJECTS).rows[0][0])


# ----------------------------------------------------------------------------- bindings as text


def test_a_bound_variable_is_written_in_as_a_term_where_it_is_used_sub_queries_included():
    q = ("SELECT ?asOf ?n WHERE { OPTIONAL { SELECT ?asOf (COUNT(?x) AS ?n) WHERE { ?x <urn:d> ?d . "
         "FILTER (?d <= ?asOf) } GROUP BY ?asOf } } ORDER BY ?asOf")
    text = _with_bindings(q, {"asOf": Literal("2023-03-31", datatype=XSD.date)}, "select")
    term = '"2023-03-31"^^<http://www.w3.org/2001/XMLSchema#date>'
    # used in the FILTER: the term; projected, grouped and ordered: still the variable
    assert f"FILTER (?d <= {term})" in text
    assert "SELECT ?asOf ?n" in text and "GROUP BY ?asOf" in text and "ORDER BY ?asOf" in text
    # bound for the answer, in the query and in its sub-query
    assert text.count(f"VALUES (?asOf) {{ ({term}) }}") == 2
    # Virtuoso's dialect casts a date in an expression
    cast = _with_bindings(q, {"asOf": Literal("2023-03-31", datatype=XSD.date)}, "select", casts=True)
    assert 'FILTER (?d <= <http://www.w3.org/2001/XMLSchema#date>("2023-03-31"))' in cast


@pytest.mark.parametrize("query", [
    "SELECT * { { SELECT ?a WHERE { ?a <urn:p> ?b } } }",  # ?b stays inside
    "SELECT * { { SELECT DISTINCT ?a ?b WHERE { ?a <urn:p> ?b } } }",
    "SELECT * { { SELECT ?a ?b WHERE { ?a <urn:p> ?b } LIMIT 3 } }",
    "SELECT * { { SELECT ?a ?b WHERE { ?a <urn:p> ?b } ORDER BY ?b } }",
    "SELECT * { { SELECT ?a (1 AS ?b) WHERE { ?a <urn:p> ?c } } }",
    "SELECT * { { SELECT ?a ?b WHERE { ?a <urn:p> [ <urn:q> ?b ] } } }",  # a blank node
    "SELECT * { { SELECT ?a ?b WHERE { ?a <urn:p> _:x . _:x <urn:q> ?b } } }",
    "SELECT * { { SELECT ?a ?b WHERE { ?a <urn:p> ?b . { ?b <urn:q> ?a } } } }",  # a nested group
    'SELECT * { ?s <urn:p> "{ SELECT ?a WHERE { ?a ?b ?c } }" }',  # in a string
])
def test_a_sub_select_that_does_more_than_pass_its_pattern_on_stays(query):
    assert _plain_groups(query) == query


def test_a_pass_through_sub_select_is_written_among_the_patterns_or_as_a_group_where_one_is_wanted():
    among = "SELECT * { ?x <urn:r> ?a . { SELECT ?a ?b WHERE { ?a <urn:p> ?b . } } ?b <urn:s> ?y }"
    assert _plain_groups(among) == "SELECT * { ?x <urn:r> ?a . ?a <urn:p> ?b . ?b <urn:s> ?y }"
    union = "SELECT * { { SELECT ?a WHERE { ?a <urn:p> ?a } } UNION { ?a <urn:q> ?a } }"
    assert _plain_groups(union) == "SELECT * { { ?a <urn:p> ?a } UNION { ?a <urn:q> ?a } }"
    minus = "SELECT * { ?a <urn:p> ?b MINUS { SELECT ?a WHERE { ?a <urn:q> ?a } } }"
    assert _plain_groups(minus) == "SELECT * { ?a <urn:p> ?b MINUS { ?a <urn:q> ?a } }"
    # after a triple with no "." the patterns could not follow: a group
    bare = "SELECT * { ?a <urn:p> ?b { SELECT ?b WHERE { ?b <urn:q> ?b } } }"
    assert _plain_groups(bare) == "SELECT * { ?a <urn:p> ?b { ?b <urn:q> ?b } }"


def test_plain_groups_give_every_named_query_the_same_answers(default_kg):
    """The rewrite the remote store makes for Virtuoso, checked where both forms can run."""
    plain = 0
    for q in load_catalogue():
        text = _plain_groups(q.text)
        if text == q.text:
            continue
        plain += 1
        bindings = q.bindings({p.name: p.example for p in q.params if p.example})
        assert "{ SELECT ?change ?practice" not in text, q.name
        assert default_kg.query(text, bindings).rows == default_kg.query(q.text, bindings).rows, q.name
    assert plain >= 10


def test_a_value_never_becomes_query_text():
    text = _with_bindings("SELECT ?s WHERE { ?s <urn:p> ?o }", {"o": Literal('x" } ; DROP ALL ; #')}, "select")
    assert 'VALUES (?o) { ("x\\" } ; DROP ALL ; #") }' in text
    with pytest.raises(BadParameter):
        _with_bindings("SELECT ?s WHERE { ?s <urn:p> ?o }", {"o": URIRef("not an iri")}, "select")


# ----------------------------------------------------------------------------- loads


def _push(store: Path, url: str, env: dict[str, str], *flags: str) -> subprocess.CompletedProcess:
    return subprocess.run([IKG, "push", *flags, "--store", str(store), "--to", url], capture_output=True,
                          text=True, env=dict(os.environ, **env), timeout=900)


def _push_killed(store: Path, url: str, env: dict[str, str], batches: int, *flags: str) -> None:
    """`ikg push`, killed with SIGKILL once it says ``batches`` batches are sent."""
    proc = subprocess.Popen([IKG, "push", *flags, "--store", str(store), "--to", url], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env=dict(os.environ, **env))
    sent = 0
    for line in proc.stdout:
        sent += " sent" in line
        if sent == batches:
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait(timeout=60)
    assert sent == batches and proc.returncode == -signal.SIGKILL


def test_a_load_killed_halfway_leaves_what_was_served_and_goes_on_when_run_again(tiny_location, default_location,
                                                                                default_kg):
    with oxigraph_server() as engine:
        env = dict(engine.settings, IKG_STORE_BATCH_BYTES="1000000")
        first = _push(tiny_location.root, engine.location, env)
        assert first.returncode == 0, first.stderr
        kg = RemoteGraph(engine.location, remote_options(engine))
        served_before = (len(kg), kg.graph_names(), _projects(kg))
        assert served_before[2] == 2

        # the default graph, in batches of 1 MB: killed once five batches are in
        _push_killed(default_location.root, engine.location, env, 5)

        # what was served is served, whole, and the batches sent wait in staging graphs
        assert (len(kg), kg.graph_names(), _projects(kg)) == served_before
        staged = requests.post(f"{kg.query_url}", data={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
                               headers={"Accept": "application/sparql-results+json"}).json()
        assert any(b["g"]["value"].startswith(STAGING) for b in staged["results"]["bindings"])

        # run again: it goes on from the batches recorded done
        again = _push(default_location.root, engine.location, env)
        assert again.returncode == 0, again.stderr
        resumed = re.search(r"(\d+) batches sent, (\d+) already there from a load cut short", again.stdout)
        assert resumed and int(resumed.group(2)) == 5, again.stdout
        assert len(kg) == len(default_kg) and _projects(kg) == 258
        assert kg.graph_names() == sorted(
            str(r[0]) for r in default_kg.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }").rows)
        left = requests.post(f"{kg.query_url}", data={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
                             headers={"Accept": "application/sparql-results+json"}).json()
        assert not [b for b in left["results"]["bindings"] if b["g"]["value"].startswith(STAGING)]

        # and the build's record came along: the base IRI, the version
        assert kg.build_info()["base_iri"] == "https://ikg.example.org"
        assert kg.version()[0].startswith(f"remote.{default_location.current().name}")


def test_a_load_that_is_not_atomic_answers_nothing_until_it_ends_and_goes_on_when_run_again(
        tiny_location, default_location, default_kg):
    with oxigraph_server() as engine:
        env = dict(engine.settings, IKG_STORE_BATCH_BYTES="1000000")
        assert _push(tiny_location.root, engine.location, env).returncode == 0
        kg = RemoteGraph(engine.location, remote_options(engine))
        assert _projects(kg) == 2

        _push_killed(default_location.root, engine.location, env, 5, "--non-atomic")

        # the old graphs are gone, the new ones half there: ikg answers nothing from them, and
        # says why (503 through the service)
        kg.state(fresh=True)
        with pytest.raises(StoreLoading):
            _projects(kg)
        client = _client(engine)
        r = client.get("/sparql", query_string={"query": PROJECTS},
                       headers={"Accept": "application/sparql-results+json"})
        assert_error(r, 503, "store_loading")

        # run again: it goes on from the batches recorded done, straight into the graphs
        again = _push(default_location.root, engine.location, env, "--non-atomic")
        assert again.returncode == 0, again.stderr
        resumed = re.search(r"(\d+) batches sent, (\d+) already there from a load cut short", again.stdout)
        assert resumed and int(resumed.group(2)) == 5, again.stdout
        assert "not atomic" in again.stdout
        kg.state(fresh=True)
        assert len(kg) == len(default_kg) and _projects(kg) == 258
        assert kg.graph_names() == sorted(
            str(r[0]) for r in default_kg.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }").rows)


# ----------------------------------------------------------------------------- the service


@pytest.fixture(params=["oxigraph-server", "virtuoso"])
def remote(request):
    """(server, store) of each real SPARQL server holding the default graph."""
    return request.getfixturevalue({"oxigraph-server": "oxigraph_served", "virtuoso": "virtuoso_served"}[
        request.param])


def _client(engine, **config):
    from service.app import create_app

    return create_app({"TESTING": True, "IKG_STORE": engine.location, **engine.settings,
                       "IKG_QUERY_TIMEOUT": 300, **config}).test_client()


def test_the_endpoint_over_a_remote_store_answers_as_over_the_embedded_one(remote, default_kg):
    from service.app import create_app

    engine, _ = remote
    client = _client(engine)
    embedded = create_app({"TESTING": True, "IKG_KG": default_kg}).test_client()
    q = ("PREFIX ikg: <https://ikg.example.org/ontology#> SELECT ?p ?a WHERE { ?p a ikg:Project ; "
         "ikg:acronym ?a } ORDER BY STR(?a) LIMIT 20")
    for accept in ("application/sparql-results+json", "text/csv", "application/sparql-results+xml"):
        a = client.get("/sparql", query_string={"query": q}, headers={"Accept": accept})
        b = embedded.get("/sparql", query_string={"query": q}, headers={"Accept": accept})
        assert a.status_code == 200 and a.mimetype == b.mimetype and a.get_data() == b.get_data(), accept
    # errors: the same code and message as the embedded store's
    bad = "SELECT * WHERE { ?s ikg:acronym ?o }"
    assert assert_error(client.get("/sparql", query_string={"query": bad}), 400, "sparql_syntax")["error"] == \
        assert_error(embedded.get("/sparql", query_string={"query": bad}), 400, "sparql_syntax")["error"]
    assert_error(client.get("/sparql", query_string={"query": "SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }"}),
                 400, "service_not_allowed")
    # the row cap cuts the answer and says so
    capped = _client(engine, IKG_ROW_LIMIT=5).get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }"},
                                                  headers={"Accept": "application/sparql-results+json"})
    assert len(capped.get_json()["results"]["bindings"]) == 5
    assert capped.headers["Ikg-Result-Truncated"] == "true; limit=5"
    # a graph answer, in Turtle
    seroi = "<https://ikg.example.org/id/practice/ERUDITE-GP1>"
    g = client.get("/sparql", query_string={"query": f"CONSTRUCT WHERE {{ {seroi} ?p ?o }}"},
                   headers={"Accept": "text/turtle"})
    assert g.status_code == 200 and b"SEROI roadmap" in g.get_data()
    # linked data, the dataset description, search
    assert client.get("/doc/practice/ERUDITE-GP1", headers={"Accept": "text/html"}).status_code == 200
    assert_error(client.get("/doc/practice/NO-SUCH-PRACTICE", headers={"Accept": "application/json"}), 404,
                 "not_found")
    void = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert void.status_code == 200 and b"triples" in void.get_data()
    hits = client.get("/api/search", query_string={"q": "EL30"}).get_json()
    assert hits and hits[0]["iri"].endswith("/EL30")


def test_a_query_longer_than_the_timeout_is_a_503_and_an_unreachable_server_a_502(remote):
    engine, _ = remote
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?b ?q ?c . ?c ?r ?d }"
    assert_error(_client(engine, IKG_QUERY_TIMEOUT=0.2).get("/sparql", query_string={"query": slow}), 503,
                 "query_timeout")
    gone = f"sparql+http://127.0.0.1:{free_port()}"
    from service.app import create_app

    client = create_app({"TESTING": True, "IKG_STORE": gone, "IKG_STORE_ENGINE": "oxigraph"}).test_client()
    body = assert_error(client.get("/sparql", query_string={"query": "ASK {}"}), 502, "store_unavailable")
    assert "cannot be reached" in body["error"]


def test_an_update_through_ikg_changes_the_remote_store_and_its_version(tiny_location):
    with oxigraph_server() as engine:
        assert _push(tiny_location.root, engine.location, engine.settings).returncode == 0
        client = _client(engine, IKG_UPDATE_TOKEN="secret", IKG_ANSWER_CACHE_BYTES=0)
        before = client.get("/sparql", query_string={"query": PROJECTS},
                            headers={"Accept": "application/sparql-results+json"})
        resp = client.post("/sparql", data="PREFIX ikg: <https://ikg.example.org/ontology#> INSERT DATA { GRAPH "
                           "<https://ikg.example.org/graph/mine> { <https://ikg.example.org/id/project/X> a "
                           "ikg:Project } }",
                           headers={"Content-Type": "application/sparql-update", "Authorization": "Bearer secret"})
        assert resp.status_code in (200, 204), resp.get_data(as_text=True)
        after = client.get("/sparql", query_string={"query": PROJECTS},
                           headers={"Accept": "application/sparql-results+json"})
        count = lambda r: int(r.get_json()["results"]["bindings"][0]["n"]["value"])  # noqa: E731
        assert (count(before), count(after)) == (2, 3)
        assert after.headers["ETag"] != before.headers["ETag"]
        kg = RemoteGraph(engine.location, remote_options(engine))
        assert "https://ikg.example.org/graph/mine" in kg.graph_names()
        # an update that does not parse changes nothing
        bad = client.post("/sparql", data="INSERT DATA { <urn:a> <urn:b> }",
                          headers={"Content-Type": "application/sparql-update", "Authorization": "Bearer secret"})
        assert_error(bad, 400, "sparql_syntax")
        assert _projects(kg) == 3


def test_export_writes_the_dumps_of_a_remote_store(remote, default_kg, tmp_path):
    engine, _ = remote
    out = tmp_path / "dumps"
    done = subprocess.run([IKG, "export", "--store", engine.location, "--out", str(out)], capture_output=True,
                          text=True, env=dict(os.environ, **engine.settings), timeout=900)
    assert done.returncode == 0, done.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["triples"] > 0 and manifest["conforms"]
    assert manifest["quads"] == len(default_kg)  # every page of every graph
    assert manifest["version"].startswith("remote.")


@pytest.mark.parametrize("buckets", [4096, 3])
def test_a_graph_is_read_in_unsorted_parts_that_add_up_to_it(remote, default_kg, monkeypatch, buckets):
    """Without a Graph Store to stream from (Virtuoso; Oxigraph server with it taken away), a
    graph is read predicate by predicate, a large one in parts: by ranges of Virtuoso's
    number for the subject (3 buckets: each counted again in finer ones, down to ranges of
    at most half a page), by a hash of the subject elsewhere. Every statement comes once,
    none is lost between parts."""
    engine, kg = remote
    monkeypatch.setattr(kg, "graphs_url", None)
    monkeypatch.setattr(remote_module, "ID_BUCKETS", buckets)
    parts: list[int] = []
    read = kg._triples

    def counted(*args, **kwargs):
        parts.append(0)
        for t in read(*args, **kwargs):
            parts[-1] += 1
            yield t

    monkeypatch.setattr(kg, "_triples", counted)
    sizes = Counter(q.graph_name.value for q in default_kg.raw.quads_for_pattern(None, None, None, None)
                    if isinstance(q.graph_name, ox.NamedNode))
    graph = max(sizes, key=sizes.__getitem__)
    expected = {(str(q.subject), str(q.predicate), str(q.object))
                for q in default_kg.raw.quads_for_pattern(None, None, None, ox.NamedNode(graph))}
    got = [(str(t.subject), str(t.predicate), str(t.object)) for t in kg.graph_triples(graph, page=4000)]
    assert len(got) == len(set(got)) == len(expected) > 4000
    assert {(s, p) for s, p, _ in got} == {(s, p) for s, p, _ in expected}
    # split: more parts than predicates; by ranges, none over half a page (a hash: about it)
    assert len(parts) > len({p for _, p, _ in got})
    assert max(parts) <= (2000 if engine.name == "virtuoso" else 4000)
