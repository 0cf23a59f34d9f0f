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
