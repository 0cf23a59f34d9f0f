"""A deployment behind a real nginx (`service/deploy/nginx-sparql.conf` as shipped): raw
`/sparql` traffic straight to the SPARQL server, everything else to `ikg serve` over the same
server; and which of ikg's protections then depend on the engine."""

from __future__ import annotations

import os
import subprocess

import requests

from graph.remote import RemoteGraph
from tests.conftest import IKG, remote_options, running_server
from tests.engines import nginx_proxy, oxigraph_server

PROJECTS = "PREFIX ikg: <https://ikg.example.org/ontology#> SELECT (COUNT(?p) AS ?n) WHERE { ?p a ikg:Project }"
JSON = {"Accept": "application/sparql-results+json"}


def test_raw_sparql_goes_to_the_engine_and_the_rest_to_ikg_through_nginx(tiny_location):
    with oxigraph_server(union=True) as engine:
        load = subprocess.run([IKG, "push", "--store", str(tiny_location.root), "--to", engine.location],
                              capture_output=True, text=True, timeout=600,
                              env={**os.environ, **engine.settings})
        assert load.returncode == 0, load.stderr
        env = dict(engine.settings, IKG_PROXY_HOPS="1", IKG_ROW_LIMIT="5")
        with running_server(engine.location, env) as served:
            ikg = served.url.removeprefix("http://")
            with nginx_proxy(ikg, engine.location.removeprefix("sparql+http://"), "/query") as proxy:
                # raw SPARQL is answered by the engine, with the data ikg loaded there
                raw = requests.get(f"{proxy}/sparql", params={"query": PROJECTS}, headers=JSON, timeout=60)
                assert raw.status_code == 200
                assert raw.json()["results"]["bindings"][0]["n"]["value"] == "2"
                # ... and ikg answers everything else, over the same server
                page = requests.get(f"{proxy}/doc/project/ALPHA", headers={"Accept": "text/html"}, timeout=60)
                assert page.status_code == 200 and "ALPHA" in page.text
                lineage = requests.get(f"{proxy}/api/lineage/downstream", timeout=60,
                                       params={"practice": "https://ikg.example.org/id/practice/GP1"})
                assert lineage.status_code == 200 and lineage.json()["practice"]["iri"].endswith("/GP1")

                # what now depends on the engine, side by side with ikg's own endpoint
                bad = "SELECT * WHERE { ?s ?p "
                mine = requests.get(f"{served.url}/sparql", params={"query": bad}, timeout=60)
                theirs = requests.get(f"{proxy}/sparql", params={"query": bad}, timeout=60)
                assert mine.status_code == 400 and mine.json()["code"] == "sparql_syntax"
                assert theirs.status_code == 400 and theirs.headers["Content-Type"].startswith("text/plain")
                # the row cap: ikg's is 5 here, the engine has none
                every = "SELECT * WHERE { ?s ?p ?o }"
                capped = requests.get(f"{served.url}/sparql", params={"query": every}, headers=JSON, timeout=60)
                assert len(capped.json()["results"]["bindings"]) == 5
                whole = requests.get(f"{proxy}/sparql", params={"query": every}, headers=JSON, timeout=60)
                rows = whole.json()["results"]["bindings"]
                # every statement, and the engine's union also holds ikg's own record of the store
                assert len(rows) > len(RemoteGraph(engine.location, remote_options(engine))) > 5
                assert any(r["s"]["value"] == "urn:ikg:store" for r in rows)
                # SERVICE: ikg refuses it; Oxigraph server tries to reach the address
                service = "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }"
                refused = requests.get(f"{served.url}/sparql", params={"query": service}, timeout=60)
                assert refused.status_code == 400 and refused.json()["code"] == "service_not_allowed"
                tried = requests.get(f"{proxy}/sparql", params={"query": service}, headers=JSON, timeout=60)
                assert "port 1" in tried.text and "service_not_allowed" not in tried.text

                # updates do not pass: the proxy reaches the engine's query endpoint only
                for method, kwargs in (("post", {"data": {"update": "DROP ALL"}}),
                                       ("put", {"data": b"<urn:a> <urn:b> <urn:c> ."})):
                    answer = getattr(requests, method)(f"{proxy}/sparql", timeout=60, **kwargs)
                    assert answer.status_code in (400, 403, 405), (method, answer.status_code)
                assert RemoteGraph(engine.location, remote_options(engine)).query(PROJECTS).rows[0][0].value == 2
