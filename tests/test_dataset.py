"""The dataset of a query or update, exactly as SPARQL 1.1 Query, Update and Protocol say.

Two named graphs you can count by hand (tests/fixtures/tiny.trig and tiny-real.trig):
``generated`` holds the projects ALPHA and BETA, ``real`` holds GAMMA. A request that names no
dataset sees the union (3 projects); ``FROM``, ``FROM NAMED``, the protocol's
``default-graph-uri`` / ``named-graph-uri`` (queries) and ``using-graph-uri`` /
``using-named-graph-uri`` (updates) choose another, and the rules of precedence and conflict
are checked one by one through the Flask test client, then through a real `ikg serve` with
SPARQLWrapper and rdflib's SPARQLStore / SPARQLUpdateStore.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

import pytest
from rdflib import Graph, URIRef

from graph.dataset import names_dataset, update_dataset_clauses, with_union, with_using
from graph.store import OxigraphGraph
from tests.conftest import FIXTURES, assert_error, running_server

TOKEN = "s3cret"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
GRAPHS = "https://ikg.example.org/graph/"
GENERATED, REAL = GRAPHS + "generated", GRAPHS + "real"
ID = "https://ikg.example.org/id/project/"
P = "PREFIX ikg: <https://ikg.example.org/ontology#>\n"
COUNT = P + "SELECT (COUNT(?p) AS ?n) {dataset} WHERE {{ ?p a ikg:Project }}"
NAMED = "SELECT (COUNT(DISTINCT ?g) AS ?n) {dataset} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"


def _kg() -> OxigraphGraph:
    kg = OxigraphGraph()
    kg.load(FIXTURES / "tiny.trig", "trig")
    kg.load(FIXTURES / "tiny-real.trig", "trig")
    return kg


@pytest.fixture()
def client():
    from service.app import create_app

    return create_app({"TESTING": True, "IKG_KG": _kg(), "IKG_UPDATE_TOKEN": TOKEN}).test_client()


def _answer(resp) -> object:
    assert resp.status_code == 200, resp.get_data(as_text=True)
    body = resp.get_json()
    if "boolean" in body:
        return body["boolean"]
    rows = body["results"]["bindings"]
    return int(rows[0]["n"]["value"]) if body["head"]["vars"] == ["n"] else rows


def _query(client, query: str, **params) -> object:
    return _answer(client.get("/sparql", query_string={"query": query, **params}))


def _update(client, update: str, **params):
    return client.post("/sparql", query_string=params, data=update, headers=AUTH,
                       content_type="application/sparql-update")


# ----------------------------------------------------------------------------- queries


@pytest.mark.parametrize("query, n", [
    (COUNT.format(dataset=""), 3),  # no dataset named: the union
    (COUNT.format(dataset=f"FROM <{REAL}>"), 1),
    (COUNT.format(dataset=f"FROM <{GENERATED}>"), 2),
    (COUNT.format(dataset=f"FROM <{GENERATED}> FROM <{REAL}>"), 3),
    (COUNT.format(dataset=f"from <{GRAPHS}nothing>"), 0),
    (COUNT.format(dataset=f"FROM NAMED <{REAL}>"), 0),  # FROM NAMED alone: an empty default graph
    (NAMED.format(dataset=f"FROM NAMED <{REAL}>"), 1),
    (NAMED.format(dataset=f"FROM <{REAL}>"), 0),  # FROM alone: no named graph
    (NAMED.format(dataset=""), 2),
    # written every way the grammar allows, and not mistaken where it is no keyword
    (P + f"SELECT(COUNT(?p)AS ?n)FROM<{REAL}>{{?p a ikg:Project}}", 1),
    (P + f"# FROM <{REAL}>\nSELECT (COUNT(?p) AS ?n) WHERE {{ ?p a ikg:Project FILTER(?p != <urn:FROM>) }}", 3),
    (P + "SELECT (COUNT(?from) AS ?n) WHERE { ?from a ikg:Project . ?from ikg:acronym ?a "
     "FILTER(?a != 'FROM <x>') }", 3),
])
def test_from_and_from_named_are_honoured_and_the_union_is_kept_when_none_is_named(client, query, n):
    assert _query(client, query) == n


def test_the_issues_case_a_generated_project_is_not_in_the_real_records(client):
    ask = P + f"ASK FROM <{REAL}> {{ <{ID}ALPHA> a ikg:Project }}"
    assert _query(client, ask) is False
    assert _query(client, ask.replace(REAL, GENERATED)) is True
    assert _query(client, ask.replace(f"FROM <{REAL}> ", "")) is True


def test_protocol_parameters_override_from_and_from_named(client):
    from_real = COUNT.format(dataset=f"FROM <{REAL}>")
    assert _query(client, from_real, **{"default-graph-uri": GENERATED}) == 2
    # named-graph-uri alone: the default graph is empty, whatever FROM says
    assert _query(client, from_real, **{"named-graph-uri": GENERATED}) == 0
    assert _query(client, COUNT.format(dataset=""), **{"named-graph-uri": GENERATED}) == 0
    assert _query(client, NAMED.format(dataset=f"FROM NAMED <{REAL}>"), **{"named-graph-uri": GENERATED}) == 1
    # default-graph-uri alone: no named graph
    assert _query(client, NAMED.format(dataset=""), **{"default-graph-uri": GENERATED}) == 0
    both = client.get("/sparql", query_string=[("query", COUNT.format(dataset="")),
                                               ("default-graph-uri", GENERATED), ("default-graph-uri", REAL)])
    assert _answer(both) == 3
    form = client.post("/sparql", data={"query": COUNT.format(dataset=""), "default-graph-uri": REAL})
    assert _answer(form) == 1


@pytest.mark.parametrize("method, name, value", [
    ("GET", "default-graph-uri", ""),
    ("GET", "default-graph-uri", "graph/real"),  # relative
    ("GET", "named-graph-uri", "http://x y"),
    ("POST", "named-graph-uri", "http://[::1"),
    ("GET", "using-graph-uri", REAL),  # an update's parameter on a query
])
def test_a_malformed_or_misplaced_dataset_parameter_of_a_query_is_a_400(client, method, name, value):
    params = {"query": "ASK {}", name: value}
    resp = client.get("/sparql", query_string=params) if method == "GET" else client.post("/sparql", data=params)
    body = assert_error(resp, 400, "bad_parameter")
    assert body["detail"]["param"] == name
    if value != REAL:  # and on the service description, which takes no dataset
        assert_error(client.get("/sparql", query_string={name: value}), 400, "bad_parameter")


def test_relative_iris_resolve_against_the_endpoint_unless_the_query_has_a_base(client):
    rows = _query(client, "SELECT ?x WHERE { BIND(<id/project/GAMMA> AS ?x) }")
    assert rows == [{"x": {"type": "uri", "value": "http://localhost/id/project/GAMMA"}}]
    rows = _query(client, "BASE <https://ikg.example.org/> SELECT ?x WHERE { BIND(<id/x> AS ?x) }")
    assert rows[0]["x"]["value"] == "https://ikg.example.org/id/x"


def test_an_undeclared_prefix_is_named_in_the_error(client):
    body = assert_error(client.get("/sparql", query_string={"query": "SELECT * { ?p a ikg:Project }"}),
                        400, "sparql_syntax")
    assert body["detail"]["prefix"] == "ikg" and body["detail"]["line"] == 1
    assert "'PREFIX ikg: <https://ikg.example.org/ontology#>'" in body["error"]
    body = assert_error(client.get("/sparql", query_string={"query": P + "SELECT * { ?p a ikg:Project ; foo:x ?y }"}),
                        400, "sparql_syntax")
    assert body["detail"]["undeclared_prefixes"] == ["foo"] and "PREFIX foo: <...>" in body["error"]
    # another syntax error keeps the parser's message
    body = assert_error(client.get("/sparql", query_string={"query": "SELECT ?x WHERE { ?x ?y }"}),
                        400, "sparql_syntax")
    assert "prefix" not in body["detail"]


@pytest.mark.parametrize("value", ["abc", "0", "-1", "nan", "inf", ""])
def test_a_malformed_or_non_positive_timeout_is_a_400(client, value):
    body = assert_error(client.get("/sparql", query_string={"query": "ASK {}", "timeout": value}),
                        400, "bad_parameter")
    assert body["detail"] == {"param": "timeout"}
    # the service description takes no timeout, but a malformed one is still malformed
    assert_error(client.get("/sparql", query_string={"timeout": value}), 400, "bad_parameter")
    assert_error(client.get("/sparql", query_string=[("query", "ASK {}"), ("timeout", "1"), ("timeout", "2")]),
                 400, "bad_parameter")


def test_a_positive_timeout_is_taken(client):
    assert _query(client, "ASK {}", timeout="2.5") is True
    assert _query(client, "ASK {}", timeout="100000") is True  # longer than the server's: its own


def test_the_service_description_says_when_the_default_graph_is_the_union(client):
    g = Graph().parse(data=client.get("/sparql", headers={"Accept": "text/turtle"}).get_data(as_text=True),
                      format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert (None, URIRef(sd + "feature"), URIRef(sd + "UnionDefaultGraph")) in g
    (comment,) = g.objects(None, URIRef("http://www.w3.org/2000/01/rdf-schema#comment"))
    assert "names no dataset" in comment and "USING" in comment and "replaces it" in comment
    assert {str(o) for o in g.objects(None, URIRef(sd + "name"))} == {GENERATED, REAL}
    assert (None, URIRef(sd + "supportedLanguage"), URIRef(sd + "SPARQL11Update")) in g


# ----------------------------------------------------------------------------- updates

#: An update that records, in <urn:out>, every project its WHERE sees.
RECORD = P + "INSERT { GRAPH <urn:out> { ?p <urn:seen> true } } WHERE { ?p a ikg:Project }"
SEEN = "SELECT ?p WHERE { GRAPH <urn:out> { ?p <urn:seen> true } } ORDER BY ?p"


def _seen(client) -> list[str]:
    return [r["p"]["value"].rsplit("/", 1)[-1] for r in _query(client, SEEN)]


def test_an_update_without_a_dataset_sees_the_union_as_queries_do(client):
    assert _update(client, RECORD).status_code == 204
    assert _seen(client) == ["ALPHA", "BETA", "GAMMA"]


def test_an_updates_where_sees_the_stores_default_graph_in_the_union_too(client):
    """Triples an update writes outside GRAPH go to the store's default graph; queries see
    them in the union, and so does a later WHERE, joined with the named graphs."""
    assert _update(client, f"INSERT DATA {{ <{ID}GAMMA> <urn:flag> 'x' }}").status_code == 204
    assert _query(client, f"ASK {{ <{ID}GAMMA> <urn:flag> 'x' }}") is True
    joined = P + ("INSERT { GRAPH <urn:out> { ?p <urn:seen> true } } "
                  "WHERE { ?p <urn:flag> 'x' ; ikg:acronym 'GAMMA' }")
    assert _update(client, joined).status_code == 204
    assert _seen(client) == ["GAMMA"]
    # and deletes from it: DELETE WHERE and DELETE ... WHERE alike
    assert _update(client, f"DELETE WHERE {{ <{ID}GAMMA> <urn:flag> ?o }}").status_code == 204
    assert _query(client, f"ASK {{ <{ID}GAMMA> <urn:flag> ?o }}") is False
    # in one request: a later operation sees what an earlier one wrote to the default graph,
    # and the copy made for it is gone at the end
    two = (f"INSERT DATA {{ <{ID}BETA> <urn:flag> 'y' }} ;\n"
           "INSERT { GRAPH <urn:out> { ?p <urn:seen> true } } WHERE { ?p <urn:flag> 'y' } # done")
    assert _update(client, two).status_code == 204
    assert _seen(client) == ["BETA", "GAMMA"]
    assert _query(client, NAMED.format(dataset="")) == 3  # generated, real, urn:out
    # a graph an earlier operation creates and fills is in a later operation's union
    created = (f"INSERT DATA {{ GRAPH <urn:new> {{ <{ID}ALPHA> <urn:flag> 'z' }} }} ;\n"
               "INSERT { GRAPH <urn:out> { ?p <urn:seen> true } } WHERE { ?p <urn:flag> 'z' }")
    assert _update(client, created).status_code == 204
    assert _seen(client) == ["ALPHA", "BETA", "GAMMA"]


def test_using_graph_uri_and_using_named_graph_uri_are_the_dataset_of_the_where(client):
    assert _update(client, RECORD, **{"using-graph-uri": REAL}).status_code == 204
    assert _seen(client) == ["GAMMA"]
    # using-named-graph-uri alone: the default graph is empty, GRAPH sees only those graphs
    assert _update(client, RECORD, **{"using-named-graph-uri": GENERATED}).status_code == 204
    assert _seen(client) == ["GAMMA"]
    named = P + "INSERT { GRAPH <urn:out> { ?p <urn:seen> true } } WHERE { GRAPH ?g { ?p a ikg:Project } }"
    assert _update(client, named, **{"using-named-graph-uri": GENERATED}).status_code == 204
    assert _seen(client) == ["ALPHA", "BETA", "GAMMA"]
    # DELETE WHERE takes the protocol's dataset too
    resp = _update(client, "DELETE WHERE { GRAPH <urn:out> { ?p <urn:seen> true } }",
                   **{"using-named-graph-uri": "urn:out"})
    assert resp.status_code == 204 and _seen(client) == []
    # as a form, with the parameters in the body
    form = client.post("/sparql", data={"update": RECORD, "using-graph-uri": GENERATED}, headers=AUTH)
    assert form.status_code == 204 and _seen(client) == ["ALPHA", "BETA"]


@pytest.mark.parametrize("update", [
    P + f"WITH <{REAL}> INSERT {{ ?p <urn:seen> true }} WHERE {{ ?p a ikg:Project }}",
    P + f"INSERT {{ GRAPH <urn:out> {{ ?p <urn:seen> true }} }} USING <{REAL}> WHERE {{ ?p a ikg:Project }}",
    P + f"INSERT {{ GRAPH <urn:out> {{ ?p <urn:seen> true }} }} USING NAMED <{REAL}> WHERE {{ ?p a ikg:Project }}",
    f"CLEAR SILENT GRAPH <urn:x> ;\nwith <{REAL}> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}",
])
@pytest.mark.parametrize("param", ["using-graph-uri", "using-named-graph-uri"])
def test_protocol_parameters_with_using_or_with_in_the_text_are_a_400_and_change_nothing(client, update, param):
    body = assert_error(_update(client, update, **{param: GENERATED}), 400, "dataset_conflict")
    assert set(body["detail"]["clauses"]) <= {"USING", "WITH"} and param in body["error"]
    assert _query(client, COUNT.format(dataset="")) == 3 and _seen(client) == []


def test_using_and_with_in_the_text_are_honoured(client):
    using = P + f"INSERT {{ GRAPH <urn:out> {{ ?p <urn:seen> true }} }} USING <{REAL}> WHERE {{ ?p a ikg:Project }}"
    assert _update(client, using).status_code == 204
    assert _seen(client) == ["GAMMA"]
    with_ = P + f"WITH <{GENERATED}> DELETE {{ ?p ikg:acronym ?a }} WHERE {{ ?p ikg:acronym ?a FILTER(?a = 'BETA') }}"
    assert _update(client, with_).status_code == 204
    assert _query(client, P + "SELECT (COUNT(?p) AS ?n) WHERE { ?p ikg:acronym ?a }") == 2


@pytest.mark.parametrize("name, value, code", [
    ("using-graph-uri", "", "bad_parameter"),
    ("using-named-graph-uri", "real", "bad_parameter"),
    ("default-graph-uri", REAL, "bad_parameter"),  # a query's parameter on an update
    ("timeout", "-3", "bad_parameter"),
])
def test_a_malformed_or_misplaced_update_parameter_is_a_400(client, name, value, code):
    body = assert_error(_update(client, RECORD, **{name: value}), 400, code)
    assert body["detail"]["param"] == name
    assert _seen(client) == []


def test_relative_iris_in_an_update_resolve_against_the_endpoint(client):
    assert _update(client, "INSERT DATA { GRAPH <urn:out> { <id/x> <urn:seen> true } }").status_code == 204
    assert _seen(client) == ["x"]
    assert _query(client, SEEN)[0]["p"]["value"] == "http://localhost/id/x"


def test_an_undeclared_prefix_in_an_update_is_named_at_its_place_in_the_text_sent(client):
    body = assert_error(_update(client, "INSERT { ?p a ikg:Seen } WHERE { ?p a ikg:Project }"), 400,
                        "sparql_syntax")
    assert body["detail"]["prefix"] == "ikg"
    assert (body["detail"]["line"], body["detail"]["column"]) == (1, 23)  # not shifted by USING


def test_a_get_with_update_is_a_405_that_says_post(client):
    resp = client.get("/sparql", query_string={"update": RECORD}, headers=AUTH)
    body = assert_error(resp, 405, "method_not_allowed")
    assert resp.headers["Allow"] == "POST" and "needs POST" in body["error"]
    assert _seen(client) == []


# ----------------------------------------------------------------------------- the rewrite


@pytest.mark.parametrize("update, clauses", [
    ("INSERT DATA { <urn:using> <urn:with> 'USING' } # WITH <x>", []),
    ("PREFIX with: <urn:> DELETE { ?s with:p ?o } WHERE { ?s with:p ?o }", []),
    ("DELETE {?s ?p ?o}USING<urn:g>WHERE{?s ?p ?o}", ["USING"]),
])
def test_dataset_clauses_are_read_on_tokens(update, clauses):
    assert update_dataset_clauses(update) == clauses


def test_the_union_rewrite_keeps_every_operation_and_the_request_valid():
    text = ("PREFIX ex: <urn:ex:>\nINSERT DATA { ex:a ex:p 1 } ;\n"
            "DELETE WHERE { ?s ex:p ?o } ;\n"
            "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o } ;\n"
            "INSERT { ?s ex:q ?o } WHERE { { SELECT ?s ?o WHERE { ?s ex:p ?o } } } ;")
    out = with_union(text, ["urn:g", "urn:h"], "urn:c")
    assert out.count("COPY DEFAULT TO <urn:c>") == 2  # not before INSERT DATA nor WITH
    assert out.count("USING <urn:c> USING <urn:g> USING <urn:h> USING NAMED <urn:g> USING NAMED <urn:h>") == 2
    assert "DELETE { ?s ex:p ?o } USING" in out and out.endswith("\nDROP SILENT GRAPH <urn:c>")
    OxigraphGraph().raw.update(out)  # parses and runs
    assert with_using(text.replace("WITH <urn:g> ", ""), ["urn:g"], []).count("USING <urn:g>") == 3
    assert names_dataset("SELECT * { ?s ?p ?o }") is False


# ----------------------------------------------------------------------------- timeouts


@pytest.fixture()
def pool_client(tmp_path):
    from service.app import create_app
    from service.state import executor_of
    from tests.test_guard import tiny_store

    app = create_app({"TESTING": True, "IKG_STORE": str(tiny_store(tmp_path / "store")),
                      "IKG_QUERY_TIMEOUT": 60.0, "IKG_QUERY_WORKERS": 1})
    yield app.test_client()
    executor_of(app).close()


#: Counts 30^6 rows of a cross product: minutes, whatever the machine.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n0 ?o . ?q ?r ?s }"


def test_a_clients_shorter_timeout_stops_the_query_with_a_hint(pool_client):
    resp = pool_client.get("/sparql", query_string={"query": RUNAWAY, "timeout": "1"})
    body = assert_error(resp, 503, "query_timeout")
    assert body["detail"]["timeout_seconds"] == 1
    assert "OPTIONAL" in body["detail"]["hint"] and "most selective pattern first" in body["error"]
    # the worker was replaced; the next query is answered
    assert _answer(pool_client.get("/sparql", query_string={"query": "ASK {}"})) is True


# ----------------------------------------------------------------------------- real clients


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A real `ikg serve`, updates on, on a store of both fixture graphs."""
    root = tmp_path_factory.mktemp("dataset-store")
    build = root / "builds" / "two"
    build.mkdir(parents=True)
    kg = OxigraphGraph(build / "oxigraph")
    kg.load(FIXTURES / "tiny.trig", "trig")
    kg.load(FIXTURES / "tiny-real.trig", "trig")
    kg.flush()
    kg.close()
    (root / "CURRENT").write_text("two\n", encoding="utf8")
    with running_server(root, {"IKG_UPDATE_TOKEN": TOKEN, "IKG_QUERY_WORKERS": "1",
                               "IKG_QUERY_TIMEOUT": "60"}) as server:
        yield server.url + "/sparql"


