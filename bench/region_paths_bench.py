"""Region hierarchy queries: property paths against the materialised skos:broaderTransitive.

Runs each question both ways on a built store (read-only, in process, pyoxigraph) and prints
the rows and the median time of --repeats runs.

Usage: python bench/region_paths_bench.py --store DIR [--repeats 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.store import store_path  # noqa: E402

P = ("PREFIX ikg: <https://ikg.example.org/ontology#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
     "PREFIX nuts: <http://data.europa.eu/nuts/code/> ")
QUERIES = {
    "partners per region under FRE, skos:broader+": P + "SELECT ?region (COUNT(?org) AS ?n) WHERE { "
    "?org ikg:region ?region . ?region skos:broader+ nuts:FRE } GROUP BY ?region",
    "partners per region under FRE, skos:broaderTransitive": P + "SELECT ?region (COUNT(?org) AS ?n) WHERE { "
    "?region skos:broaderTransitive nuts:FRE . ?org ikg:region ?region } GROUP BY ?region",
    "organisations by country, skos:broader*": P + "SELECT ?country (COUNT(?org) AS ?n) WHERE { "
    "?org ikg:region ?r . ?r skos:broader* ?country . ?country ikg:nutsLevel 0 } GROUP BY ?country",
    "organisations by country, skos:broaderTransitive": P + "SELECT ?country (COUNT(?org) AS ?n) WHERE { "
    "?org ikg:region ?r . ?r skos:broaderTransitive ?country . ?country ikg:nutsLevel 0 } GROUP BY ?country",
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--store", type=Path, required=True, help="a store folder made by `ikg build`")
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    store = ox.Store.read_only(str(store_path(args.store)))
    for name, query in QUERIES.items():
        seconds = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            rows = len(list(store.query(query, use_default_graph_as_union=True)))
            seconds.append(time.perf_counter() - start)
        print(f"{name}: {rows} rows, median {1000 * statistics.median(seconds):.1f} ms", flush=True)


if __name__ == "__main__":
    main()
