"""What the benchmark scripts share: building a store, and starting and waiting for servers."""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["BIN", "build_store", "free_port", "load_oxigraph", "running", "wait_ready"]

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


@contextmanager
def running(argv: list[str], port: int, path: str, seconds: float = 120, sparql: bool = True,
            env: dict | None = None) -> Iterator[float]:
    """Run the server ``argv`` while the block runs, once it answers on ``port`` (see
    `wait_ready`); yields the seconds it took to be ready, and stops it afterwards."""
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        yield wait_ready(port, proc, seconds, path, sparql)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
