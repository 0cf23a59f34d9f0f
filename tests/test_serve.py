"""A real `ikg serve` process answers real HTTP clients (SPARQLWrapper, urllib)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from SPARQLWrapper import CSV, JSON, SPARQLWrapper

IKG = str(Path(sys.executable).parent / "ikg")
COUNT = ("PREFIX ikg: <https://ikg.example.org/ontology#> "
         "SELECT (COUNT(DISTINCT ?project) AS ?n) WHERE { ?project a ikg:Project }")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(default_location):
    port = _free_port()
    proc = subprocess.Popen(
        [IKG, "serve", "--store", str(default_location.root), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=dict(os.environ),
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/", timeout=1).read()
            break
        except OSError as e:
            if proc.poll() is not None:
                raise RuntimeError(proc.stdout.read().decode()) from e
            time.sleep(0.2)
    else:
        proc.kill()
        raise RuntimeError("ikg serve did not start in 30 s")
    yield url
    proc.terminate()
    proc.wait(timeout=10)


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
