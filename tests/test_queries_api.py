"""GET /queries and /queries/<name>: the catalogue over HTTP, with typed, injection-safe parameters."""

from __future__ import annotations

import pytest

from tests.conftest import assert_error


@pytest.fixture(scope="module")
def dclient(default_kg):
    from service.app import create_app

    return create_app({"TESTING": True, "IKG_KG": default_kg}).test_client()


def test_the_catalogue_lists_every_query_with_its_parameters(dclient):
    body = dclient.get("/queries").get_json()
    by_name = {q["name"]: q for q in body["queries"]}
    assert len(by_name) >= 20
    (param,) = by_name["headline-figures"]["params"]
    assert param == {"name": "asOf", "type": "date", "example": "2023-03-31",
                     "default": "9999-12-31",
                     "description": "count what is dated on or before this day (default: everything)"}
    assert by_name["project-partners"]["url"].endswith("/queries/project-partners")


def test_run_by_name_with_a_parameter_in_every_format(dclient):
    url = "/queries/headline-figures"
    js = dclient.get(url, query_string={"asOf": "2023-03-31"}).get_json()
    row = js["results"]["bindings"][0]
    assert row["actionPlans"]["value"] == "1626" and row["instruments"]["value"] == "1016"
    csv = dclient.post(url, data={"asOf": "2022-06-30", "format": "csv"}).get_data(as_text=True)
    header, values = csv.splitlines()
    assert dict(zip(header.split(","), values.split(",")))["actionPlans"] == "1158"
    xml = dclient.get(url, headers={"Accept": "application/sparql-results+xml"})
    assert xml.mimetype == "application/sparql-results+xml"


def test_iri_parameters(dclient):
    resp = dclient.get("/queries/project-partners", query_string={
        "project": "https://ikg.example.org/id/project/ERUDITE", "format": "json"})
    rows = resp.get_json()["results"]["bindings"]
    assert 5 <= len(rows) <= 10
    assert {r["project"]["value"] for r in rows} == {"https://ikg.example.org/id/project/ERUDITE"}


@pytest.mark.parametrize("value", ['https://x.org/p> } ; DROP ALL #', "https://x.org/a b",
                                   '"}', "not-an-iri", "http://x\x01y", "https://x.org/%zz"])
def test_hostile_or_malformed_values_are_400s(dclient, value):
    body = assert_error(dclient.get("/queries/project-partners", query_string={"project": value}),
                        400, "bad_parameter")
    assert body["detail"]["param"] == "project"


def test_a_parameter_given_twice_is_a_400(dclient):
    body = assert_error(dclient.get("/queries/project-partners?project=https://x.org/a&project=https://x.org/b"),
                        400, "bad_parameter")
    assert body["detail"]["param"] == "project"


def test_a_hostile_string_is_a_value_that_matches_nothing(dclient):
    resp = dclient.get("/queries/project-partners", query_string={
        "project": "https://ikg.example.org/id/project/X%7D%20UNION%20%7B%3Fs%3Fp%3Fo"})
    assert resp.status_code == 200 and resp.get_json()["results"]["bindings"] == []


def test_errors_of_the_catalogue(dclient):
    assert_error(dclient.get("/queries/no-such-query"), 404, "unknown_query")
    body = assert_error(dclient.get("/queries/headline-figures", query_string={"since": "x"}),
                        400, "bad_parameter")
    assert body["detail"]["accepted"] == ["asOf"]
    assert_error(dclient.get("/queries/project-partners"), 400, "bad_parameter")  # required
    assert_error(dclient.get("/queries/headline-figures", query_string={"asOf": "soon"}), 400,
                 "bad_parameter")


def test_the_catalogue_is_read_once_at_start_up(tiny_kg, monkeypatch):
    """A malformed query file stops the start-up; requests never read the files again."""
    from graph import queries
    from service.app import create_app

    app = create_app({"TESTING": True, "IKG_KG": tiny_kg})

    def read(path):
        raise AssertionError(f"{path} read during a request")

    monkeypatch.setattr(queries, "parse_query_file", read)
    client = app.test_client()
    for url in ("/", "/queries", "/openapi.json", "/queries/changes-by-type"):
        assert client.get(url).status_code == 200, url
    assert client.get("/queries").get_json()["queries"]


BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def test_a_browser_gets_the_catalogue_as_a_page_and_an_api_client_json(dclient):
    page = dclient.get("/queries", headers=BROWSER)
    assert page.status_code == 200 and page.mimetype == "text/html" and "Accept" in page.headers["Vary"]
    html = page.get_data(as_text=True)
    assert html.count('<li id="q-') == len(dclient.get("/queries").get_json()["queries"])
    assert dclient.get("/queries", headers={"Accept": "*/*"}).mimetype == "application/json"
    assert dclient.get("/queries", headers={"Accept": "application/json"}).mimetype == "application/json"
    # a format named in the URL wins over a browser's Accept
    assert dclient.get("/queries/projects-by-call?format=csv", headers=BROWSER).mimetype == "text/csv"


def test_a_query_page_runs_its_form_and_links_the_records(dclient, default_kg):
    import re

    url = "/queries/region-learned?region=http://data.europa.eu/nuts/code/SI04&run="
    html = dclient.get(url, headers=BROWSER).get_data(as_text=True)
    rows = default_kg.query(
        "SELECT * WHERE { ?c <https://ikg.example.org/ontology#region> <http://data.europa.eu/nuts/code/SI04> ; "
        "<https://ikg.example.org/ontology#inspiredBy> ?p . ?p <https://ikg.example.org/ontology#region> ?r "
        "FILTER (?r != <http://data.europa.eu/nuts/code/SI04>) }").rows
    body = re.search(r'<table id="results">.*?</table>', html, re.S).group(0)
    assert body.count("<tr>") - 1 == len(rows) > 0  # a header and a row each
    assert 'href="/doc/practice/' in body and 'href="/doc/nuts/SI04"' in body
    assert 'type="url"' in html and 'value="http://data.europa.eu/nuts/code/SI04"' in html
    assert 'href="/queries/region-learned?region=http://data.europa.eu/nuts/code/SI04&amp;run=&amp;format=csv"' in html
    # a query that needs a parameter shows its form, filled with the example, and runs nothing
    form = dclient.get("/queries/region-learned", headers=BROWSER).get_data(as_text=True)
    assert 'id="results"' not in form and 'value="http://data.europa.eu/nuts/code/SI04"' in form
    # one without runs at once; a date parameter is a date control
    headline = dclient.get("/queries/headline-figures", headers=BROWSER).get_data(as_text=True)
    assert 'id="results"' in headline and 'type="date"' in headline


def test_a_query_page_says_what_is_wrong_with_a_parameter(dclient):
    resp = dclient.get("/queries/region-learned?region=not-an-iri&run=", headers=BROWSER)
    assert resp.status_code == 400 and resp.mimetype == "text/html"
    assert 'role="alert"' in resp.get_data(as_text=True) and "region" in resp.get_data(as_text=True)
    assert_error(dclient.get("/queries/region-learned?region=not-an-iri"), 400, "bad_parameter")  # the API's
