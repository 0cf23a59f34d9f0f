"""The query UI at /sparql-editor: YASGUI from npm, opened on this server's /sparql, with example queries."""

from __future__ import annotations

import json
import re

from tests.conftest import assert_error


def test_the_editor_opens_yasgui_on_this_endpoint_with_examples(client):
    resp = client.get("/sparql-editor")
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    html = resp.get_data(as_text=True)
    assert '<script src="/ui/yasgui/yasgui.min.js">' in html
    assert '<a href="/" class="home">' in html  # the pages' navigation, as on every page
    config = json.loads(re.search(r'<script id="ikg-config" type="application/json">(.*?)</script>',
                                  html, re.S).group(1))
    assert config["endpoint"] == "http://localhost/sparql"
    assert "ikg" in config["prefixes"] and "PREFIX ikg:" in config["start"]
    names = {e["name"] for e in config["examples"]}
    assert {"projects-by-call", "regions-most-involved", "fab-lab-story"} <= names
    assert "headline-figures" not in names  # it takes a parameter


def test_yasgui_assets_come_from_the_npm_package(client):
    js = client.get("/ui/yasgui/yasgui.min.js")
    assert js.status_code == 200 and len(js.get_data()) > 100_000
    css = client.get("/ui/yasgui/yasgui.min.css")
    assert css.status_code == 200 and css.mimetype == "text/css"
    assert_error(client.get("/ui/yasgui/package.json"), 404, "not_found")
