"""Import benchmark: the default graph exported as a list of operations and imported again, at given scales.

For each scale: build the default graph (or use --store DIR), export its projects with
`ikg export --list-of-operations`, then `ikg build --source` that file into a fresh store
(the import alone, with no generated record) as its own process, so its peak memory is its
own. Reports rows per second, the time of each step (reading and writing the records,
loading, validating) and whether the round trip gives the same projects, organisations and
participations (ERDF to the euro). Goal of issue #12: scale 10 (2,580 projects, about 22,000
beneficiaries) in under 60 s on the 2-core reference machine.

Then imports the same file again into the store it made (`ikg import`): what replacing a
source of a served store costs (its old graph removed, the new one loaded, everything validated).

Usage: python bench/import_bench.py [--scales 1 10] [--store DIR ...] [--json bench/results/import.json]
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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BIN, build_store  # noqa: E402
from graph.operations import operation_keys  # noqa: E402
from graph.store import StoreLocation, open_store  # noqa: E402

IKG = str(BIN / "ikg")


def _timed(argv: list[str]) -> tuple[float, float, str]:
    """(seconds, peak RSS MiB, output) of one `ikg` process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = proc.stdout.read().decode() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{output}")
    return seconds, usage.ru_maxrss / 1024, output


def run(store: Path, scale: str, tmp: Path) -> dict:
    listed = tmp / f"operations-{scale}.csv"
    export_s, _, _ = _timed([IKG, "export", "--store", str(store), "--list-of-operations", str(listed)])
    target = tmp / f"imported-{scale}"
    seconds, rss, _ = _timed([IKG, "build", "--source", str(listed), "--store", str(target)])
    info = json.loads((StoreLocation(target).current() / "build.json").read_text())
    (src,) = info["sources"].values()
    before, after = operation_keys(open_store(store)), operation_keys(open_store(target))
    same = {k: before[k] == after[k] for k in before}
    # the same file imported again into the store it made (`ikg import`): replacing a source of
    # a served store (its old graph removed, the new one loaded, the whole graph validated)
    add_s, add_rss, _ = _timed([IKG, "import", "list-of-operations", str(listed), "--store", str(target)])
    added = json.loads((StoreLocation(target).current() / "build.json").read_text())["sources"][src["name"]]
    assert added["replaced"], "the second import did not replace the source"
    return {
        "scale": scale,
        "rows": src["rows_read"],
        "records": src["records"],
        "export_seconds": round(export_s, 1),
        "import_seconds": round(seconds, 1),
        "rows_per_second": round(src["rows_read"] / seconds),
        "import_steps": info["seconds"],
        "import_peak_rss_mib": round(rss),
        "round_trip_same": same,
        "replace_seconds": round(add_s, 1),
        "replace_steps": added["seconds"],
        "replace_peak_rss_mib": round(add_rss),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", nargs="+", type=float, default=[1.0, 10.0])
    ap.add_argument("--store", nargs="*", type=Path, default=[],
                    help="built default-graph stores to use instead of building one per scale")
    ap.add_argument("--json", type=Path, default=Path("bench/results/import.json"))
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="ikg-bench-") as tmp_name:
        tmp = Path(tmp_name)
        stores = ([(p.name, p) for p in args.store] if args.store else
                  [(f"{s:g}", build_store(s, tmp / f"default-{s:g}")) for s in args.scales])
        for scale, store in stores:
            row = run(store, scale, tmp)
            rows.append(row)
            print(f"{scale}: {row['rows']:,} rows imported in {row['import_seconds']} s "
                  f"({row['rows_per_second']:,} rows/s; steps {row['import_steps']}), peak "
                  f"{row['import_peak_rss_mib']} MiB; round trip same: {row['round_trip_same']}; "
                  f"replaced in {row['replace_seconds']} s (steps {row['replace_steps']})", flush=True)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"machine": platform.node(), "cpus": os.cpu_count(),
                                     "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                                     "results": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
