"""Linked-data benchmark: `ikg export`, the dataset description, and dereferencing one entity of
each type over HTTP against a real `ikg serve`.

For each scale: builds the graph (or reuses ``--store-dir``/s{scale}), times `ikg export`,
starts `ikg serve`, times the first ``/.well-known/void`` (statistics read from the export)
and, for each entity type, ``/id/...`` -> 303 -> ``/doc/...`` as Turtle and as HTML (median
and p95 of --repeats requests each). The entity of each type is the one with the most
incoming links (the worst case for a description).

Usage: python bench/linked_bench.py [--scales 1 10] [--repeats 20] [--store-dir DIR]
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BIN, build_store, free_port, wait_ready  # noqa: E402

KINDS = {"project": "Project", "practice": "GoodPractice", "change": "PolicyChange",
         "organisation": "Organisation", "participation": "Participation",
         "action-plan": "ActionPlan", "action": "Action", "instrument": "PolicyInstrument",
         "event": "LearningEvent", "report": "ProgressReport", "call": "Call",
         "programme": "Programme", "inspiration": "Inspiration", "activity": "GenerationRun"}


def busiest(port: int, cls: str) -> str:
    """The path of the entity of ``cls`` with the most incoming links."""
    q = f"""SELECT ?s (COUNT(*) AS ?n) WHERE {{ ?s a <https://ikg.example.org/ontology#{cls}> .
        OPTIONAL {{ ?x ?p ?s }} }} GROUP BY ?s ORDER BY DESC(?n) LIMIT 1"""
    body = get(port, "/sparql?" + urllib.parse.urlencode({"query": q}),
               "application/sparql-results+json")[1]
    iri = json.loads(body)["results"]["bindings"][0]["s"]["value"]
    return iri[len("https://ikg.example.org"):]


def get(port: int, path: str, accept: str) -> tuple[int, bytes, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", path, headers={"Accept": accept})
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, body, dict(resp.getheaders())


def dereference(port: int, path: str, accept: str) -> float:
    start = time.perf_counter()
    status, _, headers = get(port, path, accept)
    if status == 303:
        status, _, _ = get(port, headers["Location"], accept)
    if status != 200:
        raise SystemExit(f"{path} as {accept}: HTTP {status}")
    return time.perf_counter() - start


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", nargs="+", type=float, default=[1.0, 10.0])
    ap.add_argument("--repeats", type=int, default=20)
    ap.add_argument("--store-dir", type=Path, default=None,
                    help="reuse stores built earlier in DIR/s1, DIR/s10 (built there if missing)")
    ap.add_argument("--json", type=Path, default=Path("bench/results/linked.json"))
    args = ap.parse_args()
    rows: list[tuple] = []
    with tempfile.TemporaryDirectory(prefix="ikg-linked-bench-") as tmp:
        for scale in args.scales:
            store = (args.store_dir or Path(tmp)) / f"s{scale:g}"
            if not (store / "CURRENT").exists():
                build_store(scale, store)
            start = time.perf_counter()
            subprocess.run([str(BIN / "ikg"), "export", "--store", str(store)], check=True,
                           stdout=subprocess.DEVNULL)
            rows.append((scale, "ikg export (all dumps, report, statistics)", "", time.perf_counter() - start, None))
            print(f"scale {scale:g}: export {rows[-1][3]:.1f} s", flush=True)
            port = free_port()
            proc = subprocess.Popen([str(BIN / "ikg"), "serve", "--store", str(store), "--port", str(port)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                wait_ready(port, proc, 120, "/sparql")
                start = time.perf_counter()
                status, _, _ = get(port, "/.well-known/void", "text/turtle")
                assert status == 200, status
                rows.append((scale, "/.well-known/void, first request", "", time.perf_counter() - start, None))
                for kind, cls in KINDS.items():
                    path = busiest(port, cls)
                    for accept in ("text/turtle", "text/html"):
                        times = [dereference(port, path, accept) for _ in range(args.repeats)]
                        rows.append((scale, f"{kind} {path.rsplit('/', 1)[1][:28]}", accept,
                                     statistics.median(times), p95(times)))
                        print(f"  {kind} {accept}: median {rows[-1][3] * 1000:.1f} ms, "
                              f"p95 {rows[-1][4] * 1000:.1f} ms", flush=True)
            finally:
                proc.terminate()
                proc.wait(timeout=30)
    print("\n| scale | what | as | median | p95 |")
    print("|---|---|---|---|---|")
    for scale, what, accept, median, high in rows:
        if high is None:
            print(f"| {scale:g} | {what} | | {median:.2f} s | |")
        else:
            print(f"| {scale:g} | {what} | {accept} | {median * 1000:.1f} ms | {high * 1000:.1f} ms |")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
