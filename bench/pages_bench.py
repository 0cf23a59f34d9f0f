"""Pages benchmark: how fast the evaluator's pages answer a browser, at scales 1 and 10.

For each scale, `ikg serve` on a build (made, or reused with --store-dir DIR: DIR/s1,
DIR/s10), then, over one keep-alive connection as a browser asks (Accept: text/html):

- each page's first answer (cold: nothing kept yet; the front page counts its figures then),
  and ``--repeats`` more (warm: the answers the service keeps for the data's version): median
  and p95;
- the front page for a day nobody asked before (its figures are sums over the timeline kept
  from the first visit; the regions' involvement of that day is one query), and the profile of
  a region nobody asked for before (the network places are kept from the first);
- where the cold time goes: the graph functions behind the pages, timed in process on the
  same store (the timeline, the involvement, the travelled practices, a region's profile,
  the networks page's table, where a profile reads its network places).

Goals of issue #15: the front page and a region profile under 300 ms at scale 1 and under
1 s at scale 10. No peer serves these pages (Kohesio and keep.eu are not on this machine),
so no ratio is reported.

Usage: python bench/pages_bench.py [--scales 1 10] [--store-dir DIR] [--repeats 20]
       [--json bench/results/pages.json]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BIN, build_store, free_port  # noqa: E402
from graph import network, overview, profile  # noqa: E402
from graph.errors import StoreNotFound  # noqa: E402
from graph.queries import load_catalogue  # noqa: E402
from graph.store import open_store  # noqa: E402

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
REGION = "ITC4"
PAGES = {
    "front page": "/",
    "region profile": f"/doc/nuts/{REGION}",
    "networks page": "/networks",
    "named query page": f"/queries/region-learned?region=http://data.europa.eu/nuts/code/{REGION}&run=",
}
#: Regions asked for once each, after the first: their profiles are counted then (the network
#: places are kept from the first).
OTHER_REGIONS = ("DE21", "FR10", "ES51", "PL91", "SE11", "EL30", "NL32", "PT17", "HU11", "RO32")
GOALS = {1.0: 0.300, 10.0: 1.0}  # seconds, for the front page and a region profile


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def get(conn: http.client.HTTPConnection, path: str) -> float:
    start = time.perf_counter()
    conn.request("GET", path, headers=BROWSER)
    resp = conn.getresponse()
    resp.read()
    if resp.status != 200:
        raise SystemExit(f"GET {path}: {resp.status}")
    return time.perf_counter() - start


def in_process(store: Path) -> dict[str, float]:
    """Seconds of each graph function behind the pages, on the store itself."""
    kg = open_store(store, read_only=True)
    cat = load_catalogue()
    region = "http://data.europa.eu/nuts/code/" + REGION
    steps = {"timeline (every day's figures)": lambda: overview.timeline(kg, cat),
             "involvement of the regions": lambda: overview.involvement(kg, None, cat),
             "travelled practices": lambda: overview.travelled(kg, 10, cat),
             "region profile": lambda: profile.region_profile(kg, region, cat),
             "network table (the networks page's; a profile's places)":
                 lambda: profile.network_places(network.view_table(kg, "regions", level=2))}
    out = {}
    for name, fn in steps.items():
        start = time.perf_counter()
        fn()
        out[name] = round(time.perf_counter() - start, 3)
    kg.close()
    return out


def measure(store: Path, repeats: int) -> dict[str, Any]:
    port = free_port()
    with tempfile.NamedTemporaryFile(prefix="ikg-pages-", suffix=".log") as log:
        # no warm-up: the first answer is measured cold, as the first visitor after a build
        # would meet it without IKG_WARM_UP
        proc = subprocess.Popen([str(BIN / "ikg"), "serve", "--store", str(store), "--port", str(port)],
                                stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ, IKG_WARM_UP="false"))
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
                    get(conn, "/sparql-editor")
                    break
                except OSError:
                    if time.monotonic() > deadline or proc.poll() is not None:
                        raise SystemExit("ikg serve did not start") from None
                    time.sleep(0.2)
            pages: dict[str, Any] = {}
            for name, path in PAGES.items():
                cold = get(conn, path)
                warm = [get(conn, path) for _ in range(repeats)]
                pages[name] = {"cold_ms": round(cold * 1000, 1),
                               "warm_median_ms": round(statistics.median(warm) * 1000, 1),
                               "warm_p95_ms": round(percentile(warm, 0.95) * 1000, 1)}
                print(f"    {name}: cold {pages[name]['cold_ms']} ms, warm {pages[name]['warm_median_ms']} / "
                      f"{pages[name]['warm_p95_ms']} ms", flush=True)
            other_day = [get(conn, f"/?as_of=2019-{m:02d}-15") for m in range(1, 13)]
            pages["front page, a new day"] = {"median_ms": round(statistics.median(other_day) * 1000, 1),
                                              "p95_ms": round(percentile(other_day, 0.95) * 1000, 1)}
            print(f"    front page, a new day: {pages['front page, a new day']}", flush=True)
            other_region = [get(conn, f"/doc/nuts/{code}") for code in OTHER_REGIONS]
            pages["region profile, a new region"] = {
                "median_ms": round(statistics.median(other_region) * 1000, 1),
                "p95_ms": round(percentile(other_region, 0.95) * 1000, 1)}
            print(f"    region profile, a new region: {pages['region profile, a new region']}", flush=True)
        finally:
            proc.terminate()
            proc.wait(timeout=60)
    return pages


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", nargs="+", type=float, default=[1.0, 10.0])
    ap.add_argument("--store-dir", type=Path, default=None)
    ap.add_argument("--repeats", type=int, default=20)
    ap.add_argument("--json", type=Path, default=Path("bench/results/pages.json"))
    args = ap.parse_args()
    runs = []
    with tempfile.TemporaryDirectory(prefix="ikg-pages-bench-") as tmp:
        for scale in args.scales:
            store = (args.store_dir or Path(tmp)) / f"s{scale:g}"
            try:
                open_store(store, read_only=True).close()
            except StoreNotFound:
                build_store(scale, store)
            print(f"scale {scale:g}:", flush=True)
            steps = in_process(store)
            print(f"    in process: {steps}", flush=True)
            pages = measure(store, args.repeats)
            goal = GOALS.get(scale)
            runs.append({"scale": scale, "pages": pages, "in_process_s": steps, "goal_s": goal})
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
                                     "runs": runs}, indent=1))
    print("\n| scale | page | cold (ms; median / p95 for the new ones) | warm median / p95 (ms) | goal |")
    print("|---|---|---|---|---|")
    for r in runs:
        for name in PAGES:
            p = r["pages"][name]
            goal = f"{r['goal_s'] * 1000:.0f} ms" if r["goal_s"] and name in ("front page", "region profile") else ""
            print(f"| {r['scale']:g} | {name} | {p['cold_ms']} | {p['warm_median_ms']} / {p['warm_p95_ms']} | {goal} |")
        d = r["pages"]["front page, a new day"]
        print(f"| {r['scale']:g} | front page, a day not asked before | {d['median_ms']} / {d['p95_ms']} | | |")
        d = r["pages"]["region profile, a new region"]
        print(f"| {r['scale']:g} | region profile, a region not asked before | {d['median_ms']} / {d['p95_ms']} | | |")


if __name__ == "__main__":
    main()
