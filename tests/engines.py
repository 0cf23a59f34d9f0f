"""Real SPARQL servers for the remote-store tests and benchmarks: Oxigraph server (PyPI
`oxigraph`) and OpenLink Virtuoso 7 (Debian `virtuoso-opensource`), each started on a free
loopback port with a throwaway database, stopped afterwards.

A server that is missing is an error, not a skip: `.ci/run` (through `make test`) installs both.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

OXIGRAPH = str(Path(sys.executable).parent / "oxigraph")
VIRTUOSO = shutil.which("virtuoso-t") or "/usr/bin/virtuoso-t"
#: Where Debian's package keeps Virtuoso's pages and plug-ins.
VIRTUOSO_SHARE = Path("/var/lib/virtuoso-opensource-7/vsp")
VIRTUOSO_PLUGINS = Path("/usr/lib/x86_64-linux-gnu/virtuoso-opensource-7/hosting")


@dataclass(frozen=True)
class Engine:
    """A running SPARQL server: its store location for ikg, settings, process and log."""

    name: str
    location: str
    settings: dict[str, str]
    proc: subprocess.Popen
    log: Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, proc: subprocess.Popen, log: Path, limit: float = 180) -> None:
    """Wait until ``url`` answers (any HTTP status), or fail with the server's log."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited ({proc.returncode}):\n{log.read_text(errors='replace')[-3000:]}")
        try:
            urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"}),
                                   timeout=5).read()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            # not listening yet: wait for the one other event that matters, the server's exit
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=0.3)
    proc.kill()
    raise RuntimeError(f"the server did not answer in {limit:g} s:\n{log.read_text(errors='replace')[-3000:]}")


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=30)


