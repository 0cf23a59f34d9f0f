"""The query pool: worker processes, a timeout that stops the query, updates that are seen."""

from __future__ import annotations

import os
import threading
import time

import pytest

from graph import void
from graph.build import BuildOptions, build
from graph.errors import QuerySyntaxError
from graph.execution import QueryPool, QueryTimeout
from graph.store import QueryRequest, StoreLocation, store_path
from tests.conftest import wait_for

CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
COUNT = ("PREFIX ikg: <https://ikg.example.org/ontology#> "
         "SELECT (COUNT(?p) AS ?n) WHERE { ?p a ikg:Project }")


def _text(answer) -> str:
    return b"".join(answer.chunks).decode()


@pytest.fixture(scope="module")
def pool(default_location):
    # a timeout no cross product of the default graph meets, long enough that a loaded
    # machine answers the small query while the heavy one still runs
    p = QueryPool(store_path(default_location.root), workers=2, timeout=10.0, queue_timeout=120)
    yield p
    p.close()


def test_a_pathological_query_is_stopped_at_the_timeout_while_others_are_answered(pool):
    outcome: dict = {}

    def heavy() -> None:
        start = time.monotonic()
        try:
            _text(pool.execute(QueryRequest(CROSS, "csv")))
            outcome["error"] = None
        except QueryTimeout as e:
            outcome["error"] = e
        outcome["seconds"] = time.monotonic() - start

    before = {w.process.pid for w in pool._all}
    t = threading.Thread(target=heavy)
    t.start()
    wait_for(lambda: len(pool._admission.idle) == 1, what="the heavy query taking a worker")
    assert _text(pool.execute(QueryRequest(COUNT, "csv"))).split() == ["n", "258"]
    assert t.is_alive()  # answered while the heavy query runs
    t.join(timeout=120)
    assert isinstance(outcome["error"], QueryTimeout)
    assert outcome["error"].code == "query_timeout"
    assert outcome["seconds"] >= 10.0  # stopped at the deadline, not before
    # the worker that ran it was killed (the query stopped with it) and replaced
    after = {w.process.pid for w in pool._all}
    gone = before - after
    assert len(gone) == 1 and len(after) == 2
    (pid,) = gone
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert _text(pool.execute(QueryRequest(COUNT, "json"))).count("258") == 1


def test_errors_come_back_as_ikg_errors_and_the_worker_stays(pool):
    pids = {w.process.pid for w in pool._all}
    with pytest.raises(QuerySyntaxError) as e:
        pool.execute(QueryRequest("SELECT WHERE", "json"))
    assert "line" in e.value.detail
    assert {w.process.pid for w in pool._all} == pids


def test_an_abandoned_stream_stops_its_worker(default_location):
    # its own pool with a generous timeout: a freshly spawned worker opens the store on its
    # first query, which a loaded machine may not do within the 2 s of the shared pool
    pool = QueryPool(store_path(default_location.root), workers=2, timeout=30.0)
    try:
        answer = pool.execute(QueryRequest("SELECT ?s WHERE { ?s ?p ?o }", "csv", row_limit=200_000))
        next(answer.chunks)
        (busy,) = {w.process.pid for w in pool._all} - {w.process.pid for w in list(pool._admission.idle)}
        answer.chunks.close()  # the client went away
        assert len(pool._all) == 2 and busy not in {w.process.pid for w in pool._all}
        with pytest.raises(ProcessLookupError):
            os.kill(busy, 0)
        assert _text(pool.execute(QueryRequest(COUNT, "csv"))).split() == ["n", "258"]
    finally:
        pool.close()


def test_updates_run_in_their_own_process_and_are_seen_afterwards(tmp_path):
    loc = StoreLocation(tmp_path / "store")
    build(loc, BuildOptions(scale=0.2, seed=2))
    pool = QueryPool(store_path(loc.root), workers=1, timeout=10)
    try:
        ask = QueryRequest("ASK { <urn:a> <urn:b> <urn:c> }", "json")
        assert '"boolean": false' in _text(pool.execute(ask))
        pool.update("INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }")
        assert '"boolean": true' in _text(pool.execute(ask))
        with pytest.raises(QuerySyntaxError):
            pool.update("INSERT DATA { <urn:a> }")
    finally:
        pool.close()


def test_an_update_stops_maintenance_work_instead_of_waiting_for_it(default_location, tmp_path):
    """Counting statistics (about 3 s here) can take longer than an update may wait for a
    worker (2 s): the count is stopped (its caller gets a StoreError and counts again later)
    and the update runs."""
    import shutil

    from graph.errors import StoreError

    shutil.copytree(default_location.root, tmp_path / "store")  # updated below: not the shared one
    # the update waits 2 s for the worker; requests may wait longer (a loaded machine)
    pool = QueryPool(store_path(tmp_path / "store"), workers=1, timeout=2.0, queue_timeout=120)
    try:
        _text(pool.execute(QueryRequest(COUNT, "csv")))  # the worker has opened the store
        outcome: dict = {}

        def count() -> None:
            start = time.monotonic()
            try:
                outcome["result"] = pool.call(void.statistics, call_timeout=60)
            except StoreError as e:
                outcome["error"] = e
            except Exception as e:  # noqa: BLE001 - reported by the assertion below
                outcome["other"] = repr(e)
            outcome["seconds"] = time.monotonic() - start

        t = threading.Thread(target=count)
        t.start()
        wait_for(lambda: pool._maintenance)  # the count is running
        pool.update("INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }")
        t.join(timeout=30)
        assert "error" in outcome, outcome  # stopped, not finished
        assert '"boolean": true' in _text(pool.execute(QueryRequest("ASK { <urn:a> <urn:b> <urn:c> }", "json")))
        assert len(pool._all) == 1 and not pool._maintenance
        assert pool.call(void.statistics, call_timeout=60).triples > 0  # counted again
    finally:
        pool.close()
