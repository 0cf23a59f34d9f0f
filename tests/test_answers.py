"""The answer cache: repeated deterministic queries answered from kept bytes until the data change."""

from __future__ import annotations

import json

import pytest

from graph.answers import AnswerCache, CachingExecutor, normalised, volatile
from graph.errors import StoreError
from graph.execution import InlineExecutor
from graph.store import OxigraphGraph, QueryRequest, Streamed
from service.app import create_app
from service.state import executor_of

EX = "http://example.org/"
COUNT = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{EX}p> ?o }}"
TOKEN = "secret-token"


class Counting(InlineExecutor):
    """An inline executor that counts the queries it really runs."""

    runs = 0

    def execute(self, request, timeout=None):
        self.runs += 1
        return super().execute(request, timeout)


def _kg(n: int = 3) -> OxigraphGraph:
    kg = OxigraphGraph()
    kg.update("INSERT DATA { " + " ".join(f"<{EX}s{i}> <{EX}p> {i} ." for i in range(n)) + " }")
    return kg


def _run(executor, query: str, fmt: str = "json", read: bool = True) -> bytes:
    answer = executor.execute(QueryRequest(query, fmt, "turtle"))
    return b"".join(answer.chunks) if read else b""


def _count(body: bytes) -> int:
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def test_normal_form_keeps_strings_and_iris_and_drops_comments():
    assert normalised("SELECT  ?s\n\tWHERE {?s ?p ?o} # any") == "SELECT ?s WHERE {?s ?p ?o}"
    assert normalised('ASK { ?s ?p "two  spaces # not a comment" }') == \
        'ASK { ?s ?p "two  spaces # not a comment" }'
    assert normalised("ASK { <http://x/#a> ?p ?o }") == "ASK { <http://x/#a> ?p ?o }"
    assert normalised('ASK { ?s ?p """a\n  b""" }') != normalised('ASK { ?s ?p """a b""" }')
    assert normalised("SELECT * # c1\n# c2\nWHERE {}") == "SELECT * WHERE {}"


@pytest.mark.parametrize("query", [
    "SELECT (RAND() AS ?r) {}", "SELECT (now() AS ?t) {}", "SELECT (UUID() AS ?u) {}",
    "SELECT (STRUUID() AS ?u) {}", "SELECT (BNODE() AS ?b) {}",
    "SELECT * { SERVICE <http://x/sparql> { ?s ?p ?o } }"])
def test_volatile_queries_are_recognised(query):
    assert volatile(query)
    assert not volatile(COUNT)


def test_a_repeated_query_is_answered_from_the_cache_with_the_same_bytes():
    inner = Counting(_kg())
    ex = CachingExecutor(inner, AnswerCache(1 << 20))
    first = _run(ex, COUNT)
    again = _run(ex, COUNT.replace(" ", "  ") + "\n# the same query")
    assert again == first and _count(first) == 3
    assert inner.runs == 1 and ex.cache.hits == 1
    assert _run(ex, COUNT, fmt="csv") != first  # another format: another answer
    assert inner.runs == 2


def test_volatile_queries_are_never_kept():
    inner = Counting(_kg())
    ex = CachingExecutor(inner, AnswerCache(1 << 20))
    query = f"SELECT ?s (RAND() AS ?r) WHERE {{ ?s <{EX}p> ?o }}"
    assert _run(ex, query) != _run(ex, query)
    assert inner.runs == 2 and len(ex.cache) == 0


def test_an_update_is_seen_at_once():
    inner = Counting(_kg())
    ex = CachingExecutor(inner, AnswerCache(1 << 20))
    assert _count(_run(ex, COUNT)) == 3
    ex.update(f"INSERT DATA {{ <{EX}new> <{EX}p> 9 }}")
    assert _count(_run(ex, COUNT)) == 4
    assert inner.runs == 2


