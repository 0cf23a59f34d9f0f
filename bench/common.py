"""What the benchmark scripts share: building a store, and starting and waiting for servers."""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

__all__ = ["BIN", "build_store", "free_port", "wait_ready"]

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


def wait_ready(port: int, proc: subprocess.Popen, seconds: float, path: str) -> float:
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if proc.poll() is not None:
            raise SystemExit(f"a server exited early on port {port}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            q = urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})
            conn.request("GET", f"{path}?{q}", headers={"Accept": "application/sparql-results+json"})
            if conn.getresponse().status == 200:
                return time.monotonic() - start
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"server on port {port} not ready after {seconds} s")
