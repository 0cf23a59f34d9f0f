"""Raw SPARQL for a busy public endpoint: lookups/s straight to Oxigraph server, through nginx
(`service/deploy/nginx-sparql.conf`), and through `ikg serve` on the embedded store and on the
same Oxigraph server (the remote store), same data, same run.

The graph is built at --scale into a store folder, loaded into `oxigraph serve
--union-default-graph` with `ikg push`, and each endpoint is measured alone with wrk (Debian
`wrk`, not the bottleneck) at --clients connections for --seconds, each request a different
lookup (forward and reverse; the list of bench/sparql_bench.py). The answer cache is off.

Usage: python bench/proxy_bench.py [--scale 1] [--seconds 10] [--clients 4]
Needs wrk, nginx and the test extras (oxigraph): `make bench` and `make test` install them.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BIN, build_store, free_port, running  # noqa: E402
from bench.sparql_bench import lookups, throughput, wrk_script  # noqa: E402
from graph.store import store_path  # noqa: E402
from tests.engines import nginx_proxy, oxigraph_server  # noqa: E402

RESULTS = Path(__file__).parent / "results" / "proxy_bench.json"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--store", type=Path, default=None, help="an existing store folder (else one is built)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="ikg-proxy-bench-") as tmp:
        store = args.store or build_store(args.scale, Path(tmp) / "store")
        queries = lookups(store_path(store))
        results: dict[str, dict] = {}
        with oxigraph_server(union=True) as engine:
            t = time.monotonic()
            subprocess.run([str(BIN / "ikg"), "push", "--store", str(store), "--to", engine.location],
                           check=True, stdout=subprocess.DEVNULL, env={**os.environ, **engine.settings})
            load = time.monotonic() - t
            host = engine.location.removeprefix("sparql+http://")
            port = int(host.rsplit(":", 1)[1])
            ikg_port = free_port()
            remote_env = {**os.environ, **engine.settings, "IKG_ANSWER_CACHE_BYTES": "0", "IKG_PROXY_HOPS": "1",
                          "IKG_STORE": engine.location}
            results["Oxigraph server, straight"] = measure(port, "/query", queries, args, tmp)
            with running([str(BIN / "ikg"), "serve", "--port", str(ikg_port)], ikg_port, "/sparql", env=remote_env):
                # the file's per-client limit lifted: wrk is one client address, and the proxy's own
                # cost is what is measured (with 50r/s it answers 50 a second and 429 to the rest)
                with nginx_proxy(f"127.0.0.1:{ikg_port}", host, "/query", rate="1000000r/s") as proxy:
                    proxy_port = int(proxy.rsplit(":", 1)[1])
                    results["nginx /sparql -> Oxigraph server"] = measure(proxy_port, "/sparql", queries, args, tmp)
                results["ikg serve over Oxigraph server (remote store)"] = measure(ikg_port, "/sparql", queries,
                                                                                   args, tmp)
        embedded_port = free_port()
        with running([str(BIN / "ikg"), "serve", "--store", str(store), "--port", str(embedded_port)],
                     embedded_port, "/sparql", env={**os.environ, "IKG_ANSWER_CACHE_BYTES": "0"}):
            results["ikg serve, embedded store"] = measure(embedded_port, "/sparql", queries, args, tmp)
    report = {"scale": args.scale, "clients": args.clients, "seconds": args.seconds,
              "push_seconds": round(load, 1), "endpoints": results}
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=1) + "\n")
    print(f"\nscale {args.scale:g}, {len(queries):,} different lookups, {args.clients} connections, "
          f"{args.seconds:g} s each; ikg push took {load:.1f} s\n")
    print("| endpoint | lookups/s | p50 ms | p99 ms | failed |\n|---|---|---|---|---|")
    for name, r in results.items():
        print(f"| {name} | {r['lookups_per_second']:,.0f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['failed']} |")


def measure(port: int, path: str, queries: list[str], args: argparse.Namespace, tmp: str) -> dict:
    script = wrk_script(queries, path, Path(tmp))
    throughput(port, script, args.clients, 3)  # warm-up
    r = throughput(port, script, args.clients, args.seconds)
    print(f"  port {port}{path}: {r['lookups_per_second']:,.0f} lookups/s", flush=True)
    return r


if __name__ == "__main__":
    main()
