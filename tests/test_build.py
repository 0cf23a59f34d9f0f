"""Builds: the new store is used only when it is valid; a failed build leaves the old one served."""

from __future__ import annotations

import json

import pytest

import graph.build as build_module
from graph.build import BuildOptions, build
from graph.errors import InputDataError, StoreNotFound, ValidationFailed
from graph.store import StoreLocation, open_store

COUNT = "PREFIX ikg: <https://ikg.example.org/ontology#> SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a ikg:Project }"


def _projects(root) -> int:
    kg = open_store(root)
    try:
        return kg.query(COUNT).records()[0]["n"]
    finally:
        kg.close()


def test_default_build_records_itself(default_location):
    meta = default_location.metadata()
    assert meta["seed"] == 42 and meta["scale"] == 1.0
    assert meta["records"]["projects"] == 258
    assert set(meta["seconds"]) == {"generate", "load", "validate", "write", "derive"}
    assert meta["quads"] > 400_000


@pytest.fixture()
def small_location(tmp_path):
    loc = StoreLocation(tmp_path / "store")
    build(loc, BuildOptions(scale=0.3, seed=3))
    return loc


def test_broken_category_table_fails_and_the_store_in_use_stays(small_location, tmp_path):
    before = small_location.current()
    broken = tmp_path / "categories.csv"
    broken.write_text("code,label,category,source\nXX99,Nowhere,transition,made up\n")
    with pytest.raises(InputDataError, match="unknown NUTS 2 code 'XX99'"):
        build(small_location, BuildOptions(scale=0.3, category_table=broken))
    assert small_location.current() == before
    assert [p.name for p in small_location.builds.iterdir()] == [before.name]
    assert _projects(small_location.root) == round(258 * 0.3)


def test_shape_violation_fails_with_a_readable_report_and_the_store_in_use_stays(
    small_location, monkeypatch
):
    before = small_location.current()
    original = build_module.write_default_graph

    def with_a_broken_project(path, options):
        quads, records = original(path, options)
        with open(path, "a", encoding="utf8") as f:
            f.write('<https://ikg.example.org/id/project/BROKEN> '
                    '<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> '
                    '<https://ikg.example.org/ontology#Project> '
                    '<https://ikg.example.org/graph/generated> .\n')
        return quads + 1, records

    monkeypatch.setattr(build_module, "write_default_graph", with_a_broken_project)
    # in memory (a small graph), and on disk (one over the limit of a copy in memory)
    for limit in (build_module.IN_MEMORY_QUADS, 0):
        with pytest.raises(ValidationFailed) as e:
            build(small_location, BuildOptions(scale=0.3, in_memory_quads=limit))
        report = e.value.detail["report"]
        assert "does NOT conform" in report
        assert "A project must have exactly one acronym" in report
        assert "https://ikg.example.org/id/project/BROKEN" in report
        assert small_location.current() == before
        assert _projects(small_location.root) == round(258 * 0.3)
    assert [p.name for p in (small_location.root / "builds").iterdir()] == [before.name]  # nothing left


def test_a_graph_over_the_memory_limit_is_validated_on_disk_with_the_same_report(tmp_path):
    progress: list[str] = []
    loc = StoreLocation(tmp_path / "store")
    result, report = build(loc, BuildOptions(scale=0.2, in_memory_quads=0), progress.append)
    assert any("validated there" in line for line in progress)
    assert report.conforms and result.peak_rss_mib > 0
    again, same = build(StoreLocation(tmp_path / "memory"), BuildOptions(scale=0.2))
    assert (again.quads, same.checked) == (result.quads, report.checked)


def test_a_server_keeps_answering_through_a_failed_build(small_location, tmp_path):
    from service.app import create_app

    client = create_app({"IKG_STORE": str(small_location.root)}).test_client()
    q = {"query": COUNT, "format": "csv"}
    assert client.get("/sparql", query_string=q).get_data(as_text=True).split() == ["n", "77"]
    broken = tmp_path / "categories.csv"
    broken.write_text("code,label,category,source\n")
    with pytest.raises(InputDataError):
        build(small_location, BuildOptions(scale=0.3, category_table=broken))
    assert client.get("/sparql", query_string=q).get_data(as_text=True).split() == ["n", "77"]
    fresh = create_app({"IKG_STORE": str(small_location.root)}).test_client()
    assert fresh.get("/sparql", query_string=q).get_data(as_text=True).split() == ["n", "77"]


def test_a_new_build_switches_and_keeps_one_previous(small_location):
    first = small_location.current()
    build(small_location, BuildOptions(scale=0.3, seed=4))
    second = small_location.current()
    assert second != first
    build(small_location, BuildOptions(scale=0.3, seed=5))
    names = sorted(p.name for p in small_location.builds.iterdir())
    assert len(names) == 2 and first.name not in names
    assert small_location.previous() == second  # recorded, not guessed from times
    assert json.loads((small_location.current() / "build.json").read_text())["seed"] == 5


def test_opening_an_empty_location_says_to_build(tmp_path):
    with pytest.raises(StoreNotFound, match="run `ikg build` first"):
        open_store(tmp_path / "nothing")
