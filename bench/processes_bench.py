"""Lookups a second of `ikg serve` with the app in one process and in two (IKG_PROCESSES), on stores already built.

The same wrk runner and lookups as `bench/sparql_bench.py` (4 connections, a 3 s warm-up,
then --seconds), the answer cache off, the query workers split between the processes. Run it
several times: the kernel gives each new connection to whichever process accepts first, so
wrk's few keep-alive connections may all land on one.

Usage: python bench/processes_bench.py STORE [STORE ...] [--seconds 10] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BIN, free_port, running  # noqa: E402
from bench.sparql_bench import lookups, throughput, wrk_script  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("stores", nargs="+", type=Path)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="ikg-processes-"))
    for root in args.stores:
        queries = lookups(root / "builds" / (root / "CURRENT").read_text().strip() / "oxigraph")
        for processes, workers in ((1, 4), (2, 2)):
            env = dict(os.environ, IKG_ANSWER_CACHE_BYTES="0", IKG_PROCESSES=str(processes),
                       IKG_QUERY_WORKERS=str(workers))
            rates = []
            for _ in range(args.runs):
                port = free_port()
                with running([str(BIN / "ikg"), "serve", "--store", str(root), "--port", str(port)],
                             port, "/sparql", env=env):
                    script = wrk_script(queries, "/sparql", tmp)
                    throughput(port, script, 4, 3)
                    rates.append(throughput(port, script, 4, args.seconds)["lookups_per_second"])
            print(f"{root}: {processes} process(es) x {workers} query workers: "
                  + ", ".join(f"{r:.0f}" for r in rates) + " lookups/s", flush=True)


if __name__ == "__main__":
    main()
