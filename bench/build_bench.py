"""Build benchmark: time, quads, quads per second and peak memory of `ikg build` at given scales.

Each build runs as its own `ikg build` process into a fresh temporary store, so its peak
resident memory (from wait4) is its own. Goals on the 2-core reference machine: scale 1 in
under 30 s and under 1 GiB, scale 10 in under 3 minutes.

Usage: python bench/build_bench.py [--scales 1 10] [--seed 42] [--json bench/results/build.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

IKG = str(Path(sys.executable).parent / "ikg")


def run_build(scale: float, seed: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="ikg-bench-") as tmp:
        store = Path(tmp) / "store"
        start = time.perf_counter()
        proc = subprocess.Popen([IKG, "build", "--scale", f"{scale:g}", "--seed", str(seed),
                                 "--store", str(store)], stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT)
        output = proc.stdout.read().decode() if proc.stdout else ""
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise SystemExit(f"ikg build --scale {scale} failed:\n{output}")
        current = (store / "CURRENT").read_text().strip()
        meta = json.loads((store / "builds" / current / "build.json").read_text())
    return {
        "scale": scale,
        "seconds": round(seconds, 1),
        "quads": meta["quads"],
        "quads_per_second": round(meta["quads"] / seconds),
        "peak_rss_mib": round(usage.ru_maxrss / 1024),
        "steps": meta["seconds"],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", nargs="+", type=float, default=[1.0, 10.0])
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--json", type=Path, default=Path("bench/results/build.json"))
    args = ap.parse_args()
    rows = []
    for scale in args.scales:
        row = run_build(scale, args.seed)
        rows.append(row)
        print(f"scale {scale:g}: {row['seconds']} s, {row['quads']:,} quads, "
              f"{row['quads_per_second']:,} quads/s, peak {row['peak_rss_mib']} MiB "
              f"(steps: {row['steps']})", flush=True)
    print("\n| scale | build (s) | quads | quads/s | peak memory (MiB) |")
    print("|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['scale']:g} | {r['seconds']} | {r['quads']:,} | {r['quads_per_second']:,} "
              f"| {r['peak_rss_mib']} |")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"machine": {"cpus": os.cpu_count(),
                                                 "python": platform.python_version()},
                                     "runs": rows}, indent=2))


if __name__ == "__main__":
    main()
