"""SPARQL endpoint benchmark: ikg against Oxigraph server, rdflib-endpoint and a minimal Flask app, same data, same run.

For each scale: build the graph with `ikg build`, dump it as N-Quads, load that into an
Oxigraph server store, and start the servers one at a time on loopback (nothing else
competes for the cores while one is measured):

- `ikg serve` (Granian), with the answer cache off, so that every answer is computed, with
  the app in one process (the default) and in two (`IKG_PROCESSES=2`, 2 query workers each);
- optionally `ikg serve` of an earlier commit (--baseline REF, run from a git worktree), to
  measure the change of a request path in the same run;
- the reference app (`bench/reference_app.py`): Flask querying pyoxigraph in process under
  Granian with 2 workers, no timeout and no checks: the practical limit of a Python endpoint;
- `oxigraph serve-read-only --union-default-graph` (PyPI `oxigraph`), as it starts (no
  query timeout: a runaway query runs on) and with `--timeout-s` (a timeout, as ikg's);
- `rdflib-endpoint serve` (rdflib's engine; skipped above --rdflib-max-scale).

Then, through HTTP:

- latency: the median of --repeats runs of each query of a realistic mix (lookups, joins,
  aggregates, property paths, CONSTRUCT, DESCRIBE) on one keep-alive connection, after one
  warm-up; answers compared across servers (row or triple counts), so that a fast wrong
  answer cannot win;
- throughput: wrk (Debian `wrk`, a C load generator that is not the bottleneck) at --clients
  connections for --seconds, each request a different lookup (forward and reverse, over the
  projects, organisations, practices, changes, plans, instruments and regions of the graph),
  reporting lookups/s, latency percentiles and failures;
- the answer cache: `ikg serve` with its default settings, the EUR-by-country aggregate's
  first run and the median of its repeats.

Goals (issue #11): lookup throughput at 4 clients at least 85% of the reference app's and at
least 5x the baseline's; median latency of the mix within 2.5x of Oxigraph server's;
aggregates at or below Oxigraph server's time; a repeated aggregate at least 50x faster than
its first run; the materialised region path under 50 ms at scale 10.

Usage: python bench/sparql_bench.py [--scales 1 10] [--baseline c960a80] [--seconds 10]
Needs the bench extra (pip install -e '.[bench]') and wrk: `make bench` installs both.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
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
#: The aggregate a dashboard repeats (answer cache).
REPEATED = MIX[5]
#: The goals, by the key of the ratio they bound: (comparison, bound).
GOALS = {"throughput_vs_reference": (">=", 0.85), "throughput_vs_baseline": (">=", 5.0),
         "median_vs_oxigraph": ("<=", 2.5), "repeat_speedup": (">=", 50.0),
         "region_path_ms": ("<", 50.0)}
#: The types whose members are looked up, and the most of each.
LOOKUP_TYPES = ["Project", "Organisation", "GoodPractice", "PolicyChange", "ActionPlan",
                "PolicyInstrument", "Region"]


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


def lookups(oxigraph_folder: Path, limit: int = 20_000) -> list[str]:
    """Lookup queries, all different: forward (``<x> ?p ?o``) and reverse (``?s ?p <x>``)
    over members of :data:`LOOKUP_TYPES`, interleaved."""
    import pyoxigraph

    store = pyoxigraph.Store.read_only(str(oxigraph_folder))
    iris: list[str] = []
    per_type = limit // (2 * len(LOOKUP_TYPES))
    for t in LOOKUP_TYPES:
        q = (f"SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s a <https://ikg.example.org/ontology#{t}> }} }} "
             f"ORDER BY ?s LIMIT {per_type}")
        iris += [row[0].value for row in store.query(q)]  # type: ignore[union-attr]
    del store
    out = []
    for iri in iris:
        out.append(f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}")
        out.append(f"SELECT ?s ?p WHERE {{ ?s ?p <{iri}> }} LIMIT 100")
    return out


def wrk_script(queries: list[str], path: str, folder: Path) -> Path:
    """A wrk Lua script that sends each query once by GET, each thread from its own part of
    the list, so that no answer is asked for twice while the list lasts."""
    paths = ",\n".join(json.dumps(f"{path}?" + urllib.parse.urlencode({"query": q})) for q in queries)
    script = folder / f"lookups{abs(hash(path))}.lua"
    script.write_text(f"""
