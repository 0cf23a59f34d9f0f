"""Scale benchmark: what each cost becomes from scale 1 to 100, on the embedded store, Oxigraph
server and Virtuoso, in one run.

For each scale (default 1, 10, 100):

- ``ikg build`` into a new store, as its own process: wall time, peak resident memory (wait4),
  the store's size on disk; then ``ikg export`` of it: wall time.
- For each store: the embedded build itself; Oxigraph server and Virtuoso 7, each started on a
  new database (``tests/engines.py``, as the tests start them) and loaded with ``ikg push
  --non-atomic`` from that build (``--atomic``: the atomic switch, whose one-transaction copy
  on Oxigraph server grows faster than the data); its wall time is the store's load time, and
  with the build's, what ``ikg build --to URL`` costs. Then ``ikg export`` from the server
  (wall time and the export's own peak memory).
  Peak memory is the server process's (VmHWM) and the size on disk its database folder's.
- On each store, in process, through ikg's store interface (what the service calls):
  the named-query mix (every query of ``queries/`` with its default or example parameters,
  ``--repeats`` times each: median and p95 of all runs); lineage (downstream of ``--samples``
  practices that inspired a change, upstream of as many changes, drawn with a seed: median and
  p95); the region network views (``regions`` and ``transfers``, each view and each of its
  analyses once: the slowest is reported, every one is in the JSON), and the organisation view
  and its analyses the same way, with the store's resident memory after each (the server's
  process, or this one for the embedded store: where a server's memory grows).

Goals of issue #14 on the 2-core machine, embedded: scale 100 builds in under 20 minutes under
12 GiB; lineage p95 under 300 ms and every region-level network view and analysis under 10 s at
scale 100.

Usage: python bench/scale_bench.py [--scales 1 10 100] [--stores embedded oxigraph-server virtuoso]
       [--store-dir DIR] [--server-dir DIR] [--repeats 5] [--samples 40] [--atomic] [--no-export]
       [--json bench/results/scale.json]

With --store-dir DIR the embedded builds are kept in DIR/s1, DIR/s10, ... and reused by a later
run (their build figures are then those recorded in the build's build.json, its peak memory the
build's own measure). With --server-dir DIR each server's database is kept in
DIR/oxigraph-server-s100, DIR/virtuoso-s100, ... and reused by a later run when it holds the
same build (a load at scale 100 takes a quarter of an hour; its figures are then those recorded
with the database). A query, lineage or network view that a store refuses or times out is
recorded with its error in the JSON, and the run goes on. Virtuoso runs without
MaxQueryCostEstimationTime, as the README advises at this scale (--virtuoso-cost-limit 400 for
Debian's setting, under which it refuses some lineage queries at scale 100 for their estimate).
Oxigraph server and Virtuoso need `make engines` (`make bench` runs it).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BIN  # noqa: E402
from graph.errors import IkgError, StoreError, StoreNotFound  # noqa: E402
from graph.lineage import downstream, upstream  # noqa: E402
from graph.namespaces import DEFAULT_BASE_IRI  # noqa: E402
from graph.network import VIEW_METRICS, VIEWS, view_export, view_metrics  # noqa: E402
from graph.queries import load_catalogue  # noqa: E402
from graph.remote import RemoteOptions  # noqa: E402
from graph.store import KnowledgeGraph, open_store, store_path  # noqa: E402
from tests.engines import SERVERS, Engine  # noqa: E402

STORES = ("embedded", *SERVERS)
#: The record of a server's load, in its database folder: what a later run with ``--server-dir`` reuses.
LOADED = "ikg-load.json"
PRACTICES = ("SELECT DISTINCT ?e WHERE { ?c <https://ikg.example.org/ontology#inspiredBy> ?e }")
CHANGES = "SELECT ?e WHERE { ?e a <https://ikg.example.org/ontology#PolicyChange> }"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def spread(values: list[float]) -> dict[str, float]:
    """Median and p95 of ``values`` (seconds), in milliseconds."""
    return {"median_ms": round(statistics.median(values) * 1000, 1),
            "p95_ms": round(percentile(values, 0.95) * 1000, 1)}


def du(path: Path) -> int:
    """Bytes on disk under ``path``."""
    return sum(p.stat().st_blocks * 512 for p in Path(path).rglob("*") if p.is_file())


def run(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    """Run ``cmd``; its wall seconds and peak resident memory (MiB). A failure stops the run."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            env={**os.environ, **(env or {})})
    output = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{output[-3000:]}")
    return time.perf_counter() - start, round(usage.ru_maxrss / 1024)


