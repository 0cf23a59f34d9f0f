"""The minimal SPARQL service through the Flask test client, with the one error shape."""

from __future__ import annotations

import pytest

from tests.conftest import assert_error

COUNT = "PREFIX ikg: <https://ikg.example.org/ontology#> SELECT (COUNT(?p) AS ?n) WHERE { ?p a ikg:Project }"


def _n(resp) -> int:
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return int(resp.get_json()["results"]["bindings"][0]["n"]["value"])


def test_get_post_form_and_post_direct_answer_alike(client):
    assert _n(client.get("/sparql", query_string={"query": COUNT})) == 2
    assert _n(client.post("/sparql", data={"query": COUNT})) == 2
    assert _n(client.post("/sparql", data=COUNT, content_type="application/sparql-query")) == 2


@pytest.mark.parametrize("accept, media", [
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("*/*", "application/sparql-results+json"),
])
def test_select_formats_by_accept(client, accept, media):
    resp = client.get("/sparql", query_string={"query": COUNT}, headers={"Accept": accept})
    assert resp.status_code == 200 and resp.mimetype == media


@pytest.mark.parametrize("param", ["format", "output", "results"])
def test_format_parameters_override_accept(client, param):
    resp = client.get("/sparql", query_string={"query": COUNT, param: "csv"},
                      headers={"Accept": "application/sparql-results+xml"})
    assert resp.mimetype == "text/csv" and resp.get_data(as_text=True).splitlines() == ["n", "2"]


def test_construct_is_turtle_by_default(client):
    q = "CONSTRUCT { ?c <urn:inspired-by> ?gp } WHERE { ?c <https://ikg.example.org/ontology#inspiredBy> ?gp }"
    resp = client.get("/sparql", query_string={"query": q})
    assert resp.mimetype == "text/turtle"
    assert "urn:inspired-by" in resp.get_data(as_text=True)


def test_syntax_error_is_a_400_with_position(client):
    body = assert_error(client.get("/sparql", query_string={"query": "SELEC ?x"}), 400,
                        "sparql_syntax")
    assert body["detail"]["line"] == 1 and "column" in body["detail"]


@pytest.mark.parametrize("kwargs, status, code", [
    ({"method": "GET", "query_string": {}}, 400, "missing_query"),
    ({"method": "GET", "query_string": [("query", COUNT), ("query", COUNT)]}, 400, "missing_query"),
    ({"method": "POST", "data": "x", "content_type": "text/plain"}, 415, "unsupported_media_type"),
    ({"method": "PUT", "data": COUNT}, 405, "method_not_allowed"),
])
def test_protocol_errors_have_the_error_shape(client, kwargs, status, code):
    assert_error(client.open("/sparql", **kwargs), status, code)


def test_unknown_route_is_a_json_404(client):
    assert_error(client.get("/nowhere"), 404, "not_found")


def test_a_crash_is_a_500_without_details(app, monkeypatch):
    from graph.store import OxigraphGraph

    def boom(*a, **k):
        raise ZeroDivisionError("secret internals")

    monkeypatch.setattr(OxigraphGraph, "answer", boom)
    body = assert_error(app.test_client().get("/sparql", query_string={"query": COUNT}), 500,
                        "internal_error")
    assert "secret" not in str(body)


def test_missing_store_is_a_503(tmp_path):
    from service.app import create_app

    client = create_app({"IKG_STORE": str(tmp_path / "none")}).test_client()
    body = assert_error(client.get("/sparql", query_string={"query": COUNT}), 503,
                        "store_not_found")
    assert "ikg build" in body["error"]
