"""A public endpoint fetches no URL for strangers, and no query text can crash or freeze it.

The SERVICE/LOAD tests send every obfuscation the audit found (and more) through the app and
its real worker processes, with a loopback listener standing in for the URL: it must receive
nothing. The shape tests check the limits run before the engine, in linear time.
"""

from __future__ import annotations

import multiprocessing as mp
import socket
import threading
from pathlib import Path

import pytest

from graph import guard
from graph.execution import isolate_from_network
from graph.guard import Limits, QueryTooComplex, QueryTooLarge, check_shape, network_operations
from graph.store import OxigraphGraph
from tests.conftest import FIXTURES, assert_error

TOKEN = "secret"


class Listener:
    """A TCP server on a free loopback port that records every connection it gets."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            body = b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"fetched"}}]}}'
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                         b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()


@pytest.fixture()
def listener():
    lst = Listener()
    yield lst
    lst.close()


def tiny_store(root: Path) -> Path:
    """A store folder (``CURRENT`` and one build) holding tests/fixtures/tiny.trig."""
    build = root / "builds" / "tiny"
    build.mkdir(parents=True)
    kg = OxigraphGraph(build / "oxigraph")
    kg.load(FIXTURES / "tiny.trig", "trig")
    kg.flush()
    kg.close()
    (root / "CURRENT").write_text("tiny\n", encoding="utf8")
    return root


@pytest.fixture()
def pool_client(tmp_path):
    """The app on an on-disk store, with real query worker processes and updates on."""
    from service.app import create_app
    from service.state import executor_of

    app = create_app({"TESTING": True, "IKG_STORE": str(tiny_store(tmp_path / "store")),
                      "IKG_UPDATE_TOKEN": TOKEN, "IKG_QUERY_TIMEOUT": 60.0,
                      "IKG_QUERY_WORKERS": 1})
    yield app.test_client()
    executor_of(app).close()


def queries(url: str) -> list[str]:
    """SERVICE hidden every way we know, each pointing at ``url``."""
    return [
        f"SELECT ?x WHERE {{ #\rSERVICE <{url}/x> {{ ?x ?p ?o }} }}",  # the audit's: CR ends a comment
        f"SELECT ?x WHERE {{ #\rSERVICE SILENT <{url}/x> {{ ?x ?p ?o }} }}",
        f"SELECT ?x WHERE {{ #\rservice silent <{url}/x> {{ ?x ?p ?o }} }}",
        f"SELECT ?x WHERE {{ # a comment\r\nSeRvIcE\t<{url}/x> {{ ?x ?p ?o }} }}",  # CRLF, mixed case
        f"SELECT ?x WHERE {{ #\x0c form feed\nSERVICE <{url}/x> {{ ?x ?p ?o }} }}",
        f"PREFIX l: <{url}/> SELECT ?x WHERE {{ SERVICE l:x {{ ?x ?p ?o }} }}",  # a prefixed name
        f"SELECT ?x WHERE {{ {{ {{ OPTIONAL {{ SERVICE <{url}/x> {{ ?x ?p ?o }} }} }} }} }}",  # nested
        f"SELECT ?x WHERE {{ VALUES ?e {{ <{url}/x> }} SERVICE ?e {{ ?x ?p ?o }} }}",  # a variable
        f'SELECT ?x WHERE {{ ?s ?p "a\\"#" . SERVICE <{url}/x> {{ ?x ?p ?o }} }}',  # after an escaped quote
        f"SELECT ?x WHERE {{ ?s ?p '''it's\n# not a comment''' . SERVICE <{url}/x> {{ ?x ?p ?o }} }}",
        f"SELECT ?x WHERE {{ SERVICE <{url}/\\u0078> {{ ?x ?p ?o }} }}",  # an escape in the IRI
        f"SELECT ?x WHERE {{ {{ SELECT ?x WHERE {{ #\rSERVICE <{url}/x> {{ ?x ?p ?o }} }} }} }}",
        f"ASK {{ MINUS {{ #\r\rSERVICE <{url}/x> {{ ?x ?p ?o }} }} }}",
    ]


def updates(url: str) -> list[str]:
    """LOAD and SERVICE hidden in updates, each pointing at ``url``."""
    return [
        f"#\rLOAD SILENT <{url}/ttl> INTO GRAPH <http://canary/g>",  # the audit's
        f"load <{url}/ttl> into graph <http://canary/g>",
        f"INSERT DATA {{ GRAPH <urn:g> {{ <urn:a> <urn:b> <urn:c> }} }} ;\r LOAD <{url}/ttl>",
        f"INSERT {{ GRAPH <http://canary/g> {{ ?x ?p ?o }} }} WHERE {{ #\rSERVICE <{url}/x> {{ ?x ?p ?o }} }}",
        f"PREFIX l: <{url}/> #\r\nLOAD l:ttl INTO GRAPH <http://canary/g>",
    ]


def test_every_hidden_service_is_refused_and_nothing_is_fetched(pool_client, listener):
    for query in queries(listener.url):
        resp = pool_client.get("/sparql", query_string={"query": query})
        body = assert_error(resp, 400, "service_not_allowed")
        assert body["detail"]["operations"] == ["SERVICE"], query
        post = pool_client.post("/sparql", data=query.encode(),
                                content_type="application/sparql-query")
        assert_error(post, 400, "service_not_allowed")
    assert listener.connections == 0


def test_every_hidden_load_is_refused_nothing_is_fetched_and_nothing_changes(pool_client, listener):
    before = pool_client.get("/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"},
                             headers={"Accept": "text/csv"}).get_data(as_text=True)
    for update in updates(listener.url):
        resp = pool_client.post("/sparql", data={"update": update},
                                headers={"Authorization": f"Bearer {TOKEN}"})
        assert_error(resp, 400, "service_not_allowed")
    assert listener.connections == 0
    after = pool_client.get("/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"},
                            headers={"Accept": "text/csv"}).get_data(as_text=True)
    assert after == before
    canary = pool_client.get("/sparql", query_string={"query": "ASK { GRAPH <http://canary/g> { ?s ?p ?o } }"})
    assert canary.get_json()["boolean"] is False


def test_the_words_service_and_load_elsewhere_are_not_refused(client):
    query = ('PREFIX service: <http://x/> SELECT ?service ?load WHERE { ?service <http://x/LOAD> ?load '
             'OPTIONAL { ?load service:SERVICE "SERVICE # LOAD" } } # SERVICE <http://x>')
    assert client.get("/sparql", query_string={"query": query}).status_code == 200


def _fetch_after_isolating(url: str, isolate: bool, out) -> None:
    import pyoxigraph as ox

    if isolate:
        out.put(("isolated", isolate_from_network()))
    try:
        list(ox.Store().query(f"SELECT * WHERE {{ SERVICE <{url}/x> {{ ?x ?p ?o }} }}"))
        out.put(("query", "answered"))
    except Exception as e:  # noqa: BLE001 - the test reads what happened
        out.put(("query", f"failed: {e}"))


def test_query_processes_cannot_reach_the_network_even_past_the_parser(listener):
    """The second wall: a process that left the network cannot connect, whatever the
    engine runs (here pyoxigraph runs a SERVICE query with no check at all)."""
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    p = ctx.Process(target=_fetch_after_isolating, args=(listener.url, True, out))
    p.start()
    p.join(timeout=60)
    answers = dict([out.get(timeout=10), out.get(timeout=10)])
    assert answers["isolated"] is True  # CI runs as root: isolation must work there
    assert answers["query"].startswith("failed"), answers
    assert listener.connections == 0
    # and the same process without isolation does fetch: the listener above could have failed
    p = ctx.Process(target=_fetch_after_isolating, args=(listener.url, False, out))
    p.start()
    p.join(timeout=60)
    assert out.get(timeout=10) == ("query", "answered")
    assert listener.connections >= 1


@pytest.mark.parametrize("text", [
    "SELECT * WHERE " + "{" * 5000 + "?s ?p ?o" + "}" * 5000,
    "SELECT * WHERE { FILTER(" + "(" * 10000 + "1" + ")" * 10000 + ") }",
    "SELECT * WHERE { ?s ?p [ ?q " * 100 + "]" * 100 + " }",
])
def test_deep_nesting_is_refused_before_the_engine(client, text):
    body = assert_error(client.get("/sparql", query_string={"query": text}), 400, "query_too_complex")
    assert body["detail"]["limit"] == 64


def test_a_deeply_nested_update_is_refused_before_the_engine(tiny_kg):
    from service.app import create_app

    c = create_app({"TESTING": True, "IKG_KG": tiny_kg, "IKG_UPDATE_TOKEN": TOKEN}).test_client()
    update = "INSERT { <urn:a> <urn:b> <urn:c> } WHERE " + "{" * 5000 + "}" * 5000
    assert_error(c.post("/sparql", data={"update": update}, headers={"Authorization": f"Bearer {TOKEN}"}),
                 400, "query_too_complex")


def test_an_overlong_query_is_a_413(client):
    assert_error(client.post("/sparql", data="ASK {}" + " " * 300_000,
                             content_type="application/sparql-query"), 413, "query_too_large")


def test_long_chains_do_not_kill_a_worker(pool_client):
    """10,000 UNIONs overflowed the engine's stack (a 500, a dead worker); on the workers'
    large stack they are answered."""
    unions = "SELECT * WHERE { " + " UNION ".join(["{ ?s a ?t }"] * 10_000) + " }"
    resp = pool_client.get("/sparql", query_string={"query": unions}, headers={"Accept": "text/csv"})
    assert resp.status_code == 200
    assert resp.get_data(as_text=True).startswith("s,t")
    sums = "SELECT * WHERE { FILTER(" + "+".join(["1"] * 10_000) + " > 0) }"
    assert pool_client.get("/sparql", query_string={"query": sums}).status_code == 200


HOSTILE = [
    "'\\" * 500_000,  # the audit's 40 KB request, 25 times over
    '"' + '\\"' * 500_000,
    '"""' + '""\\' * 300_000,
    "<" + "a" * 300_000 + " " + "<a" * 300_000,
    "#" * 1_000_000,
    "'''" + "''\\" * 300_000,
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_the_checks_are_linear_on_hostile_text(text):
    """Each of these took seconds to minutes in the old quadratic patterns; in one linear
    pass they finish at once (a regression would hang this test, not fail a timer)."""
    check_shape(text, Limits(max_chars=None))
    assert guard._keyword_tokens(text + " SERVICE") <= {"SERVICE"}


def test_limits_refuse_with_details():
    with pytest.raises(QueryTooLarge) as e:
        check_shape("x" * 11, Limits(max_chars=10))
    assert e.value.detail == {"characters": 11, "limit": 10}
    with pytest.raises(QueryTooComplex):
        check_shape("{" * 3, Limits(max_nesting=2))
    check_shape('{ "{{{{" <http://x/(((> # {{{{\r }', Limits(max_nesting=1))


@pytest.mark.parametrize("text, found", [
    ("SELECT * { SERVICE <http://x> { ?s ?p ?o } }", ["SERVICE"]),
    ("SELECT * { #\rSERVICE <http://x> { ?s ?p ?o } }", ["SERVICE"]),
    ('SELECT * { ?s ?p "SERVICE <http://x> {}" }', []),
    ("SELECT * { ?s <http://x/SERVICE> ?service }", []),
    ("PREFIX load: <http://x/> SELECT * { ?s load:x ?o }", []),
])
def test_network_operations_read_the_parse_tree(text, found):
    assert network_operations(text) == found
