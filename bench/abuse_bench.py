"""Reliability under abuse: what a public `ikg serve` keeps answering while clients misbehave.

Starts `ikg serve` on a store (built at scale 1 unless --store is given) with
IKG_QUERY_TIMEOUT=5 and updates on, then runs each scenario for --seconds while cheap lookup
clients (from 127.0.0.1) ask for one project's statements by GET /sparql, and reports the
lookups' success rate, median and p95 latency. Abusers come from other loopback addresses
(127.0.0.2, 127.0.0.3, ...), as distinct clients on the internet would. Every request goes to
loopback only; every loop is bounded in time.

Scenarios:
- baseline: lookups alone;
- storm: 3 runaway clients, each sending cross products back to back (the audit's finding 5:
  lookups fell to 33% answered, p50 5 s); and the same storm sent from the lookups' own
  address (behind a proxy that hides clients' addresses, say), where admission cannot tell
  the abusers from the lookups; and one client sending cross products on 8 connections at
  once;
- nesting: 2 clients sending 5,000 nested braces, 10,000 nested parentheses, 10,000 UNIONs and
  a 10,000-step path (finding 6: 93 workers killed, lookups 178/s to 10/s); the statuses they got;
- slow clients: 300 connections that send half a request and stall (finding 7);
- hostile text: the 40 KB quadratic request (finding 2), and how long a concurrent
  GET /openapi.json waited;
- large body: a 100 MB form POST (finding 9): its status and the server's memory;
- SSRF canary: the audit's hidden SERVICE and LOAD against a loopback listener (finding 1):
  connections it received.

Goal (issue #10): during the storm at least 95% of cheap lookups answered, p95 under 100 ms.

Usage: python bench/abuse_bench.py [--store DIR] [--seconds 20] [--lookup-clients 2]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BIN, build_store, free_port, running  # noqa: E402

ID = "https://ikg.example.org/id/"
PROJECTS = ["ERUDITE", "SYMBI", "REGIO-MOB", "INNOGROW", "BRANDTour", "RESET", "E-MOB", "PROSPERA"]
CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
NESTED = [
    "SELECT * WHERE " + "{" * 5000 + "?s ?p ?o" + "}" * 5000,
    "SELECT * WHERE { FILTER(" + "(" * 10000 + "1" + ")" * 10000 + ") }",
    "SELECT * WHERE { " + " UNION ".join(["{ ?s a ?t }"] * 10000) + " }",
    "SELECT * WHERE { ?s " + "/".join(["<http://x/p>"] * 10000) + " ?o }",
]


class Lookups:
    """Cheap lookup clients from 127.0.0.1, recording latency and success, until stopped."""

    def __init__(self, port: int, clients: int) -> None:
        self.port, self.stop = port, threading.Event()
        self.latencies: list[float] = []
        self.failures: dict[str, int] = {}
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(clients)]

    def _run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        while not self.stop.is_set():
            q = f"SELECT ?p ?o WHERE {{ <{ID}project/{random.choice(PROJECTS)}> ?p ?o }}"
            start = time.perf_counter()
            try:
                conn.request("GET", "/sparql?" + urllib.parse.urlencode({"query": q}),
                             headers={"Accept": "application/sparql-results+json"})
                resp = conn.getresponse()
                resp.read()
                ok = resp.status == 200
                why = str(resp.status)
            except OSError as e:
                ok, why = False, type(e).__name__
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            if ok:
                self.latencies.append(time.perf_counter() - start)
            else:
                self.failures[why] = self.failures.get(why, 0) + 1

    def __enter__(self) -> Lookups:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(timeout=60)

    def report(self) -> dict:
        n_ok, n_bad = len(self.latencies), sum(self.failures.values())
        lat = sorted(self.latencies) or [float("nan")]
        return {"lookups": n_ok + n_bad, "answered": round(100 * n_ok / max(1, n_ok + n_bad), 1),
                "p50_ms": round(1000 * statistics.median(lat), 1),
                "p95_ms": round(1000 * lat[min(len(lat) - 1, int(0.95 * len(lat)))], 1),
                "failures": self.failures}


def _abuser(port: int, source: str, stop: threading.Event, queries: list[str], statuses: dict) -> None:
    while not stop.is_set():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60, source_address=(source, 0))
        try:
            q = random.choice(queries)
            conn.request("POST", "/sparql", body=q.encode(), headers={"Content-Type": "application/sparql-query"})
            resp = conn.getresponse()
            resp.read()
            key = str(resp.status)
        except OSError as e:
            key = type(e).__name__
        finally:
            conn.close()
        statuses[key] = statuses.get(key, 0) + 1
        if key == "429":
            time.sleep(0.05)  # a client told to back off retries soon after, as a script would


def scenario(port: int, seconds: float, lookups: int, abusers: list[tuple[str, list[str]]]) -> dict:
    stop, statuses = threading.Event(), {}
    threads = [threading.Thread(target=_abuser, args=(port, src, stop, qs, statuses), daemon=True)
               for src, qs in abusers]
    for t in threads:
        t.start()
    time.sleep(0.5)  # the abusers are in
    with Lookups(port, lookups) as lk:
        time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join(timeout=120)
    return {**lk.report(), "abusers_got": statuses}


def slow_clients(port: int, seconds: float, lookups: int, n: int = 300) -> dict:
    socks = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n")  # and never the end
        socks.append(s)
    with Lookups(port, lookups) as lk:
        time.sleep(seconds)
    for s in socks:
        s.close()
    return {**lk.report(), "slow_connections": n}


def hostile_text(port: int) -> dict:
    body = ("'\\" * 20000).encode()
    out: dict = {}

    def send() -> None:
        start = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        conn.request("POST", "/sparql", body=body, headers={"Content-Type": "application/sparql-query"})
        resp = conn.getresponse()
        resp.read()
        out["status"], out["seconds"] = resp.status, round(time.perf_counter() - start, 3)

    t = threading.Thread(target=send)
    t.start()
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", "/openapi.json")
    conn.getresponse().read()
    out["openapi_seconds"] = round(time.perf_counter() - start, 3)
    t.join()
    return out


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def large_body(port: int, pid: int) -> dict:
    before = _rss_mib(pid)
    s = socket.create_connection(("127.0.0.1", port), timeout=60)
    size = 100 * 1024 * 1024
    s.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
              b"Content-Length: " + str(size).encode() + b"\r\n\r\n")
    sent, chunk, status = 0, b"query=" + b"a" * (1024 * 1024 - 6), None
    try:
        while sent < size:
            s.sendall(chunk[: min(len(chunk), size - sent)])
            sent += len(chunk)
    except OSError:
        pass  # the server refused the body and closed
    try:
        status = s.recv(200).split(b" ")[1].decode()
    except (OSError, IndexError):
        status = "closed"
    s.close()
    return {"status": status, "sent_mib": round(sent / 2**20), "rss_before_mib": before, "rss_after_mib": _rss_mib(pid)}


def ssrf(port: int) -> dict:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.1)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    got = {"connections": 0}
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                c, _ = listener.accept()
                got["connections"] += 1
                c.close()
            except OSError:
                pass

    t = threading.Thread(target=accept, daemon=True)
    t.start()
    statuses: dict[str, int] = {}
    requests = [("query", f"SELECT ?x WHERE {{ #\rSERVICE <{url}/x> {{ ?x ?p ?o }} }}"),
                ("query", f"SELECT ?x WHERE {{ #\rservice silent <{url}/x> {{ ?x ?p ?o }} }}"),
                ("update", f"#\rLOAD SILENT <{url}/ttl> INTO GRAPH <http://canary/g>")]
    for kind, text in requests:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("POST", "/sparql", body=urllib.parse.urlencode({kind: text}),
                     headers={"Content-Type": "application/x-www-form-urlencoded",
                              "Authorization": "Bearer secret"})
        resp = conn.getresponse()
        resp.read()
        statuses[str(resp.status)] = statuses.get(str(resp.status), 0) + 1
    stop.set()
    t.join()
    listener.close()
    return {"requests": len(requests), "statuses": statuses, "listener_connections": got["connections"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--store", type=Path, help="a built store (default: build scale 1 in a temporary folder)")
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--lookup-clients", type=int, default=2)
    ap.add_argument("--json", type=Path, help="write the results here too")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = args.store or build_store(1, Path(tmp) / "store")
        port = free_port()
        env = dict(os.environ, IKG_QUERY_TIMEOUT="5", IKG_UPDATE_TOKEN="secret")
        argv = [str(BIN / "ikg"), "serve", "--store", str(store), "--port", str(port)]
        results: dict = {}
        with running(argv, port, "/sparql", env=env) as ready:
            pid = _server_pid(port)
            results["settings"] = {k: env.get(k, "default") for k in ("IKG_QUERY_TIMEOUT", "IKG_QUERY_WORKERS",
                                                                        "IKG_CLIENT_WAITING", "IKG_THREADS")}
            results["ready_seconds"] = round(ready, 1)
            steps = [
                ("baseline", lambda: scenario(port, args.seconds, args.lookup_clients, [])),
                ("storm of 3 runaway clients", lambda: scenario(
                    port, args.seconds, args.lookup_clients, [(f"127.0.0.{i}", [CROSS]) for i in (2, 3, 4)])),
                ("one client with 8 runaway connections", lambda: scenario(
                    port, args.seconds, args.lookup_clients, [("127.0.0.7", [CROSS])] * 8)),
                ("storm of 3 runaway clients from the lookups' own address", lambda: scenario(
                    port, args.seconds, args.lookup_clients, [("127.0.0.1", [CROSS])] * 3)),
                ("2 clients sending deep nesting", lambda: scenario(
                    port, args.seconds, args.lookup_clients, [(f"127.0.0.{i}", NESTED) for i in (5, 6)])),
                ("300 slow connections", lambda: slow_clients(port, args.seconds, args.lookup_clients)),
                ("40 KB quadratic text", lambda: hostile_text(port)),
                ("100 MB form body", lambda: large_body(port, pid)),
                ("SSRF canary", lambda: ssrf(port)),
            ]
            for name, run in steps:
                print(f"{name} ...", flush=True)
                results[name] = run()
                print("  " + json.dumps(results[name]), flush=True)
        storm = results["storm of 3 runaway clients"]
        met = storm["answered"] >= 95 and storm["p95_ms"] < 100
        print(f"\ngoal (storm: >= 95% answered, p95 < 100 ms): {'met' if met else 'MISSED'} "
              f"({storm['answered']}%, p95 {storm['p95_ms']} ms)")
        if args.json:
            args.json.write_text(json.dumps(results, indent=2))


def _server_pid(port: int) -> int:
    """The pid of the process listening on ``port`` (from /proc/net/tcp and the fd tables)."""
    hexport = f"{port:04X}"
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        parts = line.split()
        if parts[1].endswith(":" + hexport) and parts[3] == "0A":
            inodes.add(parts[9])
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                link = os.readlink(f"/proc/{pid}/fd/{fd}")
                if link.startswith("socket:[") and link[8:-1] in inodes:
                    return int(pid)
        except OSError:
            continue
    raise SystemExit(f"no process listens on port {port}")


if __name__ == "__main__":
    main()