def test_a_changed_version_is_a_miss_even_without_an_update_through_the_cache():
    """A new build, or another process's update, moves the version: the key changes."""
    inner = Counting(_kg())
    ex = CachingExecutor(inner, AnswerCache(1 << 20))
    assert _count(_run(ex, COUNT)) == 3
    inner.update(f"INSERT DATA {{ <{EX}other> <{EX}p> 9 }}")  # behind the cache's back
    assert _count(_run(ex, COUNT)) == 4


def test_least_recently_used_answers_go_first_and_the_budget_holds():
    inner = Counting(_kg(10))
    queries = [f"SELECT ?s WHERE {{ ?s <{EX}p> {i} }}" for i in range(6)]  # answers of one size
    entry = len(_run(inner, queries[0])) + len(normalised(queries[0]))
    ex = CachingExecutor(inner, AnswerCache(5 * entry + entry // 2))  # five answers
    for q in queries[:5]:
        _run(ex, q)
    _run(ex, queries[0])  # the first is now the most recently used
    _run(ex, queries[5])  # a sixth: the least recently used (the second) goes
    assert len(ex.cache) == 5 and ex.cache.bytes <= ex.cache.max_bytes
    runs = inner.runs
    _run(ex, queries[0])
    assert inner.runs == runs  # kept
    _run(ex, queries[1])
    assert inner.runs == runs + 1  # dropped


def test_an_answer_larger_than_a_quarter_of_the_budget_is_not_kept():
    inner = Counting(_kg(200))
    query = f"SELECT ?s ?o WHERE {{ ?s <{EX}p> ?o }}"
    ex = CachingExecutor(inner, AnswerCache(len(_run(inner, query)) * 2))
    _run(ex, query)
    _run(ex, query)
    assert len(ex.cache) == 0


def test_an_answer_not_read_to_its_end_is_not_kept():
    inner = Counting(_kg())
    ex = CachingExecutor(inner, AnswerCache(1 << 20))
    answer = ex.execute(QueryRequest(COUNT, "json", "turtle"))
    assert next(iter(answer.chunks))
    answer.chunks.close()  # the client went away
    assert len(ex.cache) == 0


def test_an_answer_that_fails_mid_stream_is_not_kept():
    class Failing(Counting):
        def execute(self, request, timeout=None):
            self.runs += 1

            def chunks():
                yield b'{"head": '
                raise StoreError("the worker died")

            return Streamed("select", "application/sparql-results+json", False, chunks())

    ex = CachingExecutor(Failing(_kg()), AnswerCache(1 << 20))
    with pytest.raises(StoreError):
        _run(ex, COUNT)
    assert len(ex.cache) == 0


def test_the_endpoint_answers_a_repeated_query_from_the_cache_until_an_update():
    kg = _kg()
    app = create_app({"TESTING": True, "IKG_KG": kg, "IKG_UPDATE_TOKEN": TOKEN})
    client = app.test_client()
    ex = executor_of(app)
    assert isinstance(ex, CachingExecutor)
    accept = {"Accept": "application/sparql-results+json"}
    first = client.get("/sparql", query_string={"query": COUNT}, headers=accept)
    assert first.status_code == 200 and _count(first.data) == 3  # read to its end: kept
    again = client.post("/sparql", data={"query": COUNT + "  "}, headers=accept)
    assert again.status_code == 200
    assert again.data == first.data and ex.cache.hits == 1
    resp = client.post("/sparql", data={"update": f"INSERT DATA {{ <{EX}x> <{EX}p> 7 }}"},
                       headers={"Authorization": f"Bearer {TOKEN}"})
    assert resp.status_code == 204
    after = client.get("/sparql", query_string={"query": COUNT}, headers=accept)
    assert _count(after.data) == 4


def test_the_cache_can_be_turned_off():
    app = create_app({"TESTING": True, "IKG_KG": _kg(), "IKG_ANSWER_CACHE_BYTES": 0})
    assert not isinstance(executor_of(app), CachingExecutor)