local paths = {{
{paths}
}}
local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end
function init(args)
  i = (id or 0) * math.floor(#paths / 2)
end
function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i], {{["Accept"] = "application/sparql-results+json"}})
end
""")
    return script


def throughput(port: int, script: Path, clients: int, seconds: float) -> dict:
    """wrk's lookups/s, latency percentiles (ms) and failures at ``clients`` connections."""
    run = subprocess.run(["wrk", "-t2", f"-c{clients}", f"-d{seconds:g}s", "--latency",
                          "-s", str(script), f"http://127.0.0.1:{port}"], capture_output=True, text=True)
    out = run.stdout
    if "requests in" not in out:  # the server is gone (Oxigraph server with a timeout crashes)
        print(f"    wrk: {(run.stderr or out).strip()[:200]}", flush=True)
        return {"lookups_per_second": 0.0, "requests_per_second": 0.0, "p50_ms": None,
                "p99_ms": None, "failed": None, "crashed": True}

    def ms(label: str) -> float | None:
        m = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not m:
            return None
        return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]

    refused = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    done = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", out)
    assert done, out
    elapsed = float(done.group(2)) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[done.group(3)]
    # answered lookups only (wrk counts error answers as requests): a server that fails fast
    # must not count its failures
    return {"lookups_per_second": (int(done.group(1)) - refused) / elapsed,
            "requests_per_second": int(done.group(1)) / elapsed,
            "p50_ms": ms("50"), "p99_ms": ms("99"),
            "failed": refused + (sum(int(n) for n in errors.groups()) if errors else 0)}


def repeated(port: int, path: str, repeats: int, timeout: float) -> dict:
    """The first run of :data:`REPEATED` on a fresh server and the median of its repeats."""
    client = Client(port, path, timeout)
    name, kind, text = REPEATED
    first, size = client.query(text, kind)
    times = [client.query(text, kind)[0] for _ in range(repeats)]
    return {"query": name, "first_ms": first * 1000, "repeat_ms": statistics.median(times) * 1000,
            "rows": size}


def baseline_checkout(ref: str, tmp: Path) -> Path:
    """A git worktree of ``ref`` (removed by the caller's temporary folder)."""
    folder = tmp / f"baseline-{ref}"
    root = Path(__file__).resolve().parent.parent
    subprocess.run(["git", "-C", str(root), "worktree", "add", "--detach", str(folder), ref],
                   check=True, capture_output=True)
    return folder


