"""Linked-data benchmark: `ikg export`, the dataset description, and dereferencing one entity of
each type over HTTP, on `ikg serve` and on its peer, Trifid in front of an Oxigraph server.

For each scale: builds the graph (or reuses ``--store-dir``/s{scale}), times `ikg export` (with
``--reuse-dumps``, keeps the dumps the build already has), starts `ikg serve`, times the first
``/.well-known/void`` and, for each entity type, dereferences ``/id/...`` -> 303 -> ``/doc/...``
as Turtle and as HTML (median and p95 of --repeats requests, after one warm-up request, each on
a new connection). The entity of each type is the one with the most incoming links (the worst
case for a description).

Then the peers (``--peers``), on the same data and the same IRIs: the export's ``ikg.nq.gz`` is
loaded into an Oxigraph server store (`oxigraph load`), served read-only with the union of the
graphs as default graph, and Trifid 5 (``npm ci --prefix bench/trifid``) runs in front of it
with each configuration of PEERS. Trifid serves the IRIs under the build's base from its own
origin (``datasetBaseUrl`` rewriting) with a 200, without a 303. Before timing, each entity's
Turtle from the peer must hold its outgoing statements, as many as ikg's.

The servers do not describe the same amount, so the table shows the triples of each Turtle
answer: ikg's document is the outgoing statements, the labels of what they link to and the
first 100 incoming links (with their count); Trifid's default is DESCRIBE, which Oxigraph
answers with the outgoing statements only; ``trifid-ikg-like`` asks for about what ikg holds.

One server is measured at a time (the Oxigraph server runs alongside Trifid, which needs it).

Usage: python bench/linked_bench.py [--scales 1 10] [--repeats 20] [--store-dir DIR]
       [--reuse-dumps] [--peers trifid trifid-ikg-like]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from rdflib import Graph, URIRef

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BIN, build_store, free_port, load_oxigraph, running  # noqa: E402
from graph.linked import RECORD_KINDS  # noqa: E402

ACCEPTS = ("text/turtle", "text/html")
TRIFID = Path(__file__).resolve().parent / "trifid"
#: peer name -> Trifid configuration file in bench/trifid
PEERS = {"trifid": "config.yaml", "trifid-ikg-like": "config-ikg-like.yaml"}


def busiest(port: int, cls: str) -> tuple[str, int]:
    """The path of the entity of ``cls`` with the most incoming links, and their number."""
    q = f"""SELECT ?s (COUNT(?x) AS ?n) WHERE {{ ?s a <https://ikg.example.org/ontology#{cls}> .
        OPTIONAL {{ ?x ?p ?s }} }} GROUP BY ?s ORDER BY DESC(?n) LIMIT 1"""
    body = get(port, "/sparql?" + urllib.parse.urlencode({"query": q}),
               "application/sparql-results+json")[1]
    row = json.loads(body)["results"]["bindings"][0]
    return row["s"]["value"][len("https://ikg.example.org"):], int(row["n"]["value"])


def get(port: int, path: str, accept: str) -> tuple[int, bytes, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", path, headers={"Accept": accept})
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, body, dict(resp.getheaders())


def fetch(port: int, path: str, accept: str) -> bytes:
    """The body of ``path`` as ``accept``, through a 303 if there is one."""
    status, body, headers = get(port, path, accept)
    if status == 303:
        status, body, _ = get(port, headers["Location"], accept)
    if status != 200:
        raise SystemExit(f"port {port}: {path} as {accept}: HTTP {status}")
    return body


def dereference(port: int, path: str, accept: str) -> float:
    start = time.perf_counter()
    fetch(port, path, accept)
    return time.perf_counter() - start


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


def triples(port: int, path: str, iri: str) -> tuple[int, int]:
    """Triples of the Turtle answer for ``path``, and how many of them have ``iri`` as subject."""
    g = Graph().parse(data=fetch(port, path, "text/turtle"), format="turtle")
    return len(g), len(set(g.triples((URIRef(iri), None, None))))


def timed(port: int, path: str, repeats: int) -> dict[str, tuple[float, float]]:
    """Median and p95 seconds of dereferencing ``path`` as each of ACCEPTS."""
    out = {}
    for accept in ACCEPTS:
        dereference(port, path, accept)  # warm-up
        times = [dereference(port, path, accept) for _ in range(repeats)]
        out[accept] = (statistics.median(times), p95(times))
    return out


def measure_ikg(store: Path, args: argparse.Namespace, notes: list) -> list[dict]:
    """The first VoID, the busiest entity of each type, and its dereferencing times on ikg."""
    port = free_port()
    entities = []
    with running([str(BIN / "ikg"), "serve", "--store", str(store), "--port", str(port)],
                 port, "/sparql"):
        start = time.perf_counter()
        status, _, _ = get(port, "/.well-known/void", "text/turtle")
        assert status == 200, status
        notes.append(("/.well-known/void, first request", time.perf_counter() - start))
        base = json.loads((current_build(store) / "build.json").read_text())["base_iri"]
        for kind, cls in RECORD_KINDS.items():
            path, incoming = busiest(port, cls)
            total, outgoing = triples(port, path, base + path)
            e = {"kind": kind, "path": path, "incoming": incoming,
                 "servers": {"ikg": {"triples": total, "outgoing": outgoing,
                                     "times": timed(port, path, args.repeats)}}}
            entities.append(e)
            print(f"  ikg {kind}: {show(e['servers']['ikg'])}", flush=True)
    return entities


def measure_peers(store: Path, entities: list[dict], args: argparse.Namespace, tmp: Path,
                  notes: list) -> None:
    """Trifid in front of an Oxigraph server loaded with the export, on the same entities."""
    build = current_build(store)
    base = json.loads((build / "build.json").read_text())["base_iri"]
    start = time.perf_counter()
    oxi_dir = load_oxigraph(build / "dumps" / "ikg.nq.gz", tmp / f"oxigraph-{store.name}")
    notes.append(("oxigraph load of ikg.nq.gz (for the peers)", time.perf_counter() - start))
    oxi_port = free_port()
    with running([str(BIN / "oxigraph"), "serve-read-only", "--location", str(oxi_dir),
                  "--bind", f"127.0.0.1:{oxi_port}", "--union-default-graph"], oxi_port, "/query"):
        for peer in args.peers:
            port = free_port()
            argv = [args.node, str(TRIFID / "node_modules" / "trifid" / "server.js"),
                    "-c", str(TRIFID / PEERS[peer]), "-p", str(port),
                    "--sparql-endpoint-url", f"http://127.0.0.1:{oxi_port}/query",
                    "--dataset-base-url", base + "/"]
            with running(argv, port, entities[0]["path"], sparql=False):
                for e in entities:
                    # Trifid answers with its own origin in place of the dataset's base
                    total, outgoing = triples(port, e["path"], f"http://127.0.0.1:{port}{e['path']}")
                    if outgoing == 0:
                        raise SystemExit(f"{peer}: no statement about {e['path']} in its Turtle")
                    if outgoing != e["servers"]["ikg"]["outgoing"]:
                        print(f"  warning: {peer} {e['path']}: {outgoing} outgoing statements, "
                              f"ikg {e['servers']['ikg']['outgoing']}", flush=True)
                    html = fetch(port, e["path"], "text/html")
                    if e["path"].encode() not in html:
                        raise SystemExit(f"{peer}: its HTML for {e['path']} does not name it")
                    e["servers"][peer] = {"triples": total, "outgoing": outgoing,
                                          "times": timed(port, e["path"], args.repeats)}
                    print(f"  {peer} {e['kind']}: {show(e['servers'][peer])}", flush=True)


def current_build(store: Path) -> Path:
    return store / "builds" / (store / "CURRENT").read_text().strip()


def show(server: dict) -> str:
    return ", ".join(f"{a} {m * 1000:.1f} ms (p95 {h * 1000:.1f})" for a, (m, h) in server["times"].items())


def report(results: list[dict], peers: list[str]) -> str:
    lines = []
    for r in results:
        lines.append(f"\n#### scale {r['scale']:g} (load average {r['load'][0]:.1f} before, "
                     f"{r['load'][1]:.1f} after)\n")
        lines += [f"- {what}: {seconds:.2f} s" for what, seconds in r["notes"]]
        lines.append("\nmedian (p95) in ms; peer / ikg is the ratio of the medians; triples in the Turtle answer\n")
        head = ["entity (incoming links)", "as", "ikg"]
        for peer in peers:
            head += [peer, f"{peer} / ikg"]
        head.append("triples: " + " / ".join(["ikg", *peers]))
        lines.append("| " + " | ".join(head) + " |")
        lines.append("|" + "---|" * len(head))
        for e in r["entities"]:
            s = e["servers"]
            for accept in ACCEPTS:
                ikg = s["ikg"]["times"][accept][0]
                cells = [f"{e['kind']} ({e['incoming']})", accept.split("/")[1], ms(s["ikg"], accept)]
                for peer in peers:
                    ratio = s[peer]["times"][accept][0] / ikg
                    cells += [ms(s[peer], accept), f"{ratio:.2f}" if ratio >= 0.1 else f"{ratio:.2g}"]
                cells.append(" / ".join(str(s[n]["triples"]) for n in ["ikg", *peers])
                             if accept == "text/turtle" else "")
                lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def ms(server: dict, accept: str) -> str:
    median, high = server["times"][accept]
    return f"{median * 1000:.1f} ({high * 1000:.1f})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", nargs="+", type=float, default=[1.0, 10.0])
    ap.add_argument("--repeats", type=int, default=20)
    ap.add_argument("--store-dir", type=Path, default=None,
                    help="reuse stores built earlier in DIR/s1, DIR/s10 (built there if missing)")
    ap.add_argument("--reuse-dumps", action="store_true",
                    help="keep the dumps a reused build has (`ikg export --if-missing`), untimed")
    ap.add_argument("--peers", nargs="*", choices=list(PEERS), default=list(PEERS))
    ap.add_argument("--node", default=shutil.which("node") or "node", help="the Node.js to run Trifid")
    ap.add_argument("--json", type=Path, default=Path("bench/results/linked.json"))
    args = ap.parse_args()
    if args.peers and not (TRIFID / "node_modules" / "trifid").is_dir():
        raise SystemExit("Trifid is not installed: npm ci --prefix bench/trifid (or --peers with none)")
    results = []
    with tempfile.TemporaryDirectory(prefix="ikg-linked-bench-") as tmp:
        for scale in args.scales:
            load = os.getloadavg()[0]
            store = (args.store_dir or Path(tmp)) / f"s{scale:g}"
            if not (store / "CURRENT").exists():
                build_store(scale, store)
            notes: list[tuple[str, float]] = []
            start = time.perf_counter()
            subprocess.run([str(BIN / "ikg"), "export", "--store", str(store),
                            *(["--if-missing"] if args.reuse_dumps else [])],
                           check=True, stdout=subprocess.DEVNULL)
            if not args.reuse_dumps:
                notes.append(("ikg export (all dumps, report, statistics)", time.perf_counter() - start))
                print(f"scale {scale:g}: export {notes[-1][1]:.1f} s", flush=True)
            entities = measure_ikg(store, args, notes)
            if args.peers:
                measure_peers(store, entities, args, Path(tmp), notes)
            results.append({"scale": scale, "cpus": os.cpu_count(), "notes": notes,
                            "load": (load, os.getloadavg()[0]), "entities": entities})
    print(report(results, args.peers))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"peers": args.peers, "results": results}, indent=1))


if __name__ == "__main__":
    main()
