"""Shared fixtures: the default graph built once per session, small hand-made graphs, the app."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from graph.build import BuildOptions, build
from graph.linked import RECORD_KINDS
from graph.store import OxigraphGraph, StoreLocation, open_store

FIXTURES = Path(__file__).parent / "fixtures"
GOLDEN = Path(__file__).parent / "golden"
#: Each kind of record: the segment of its IRI (``{base}/id/{kind}/{key}``) and its class.
KIND_CLASSES = RECORD_KINDS


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/*.json from the current default graph")
IKG = str(Path(sys.executable).parent / "ikg")


@pytest.fixture(scope="session")
def default_location(tmp_path_factory) -> StoreLocation:
    """The default graph (seed 42, scale 1), built once through `graph.build.build`."""
    loc = StoreLocation(tmp_path_factory.mktemp("store"))
    build(loc, BuildOptions())
    return loc


@pytest.fixture(scope="session")
def default_kg(default_location) -> OxigraphGraph:
    """The default graph's store, opened read-only as `ikg serve` opens it."""
    return open_store(default_location.root, read_only=True)


@pytest.fixture(scope="session")
def default_dumps(default_location) -> Path:
    """`ikg export` of the default graph, into dumps/ of the build (where /dumps/ serves it)."""
    subprocess.run([IKG, "export", "--store", str(default_location.root)], check=True,
                   capture_output=True)
    return default_location.current() / "dumps"


@pytest.fixture()
def tiny_kg() -> OxigraphGraph:
    """A hand-made graph of two projects (tests/fixtures/tiny.trig), in memory."""
    kg = OxigraphGraph()
    kg.load(FIXTURES / "tiny.trig", "trig")
    return kg


@pytest.fixture()
def app(tiny_kg):
    from service.app import create_app

    return create_app({"TESTING": True, "IKG_KG": tiny_kg})


@pytest.fixture()
def client(app):
    return app.test_client()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server_log(tmp_path_factory) -> Path:
    """The log of the `server` process: a line per request, and the trace of every 500."""
    return tmp_path_factory.mktemp("serve") / "serve.log"


@pytest.fixture(scope="session")
def server(default_location, server_log):
    """A real `ikg serve` process on the default graph (query timeout 3 s), on a free port.
    It logs to ``server_log`` (a pipe that nobody read would fill up and stall it)."""
    port = _free_port()
    with open(server_log, "wb") as log:
        proc = subprocess.Popen(
            [IKG, "serve", "--store", str(default_location.root), "--port", str(port)],
            stdout=log, stderr=subprocess.STDOUT,
            env=dict(os.environ, IKG_QUERY_TIMEOUT="3", IKG_QUERY_WORKERS="2"),
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/", timeout=1).read()
            break
        except OSError as e:
            if proc.poll() is not None:
                raise RuntimeError(server_log.read_text(errors="replace")) from e
            time.sleep(0.2)
    else:
        proc.kill()
        raise RuntimeError("ikg serve did not start in 30 s")
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def assert_error(resp, status: int, code: str) -> dict:
    """Every non-2xx answer has the one error shape; returns its JSON."""
    assert resp.status_code == status, resp.get_data(as_text=True)
    assert resp.mimetype == "application/json"
    body = resp.get_json()
    assert set(body) == {"ok", "status", "code", "error", "detail"}
    assert body["ok"] is False and body["status"] == status and body["code"] == code
    assert isinstance(body["error"], str) and body["error"]
    return body
