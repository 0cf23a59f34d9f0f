"""Where a lookup's time goes in `ikg serve`: the store, the hand-over to a query worker, Flask, the HTTP server.

Two views of the same lookups (forward and reverse lookups of different entities, as in
`bench/sparql_bench.py`):

- one at a time, in this process, each layer added to the one below: the store alone (the
  query and writing its answer, what a query worker does), the worker pool (plus the
  hand-over to a worker process and back), the Flask app called as a WSGI server calls it
  (plus routing, checks, negotiation, validators, headers, the log), and the CPU time of the
  thread that runs it;
- under load: `ikg serve` with wrk at --clients connections, and the CPU time each process
  used per lookup (the server's process, which runs Granian and Flask, and the query
  workers), read from /proc before and after.

The answer cache is off throughout, so that every lookup is computed.

Usage: python bench/request_path.py [--scale 1] [--store PATH] [--seconds 10] [--clients 4]
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BIN, build_store, cpu_seconds, free_port, process_tree, running  # noqa: E402
from bench.sparql_bench import lookups, throughput, wrk_script  # noqa: E402


def _per_lookup(run, queries: list[str], rounds: int = 3) -> float:
    """Median over ``rounds`` of the mean seconds ``run(query)`` takes over ``queries``."""
    means = []
    for _ in range(rounds):
        start = time.perf_counter()
        for q in queries:
            run(q)
        means.append((time.perf_counter() - start) / len(queries))
    return statistics.median(means)


def in_process(store_root: Path, queries: list[str]) -> dict[str, float]:
    """Seconds per lookup: the store; the pool (one worker); the app as a WSGI server calls it;
    and the CPU seconds of the thread that runs the app."""
    from werkzeug.test import EnvironBuilder

    from graph.execution import QueryPool
    from graph.store import OxigraphGraph, QueryRequest, store_path
    from service.app import create_app
    from service.state import executor_of

    path = store_path(store_root)
    kg = OxigraphGraph(path, read_only=True)

    def store(q: str) -> None:
        b"".join(kg.stream(QueryRequest(q, "json", "turtle", base_iri="http://127.0.0.1/sparql")).chunks)

    for q in queries[:200]:  # warm the store's caches
        store(q)
    out = {"store": _per_lookup(store, queries)}
    kg.close()
    pool = QueryPool(path, workers=1, timeout=60, queue_timeout=60)
    try:
        def pooled(q: str) -> None:
            b"".join(pool.execute(QueryRequest(q, "json", "turtle", base_iri="http://127.0.0.1/sparql")).chunks)

        for q in queries[:200]:
            pooled(q)
        out["pool"] = _per_lookup(pooled, queries)
    finally:
        pool.close()
    app = create_app({"IKG_STORE": str(store_root), "IKG_QUERY_WORKERS": 1, "IKG_ANSWER_CACHE_BYTES": 0})
    logging.getLogger("ikg").setLevel(logging.INFO)  # the request log, as `ikg serve` writes it
    logging.getLogger("ikg").addHandler(logging.StreamHandler(open(os.devnull, "w")))  # noqa: SIM115
    try:
        # called as a WSGI server calls it (environments made beforehand)
        environs = {q: EnvironBuilder(path="/sparql", query_string={"query": q}, headers={
            "Accept": "application/sparql-results+json"}, environ_base={"REMOTE_ADDR": "127.0.0.1"},
        ).get_environ() for q in queries}

        def start_response(status: str, headers: list, exc_info: object = None) -> None:
            assert status.startswith("200"), status

        def flask(q: str) -> None:
            body = app.wsgi_app(dict(environs[q]), start_response)
            b"".join(body)
            body.close()  # type: ignore[attr-defined]

        for q in queries[:200]:
            flask(q)
        out["flask"] = _per_lookup(flask, queries)
        cpu = time.thread_time()
        for q in queries:
            flask(q)
        out["flask_cpu"] = (time.thread_time() - cpu) / len(queries)
    finally:
        executor_of(app).close()
    return out


def under_load(store_root: Path, queries: list[str], clients: int, seconds: float, tmp: Path) -> dict:
    """lookups/s of `ikg serve` under wrk, and CPU seconds per lookup by process role."""
    port = free_port()
    env = dict(os.environ, IKG_ANSWER_CACHE_BYTES="0")
    argv = [str(BIN / "ikg"), "serve", "--store", str(store_root), "--port", str(port)]
    with running(argv, port, "/sparql", env=env):
        main = int(subprocess.run(["pgrep", "-f", f"ikg serve --store {store_root} --port {port}", "-o"],
                                  capture_output=True, text=True).stdout.split()[0])
        tree = process_tree(main)
        workers = [p for p in tree if b"spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes()]
        app = [p for p in tree if p not in workers]
        before = cpu_seconds(tree)
        result = throughput(port, wrk_script(queries, "/sparql", tmp), clients, seconds)
        after = cpu_seconds(tree)
    n = result["lookups_per_second"] * seconds

    def used(pids: list[int]) -> float:
        return sum(after.get(p, 0.0) - before.get(p, 0.0) for p in pids)

    return {**result, "server_cpu_per_lookup": used(app) / n, "workers_cpu_per_lookup": used(workers) / n}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--store", type=Path, default=None, help="a store folder already built")
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--lookups", type=int, default=2000, help="lookups timed one at a time")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="ikg-request-path-") as tmp:
        root = args.store or build_store(args.scale, Path(tmp) / "store")
        current = (root / "CURRENT").read_text().strip()
        queries = lookups(root / "builds" / current / "oxigraph")
        one = in_process(root, queries[: args.lookups])
        load = under_load(root, queries, args.clients, args.seconds, Path(tmp))
    ms = {k: v * 1000 for k, v in one.items()}
    print("\nOne lookup at a time, in process (ms per lookup):\n")
    print("| layer | cumulative | this layer |\n|---|---|---|")
    print(f"| store: the query and writing its answer | {ms['store']:.3f} | {ms['store']:.3f} |")
    print(f"| + hand-over to a query worker and back | {ms['pool']:.3f} | {ms['pool'] - ms['store']:.3f} |")
    print(f"| + the Flask app: routing, checks, negotiation, validators, headers, log | "
          f"{ms['flask']:.3f} | {ms['flask'] - ms['pool']:.3f} |")
    print(f"\nCPU of the thread that runs the app, per lookup (hand-over included, waits not): "
          f"{ms['flask_cpu']:.3f} ms")
    print(f"\nUnder load: `ikg serve`, wrk, {args.clients} connections, {args.seconds:g} s, "
          f"{len(queries):,} different lookups:\n")
    print(f"- {load['lookups_per_second']:.0f} lookups/s, p50 {load['p50_ms']:.2f} ms, "
          f"p99 {load['p99_ms']:.2f} ms, {load['failed']} failed")
    print(f"- CPU per lookup: server process (Granian, Flask, hand-over) "
          f"{load['server_cpu_per_lookup'] * 1000:.3f} ms; query workers (store, hand-over) "
          f"{load['workers_cpu_per_lookup'] * 1000:.3f} ms; on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
