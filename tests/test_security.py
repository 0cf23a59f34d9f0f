"""Safe to leave running in public: security headers on every answer, pages without inline code,
limits on request bodies and negotiation headers (the server's own limits are in test_serve.py)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from service.app import create_app
from service.security import SECURITY_HEADERS
from tests.conftest import assert_error

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

# ----------------------------------------------------------------------------- headers


@pytest.mark.parametrize("method, path", [
    ("GET", "/"), ("GET", "/doc/project/ALPHA.html"), ("GET", "/ontology.html"),
    ("GET", "/api/docs"), ("GET", "/static/ikg.css"), ("GET", "/sparql"),
    ("GET", "/doc/project/ALPHA.ttl"), ("GET", "/queries"),
    ("GET", "/nothing/<script>alert(1)</script>"),  # an error that echoes the request
    ("POST", "/sparql"), ("OPTIONS", "/sparql"), ("GET", "/id/project/ALPHA"),
])  # fmt: skip
def test_every_answer_carries_the_security_headers(client, method, path):
    resp = client.open(path, method=method)
    for name, value in SECURITY_HEADERS.items():
        assert resp.headers.get(name) == value, (path, name)


def test_the_policy_allows_only_the_servers_own_assets_and_no_framing():
    directives = dict(d.split(" ", 1) for d in SECURITY_HEADERS["Content-Security-Policy"].split("; "))
    assert directives["default-src"] == "'self'" and directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert directives["connect-src"] == "'self'"
    assert re.fullmatch(r"'self'( 'sha256-[A-Za-z0-9+/=]+')*", directives["style-src"])
    policy = SECURITY_HEADERS["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy and "*" not in policy
    assert SECURITY_HEADERS["X-Frame-Options"] == "DENY"
    assert SECURITY_HEADERS["X-Content-Type-Options"] == "nosniff"


class _Inline(HTMLParser):
    """What in a page the policy would block: inline scripts, styles and handlers, and assets
    from elsewhere."""

    DATA = {"application/json", "application/ld+json"}

    def __init__(self) -> None:
        super().__init__()
        self.blocked: list[str] = []
        self._script_without_src = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.blocked += [f"{tag} {k}=" for k in a if k == "style" or k.startswith("on")]
        if tag == "style":
            self.blocked.append("<style>")
        if tag == "script" and not a.get("src") and a.get("type") not in self.DATA:
            self.blocked.append("inline <script>")
        for url in (a.get("src"), a.get("href") if tag == "link" else None):
            if url and not url.startswith("data:") and (not url.startswith("/") or url.startswith("//")):
                self.blocked.append(f"{tag} from {url}")


@pytest.mark.parametrize("path", ["/", "/api/docs", "/doc/project/ALPHA.html", "/ontology.html",
                                  "/.well-known/void.html", "/search?q=alpha", "/networks"])
def test_pages_have_no_inline_script_or_style_and_load_only_the_servers_assets(client, path):
    resp = client.get(path)
    assert resp.status_code == 200 and resp.mimetype == "text/html", path
    page = _Inline()
    page.feed(resp.get_data(as_text=True))
    assert page.blocked == [], path
    for asset in re.findall(r'(?:src|href)="(/(?:static|ui)/[^"]+)"', resp.get_data(as_text=True)):
        assert client.get(asset).status_code == 200, asset


# ----------------------------------------------------------------------------- request limits


@pytest.fixture()
def small_client(tiny_kg):
    return create_app({"TESTING": True, "IKG_KG": tiny_kg, "IKG_MAX_BODY_BYTES": 1000}).test_client()


def test_a_body_over_the_limit_is_a_413(small_client):
    padded = COUNT + " #" + "x" * 1000
    body = assert_error(small_client.post("/sparql", data=padded, content_type="application/sparql-query"),
                        413, "request_too_large")
    assert "<" not in body["error"]
    assert_error(small_client.post("/sparql", data={"query": padded}), 413, "request_too_large")
    assert_error(small_client.post("/sparql", data=padded, content_type="application/sparql-update"),
                 413, "request_too_large")
    ok = small_client.post("/sparql", data=COUNT + " #" + "x" * 800, content_type="application/sparql-query")
    assert ok.status_code == 200


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "multipart/form-data"])
def test_a_form_under_the_limit_is_read_whole(tiny_kg, content_type):
    # Flask 3.1 caps a multipart field at 500 kB unless told otherwise: the body limit is the
    # limit (the query-length limit is raised here so that it does not decide first)
    client = create_app({"TESTING": True, "IKG_KG": tiny_kg, "IKG_MAX_QUERY_CHARS": 1_000_000}).test_client()
    resp = client.post("/sparql", data={"query": COUNT + " #" + "x" * 600_000, "format": "csv"},
                       content_type=content_type)
    assert resp.status_code == 200 and resp.get_data(as_text=True).split()[0] == "n"


@pytest.mark.parametrize("header", ["Accept", "Accept-Encoding"])
def test_an_overlong_negotiation_header_is_refused_before_negotiation(client, header):
    many = ", ".join(f"text/x-{i};q=0.5" for i in range(10_000))
    body = assert_error(client.get("/sparql", query_string={"query": COUNT}, headers={header: many}),
                        431, "header_too_large")
    assert body["detail"] == {"header": header, "limit": 4096}
    assert_error(client.get("/doc/project/ALPHA", headers={header: many}), 431, "header_too_large")


def test_an_accept_header_at_the_limit_is_negotiated(client):
    accept = "text/csv" + ", text/x-a;q=0.1" * 250 + ", text/x-"
    accept += "b" * (4096 - len(accept))
    assert len(accept) == 4096
    resp = client.get("/sparql", query_string={"query": COUNT}, headers={"Accept": accept})
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
