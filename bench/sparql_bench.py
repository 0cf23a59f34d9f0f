"""SPARQL endpoint benchmark: ikg against rdflib-endpoint and Oxigraph server, same data, same run.

For each scale: build the graph with `ikg build`, dump it as N-Quads, load that into an
Oxigraph server store, and start three servers on loopback: `ikg serve`, `oxigraph
serve-read-only --union-default-graph` and `rdflib-endpoint serve` (rdflib's engine; it can
be skipped above --rdflib-max-scale), one at a time so that nothing else competes for the
cores while one is measured. Then, through HTTP with keep-alive connections:

- the latency of a mix of realistic queries (lookups, joins, aggregates, property paths,
  CONSTRUCT, DESCRIBE): the median of --repeats runs of each, after one warm-up; answers are
  compared across servers (row or triple counts) so that a fast wrong answer cannot win;
- the throughput of a point lookup at --clients concurrent clients for --seconds.

Goals (issue #3): at least 10x faster than rdflib-endpoint on the median of the mix, within
1.25x of Oxigraph server's latency, at least 70% of its lookup throughput.

Usage: python bench/sparql_bench.py [--scales 1 10] [--repeats 5] [--clients 4] [--seconds 10]
Needs the bench extra: pip install -e '.[bench]'.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BIN, build_store, free_port, load_oxigraph, running  # noqa: E402

P = ("PREFIX ikg: <https://ikg.example.org/ontology#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
     "PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
     "PREFIX nuts: <http://data.europa.eu/nuts/code/> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> ")
ID = "https://ikg.example.org/id/"

#: (name, kind, query): kind "select" counts rows, "graph" counts N-Triples lines.
MIX = [
    ("lookup: one project", "select", f"SELECT ?p ?o WHERE {{ <{ID}project/ERUDITE> ?p ?o }}"),
    ("lookup: by acronym", "select", P + 'SELECT ?p WHERE { ?p ikg:acronym "SYMBI" }'),
    ("join: partners of a project", "select", P + f"""SELECT ?org ?name ?region WHERE {{
        <{ID}project/ERUDITE> ikg:hasParticipation ?part . ?part ikg:participant ?org .
        ?org rdfs:label ?name ; ikg:region ?region }}"""),
    ("join: changes inspired by a project's practices", "select", P + f"""SELECT ?gp ?change ?eur ?op WHERE {{
        ?gp ikg:identifiedIn <{ID}project/ERUDITE> . ?change ikg:inspiredBy ?gp ;
        ikg:financialImpact ?eur ; ikg:improves ?op }}"""),
    ("aggregate: projects and ERDF by call", "select", P + """SELECT ?call (COUNT(DISTINCT ?p) AS ?n)
        (SUM(?erdf) AS ?budget) WHERE { ?p ikg:call ?call ; ikg:hasParticipation ?x .
        ?x ikg:erdfBudget ?erdf } GROUP BY ?call ORDER BY ?call"""),
    ("aggregate: EUR by country of the changed region", "select", P + """SELECT ?country (SUM(?eur) AS ?total)
        WHERE { ?c ikg:region ?r ; ikg:financialImpact ?eur . ?r ikg:country ?country }
        GROUP BY ?country ORDER BY DESC(?total)"""),
    ("aggregate: events by type", "select", P + """SELECT ?type (COUNT(?e) AS ?n) WHERE {
        ?e a ikg:LearningEvent ; ikg:eventType ?type } GROUP BY ?type"""),
    ("path: partners under a NUTS 1 region", "select", P + """SELECT ?region (COUNT(?org) AS ?n) WHERE {
        ?org ikg:region ?region . ?region skos:broader+ nuts:FRE } GROUP BY ?region"""),
    ("path, materialised: partners per region under FRE", "select", P + """SELECT ?region (COUNT(?org) AS ?n)
        WHERE { ?region skos:broaderTransitive nuts:FRE . ?org ikg:region ?region } GROUP BY ?region"""),
    ("path: practice to project of the plan it shaped", "select", P + f"""SELECT ?change ?project WHERE {{
        ?change ikg:inspiredBy/ikg:identifiedIn <{ID}project/ERUDITE> ;
                ikg:implements/ikg:inActionPlan/ikg:inProject ?project }}"""),
    ("aggregate: SF impact as of March 2023", "select", P + """SELECT (SUM(?eur) AS ?sf) WHERE {
        ?c ikg:improves ?op ; ikg:date ?d ; ikg:financialImpact ?eur . ?op a ikg:OperationalProgramme .
        FILTER (?d <= "2023-03-31"^^xsd:date) }"""),
    ("construct: the Fab Lab story", "graph", P + """CONSTRUCT { ?gp ikg:identifiedIn ?p .
        ?c ikg:inspiredBy ?gp ; ikg:improves ?op . ?op ikg:cciCode ?cci } WHERE {
        ?gp dcterms:title "SEROI roadmap" ; ikg:identifiedIn ?p . ?c ikg:inspiredBy ?gp ;
        ikg:improves ?op . ?op ikg:cciCode ?cci }"""),
    ("describe: an operational programme", "graph", f"DESCRIBE <{ID}instrument/2014SI16MAOP001>"),
]
LOOKUP = MIX[0][2]


class Client:
    """One keep-alive HTTP connection that POSTs form-encoded queries."""

    def __init__(self, port: int, path: str, timeout: float) -> None:
        self.port, self.path, self.timeout = port, path, timeout
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

    def query(self, text: str, kind: str) -> tuple[float, int]:
        accept = "application/sparql-results+json" if kind == "select" else "application/n-triples"
        body = urllib.parse.urlencode({"query": text})
        start = time.perf_counter()
        try:
            self.conn.request("POST", self.path, body=body, headers={
                "Content-Type": "application/x-www-form-urlencoded", "Accept": accept})
            resp = self.conn.getresponse()
            data = resp.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            raise
        seconds = time.perf_counter() - start
        if resp.status != 200:
            raise RuntimeError(f"HTTP {resp.status}: {data[:200]!r}")
        if kind == "select":
            size = len(json.loads(data)["results"]["bindings"])
        else:
            size = len([line for line in data.decode().splitlines() if line.strip()])
        return seconds, size


def latency(port: int, path: str, repeats: int, timeout: float) -> dict[str, tuple[float | None, int | None]]:
    client = Client(port, path, timeout)
    out: dict[str, tuple[float | None, int | None]] = {}
    for name, kind, text in MIX:
        try:
            _, size = client.query(text, kind)  # warm-up
            times = [client.query(text, kind)[0] for _ in range(repeats)]
            out[name] = (statistics.median(times), size)
        except (OSError, RuntimeError, http.client.HTTPException) as e:
            print(f"    {name}: failed ({type(e).__name__}: {str(e)[:80]})", flush=True)
            out[name] = (None, None)
    return out


def throughput(port: int, path: str, clients: int, seconds: float) -> tuple[float, int]:
    """Successful point lookups per second at ``clients`` concurrent clients, and the number of
    failed requests (errors are counted, and the client carries on)."""
    counts = [0] * clients
    errors = [0] * clients
    stop = time.monotonic() + seconds

    def run(i: int) -> None:
        c = Client(port, path, 30)
        while time.monotonic() < stop:
            try:
                c.query(LOOKUP, "select")
                counts[i] += 1
            except (OSError, RuntimeError, http.client.HTTPException):
                errors[i] += 1

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / (time.monotonic() - start), sum(errors)


def bench_scale(scale: float, args: argparse.Namespace, tmp: Path) -> dict:
    store = build_store(scale, tmp / f"ikg-{scale:g}")
    current = (store / "CURRENT").read_text().strip()
    dump = tmp / f"data-{scale:g}.nq"
    import pyoxigraph

    pyoxigraph.Store.read_only(str(store / "builds" / current / "oxigraph")).dump(
        output=str(dump), format=pyoxigraph.RdfFormat.N_QUADS)
    oxi_dir = load_oxigraph(dump, tmp / f"oxigraph-{scale:g}")
    # one server at a time, so that nothing else competes for the two cores while it is measured
    commands: dict[str, tuple[list[str], str, dict | None]] = {
        "ikg": ([str(BIN / "ikg"), "serve", "--store", str(store), "--port", "{port}"], "/sparql",
                dict(os.environ, IKG_QUERY_TIMEOUT=str(args.peer_timeout))),
        "oxigraph-server": ([str(BIN / "oxigraph"), "serve-read-only", "--location", str(oxi_dir),
                             "--bind", "127.0.0.1:{port}", "--union-default-graph",
                             "--timeout-s", str(int(args.peer_timeout))], "/query", None),
    }
    if scale <= args.rdflib_max_scale:
        commands["rdflib-endpoint"] = ([str(BIN / "rdflib-endpoint"), "serve", str(dump), "--host",
                                        "127.0.0.1", "--port", "{port}"], "/", None)
    result: dict = {"scale": scale, "servers": {}}
    for name, (argv, path, env) in commands.items():
        port = free_port()
        with running([a.replace("{port}", str(port)) for a in argv], port, path, 1800, env=env) as ready:
            print(f"  {name}: ready after {ready:.0f} s; measuring ...", flush=True)
            lat = latency(port, path, args.repeats, args.peer_timeout)
            tput, failed = throughput(port, path, args.clients, args.seconds)
            result["servers"][name] = {"latency": lat, "lookups_per_second": tput,
                                       "failed_lookups": failed, "ready_seconds": ready}
            done = [v[0] for v in lat.values() if v[0] is not None]
            print(f"  {name}: median of the mix {statistics.median(done) * 1000:.1f} ms, "
                  f"{tput:.0f} lookups/s ({failed} failed)", flush=True)
    return result


def report(results: list[dict]) -> str:
    lines = []
    for r in results:
        s = r["servers"]
        names = list(s)
        lines.append(f"\n#### scale {r['scale']:g}\n")
        lines.append("| query | " + " | ".join(f"{n} (ms)" for n in names) + " | answers agree |")
        lines.append("|---|" + "---|" * (len(names) + 1))
        for q, _, _ in MIX:
            cells, sizes = [], set()
            for n in names:
                t, size = s[n]["latency"][q]
                cells.append("failed" if t is None else f"{t * 1000:.1f}")
                if size is not None:
                    sizes.add(size)
            lines.append(f"| {q} | " + " | ".join(cells) + f" | {'yes' if len(sizes) == 1 else sizes} |")
        med = {}
        for n in names:
            times = [t for t, _ in s[n]["latency"].values() if t is not None]
            med[n] = statistics.median(times) if len(times) == len(MIX) else None
        lines.append("| **median of the mix** | " + " | ".join(
            "incomplete" if med[n] is None else f"**{med[n] * 1000:.1f}**" for n in names) + " | |")
        lines.append("| **point lookups/s, "
                     f"{ARGS.clients} clients** | " + " | ".join(
                         f"**{s[n]['lookups_per_second']:.0f}**" for n in names) + " | |")
        lines.append("| failed lookups | " + " | ".join(
            str(s[n]["failed_lookups"]) for n in names) + " | |")
        ik = med.get("ikg")
        if ik and med.get("rdflib-endpoint"):
            lines.append(f"\nrdflib-endpoint / ikg, median latency: {med['rdflib-endpoint'] / ik:.1f}x (goal >= 10x)")
        if ik and med.get("oxigraph-server"):
            lines.append(f"ikg / Oxigraph server, median latency: {ik / med['oxigraph-server']:.2f}x (goal <= 1.25x)")
            ratio = s["ikg"]["lookups_per_second"] / s["oxigraph-server"]["lookups_per_second"]
            lines.append(f"ikg / Oxigraph server, lookup throughput: {ratio:.0%} (goal >= 70%)")
    return "\n".join(lines)


def main() -> None:
    global ARGS
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", nargs="+", type=float, default=[1.0, 10.0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--peer-timeout", type=float, default=120.0)
    ap.add_argument("--rdflib-max-scale", type=float, default=1.0)
    ap.add_argument("--json", type=Path, default=Path("bench/results/sparql.json"))
    ARGS = args = ap.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="ikg-sparql-bench-") as tmp:
        for scale in args.scales:
            results.append(bench_scale(scale, args, Path(tmp)))
    text = report(results)
    print(text)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"cpus": os.cpu_count(), "results": results}, indent=2))


ARGS: argparse.Namespace

if __name__ == "__main__":
    main()
