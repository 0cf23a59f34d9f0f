"""Shared fixtures: the default graph built once per session, small hand-made graphs, the app."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

# the servers the tests start do not warm themselves up (a warm-up query would hold a query
# worker while a test counts them); the test of the warm-up turns it on
os.environ["IKG_WARM_UP"] = "false"

from graph.build import BuildOptions, build
from graph.linked import RECORD_KINDS
from graph.remote import RemoteGraph, RemoteOptions
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


#: The stores every named-query, lineage, network and linked-data test runs on.
BACKENDS = ["embedded", "oxigraph-server", "virtuoso"]


def remote_options(engine) -> RemoteOptions:
    """The settings of a test server, as ikg reads them (a timeout a loaded machine meets)."""
    s = engine.settings
    return RemoteOptions(engine=s["IKG_STORE_ENGINE"], user=s.get("IKG_STORE_USER", ""),
                         password=s.get("IKG_STORE_PASSWORD", ""), timeout=300)


@contextmanager
def loaded_server(name: str, location: StoreLocation) -> Iterator[tuple[object, RemoteGraph]]:
    """A real SPARQL server (``name``: a key of :data:`tests.engines.SERVERS`) holding the
    build in use of ``location``, loaded by ikg: (the server, ikg's store on it)."""
    from graph.store import build_version, read_build_info
    from tests.engines import SERVERS

    with SERVERS[name]() as engine:
        kg = RemoteGraph(engine.location, remote_options(engine))
        build = location.current()
        kg.push(open_store(location.root), info=read_build_info(build), version=build_version(build)[0],
                key=build.name)
        yield engine, kg


@pytest.fixture(scope="session")
def oxigraph_served(default_location):
    """Oxigraph server holding the default graph: (server, store)."""
    with loaded_server("oxigraph-server", default_location) as served:
        yield served


@pytest.fixture(scope="session")
def virtuoso_served(default_location):
    """Virtuoso 7 holding the default graph: (server, store)."""
    with loaded_server("virtuoso", default_location) as served:
        yield served


@pytest.fixture(scope="session", params=BACKENDS)
def backend_kg(request, default_kg):
    """The default graph on each backend: the embedded store, Oxigraph server, Virtuoso."""
    if request.param == "embedded":
        return default_kg
    return request.getfixturevalue({"oxigraph-server": "oxigraph_served", "virtuoso": "virtuoso_served"}[
        request.param])[1]


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


@dataclass(frozen=True)
class Served:
    """A running `ikg serve`: its base URL, its process, its log file and its HTTP server."""

    url: str
    proc: subprocess.Popen
    log: Path
    server: str = "granian"


@contextmanager
def running_server(store: Path, env: dict[str, str] | None = None,
                   preexec_fn: Callable[[], None] | None = None,
                   log: Path | None = None) -> Iterator[Served]:
    """A real `ikg serve` process on the store folder ``store``, on a free port, with the
    settings of ``env`` (and ``preexec_fn`` run in it before it starts), once it answers. It
    logs to ``log`` (default: a file beside the store): a pipe that nobody read would fill up
    and stall it."""
    port = _free_port()
    log = log or Path(tempfile.mkstemp(prefix="ikg-serve-", suffix=".log")[1])
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [IKG, "serve", "--store", str(store), "--port", str(port)],
            stdout=out, stderr=subprocess.STDOUT, env=dict(os.environ, **(env or {})),
            preexec_fn=preexec_fn,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/sparql-editor", timeout=5).read()  # no query: answers at once
            break
        except OSError as e:
            if proc.poll() is not None:
                raise RuntimeError(log.read_text(errors="replace")) from e
            time.sleep(0.2)
    else:
        proc.kill()
        raise RuntimeError("ikg serve did not start in 120 s")
    try:
        yield Served(url, proc, log, (env or {}).get("IKG_SERVER", os.environ.get("IKG_SERVER", "granian")))
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture(scope="session")
def server_log(tmp_path_factory) -> Path:
    """The log of the `server` process: a line per request, and the trace of every 500."""
    return tmp_path_factory.mktemp("serve") / "serve.log"


@pytest.fixture(scope="session")
def server(default_location, server_log):
    """A real `ikg serve` process on the default graph, on a free port (a timeout that a
    loaded machine meets for every named query)."""
    with running_server(default_location.root, {"IKG_QUERY_TIMEOUT": "120", "IKG_QUERY_WORKERS": "2"},
                        log=server_log) as served:
        yield served.url


@pytest.fixture(scope="session")
def short_timeout_server(default_location):
    """A real `ikg serve` process on the default graph whose queries stop after 3 s."""
    with running_server(default_location.root,
                        {"IKG_QUERY_TIMEOUT": "3", "IKG_QUERY_WORKERS": "2"}) as served:
        yield served.url


@pytest.fixture(scope="session")
def tiny_location(tmp_path_factory) -> StoreLocation:
    """A store folder whose build in use holds tests/fixtures/tiny.trig: `ikg serve` starts
    on it in a second."""
    loc = StoreLocation(tmp_path_factory.mktemp("tiny-store"))
    with loc.new_build() as lease:
        kg = OxigraphGraph(lease.folder / "oxigraph")
        kg.load(FIXTURES / "tiny.trig", "trig")
        kg.flush()
        kg.close()
        loc.switch(lease.folder)
    return loc


# ----------------------------------------------------------------------------- processes


def children(pid: int) -> set[int]:
    """The processes ``pid`` started (of any of its threads)."""
    out: set[int] = set()
    with contextlib.suppress(OSError):
        for tid in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError):
                out |= {int(c) for c in Path(f"/proc/{pid}/task/{tid}/children").read_text().split()}
    return out


def descendants(pid: int) -> set[int]:
    """The processes under ``pid``, at any depth (`ikg serve` runs the app in a worker process
    of Granian's, whose children the query workers are)."""
    out = children(pid)
    for child in list(out):
        out |= descendants(child)
    return out


def cmdline(pid: int) -> str:
    """The command line of ``pid``, its arguments joined by spaces ("" once it is gone)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_for(condition, limit: float = 120.0, what: str = "the condition"):
    """Poll ``condition`` until it is true (returning its value), failing after ``limit``
    seconds: for events on a busy machine, instead of a fixed sleep."""
    deadline = time.monotonic() + limit
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {limit:g} s")
        time.sleep(0.02)


def assert_error(resp, status: int, code: str) -> dict:
    """Every non-2xx answer has the one error shape; returns its JSON."""
    assert resp.status_code == status, resp.get_data(as_text=True)
    assert resp.mimetype == "application/json"
    body = resp.get_json()
    assert set(body) == {"ok", "status", "code", "error", "detail"}
    assert body["ok"] is False and body["status"] == status and body["code"] == code
    assert isinstance(body["error"], str) and body["error"]
    return body
