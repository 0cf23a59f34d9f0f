"""The practical limit of a Python SPARQL endpoint: a minimal Flask app querying pyoxigraph in process.

No timeout, no admission, no limits, no validators, no error shapes: only what every Flask
and pyoxigraph endpoint must do (read the query, run it on the union of the graphs, write
SPARQL JSON). `bench/sparql_bench.py` serves it under the same HTTP server as `ikg serve`
(Granian) to show how close ikg's request path comes to it.

Run: IKG_REFERENCE_STORE=<an Oxigraph folder> granian --interface wsgi --factory bench.reference_app:create
"""

from __future__ import annotations

import os

import pyoxigraph as ox
from flask import Flask, Response, request


def create() -> Flask:
    store = ox.Store.read_only(os.environ["IKG_REFERENCE_STORE"])
    app = Flask(__name__)

    @app.route("/sparql", methods=["GET", "POST"])
    def sparql() -> Response:
        results = store.query(request.values["query"], use_default_graph_as_union=True)
        if isinstance(results, ox.QueryTriples):
            return Response(results.serialize(format=ox.RdfFormat.N_TRIPLES),
                            content_type="application/n-triples")
        return Response(results.serialize(format=ox.QueryResultsFormat.JSON),
                        content_type="application/sparql-results+json")

    return app