def build(scale: float, store: Path) -> dict[str, Any]:
    """``ikg build`` at ``scale`` into ``store`` (reused when it holds a build)."""
    try:
        folder = store_path(store).parent
        meta = json.loads((folder / "build.json").read_text())
        print(f"scale {scale:g}: reusing {store} (figures from its build.json)", flush=True)
        seconds, peak = sum(meta["seconds"].values()), meta.get("peak_rss_mib")
    except (StoreNotFound, StoreError, OSError, ValueError, KeyError):
        print(f"scale {scale:g}: building ...", flush=True)
        seconds, peak = run([str(BIN / "ikg"), "build", "--scale", f"{scale:g}", "--store", str(store)])
        folder = store_path(store).parent
        meta = json.loads((folder / "build.json").read_text())
    return {"seconds": round(seconds, 1), "peak_mib": peak, "quads": meta["quads"],
            "disk_mib": round(du(folder / "oxigraph") / 2**20), "steps": meta["seconds"], "build": folder.name}


def named_query_mix(kg: KnowledgeGraph, repeats: int) -> dict[str, Any]:
    times: list[float] = []
    each: dict[str, float] = {}
    failed: dict[str, str] = {}
    for q in load_catalogue():
        values = {p.name: p.default or p.example or "" for p in q.params}
        mine = []
        for _ in range(repeats):
            start = time.perf_counter()
            try:
                q.run(kg, values)
            except IkgError as e:  # a timeout or an engine's refusal is part of the store's cost
                failed[q.name] = f"{type(e).__name__}: {str(e)[:300]}"
                print(f"    named query {q.name} failed after {time.perf_counter() - start:.1f} s: "
                      f"{failed[q.name]}", flush=True)
                break
            mine.append(time.perf_counter() - start)
        times += mine
        if mine:
            each[q.name] = round(statistics.median(mine) * 1000, 1)
    return {**spread(times), "queries": len(each), "median_ms_each": each, "failed": failed}