def bench_scale(scale: float, args: argparse.Namespace, tmp: Path, baseline: Path | None) -> dict:
    store = build_store(scale, tmp / f"ikg-{scale:g}")
    current = (store / "CURRENT").read_text().strip()
    oxi_store = store / "builds" / current / "oxigraph"
    dump = tmp / f"data-{scale:g}.nq"
    import pyoxigraph

    pyoxigraph.Store.read_only(str(oxi_store)).dump(output=str(dump), format=pyoxigraph.RdfFormat.N_QUADS)
    oxi_dir = load_oxigraph(dump, tmp / f"oxigraph-{scale:g}")
    queries = lookups(oxi_store)
    # the build, the dump and the load wrote gigabytes at scale 10: written out before any
    # server is measured (the kernel's write-back had slowed the first server's lookups 5x)
    os.sync()
    ikg_env = dict(os.environ, IKG_QUERY_TIMEOUT=str(args.peer_timeout), IKG_ANSWER_CACHE_BYTES="0")
    ikg = [str(BIN / "ikg"), "serve", "--store", str(store), "--port", "{port}"]
    commands: dict[str, tuple[list[str], str, dict | None]] = {
        "ikg": (ikg, "/sparql", ikg_env),
        # a read-only server with the app in two processes (IKG_PROCESSES), workers split
        "ikg, 2 processes": (ikg, "/sparql", dict(ikg_env, IKG_PROCESSES="2", IKG_QUERY_WORKERS="2")),
    }
    if baseline is not None:
        commands["ikg baseline"] = (ikg, "/sparql", dict(ikg_env, PYTHONPATH=str(baseline)))
    commands["reference app"] = (
        [str(BIN / "granian"), "--interface", "wsgi", "--factory", "--workers", "2",
         "--port", "{port}", "--no-ws", "bench.reference_app:create"], "/sparql",
        dict(os.environ, IKG_REFERENCE_STORE=str(oxi_store),
             PYTHONPATH=str(Path(__file__).resolve().parent.parent)))
    oxigraph = [str(BIN / "oxigraph"), "serve-read-only", "--location", str(oxi_dir), "--bind",
                "127.0.0.1:{port}", "--union-default-graph"]
    commands["oxigraph-server"] = (oxigraph, "/query", None)
    # with a query timeout, as ikg always has one: Oxigraph server then runs each query on a
    # thread of its own (0.5.13: EAGAIN errors and a crash under 4 connections, measured)
    commands["oxigraph-server, timeout"] = (
        [*oxigraph, "--timeout-s", str(int(args.peer_timeout))], "/query", None)
    if scale <= args.rdflib_max_scale:
        commands["rdflib-endpoint"] = ([str(BIN / "rdflib-endpoint"), "serve", str(dump), "--host",
                                        "127.0.0.1", "--port", "{port}"], "/", None)
    result: dict = {"scale": scale, "quads": _quads(store), "lookups": len(queries), "servers": {}}
    for name, (argv, path, env) in commands.items():
        port = free_port()
        with running([a.replace("{port}", str(port)) for a in argv], port, path, 1800, env=env) as ready:
            print(f"  {name}: ready after {ready:.0f} s; measuring ...", flush=True)
            lat = latency(port, path, args.repeats, args.peer_timeout)
            script = wrk_script(queries, path, tmp)
            throughput(port, script, args.clients, args.warmup)  # caches warm, for every server
            tput = throughput(port, script, args.clients, args.seconds)
            result["servers"][name] = {"latency": lat, "ready_seconds": ready, **tput}
            done = [v[0] for v in lat.values() if v[0] is not None]
            print(f"  {name}: median of the mix {statistics.median(done) * 1000:.1f} ms, "
                  f"{tput['lookups_per_second']:.0f} lookups/s ({tput['failed']} failed)", flush=True)
    # the answer cache, as served by default; Oxigraph server for comparison
    for name, (argv, path, env) in (("ikg", (ikg, "/sparql", dict(ikg_env, IKG_ANSWER_CACHE_BYTES=str(64 << 20)))),
                                    ("oxigraph-server", commands["oxigraph-server"])):
        port = free_port()
        with running([a.replace("{port}", str(port)) for a in argv], port, path, 1800, env=env):
            result["servers"][name]["repeated"] = rep = repeated(port, path, args.repeats * 4, args.peer_timeout)
            print(f"  {name}: {rep['query']}: first {rep['first_ms']:.1f} ms, repeated "
                  f"{rep['repeat_ms']:.2f} ms", flush=True)
    return result


def _quads(store: Path) -> int | None:
    info = store / "builds" / (store / "CURRENT").read_text().strip() / "build.json"
    try:
        return int(json.loads(info.read_text()).get("quads"))
    except (OSError, ValueError, TypeError):
        return None


def _goal(key: str, value: float | None) -> str:
    if value is None:
        return "not measured"
    op, bound = GOALS[key]
    met = value >= bound if op == ">=" else value <= bound if op == "<=" else value < bound
    return f"goal {op} {bound:g}: {'met' if met else 'missed'}"


def ratios(r: dict) -> dict[str, float | None]:
    """The ratios the goals bound, from one scale's results."""
    s = r["servers"]
    ik = s["ikg"]

    def med(n: str) -> float | None:
        times = [t for t, _ in s[n]["latency"].values() if t is not None] if n in s else []
        return statistics.median(times) if n in s and len(times) == len(MIX) else None

    def tput(n: str) -> float | None:
        return s[n]["lookups_per_second"] if n in s else None

    out: dict[str, float | None] = {}
    out["throughput_vs_reference"] = (ik["lookups_per_second"] / tput("reference app")
                                      if tput("reference app") else None)
    out["throughput_vs_baseline"] = (ik["lookups_per_second"] / tput("ikg baseline")
                                     if tput("ikg baseline") else None)
    out["throughput_vs_oxigraph"] = ik["lookups_per_second"] / tput("oxigraph-server")  # type: ignore[operator]
    m_ik, m_ox = med("ikg"), med("oxigraph-server")
    out["median_vs_oxigraph"] = m_ik / m_ox if m_ik and m_ox else None
    rep = ik.get("repeated")
    out["repeat_speedup"] = rep["first_ms"] / rep["repeat_ms"] if rep else None
    t = ik["latency"]["path, materialised: partners per region under FRE"][0]
    out["region_path_ms"] = t * 1000 if t is not None else None
    return out


