"""Lineage benchmark: latency of upstream and downstream answers, p50 and p95, at given scales.

For each scale, builds the graph, starts `ikg serve`, picks entities at random (seeded): good
practices that inspired at least one change (downstream), and policy changes and policy
instruments (upstream), and times each answer over HTTP (keep-alive, one client) and in process
(the graph function on the same on-disk store). Goals (issue #4): p95 under 50 ms on the default
graph and under 200 ms at scale 10.

Usage: python bench/lineage_bench.py [--scales 1 10] [--samples 200] [--seed 1]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BIN, build_store, free_port, wait_ready  # noqa: E402
from graph.lineage import downstream, upstream  # noqa: E402
from graph.namespaces import DEFAULT_BASE_IRI as BASE  # noqa: E402
from graph.store import open_store  # noqa: E402

PICK = {
    "downstream": "SELECT DISTINCT ?e WHERE { ?c <https://ikg.example.org/ontology#inspiredBy> ?e }",
    "upstream (change)": "SELECT ?e WHERE { ?e a <https://ikg.example.org/ontology#PolicyChange> }",
    "upstream (instrument)": "SELECT DISTINCT ?e WHERE { ?c <https://ikg.example.org/ontology#improves> ?e }",
}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def bench_scale(scale: float, args: argparse.Namespace, tmp: Path) -> dict:
    store = build_store(scale, tmp / f"ikg-{scale:g}")
    kg = open_store(store)
    rng = random.Random(args.seed)
    samples = {}
    for name, q in PICK.items():
        entities = sorted(r["e"] for r in kg.query(q).records())
        samples[name] = rng.sample(entities, min(args.samples, len(entities)))
    out: dict = {"scale": scale, "in_process": {}, "http": {}}
    for name, iris in samples.items():
        times = []
        for iri in iris:
            start = time.perf_counter()
            downstream(kg, iri, BASE) if name == "downstream" else upstream(kg, iri, BASE)
            times.append(time.perf_counter() - start)
        out["in_process"][name] = times
    kg.close()
    port = free_port()
    proc = subprocess.Popen([str(BIN / "ikg"), "serve", "--store", str(store), "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ))
    try:
        wait_ready(port, proc, 120, "/sparql")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for name, iris in samples.items():
            path, key = (("/api/lineage/downstream", "practice") if name == "downstream"
                         else ("/api/lineage/upstream", "iri"))
            times = []
            for iri in iris:
                start = time.perf_counter()
                conn.request("GET", f"{path}?{urllib.parse.urlencode({key: iri})}")
                resp = conn.getresponse()
                json.loads(resp.read())
                times.append(time.perf_counter() - start)
                if resp.status != 200:
                    raise SystemExit(f"{path} {iri}: HTTP {resp.status}")
            out["http"][name] = times
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", nargs="+", type=float, default=[1.0, 10.0])
    ap.add_argument("--samples", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", type=Path, default=Path("bench/results/lineage.json"))
    args = ap.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="ikg-lineage-bench-") as tmp:
        for scale in args.scales:
            results.append(bench_scale(scale, args, Path(tmp)))
    print("\n| scale | answer | in process p50 / p95 (ms) | HTTP p50 / p95 (ms) | goal p95 |")
    print("|---|---|---|---|---|")
    for r in results:
        goal = "50 ms" if r["scale"] <= 1 else "200 ms"
        for name in PICK:
            ip, ht = r["in_process"][name], r["http"][name]
            print(f"| {r['scale']:g} | {name} | {statistics.median(ip) * 1000:.1f} / "
                  f"{percentile(ip, 0.95) * 1000:.1f} | {statistics.median(ht) * 1000:.1f} / "
                  f"{percentile(ht, 0.95) * 1000:.1f} | {goal} |")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
