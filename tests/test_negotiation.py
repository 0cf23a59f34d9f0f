"""Negotiation: the preferred offer of an Accept header, and HEAD answers like GET's without a body
(over a real socket in test_serve.py)."""

from __future__ import annotations

import pytest

from graph.formats import TABLE
from service.negotiation import best_offer

ALPHA = "https://ikg.example.org/id/project/ALPHA"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.mark.parametrize("accept, best", [
    ("", "text/turtle"),
    ("*/*", "text/turtle"),
    ("text/html", "text/html"),
    ("text/*", "text/turtle"),
    ("text/*;q=0.5, text/html", "text/html"),
    ("text/turtle;q=0, */*", "application/ld+json"),  # the most specific range sets q
    ("*/*;q=0.1, application/ld+json;q=0.2", "application/ld+json"),
    ("TEXT/HTML;level=1;q=0.9, text/turtle;q=0.8", "text/html"),
    ("text/turtle;q=oops, text/html;q=0.1", "text/html"),  # a malformed q: the range is skipped
    ("*;q=0.5", "text/turtle"),
    ("image/png", None),
    ("text/html;q=0", None),
])
def test_best_offer_follows_q_values_and_specificity(accept, best):
    assert best_offer(["text/turtle", "application/ld+json", "text/html"], accept) == best


#: A URL for every GET route of the app (the test checks that none is missing).
GET_URLS = [
    "/static/ikg.css", "/sparql", f"/sparql?query={COUNT}",
    "/api/lineage/downstream?practice=https://ikg.example.org/id/practice/GP1",
    "/api/lineage/upstream?iri=https://ikg.example.org/id/change/C1",
    f"/api/path?from={ALPHA}&to=https://ikg.example.org/id/project/BETA",
    f"/api/neighbourhood?iri={ALPHA}", "/api/search?q=alpha", "/api/docs",
    "/api/networks/regions", "/api/networks/regions/metrics", "/api/networks/regions/picture?format=svg",
    "/queries", "/queries/projects-by-call", "/", "/?as_of=2019-12-31", "/sparql-editor", "/maps/europe-land.svg",
    "/ui/yasgui/yasgui.min.css", "/networks",
    "/search?q=alpha", "/id/project/ALPHA", "/ontology/concept/topic/so-1-1", "/doc/project/ALPHA",
    "/doc/project/ALPHA.html", "/ontology", "/ontology.html", "/.well-known/void",
    "/.well-known/void.html", "/dumps/", "/dumps/ikg.nt.gz", "/openapi.json", "/doc/project/NOPE", "/about/data",
]  # fmt: skip


def test_the_head_urls_cover_every_get_route(app):
    adapter = app.url_map.bind("localhost")
    covered = {adapter.match(url.split("?")[0])[0] for url in GET_URLS}
    assert covered == {r.endpoint for r in app.url_map.iter_rules() if "GET" in r.methods}


@pytest.mark.parametrize("url", GET_URLS)
def test_head_answers_like_get_with_its_length_and_no_body(client, url):
    get, head = client.get(url), client.head(url)
    assert head.status_code == get.status_code, url
    assert head.data == b"" and head.headers.get("Content-Type") == get.headers.get("Content-Type")
    if get.status_code not in (204, 304):
        # a length, as GET's: without one, waitress announces a chunked body and sends its end
        assert head.headers.get("Content-Length") == str(len(get.data)), url
    assert head.headers.get("ETag") == get.headers.get("ETag")


def test_head_sparql_is_the_service_description(client):
    head = client.head("/sparql", headers={"Accept": "text/turtle"})
    assert head.status_code == 200 and head.mimetype == "text/turtle" and head.data == b""


# ----------------------------------------------------------------------------- one table of formats

ASK = "ASK { ?s ?p ?o }"
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 1"


@pytest.mark.parametrize("fmt", [f for f in TABLE if f.kind == "results" or f.answer], ids=lambda f: f.name)
def test_every_answer_format_of_the_table_is_negotiated_by_its_media_types(client, fmt):
    query = ASK if fmt.kind == "results" else CONSTRUCT
    for media in (fmt.media_type.split(";")[0], *fmt.aliases):
        resp = client.get("/sparql", query_string={"query": query}, headers={"Accept": media})
        assert resp.status_code == 200, (media, resp.get_data(as_text=True))
        assert resp.mimetype == fmt.media_type.split(";")[0], media


def test_the_service_description_and_the_documents_list_the_formats_of_the_table(client):
    description = client.get("/sparql", headers={"Accept": "application/n-triples"}).get_data(as_text=True)
    for f in TABLE:
        if f.kind == "results" or f.answer:
            assert f"<{f.w3c}>" in description, f.name
    page = client.get("/doc/project/ALPHA", headers={"Accept": "text/html"}).get_data(as_text=True)
    for f in TABLE:
        if f.extension:
            assert f"ALPHA.{f.extension}" in page, f.name
