"""A real `ikg serve` process answers real HTTP clients (SPARQLWrapper, urllib)."""

from __future__ import annotations

import json
import os
import re
import resource
import signal
import socket
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from rdflib import Graph
from SPARQLWrapper import CSV, JSON, JSONLD, TSV, TURTLE, XML, SPARQLWrapper

from tests.conftest import IKG, alive, cmdline, descendants, running_server, wait_for

COUNT = ("PREFIX ikg: <https://ikg.example.org/ontology#> "
         "SELECT (COUNT(DISTINCT ?project) AS ?n) WHERE { ?project a ikg:Project }")


def test_sparqlwrapper_counts_258_projects(server):
    sw = SPARQLWrapper(server + "/sparql")
    sw.setQuery(COUNT)
    sw.setReturnFormat(JSON)
    result = sw.query().convert()
    assert result["results"]["bindings"][0]["n"]["value"] == "258"


def test_sparqlwrapper_csv_and_post(server):
    sw = SPARQLWrapper(server + "/sparql")
    sw.setQuery(COUNT)
    sw.setMethod("POST")
    sw.setReturnFormat(CSV)
    assert sw.query().convert().decode().split() == ["n", "258"]


def test_plain_http_post_form(server):
    body = urllib.parse.urlencode({"query": COUNT}).encode()
    req = urllib.request.Request(server + "/sparql", data=body,
                                 headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.headers["Content-Type"].startswith("application/sparql-results+json")
        data = json.load(resp)
    assert data["results"]["bindings"][0]["n"]["value"] == "258"


def test_http_error_shape_over_the_wire(server):
    url = server + "/sparql?" + urllib.parse.urlencode({"query": "SELECT nonsense"})
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(url, timeout=10)
    assert e.value.code == 400
    assert json.load(e.value)["code"] == "sparql_syntax"


PROJECTS_OF_SI = """PREFIX ikg: <https://ikg.example.org/ontology#>
SELECT ?acronym WHERE {
  ?p a ikg:Project ; ikg:acronym ?acronym ; ikg:hasParticipation/ikg:participant/ikg:country
     <http://data.europa.eu/nuts/code/SI> .
  FILTER (?acronym = "ERUDITE") }"""
FABLAB = """PREFIX ikg: <https://ikg.example.org/ontology#>
CONSTRUCT { ?change ikg:improves ?op } WHERE {
  ?change ikg:improves ?op . ?op ikg:cciCode "2014SI16MAOP001" }"""
OP = "https://ikg.example.org/id/instrument/2014SI16MAOP001"


def _wrapper(server, query, fmt, method="GET"):
    sw = SPARQLWrapper(server + "/sparql")
    sw.setQuery(query)
    sw.setReturnFormat(fmt)
    sw.setMethod(method)
    return sw.query().convert()


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_select_in_json_xml_csv_tsv(server, method):
    js = _wrapper(server, PROJECTS_OF_SI, JSON, method)
    assert [b["acronym"]["value"] for b in js["results"]["bindings"]] == ["ERUDITE"]
    xml = _wrapper(server, PROJECTS_OF_SI, XML, method)  # a DOM document
    assert [n.firstChild.data for n in xml.getElementsByTagName("literal")] == ["ERUDITE"]
    assert _wrapper(server, PROJECTS_OF_SI, CSV, method).decode().split() == ["acronym", "ERUDITE"]
    assert _wrapper(server, PROJECTS_OF_SI, TSV, method).decode().split() == ["?acronym", '"ERUDITE"']


def test_sparqlwrapper_ask(server):
    ask = "ASK { <https://ikg.example.org/id/project/ERUDITE> ?p ?o }"
    assert _wrapper(server, ask, JSON)["boolean"] is True
    assert _wrapper(server, ask.replace("ERUDITE", "NOPE"), JSON)["boolean"] is False


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_construct_and_describe_in_turtle_and_jsonld(server, method):
    g = _wrapper(server, FABLAB, TURTLE, method)
    g = Graph().parse(data=g, format="turtle") if isinstance(g, (bytes, str)) else g
    assert {str(o) for o in g.objects()} == {OP}
    jl = _wrapper(server, FABLAB, JSONLD, method)
    jl = Graph().parse(data=jl, format="json-ld") if isinstance(jl, (bytes, str)) else jl
    assert {str(o) for o in jl.objects()} == {OP}
    d = _wrapper(server, f"DESCRIBE <{OP}>", TURTLE, method)
    d = Graph().parse(data=d, format="turtle") if isinstance(d, (bytes, str)) else d
    assert any(str(o) == "2014SI16MAOP001" for o in d.objects())


def test_sparqlwrapper_sees_the_error(server):
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    with pytest.raises(QueryBadFormed):
        _wrapper(server, "SELECT ?x WHERE { ?x }", JSON)


def test_a_pathological_query_times_out_and_a_simple_one_is_answered_meanwhile(short_timeout_server):
    import threading

    cross = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    result: dict = {}

    def heavy():
        start = time.monotonic()
        url = short_timeout_server + "/sparql?" + urllib.parse.urlencode({"query": cross})
        try:
            urllib.request.urlopen(url, timeout=120).read()
            result["status"] = 200
        except urllib.error.HTTPError as e:
            result["status"], result["body"] = e.code, json.load(e)
        result["seconds"] = time.monotonic() - start

    t = threading.Thread(target=heavy)
    t.start()
    answer = _wrapper(short_timeout_server, COUNT, JSON)
    assert answer["results"]["bindings"][0]["n"]["value"] == "258"
    t.join(timeout=120)
    assert result["status"] == 503 and result["body"]["code"] == "query_timeout"
    assert result["seconds"] >= 3  # stopped at the deadline, not before


def test_cors_preflight_over_the_wire(server):
    req = urllib.request.Request(server + "/sparql", method="OPTIONS", headers={
        "Origin": "http://example.org", "Access-Control-Request-Method": "POST"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.headers["Access-Control-Allow-Origin"] == "*"
        assert "POST" in resp.headers["Access-Control-Allow-Methods"]


def test_named_query_through_the_worker_pool(server):
    url = server + "/queries/headline-figures?" + urllib.parse.urlencode(
        {"asOf": "2023-03-31", "format": "csv"})
    with urllib.request.urlopen(url, timeout=30) as resp:
        header, values = resp.read().decode().splitlines()
    assert dict(zip(header.split(","), values.split(",")))["sfInstruments"] == "525"


def test_lineage_through_the_worker_pool(server):
    url = server + "/api/lineage/upstream?" + urllib.parse.urlencode(
        {"iri": "https://ikg.example.org/id/change/2014SI16MAOP001-C1"})
    with urllib.request.urlopen(url, timeout=30) as resp:
        body = json.load(resp)
    assert body["changes"][0]["practices"][0]["title"] == "SEROI roadmap"
    missing = server + "/api/lineage/downstream?" + urllib.parse.urlencode(
        {"practice": "https://ikg.example.org/id/practice/NOPE"})
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(missing, timeout=30)
    assert e.value.code == 404 and json.load(e.value)["code"] == "not_found"


# ----------------------------------------------------------------------------- left in public
# A server on the tiny graph whose soft limit of open files starts at 256 (`ikg serve` must
# raise it) and whose request bodies may be 100 kB at most.

BODY_LIMIT = 100_000


def _few_open_files() -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, hard))


@pytest.fixture(scope="module", params=["granian", "waitress"])
def public(request, tiny_location):
    """The server left in public, with each HTTP server `ikg serve` can run (IKG_SERVER)."""
    with running_server(tiny_location.root, {"IKG_MAX_BODY_BYTES": str(BODY_LIMIT),
                                             "IKG_SERVER": request.param},
                        preexec_fn=_few_open_files) as served:
        yield served


def _raw(url: str, request: bytes, timeout: float = 30) -> bytes:
    """Send ``request`` whole over a socket, then read the answer until the server closes."""
    host, port = urllib.parse.urlsplit(url).netloc.split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as s:
        s.sendall(request)
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
    return answer


def _parts(answer: bytes) -> tuple[str, dict[str, str], bytes]:
    head, _, body = answer.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    return status, {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}, body


def test_serve_raises_its_soft_limit_of_open_files_to_the_hard_one(public):
    limits = Path(f"/proc/{public.proc.pid}/limits").read_text()
    soft, hard = re.search(r"Max open files\s+(\d+)\s+(\d+)", limits).groups()
    assert soft == hard and int(soft) > 256


def test_hundreds_of_stalled_connections_do_not_lock_out_a_normal_request(public):
    host, port = urllib.parse.urlsplit(public.url).netloc.split(":")
    stalled = []
    try:
        for _ in range(300):  # more than waitress's default limit (100) and the 256 files
            s = socket.create_connection((host, int(port)), timeout=10)
            s.sendall(b"GET /sparql HTTP/1.1\r\nHost: slow\r\n")  # and never the end of it
            stalled.append(s)
        with urllib.request.urlopen(public.url + "/sparql?" + urllib.parse.urlencode(
                {"query": COUNT, "format": "csv"}), timeout=20) as resp:
            assert resp.read().decode().split() == ["n", "2"]
    finally:
        for s in stalled:
            s.close()


def test_an_idle_connection_is_closed_after_the_channel_timeout(tiny_location):
    with running_server(tiny_location.root, {"IKG_CHANNEL_TIMEOUT": "1"}) as served:
        host, port = urllib.parse.urlsplit(served.url).netloc.split(":")
        with socket.create_connection((host, int(port)), timeout=30) as s:
            s.sendall(b"GET / HTTP/1.1\r\nHost: slow\r\n")
            assert s.recv(1024) == b""  # the server closed it (well before the 30 s timeout)


@pytest.mark.parametrize("size", [2_000_000, 8_000_000])
def test_an_overlong_url_gets_a_431_the_client_can_read(public, size):
    if public.server == "granian":
        # refused by Granian's HTTP parser (hyper) before any Python runs, with its own
        # status (414 for a request line over 64 KiB, 431 beyond its buffer) and no body;
        # hyper closes at once, so a client still sending megabytes may see the connection
        # reset instead (IKG_SERVER=waitress reads and drops the rest first)
        with pytest.raises((urllib.error.HTTPError, urllib.error.URLError, ConnectionError)) as e:
            urllib.request.urlopen(public.url + "/?" + "a" * size, timeout=30)
        if isinstance(e.value, urllib.error.HTTPError):
            assert e.value.code in (414, 431)
        with urllib.request.urlopen(public.url + "/sparql?" + urllib.parse.urlencode(
                {"query": COUNT, "format": "csv"}), timeout=30) as resp:
            assert resp.read().decode().split() == ["n", "2"]  # and it serves on
        return
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(public.url + "/?" + "a" * size, timeout=30)
    status, headers, body = _parts(_raw(public.url, b"GET /?" + b"a" * size + b" HTTP/1.1\r\nHost: x\r\n\r\n"))
    assert e.value.code == 431 and e.value.headers["X-Content-Type-Options"] == "nosniff"
    answer = json.load(e.value)
    assert answer["ok"] is False and answer["status"] == 431 and answer["code"] == "header_too_large"
    assert " 431 " in status and json.loads(body)["code"] == "header_too_large"


def test_a_body_over_the_limit_is_refused_before_it_is_read(public):
    # a gigabyte announced and never sent: the answer comes at once
    status, headers, body = _parts(_raw(public.url, (
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
        b"Content-Length: 1000000000\r\n\r\nSELECT")))
    assert " 413 " in status and headers["content-type"] == "application/json"
    assert json.loads(body)["code"] == "request_too_large"
    # sent whole, just over the limit: refused, and the client reads why
    req = urllib.request.Request(public.url + "/sparql", data=b"#" * (BODY_LIMIT + 1),
                                 headers={"Content-Type": "application/sparql-query"})
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(req, timeout=30)
    assert e.value.code == 413 and json.load(e.value)["code"] == "request_too_large"
    # at the limit: read and answered
    query = (COUNT + " #").encode()
    req = urllib.request.Request(public.url + "/sparql?format=csv", headers={
        "Content-Type": "application/sparql-query"}, data=query + b"x" * (BODY_LIMIT - len(query)))
    with urllib.request.urlopen(req, timeout=30) as resp:
        assert resp.read().decode().split() == ["n", "2"]


@pytest.mark.parametrize("path, media", [
    ("/sparql", "text/turtle"),  # the service description
    ("/sparql?" + urllib.parse.urlencode({"query": COUNT}), "application/sparql-results+json"),
    ("/queries/projects-by-call", "application/sparql-results+json"),  # streamed
    ("/doc/project/ALPHA", "text/turtle"),
    ("/ui/yasgui/yasgui.min.js", "text/javascript"),
])
def test_head_over_the_wire_sends_headers_and_nothing_else(public, path, media):
    status, headers, body = _parts(_raw(public.url, (
        f"HEAD {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").encode()))
    assert status.startswith("HTTP/1.1 200 ") and headers["content-type"].startswith(media)
    assert "transfer-encoding" not in headers and int(headers["content-length"]) > 0
    assert body == b""


@pytest.mark.parametrize("server", ["granian", "waitress"])
def test_a_killed_server_leaves_no_process_behind(tiny_location, server):
    """SIGKILL to `ikg serve`: Granian's worker (which holds the app and the query workers)
    and every query worker exit with it, rather than serving on as orphans."""
    with running_server(tiny_location.root, {"IKG_SERVER": server, "IKG_QUERY_WORKERS": "2"}) as served:
        # ikg serve and two query workers, and Granian's worker between them
        def tree_of_three() -> set[int] | None:
            tree = {served.proc.pid} | descendants(served.proc.pid)
            return tree if len(tree) >= 3 else None

        tree = wait_for(tree_of_three, what="the server's processes")
        served.proc.send_signal(signal.SIGKILL)
        served.proc.wait(timeout=30)
        wait_for(lambda: not any(alive(p) for p in tree), what="every process of the server exiting")


def test_a_read_only_server_may_run_the_app_in_several_processes(tiny_location):
    """IKG_PROCESSES=2: two app processes under Granian, each with its own query workers;
    both answer, and a killed `ikg serve` takes them all with it."""
    with running_server(tiny_location.root, {"IKG_PROCESSES": "2", "IKG_QUERY_WORKERS": "1"}) as served:
        def apps() -> list[int]:
            return [p for p in descendants(served.proc.pid) if "ikg serve" in cmdline(p)]

        assert len(wait_for(lambda: apps() if len(apps()) == 2 else None, what="two app processes")) == 2
        for _ in range(20):  # new connections, spread by the kernel over the two processes
            with urllib.request.urlopen(served.url + "/sparql?" + urllib.parse.urlencode(
                    {"query": COUNT, "format": "csv"}), timeout=30) as resp:
                assert resp.read().decode().split() == ["n", "2"]
        tree = {served.proc.pid} | descendants(served.proc.pid)
        assert len(tree) >= 5  # ikg serve, two app processes, a query worker each
        served.proc.send_signal(signal.SIGKILL)
        served.proc.wait(timeout=30)
        wait_for(lambda: not any(alive(p) for p in tree), what="every process of the server exiting")


@pytest.mark.parametrize("env", [{"IKG_PROCESSES": "2", "IKG_UPDATE_TOKEN": "secret"},
                                 {"IKG_PROCESSES": "2", "IKG_SERVER": "waitress"},
                                 {"IKG_PROCESSES": "0"}])
def test_several_processes_are_refused_with_updates_or_waitress(tiny_location, env):
    import subprocess


    run = subprocess.run([IKG, "serve", "--store", str(tiny_location.root), "--port", "1"],
                         capture_output=True, text=True, env=dict(os.environ, **env), timeout=120)
    assert run.returncode == 2 and "IKG_PROCESSES" in run.stderr