def report(results: list[dict]) -> str:
    lines = []
    for r in results:
        s = r["servers"]
        names = list(s)
        quads = f", {r['quads']:,} quads" if r.get("quads") else ""
        lines.append(f"\n#### scale {r['scale']:g}{quads}\n")
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
        lines.append(f"| **lookups/s, {ARGS.clients} connections (wrk, {r['lookups']:,} different "
                     "lookups)** | " + " | ".join(f"**{s[n]['lookups_per_second']:.0f}**" for n in names) + " | |")
        lines.append("| lookup latency p50 / p99 (ms) | " + " | ".join(
            f"{s[n]['p50_ms']:.1f} / {s[n]['p99_ms']:.1f}" if s[n]["p50_ms"] is not None else "?"
            for n in names) + " | |")
        lines.append("| failed lookups | " + " | ".join(
            "server crashed" if s[n].get("crashed") else str(s[n]["failed"]) for n in names) + " | |")
        lines.append("")
        for n in ("ikg", "oxigraph-server"):
            rep = s[n].get("repeated")
            if rep:
                lines.append(f"- {n}, {rep['query']} on a fresh server: first run {rep['first_ms']:.1f} ms, "
                             f"repeated {rep['repeat_ms']:.2f} ms (median)")
        rt = ratios(r)
        labels = {"throughput_vs_reference": "ikg / reference app, lookups/s",
                  "throughput_vs_baseline": "ikg / baseline, lookups/s",
                  "throughput_vs_oxigraph": "ikg / Oxigraph server, lookups/s",
                  "median_vs_oxigraph": "ikg / Oxigraph server, median latency of the mix",
                  "repeat_speedup": "ikg, first run / repeated run of the aggregate",
                  "region_path_ms": "ikg, materialised region path (ms)"}
        for key, label in labels.items():
            v = rt.get(key)
            percent = key in ("throughput_vs_reference", "throughput_vs_oxigraph")
            shown = "not measured" if v is None else f"{v:.0%}" if percent else f"{v:.2f}"
            lines.append(f"- {label}: {shown}" + (f" ({_goal(key, v)})" if key in GOALS else ""))
        for q, _, _ in MIX:
            if q.startswith("aggregate"):
                a, b = s["ikg"]["latency"][q][0], s["oxigraph-server"]["latency"][q][0]
                if a and b:
                    lines.append(f"- {q}: ikg / Oxigraph server {a / b:.2f}x (goal <= 1: "
                                 f"{'met' if a <= b else 'missed'})")
    return "\n".join(lines)


def main() -> None:
    global ARGS
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", nargs="+", type=float, default=[1.0, 10.0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--warmup", type=float, default=3.0, help="seconds of wrk before each measured run")
    ap.add_argument("--peer-timeout", type=float, default=120.0)
    ap.add_argument("--rdflib-max-scale", type=float, default=1.0)
    ap.add_argument("--baseline", default=None,
                    help="a git commit whose `ikg serve` is measured too (from a worktree)")
    ap.add_argument("--json", type=Path, default=Path("bench/results/sparql.json"))
    ARGS = args = ap.parse_args()
    results = []
    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory(prefix="ikg-sparql-bench-") as tmp:
        baseline = baseline_checkout(args.baseline, Path(tmp)) if args.baseline else None
        try:
            for scale in args.scales:
                results.append(bench_scale(scale, args, Path(tmp), baseline))
        finally:
            if baseline is not None:
                subprocess.run(["git", "-C", str(root), "worktree", "remove", "--force", str(baseline)],
                               check=False, capture_output=True)
    text = report(results)
    print(text)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"cpus": os.cpu_count(), "baseline": args.baseline,
                                     "results": results}, indent=2))


ARGS: argparse.Namespace

if __name__ == "__main__":
    main()
