"""The named-query catalogue: headers, typed parameters, values that never become query text."""

from __future__ import annotations

import re

import pytest

from graph.errors import BadParameter, UnknownQuery
from graph.queries import CatalogueError, load_catalogue, parse_query_file


def test_every_query_of_the_catalogue_parses_and_runs_on_the_default_graph(default_kg):
    catalogue = load_catalogue()
    names = [q.name for q in catalogue]
    assert "headline-figures" in names
    for q in catalogue:
        examples = {p.name: p.example for p in q.params if p.example}
        res = q.run(default_kg, examples)
        assert res.kind != "select" or res.rows, q.name


def test_headline_figures_parameter_is_typed():
    q = load_catalogue().get("headline-figures")
    (param,) = q.params
    assert (param.name, param.type, param.example) == ("asOf", "date", "2023-03-31")
    with pytest.raises(BadParameter, match="must be a date"):
        q.bindings({"asOf": "31/03/2023"})
    with pytest.raises(BadParameter, match="has no parameter since"):
        q.bindings({"since": "2020-01-01"})


@pytest.mark.parametrize("value", [
    '" } ; DROP ALL ; #',
    "> . ?s ?p ?o",
    "x\n} UNION { ?s ?p ?o",
    "# comment",
])
def test_hostile_values_are_bound_as_literals_not_text(tiny_kg, tmp_path, value):
    path = tmp_path / "by-acronym.rq"
    path.write_text("#+ summary: Projects by acronym.\n#+ param: acronym string example=ALPHA\n"
                    "PREFIX ikg: <https://ikg.example.org/ontology#>\n"
                    "SELECT ?acronym ?p WHERE { ?p ikg:acronym ?acronym }\n")
    q = parse_query_file(path)
    assert [r["acronym"] for r in q.run(tiny_kg, {"acronym": "ALPHA"}).records()] == ["ALPHA"]
    assert q.run(tiny_kg, {"acronym": value}).rows == []


@pytest.mark.parametrize("iri", ["not an iri", "<http://x>", "http://x/a b", ""])
def test_malformed_iris_are_refused(tmp_path, iri):
    path = tmp_path / "by-project.rq"
    path.write_text("#+ summary: One project.\n#+ param: p iri example=https://x.org/p\n"
                    "SELECT ?p ?o WHERE { ?p ?q ?o }\n")
    with pytest.raises(BadParameter, match="must be a iri"):
        parse_query_file(path).bindings({"p": iri})


@pytest.mark.parametrize("text, message", [
    ("SELECT ?x WHERE { ?x ?y ?z }\n", "no '#+ summary:' line"),
    ("#+ summary: s\n#+ param: x colour example=red\nSELECT ?x WHERE { ?x ?y ?z }\n", "type 'colour'"),
    ("#+ summary: s\n#+ param: y date example=2020-01-01\nSELECT ?x WHERE { ?x ?p ?z }\n",
     "not a variable of the query"),
    ("#+ summary: s\n#+ param: x date example=yesterday\nSELECT ?x WHERE { ?x ?y ?z }\n",
     "example is invalid"),
    ("#+ summary: s\nSELEC ?x WHERE { ?x ?y ?z }\n", "does not parse"),
    ("#+ summary: s\n#+ param: x iri example=http://a.org/x\nSELECT ?y WHERE { ?x ?p ?y }\n",
     "the SELECT returns"),
    ("#+ summary: s\n#+ colour: red\nSELECT ?x WHERE { ?x ?y ?z }\n", "unknown header field"),
])
def test_a_bad_query_file_fails_when_the_catalogue_loads(tmp_path, text, message):
    (tmp_path / "broken.rq").write_text(text)
    with pytest.raises(CatalogueError, match=re.escape(message)):
        load_catalogue(tmp_path)


def test_unknown_query():
    with pytest.raises(UnknownQuery):
        load_catalogue().get("no-such-query")