@contextmanager
def oxigraph_server(folder: Path | None = None, union: bool = False) -> Iterator[Engine]:
    """`oxigraph serve` on a new store folder and a free port (``union``: its default graph is
    the union of all graphs, for raw queries that go to it straight)."""
    if not Path(OXIGRAPH).exists():
        raise RuntimeError(f"{OXIGRAPH} is missing: install the test extras (pip install -e '.[test]')")
    with tempfile.TemporaryDirectory(prefix="ikg-oxigraph-") as tmp:
        root = Path(folder or tmp)
        port = free_port()
        log = root / "oxigraph.log"
        with open(log, "wb") as out:
            proc = subprocess.Popen([OXIGRAPH, "serve", "--location", str(root / "data"), "--bind",
                                     f"127.0.0.1:{port}", *(["--union-default-graph"] if union else [])],
                                    stdout=out, stderr=subprocess.STDOUT)
        try:
            _wait(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", proc, log)
            yield Engine("oxigraph", f"sparql+http://127.0.0.1:{port}", {"IKG_STORE_ENGINE": "oxigraph"}, proc, log)
        finally:
            _stop(proc)


VIRTUOSO_INI = """\
[Database]
ErrorLogLevel = 7
DatabaseFile = {root}/virtuoso.db
ErrorLogFile = {root}/virtuoso.log
LockFile = {root}/virtuoso.lck
TransactionFile = {root}/virtuoso.trx
xa_persistent_file = {root}/virtuoso.pxa
FileExtend = 200
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {root}/virtuoso-temp.db
TransactionFile = {root}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = ., /usr/share/virtuoso-opensource-7/vad
VADInstallDir = /usr/share/virtuoso-opensource-7/vad/
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
MaxQueryMem = 1G
MaxSortedTopRows = 1000000
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {share}
MaxClientConnections = 10
ServerThreads = 10
EnabledDavVSP = 0
Charset = UTF-8
EnabledGzipContent = 0
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
{cost_estimate}[Plugins]
LoadPath = {plugins}
"""


@contextmanager
def virtuoso_server(folder: Path | None = None, buffers: int = 170000,
                    cost_estimate_limit: int | None = 400) -> Iterator[Engine]:
    """Debian's Virtuoso 7 on a new database (or the one in ``folder``) and free ports; ikg
    writes as `dba` (Digest). ``buffers`` is its page cache, 8 KiB pages (Virtuoso's guide:
    about two thirds of the memory it may use); ResultSetMaxRows lets an export read a
    predicate in parts of up to 500,000 statements (MaxSortedTopRows, for sorted pages, is no
    longer what exports need). ``cost_estimate_limit`` is MaxQueryCostEstimationTime (400 s
    as in Debian's virtuoso.ini; None leaves it out: no query is refused for its estimate)."""
    if not Path(VIRTUOSO).exists():
        raise RuntimeError("virtuoso-t is missing: install Debian's virtuoso-opensource (make test does)")
    with tempfile.TemporaryDirectory(prefix="ikg-virtuoso-") as tmp:
        root = Path(folder or tmp)
        http_port, sql_port = free_port(), free_port()
        (root / "virtuoso.ini").write_text(VIRTUOSO_INI.format(
            root=root, http_port=http_port, sql_port=sql_port, share=VIRTUOSO_SHARE, plugins=VIRTUOSO_PLUGINS,
            buffers=buffers, dirty=buffers * 3 // 4,
            cost_estimate="" if cost_estimate_limit is None
            else f"MaxQueryCostEstimationTime = {cost_estimate_limit}\n"))
        log = root / "out.log"
        with open(log, "wb") as out:
            proc = subprocess.Popen([VIRTUOSO, "+foreground", "+configfile", str(root / "virtuoso.ini")],
                                    stdout=out, stderr=subprocess.STDOUT, cwd=root)
        try:
            # a kept database replays its transaction log first (ten minutes after a load at
            # scale 100 that no checkpoint followed)
            _wait(f"http://127.0.0.1:{http_port}/sparql?query=ASK%7B%7D", proc, log,
                  limit=180 if folder is None else 1800)
            yield Engine("virtuoso", f"sparql+http://127.0.0.1:{http_port}/sparql",
                         {"IKG_STORE_ENGINE": "virtuoso", "IKG_STORE_USER": "dba", "IKG_STORE_PASSWORD": "dba"},
                         proc, log)
        finally:
            if folder is not None and proc.poll() is None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    _checkpoint(sql_port, root)
            _stop(proc)


def _checkpoint(sql_port: int, root: Path) -> None:
    """A checkpoint of a kept Virtuoso database before it stops: stopped without one, the next
    start replays its transaction log (after a load at scale 100, 5.2 GB and ten minutes)."""
    isql = shutil.which("isql-vt") or "/usr/bin/isql-vt"
    with open(root / "checkpoint.log", "wb") as out:
        subprocess.run([isql, f"127.0.0.1:{sql_port}", "dba", "dba", "exec=checkpoint;"],
                       stdout=out, stderr=subprocess.STDOUT, timeout=3600, check=False)


SERVERS = {"oxigraph-server": oxigraph_server, "virtuoso": virtuoso_server}

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
NGINX_CONF = Path(__file__).resolve().parent.parent / "service" / "deploy" / "nginx-sparql.conf"


@contextmanager
def nginx_proxy(ikg: str, engine: str, engine_query_path: str, rate: str = "50r/s") -> Iterator[str]:
    """Debian's nginx with ikg's deployment file (``service/deploy/nginx-sparql.conf``) as it
    is, filled in: ``ikg`` and ``engine`` are host:port, ``rate`` the queries a second one
    client address may send; yields the proxy's URL."""
    from string import Template

    if not Path(NGINX).exists():
        raise RuntimeError("nginx is missing: install Debian's nginx (make test does)")
    with tempfile.TemporaryDirectory(prefix="ikg-nginx-") as tmp:
        port = free_port()
        conf = Path(tmp) / "nginx.conf"
        conf.write_text(Template(NGINX_CONF.read_text()).safe_substitute(
            RUN=tmp, IKG=ikg, ENGINE=engine, RATE=rate, ENGINE_QUERY_PATH=engine_query_path,
            LISTEN=f"127.0.0.1:{port}"))
        log = Path(tmp) / "out.log"
        with open(log, "wb") as out:
            proc = subprocess.Popen([NGINX, "-c", str(conf), "-p", tmp, "-g", "daemon off;"],
                                    stdout=out, stderr=subprocess.STDOUT)
        try:
            _wait(f"http://127.0.0.1:{port}/sparql?query=ASK%7B%7D", proc, log)
            yield f"http://127.0.0.1:{port}"
        finally:
            _stop(proc)