def _wrapper(endpoint: str, query: str, **params):
    from SPARQLWrapper import JSON, SPARQLWrapper

    sw = SPARQLWrapper(endpoint)
    sw.setQuery(query)
    sw.setReturnFormat(JSON)
    for name, value in params.items():
        sw.addParameter(name, value)
    body = sw.query().convert()
    if "boolean" in body:
        return body["boolean"]
    return int(body["results"]["bindings"][0]["n"]["value"])


def test_sparqlwrapper_sees_every_dataset_rule(served):
    assert _wrapper(served, P + f"ASK FROM <{REAL}> {{ <{ID}ALPHA> a ikg:Project }}") is False
    assert _wrapper(served, COUNT.format(dataset="")) == 3
    assert _wrapper(served, COUNT.format(dataset=f"FROM <{REAL}>")) == 1
    assert _wrapper(served, COUNT.format(dataset=f"FROM <{REAL}>"), **{"default-graph-uri": GENERATED}) == 2
    assert _wrapper(served, COUNT.format(dataset=""), **{"named-graph-uri": GENERATED}) == 0
    root = served.removesuffix("/sparql")
    assert _wrapper(served, f"ASK {{ FILTER(<x> = <{root}/x>) }}") is True  # the base: the endpoint


def test_sparqlwrapper_gets_a_400_for_a_bad_dataset_or_timeout(served):
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    for params in ({"default-graph-uri": "relative"}, {"timeout": "soon"}):
        with pytest.raises(QueryBadFormed):
            _wrapper(served, COUNT.format(dataset=""), **params)


