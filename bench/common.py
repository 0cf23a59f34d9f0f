"""What the benchmark scripts share: building a store, and starting and waiting for servers."""

from __future__ import annotations

import contextlib
import http.client
import os
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["BIN", "build_store", "cpu_seconds", "free_port", "load_oxigraph", "process_tree", "running",
           "settle", "wait_ready"]

BIN = Path(sys.executable).parent


def build_store(scale: float, store: Path) -> Path:
    """Build the default graph at ``scale`` into ``store`` with `ikg build`; returns ``store``."""
    print(f"scale {scale:g}: building ...", flush=True)
    subprocess.run([str(BIN / "ikg"), "build", "--scale", f"{scale:g}", "--store", str(store)],
                   check=True, stdout=subprocess.DEVNULL)
    return store


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load_oxigraph(dump: Path, location: Path) -> Path:
    """Load the N-Quads file ``dump`` (gzip allowed) into a new Oxigraph server store at
    ``location`` with `oxigraph load`; returns ``location``."""
    subprocess.run([str(BIN / "oxigraph"), "load", "--location", str(location), "--file", str(dump)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return location


def wait_ready(port: int, proc: subprocess.Popen, seconds: float, path: str,
               sparql: bool = True) -> float:
    """Seconds until GET ``path`` on ``port`` answers 200: with an ASK query as a SPARQL
    endpoint, or (``sparql=False``) as it is, asking for Turtle."""
    start = time.monotonic()
    if sparql:
        path += "?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})
    accept = "application/sparql-results+json" if sparql else "text/turtle"
    while time.monotonic() - start < seconds:
        if proc.poll() is not None:
            raise SystemExit(f"a server exited early on port {port}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path, headers={"Accept": accept})
            if conn.getresponse().status == 200:
                return time.monotonic() - start
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"server on port {port} not ready after {seconds} s")


def process_tree(pid: int) -> list[int]:
    """``pid`` and the processes under it, at any depth (gone ones left out)."""
    out = [pid]
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(OSError, ValueError):
                for child in (task / "children").read_text().split():
                    out += process_tree(int(child))
    return out


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """The CPU seconds (user and system) each of ``pids`` has used so far (gone ones left out)."""
    out = {}
    for pid in pids:
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            out[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return out


def settle(pid: int, limit: float = 60.0) -> None:
    """Wait until a server that answers has also finished starting (its query workers load
    their modules and open the store after the first answer): until its processes use less
    than 5% of a core over half a second, for at most ``limit`` seconds."""
    deadline = time.monotonic() + limit
    before = sum(cpu_seconds(process_tree(pid)).values())
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = sum(cpu_seconds(process_tree(pid)).values())
        if now - before < 0.025:
            return
        before = now


@contextmanager
def running(argv: list[str], port: int, path: str, seconds: float = 120, sparql: bool = True,
            env: dict | None = None) -> Iterator[float]:
    """Run the server ``argv`` while the block runs, once it answers on ``port`` (see
    `wait_ready`); yields the seconds it took to be ready, and stops it afterwards."""
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        ready = wait_ready(port, proc, seconds, path, sparql)
        settle(proc.pid)
        yield ready
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
