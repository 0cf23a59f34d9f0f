"""The data-quality page (issue #13): what is real and what is generated, kind by kind, and the real
records with their sources, as a page and as JSON."""

from __future__ import annotations

import pytest

from graph.provenance import HOW_GENERATED, KINDS


@pytest.fixture(scope="module")
def client(default_kg):
    from service.app import create_app

    return create_app({"TESTING": True, "IKG_KG": default_kg}).test_client()


def test_every_kind_says_how_many_records_are_generated_real_or_imported(client, default_kg):
    data = client.get("/about/data", headers={"Accept": "application/json"}).get_json()
    kinds = {k["kind"]: k for k in data["kinds"]}
    assert list(kinds) == list(KINDS) and set(HOW_GENERATED) == set(KINDS)
    for kind, k in kinds.items():
        (n,) = default_kg.query(f"""SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{
            ?s a <https://ikg.example.org/ontology#{kind}> }}""").rows[0]
        assert k["records"] == int(str(n)), kind
        assert k["generated"] + k["real"] + k["imported"] >= k["records"], kind  # every record is one of them
    assert kinds["Project"]["real"] == 9 and kinds["Project"]["generated"] == 249
    assert kinds["PolicyChange"]["real"] == 1


def test_the_real_records_are_listed_with_their_sources(client):
    data = client.get("/about/data", headers={"Accept": "application/json"}).get_json()
    real = {r["iri"]: r for r in data["realRecords"]}
    assert "https://ikg.example.org/id/practice/ERUDITE-GP1" in real
    assert all(r["source"] for r in real.values())
    page = client.get("/about/data", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "What is real and what is generated" in page and "SEROI roadmap" in page
    assert "EUR 1,295 / 1,341 / 1,474 million" in page and 'href="/about/data"' in page
