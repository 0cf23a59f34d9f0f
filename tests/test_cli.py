"""The `ikg` command line on the default graph."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner

from service.cli import cli


def _run(*args, store=None):
    extra = ["--store", str(store)] if store is not None else []
    return CliRunner().invoke(cli, [*args, *extra])


def test_stats_compares_every_snapshot_with_the_published_figures(default_location):
    res = _run("stats", store=default_location.root)
    assert res.exit_code == 0, res.output
    assert "MISMATCH" not in res.output
    # EUR 1,341 million within the published rounding (tests/test_plausibility.py): 1,340.5 to 1,341.4
    assert "1,626" in res.output and re.search(r"1,34(0\.[5-9]|1\.[0-4])\b", res.output) and "258" in res.output


def test_stats_as_of_a_date_in_json(default_location):
    res = _run("stats", "--as-of", "2022-06-30", "--format", "json", store=default_location.root)
    assert res.exit_code == 0, res.output
    figures = json.loads(res.output)
    assert figures["action_plans"] == 1158 and figures["projects"] == 258


def test_query_by_name_with_a_parameter(default_location):
    res = _run("query", "headline-figures", "-p", "asOf=2023-03-31", "--format", "json",
               store=default_location.root)
    assert res.exit_code == 0, res.output
    (row,) = json.loads(res.output)
    assert row["actionPlans"] == 1626 and row["instruments"] == 1016


def test_query_errors_exit_2_with_a_message(default_location):
    res = _run("query", "headline-figures", "-p", "asOf=soon", store=default_location.root)
    assert res.exit_code == 2 and "must be a date" in res.output
    res = _run("query", "no-such-query", store=default_location.root)
    assert res.exit_code == 2 and "no named query" in res.output


def test_query_a_file(default_location, tmp_path):
    f = tmp_path / "count.rq"
    f.write_text("#+ summary: Count projects.\nPREFIX ikg: <https://ikg.example.org/ontology#>\n"
                 "SELECT (COUNT(?p) AS ?n) WHERE { ?p a ikg:Project }\n")
    res = _run("query", str(f), "--format", "csv", store=default_location.root)
    assert res.exit_code == 0 and res.output.splitlines() == ["n", "258"]


def test_validate_reports_conformance(default_location):
    res = _run("validate", store=default_location.root)
    assert res.exit_code == 0, res.output
    assert "conforms" in res.output


def test_commands_without_a_store_say_what_to_do(tmp_path):
    res = _run("stats", store=tmp_path / "empty")
    assert res.exit_code == 1 and "run `ikg build` first" in res.output


def test_build_if_missing_does_nothing_when_a_store_exists(default_location):
    res = _run("build", "--if-missing", store=default_location.root)
    assert res.exit_code == 0 and "nothing to do" in res.output


def test_validate_with_pyshacl_on_a_small_store(tmp_path):
    from graph.build import BuildOptions, build
    from graph.store import StoreLocation

    loc = StoreLocation(tmp_path / "store")
    build(loc, BuildOptions(scale=0.05, seed=9))
    res = _run("validate", "--engine", "pyshacl", store=loc.root)
    assert res.exit_code == 0, res.output
    assert res.output.strip() == "The graph conforms to the shapes (pyshacl)."