def test_rdflib_sparqlstore_queries_with_from_and_with_a_graph(served):
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    store = SPARQLStore(served, returnFormat="json")
    assert bool(store.query(P + f"ASK FROM <{REAL}> {{ <{ID}ALPHA> a ikg:Project }}")) is False
    assert bool(store.query(P + f"ASK {{ <{ID}ALPHA> a ikg:Project }}")) is True
    # a Graph over the store with an IRI asks with default-graph-uri
    real = Graph(store, identifier=URIRef(REAL))
    assert [str(r.n) for r in real.query(COUNT.format(dataset=""))] == ["1"]


def test_rdflib_sparqlupdatestore_updates_with_the_protocols_dataset(served):
    from rdflib.plugins.stores.sparqlconnector import SPARQLConnector
    from rdflib.plugins.stores.sparqlstore import SPARQLUpdateStore

    store = SPARQLUpdateStore(served, served, returnFormat="json", headers=AUTH)
    out = "urn:rdflib-out"
    record = RECORD.replace("urn:out", out)
    seen = f"SELECT (COUNT(?p) AS ?n) WHERE {{ GRAPH <{out}> {{ ?p ?x ?y }} }}"
    # rdflib sends using-graph-uri from its connector's update (SPARQLUpdateStore itself
    # names a graph by rewriting the text)
    SPARQLConnector.update(store, record, default_graph=REAL)
    assert [int(r.n) for r in store.query(seen)] == [1]
    store.update(record)  # no dataset: the union
    assert [int(r.n) for r in store.query(seen)] == [3]
    with pytest.raises(urllib.error.HTTPError) as e:
        SPARQLConnector.update(store, record.replace("WHERE", f"USING <{REAL}> WHERE"), default_graph=REAL)
    assert e.value.code == 400 and json.loads(e.value.read())["code"] == "dataset_conflict"
    # the copy of the default graph each union update makes is gone with it
    graphs = {str(r.g) for r in store.query("SELECT DISTINCT ?g { GRAPH ?g {} }")}
    assert graphs == {GENERATED, REAL, out}


def test_a_get_with_update_over_the_wire_is_a_405_with_allow(served):
    url = served + "?" + urllib.parse.urlencode({"update": "CLEAR ALL"})
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(urllib.request.Request(url, headers=AUTH), timeout=30)
    assert e.value.code == 405 and e.value.headers["Allow"] == "POST"


def test_clearing_a_missing_graph_is_update_failed_and_silent_is_fine(client):
    resp = _update(client, "CLEAR GRAPH <http://example.org/never>")
    assert resp.status_code == 400
    body = resp.get_json()
    assert body["code"] == "update_failed" and body["detail"] == {"graph": "http://example.org/never"}
    assert _update(client, "CLEAR SILENT GRAPH <http://example.org/never>").status_code == 204
