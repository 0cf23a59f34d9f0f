"""Network benchmark: each view and each analysis end to end (SPARQL extraction included).

For each scale, builds the graph and times, on the on-disk store, `view_export` of every view
as JSON and `view_metrics` of every analysis that applies to it (median of --repeats runs).
Goals (issue #5): every region-level view and analysis under 1 s on the default graph and
under 5 s at scale 10.

With --store-dir DIR, the stores DIR/s1, DIR/s10 (one per scale, `s{scale:g}`) are reused when
they open and built there when they are missing, so a rerun skips the two-minute build; without
it, every store is built into a temporary folder that is removed afterwards.

Usage: python bench/network_bench.py [--scales 1 10] [--repeats 3] [--store-dir DIR]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import build_store  # noqa: E402
from graph.errors import StoreError, StoreNotFound  # noqa: E402
from graph.network import VIEW_METRICS, view_export, view_metrics  # noqa: E402
from graph.store import KnowledgeGraph, open_store  # noqa: E402


def timed(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def store_for(scale: float, folder: Path, reuse: bool) -> KnowledgeGraph:
    """The store of ``scale`` in ``folder``: opened as it is when ``reuse`` and it opens,
    otherwise built there first."""
    store = folder / f"s{scale:g}"
    if reuse:
        try:
            kg = open_store(store)
            print(f"scale {scale:g}: reusing {store}", flush=True)
            return kg
        except (StoreNotFound, StoreError) as e:
            print(f"scale {scale:g}: {store} does not open ({e}); building it", flush=True)
    return open_store(build_store(scale, store))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", nargs="+", type=float, default=[1.0, 10.0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--json", type=Path, default=Path("bench/results/network.json"))
    ap.add_argument("--store-dir", type=Path, default=None,
                    help="reuse (or build once into) DIR/s1, DIR/s10, ... instead of a temporary folder")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="ikg-network-bench-") as tmp:
        folder = args.store_dir or Path(tmp)
        for scale in args.scales:
            kg = store_for(scale, folder, reuse=args.store_dir is not None)
            for view in ("regions", "transfers", "organisations"):
                t = timed(lambda kg=kg, view=view: view_export(kg, view, "json"), args.repeats)
                rows.append((scale, view, "view (JSON)", t))
                print(f"  {view} view: {t:.3f} s", flush=True)
                if view == "organisations":
                    continue  # organisation-level, not a region-level view
                for metric in VIEW_METRICS[view]:
                    t = timed(lambda kg=kg, view=view, metric=metric: view_metrics(kg, view, metric, seed=1),
                              args.repeats)
                    rows.append((scale, view, metric, t))
                    print(f"  {view} {metric}: {t:.3f} s", flush=True)
            kg.close()
    print("\n| scale | view | analysis | seconds (median) | goal |")
    print("|---|---|---|---|---|")
    for scale, view, metric, t in rows:
        goal = "" if view == "organisations" else ("< 1 s" if scale <= 1 else "< 5 s")
        print(f"| {scale:g} | {view} | {metric} | {t:.3f} | {goal} |")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