def lineage(kg: KnowledgeGraph, samples: int, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    out: dict[str, Any] = {}
    for name, pick, fn in (("downstream", PRACTICES, downstream), ("upstream", CHANGES, upstream)):
        entities = sorted(str(r[0]) for r in kg.query(pick).rows)
        times = []
        failed: dict[str, str] = {}
        for iri in rng.sample(entities, min(samples, len(entities))):
            start = time.perf_counter()
            try:
                fn(kg, iri, DEFAULT_BASE_IRI)
            except IkgError as e:  # an engine's refusal is part of the store's cost
                failed[iri] = f"{type(e).__name__}: {str(e)[:300]}"
                print(f"    lineage {name} of {iri} failed after {time.perf_counter() - start:.1f} s: "
                      f"{failed[iri]}", flush=True)
                continue
            times.append(time.perf_counter() - start)
        out[name] = {**(spread(times) if times else {"median_ms": None, "p95_ms": None}),
                     "answered": len(times), "failed": failed}
    answered = [v["p95_ms"] for v in out.values() if v["p95_ms"] is not None]
    out["p95_ms"] = max(answered) if answered else None
    return out


def networks(kg: KnowledgeGraph, pid: int) -> dict[str, Any]:
    """Each view and each of its analyses once, end to end (extraction included): the slowest
    region-level one (the regions and transfers views), and the organisation view's; the
    resident memory of process ``pid`` (the store's: the server, or this one) after each."""
    each: dict[str, float] = {}
    failed: dict[str, str] = {}
    rss: dict[str, int | None] = {}

    def timed(name: str, fn: Callable[[], Any]) -> None:
        start = time.perf_counter()
        try:
            fn()
        except IkgError as e:  # an engine's refusal is part of the store's cost
            failed[name] = f"{type(e).__name__}: {str(e)[:300]}"
            print(f"    network {name} failed after {time.perf_counter() - start:.1f} s: {failed[name]}", flush=True)
            return
        finally:
            rss[name] = status_mib(pid, "VmRSS")
        each[name] = round(time.perf_counter() - start, 2)

    for view in VIEWS:
        timed(f"{view} view", lambda view=view: view_export(kg, view, "json"))
        for metric in VIEW_METRICS[view]:
            timed(f"{view} {metric}", lambda view=view, metric=metric: view_metrics(kg, view, metric, seed=1))
    regional = [k for k in each if not k.startswith("organisations")]
    slowest = max(regional, key=each.__getitem__, default="")
    organisations = max((k for k in each if k.startswith("organisations")), key=each.__getitem__, default="")
    return {"slowest": slowest, "slowest_s": each.get(slowest), "organisations_slowest": organisations,
            "organisations_slowest_s": each.get(organisations), "seconds_each": each,
            "rss_mib_after_each": rss, "failed": failed}


def measure(kg: KnowledgeGraph, args: argparse.Namespace, pid: int) -> dict[str, Any]:
    """The networks, lineage and the named-query mix, each said as it ends (``pid``: the
    store's process, whose memory is read after each network view)."""
    nets = networks(kg, pid)
    print(f"    networks: slowest region-level {nets['slowest']} {nets['slowest_s']} s, organisations "
          f"{nets['organisations_slowest']} {nets['organisations_slowest_s']} s", flush=True)
    lin = lineage(kg, args.samples, args.seed)
    print(f"    lineage p95 {lin['p95_ms']} ms", flush=True)
    mix = named_query_mix(kg, args.repeats)
    print(f"    named queries {mix['median_ms']} / {mix['p95_ms']} ms", flush=True)
    return {"named_queries": mix, "lineage": lin, "networks": nets}


def status_mib(pid: int, key: str = "VmHWM") -> int | None:
    """A memory figure of a running process from /proc (VmHWM: its peak resident memory,
    VmRSS: its resident memory now), MiB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{key}:"):
                return round(int(line.split()[1]) / 1024)
    except OSError:
        pass
    return None


def server_run(name: str, store: Path, built: dict[str, Any], folder: Path,
               args: argparse.Namespace) -> dict[str, Any]:
    """One server on a database in ``folder``: loaded from ``store`` (unless a load of the same
    build is recorded there, :data:`LOADED`), then measured."""
    with ExitStack() as stack:
        settings = {"cost_estimate_limit": args.virtuoso_cost_limit} if name == "virtuoso" else {}
        engine: Engine = stack.enter_context(SERVERS[name](folder, **settings))
        env = engine.settings
        try:
            loaded = json.loads((folder / LOADED).read_text())
            if loaded["build"] != built["build"]:
                raise ValueError("another build")
            push_s, push_peak, load_peak = loaded["load_s"], loaded["push_peak_mib"], loaded["server_peak_mib"]
            print(f"  {name}: reusing its database in {folder} (its load figures as recorded)", flush=True)
        except (OSError, ValueError, KeyError):
            print(f"  {name}: ikg push ...", flush=True)
            push_s, push_peak = run([str(BIN / "ikg"), "push", *([] if args.atomic else ["--non-atomic"]),
                                     "--store", str(store), "--to", engine.location], env)
            load_peak = status_mib(engine.proc.pid) or 0
            (folder / LOADED).write_text(json.dumps({"build": built["build"], "load_s": push_s,
                                                     "push_peak_mib": push_peak, "server_peak_mib": load_peak}))
        options = RemoteOptions(engine=env["IKG_STORE_ENGINE"], user=env.get("IKG_STORE_USER", ""),
                                password=env.get("IKG_STORE_PASSWORD", ""), timeout=600)
        kg = open_store(engine.location, remote=options)
        print(f"  {name}: queries, lineage, networks ...", flush=True)
        measured = measure(kg, args, engine.proc.pid)
        kg.close()
        export: dict[str, Any] = {"export_s": None}
        if not args.no_export:
            export = server_export(engine, env)
        return {"load_s": round(push_s, 1), "build_s": round(built["seconds"] + push_s, 1),
                "peak_mib": max(load_peak, status_mib(engine.proc.pid) or 0), "push_peak_mib": push_peak,
                "disk_mib": round(du(folder) / 2**20), **export, **measured}


def server_export(engine: Engine, env: dict[str, str]) -> dict[str, Any]:
    """``ikg export`` from the server: its wall time and peak memory, or its error."""
    export: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="ikg-scale-export-") as out:
            try:
                seconds, peak = run([str(BIN / "ikg"), "export", "--store", engine.location, "--out", out], env)
                export = {"export_s": round(seconds, 1), "export_peak_mib": peak}
            except SystemExit as e:  # reported, not fatal: the server's limits are part of its cost
                export = {"export_s": None, "export_error": str(e)[-600:]}
                print(f"  export failed: {export['export_error']}", flush=True)
    return export


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", nargs="+", type=float, default=[1.0, 10.0, 100.0])
    ap.add_argument("--stores", nargs="+", choices=STORES, default=list(STORES))
    ap.add_argument("--store-dir", type=Path, default=None)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--samples", type=int, default=40)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", type=Path, default=Path("bench/results/scale.json"))
    ap.add_argument("--atomic", action="store_true", help="load the servers atomically (staging graphs, then MOVE)")
    ap.add_argument("--no-export", action="store_true", help="leave the exports out (measured by an earlier run)")
    ap.add_argument("--virtuoso-cost-limit", type=int, default=None, metavar="SECONDS",
                    help="Virtuoso's MaxQueryCostEstimationTime (default: left out, as the README advises; "
                         "Debian's virtuoso.ini has 400)")
    ap.add_argument("--server-dir", type=Path, default=None,
                    help="keep the servers' databases in DIR/NAME-sSCALE, and reuse one that holds the same build")
    args = ap.parse_args()
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="ikg-scale-bench-") as tmp:
        for scale in args.scales:
            store = (args.store_dir or Path(tmp)) / f"s{scale:g}"
            built = build(scale, store)
            export_s = None
            if not args.no_export and "embedded" in args.stores:  # the embedded row's; a server's is its own
                with tempfile.TemporaryDirectory(prefix="ikg-scale-export-") as out:
                    export_s, _ = run([str(BIN / "ikg"), "export", "--store", str(store), "--out", out])
            print(f"scale {scale:g}: built in {built['seconds']} s, peak {built['peak_mib']} MiB, "
                  f"{built['disk_mib']} MiB on disk; "
                  + ("export not measured" if export_s is None else f"exported in {export_s:.1f} s"), flush=True)
            for name in args.stores:
                if name == "embedded":
                    kg = open_store(store)
                    row = {"build_s": built["seconds"], "load_s": None, "peak_mib": built["peak_mib"],
                           "disk_mib": built["disk_mib"], "export_s": export_s and round(export_s, 1),
                           **measure(kg, args, os.getpid())}
                    kg.close()
                else:
                    folder = (args.server_dir or Path(tmp)) / f"{name}-s{scale:g}"
                    folder.mkdir(parents=True, exist_ok=True)
                    row = server_run(name, store, built, folder, args)
                    if args.server_dir is None:
                        shutil.rmtree(folder)  # a server's database at scale 100 is 10 GB or more
                rows.append({"scale": scale, "store": name, "quads": built["quads"], **row})
                r = rows[-1]
                print(f"  {name}: build {r['build_s']} s, peak {r['peak_mib']} MiB, disk {r['disk_mib']} MiB, "
                      f"export {r['export_s']} s, named queries {r['named_queries']['median_ms']} / "
                      f"{r['named_queries']['p95_ms']} ms, lineage p95 {r['lineage']['p95_ms']} ms, "
                      f"slowest region network {r['networks']['slowest']} {r['networks']['slowest_s']} s, "
                      f"organisations {r['networks']['organisations_slowest']} "
                      f"{r['networks']['organisations_slowest_s']} s", flush=True)
                args.json.parent.mkdir(parents=True, exist_ok=True)  # each row kept as it ends
                args.json.write_text(json.dumps({"machine": {"cpus": os.cpu_count(),
                                                             "python": platform.python_version()},
                                                 "runs": rows}, indent=1))
    print("\n| scale | store | build (s) | load (s) | peak memory (MiB) | on disk (MiB) | export (s) "
          "| named queries median / p95 (ms) | lineage p95 (ms) | slowest region network view (s) "
          "| slowest organisation network view (s) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['scale']:g} | {r['store']} | {r['build_s']} | {r['load_s'] or ''} | {r['peak_mib']} "
              f"| {r['disk_mib']} | {r['export_s']} | {r['named_queries']['median_ms']} / "
              f"{r['named_queries']['p95_ms']} | {r['lineage']['p95_ms']} | {r['networks']['slowest_s']} "
              f"({r['networks']['slowest']}) | {r['networks']['organisations_slowest_s']} "
              f"({r['networks']['organisations_slowest']}) |")


if __name__ == "__main__":
    main()
