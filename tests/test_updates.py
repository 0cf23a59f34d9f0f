"""Updates tell the truth and survive crashes; the pool admits requests fairly.

Each test here is a finding of the audit: an update reported as "nothing was changed" that
was committed, a version that did not move, a large write-ahead log that made every read-only
open slower than the timeout, a writer that outlived its killed server, and a request charged
for the time it waited for a worker.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from graph.execution import (
    RECOVER_WAL_BYTES,
    QueryPool,
    QueryTimeout,
    ServerBusy,
    TooManyRequests,
    _Admission,
    _Worker,
    wal_bytes,
)
from graph.store import QueryRequest, build_version, store_path
from tests.conftest import IKG, _free_port, alive, children, cmdline, descendants, wait_for
from tests.test_guard import tiny_store

ASK = "ASK { GRAPH <urn:big> { <urn:s7> ?p ?o } }"


def big_insert(n: int) -> str:
    """An INSERT DATA of ``n`` triples (100,000 take seconds to parse and apply)."""
    triples = " ".join(f'<urn:s{i}> <urn:p> "value number {i} with some padding" .' for i in range(n))
    return "INSERT DATA { GRAPH <urn:big> { " + triples + " } }"


def _text(answer) -> str:
    return b"".join(answer.chunks).decode()


def _ask(pool: QueryPool, query: str = ASK) -> bool:
    return '"boolean": true' in _text(pool.execute(QueryRequest(query, "json")))


@pytest.fixture()
def store(tmp_path) -> Path:
    return tiny_store(tmp_path / "store")


def test_an_update_stopped_before_its_commit_says_so_changes_nothing_and_moves_the_version(store):
    pool = QueryPool(store_path(store), workers=1, timeout=0.5, queue_timeout=120)
    try:
        version = build_version(store / "builds" / "tiny")[0]
        with pytest.raises(QueryTimeout) as e:
            pool.update(big_insert(100_000))
        assert e.value.detail["committed"] is False
        assert "nothing was changed" in e.value.message
        assert not _ask(pool)
        assert build_version(store / "builds" / "tiny")[0] != version  # caches cannot go stale
    finally:
        pool.close()


@pytest.mark.parametrize("kill_the_flush", [False, True], ids=["flushed", "writer-killed-while-flushing"])
def test_a_large_update_commits_answers_and_moves_the_version_with_the_flush_outside_its_deadline(
        store, kill_the_flush):
    """The audit's 150,000-triple INSERT DATA answered 503 "nothing was changed" although
    it had committed: the deadline covered the flush and compaction after the commit. And a
    writer killed after its commit, while it flushes, loses nothing: the pool recovers the
    store before fresh workers open it."""
    pool = QueryPool(store_path(store), workers=2, timeout=120, queue_timeout=300)
    try:
        version = build_version(store / "builds" / "tiny")[0]
        pool.update(big_insert(150_000))
        if kill_the_flush:
            for pid in children(os.getpid()):
                if "spawn_main" in cmdline(pid) and pid not in {w.process.pid for w in pool._all}:
                    os.kill(pid, signal.SIGKILL)  # the writer, flushing (if it has not finished)
        assert build_version(store / "builds" / "tiny")[0] != version
        assert _ask(pool)  # waits for the flush (or recovery) and fresh workers, then sees the data
        count = _text(pool.execute(QueryRequest(
            "SELECT (COUNT(*) AS ?n) { GRAPH <urn:big> { ?s ?p ?o } }", "csv")))
        assert count.split() == ["n", "150000"]
        assert wal_bytes(store_path(store)) < RECOVER_WAL_BYTES  # flushed: readers open fast
    finally:
        pool.close()


def test_a_large_write_ahead_log_is_recovered_at_start_up_with_a_message(store, caplog):
    """A writer killed before its flush leaves the data in the log, which every read-only
    open replays (98 MB took 9 s, longer than the timeout); the pool replays it once."""
    path = store_path(store)
    script = ("import os, sys; sys.path.insert(0, sys.argv[2]); from tests.test_updates import big_insert;"
              "import pyoxigraph as ox; s = ox.Store(sys.argv[1]); s.update(big_insert(40_000)); os._exit(0)")
    subprocess.run([sys.executable, "-c", script, str(path), str(Path(__file__).parent.parent)], check=True)
    assert wal_bytes(path) >= RECOVER_WAL_BYTES
    with caplog.at_level(logging.WARNING, logger="ikg.execution"):
        pool = QueryPool(path, workers=1, timeout=60, queue_timeout=120)
    try:
        assert any("recovering the store" in r.getMessage() for r in caplog.records)
        assert wal_bytes(path) < RECOVER_WAL_BYTES
        assert _ask(pool)  # the committed update is kept
    finally:
        pool.close()


def test_a_server_killed_during_an_update_leaves_no_writer_and_nothing_committed(store):
    port = _free_port()
    env = dict(os.environ, IKG_UPDATE_TOKEN="secret", IKG_QUERY_WORKERS="1", IKG_QUERY_TIMEOUT="120")
    server = subprocess.Popen([IKG, "serve", "--store", str(store), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        import urllib.request

        url = f"http://127.0.0.1:{port}/sparql"
        wait_for(lambda: _up(url), what="ikg serve answering")
        workers = {p for p in descendants(server.pid) if "spawn_main" in cmdline(p)}
        version = build_version(store / "builds" / "tiny")

        def send() -> None:
            req = urllib.request.Request(url, data=big_insert(150_000).encode(), method="POST", headers={
                "Content-Type": "application/sparql-update", "Authorization": "Bearer secret"})
            with contextlib.suppress(OSError):  # the server is killed under it
                urllib.request.urlopen(req, timeout=300).read()

        threading.Thread(target=send, daemon=True).start()
        # the writer: a new spawned child, once the workers were stopped for it
        writer = wait_for(lambda: [p for p in descendants(server.pid) - workers
                                   if "spawn_main" in cmdline(p) and not (workers & descendants(server.pid))],
                          what="the update process starting")[0]
        server.kill()
        server.wait(timeout=60)
        wait_for(lambda: not alive(writer), what="the orphaned writer exiting")
    finally:
        if server.poll() is None:
            server.kill()
    assert build_version(store / "builds" / "tiny") == version  # nothing recorded...
    pool = QueryPool(store_path(store), workers=1, timeout=60, queue_timeout=120)
    try:
        assert not _ask(pool)  # ...because nothing was committed
        assert _ask(pool, "ASK { ?s a <https://ikg.example.org/ontology#Project> }")  # intact
    finally:
        pool.close()


def _up(url: str) -> bool:
    import urllib.request

    try:
        urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=5).read()
        return True
    except OSError:
        return False


# ----------------------------------------------------------------------------- admission


def _fake() -> _Worker:
    return _Worker(process=None, conn=None, lifeline=None)  # type: ignore[arg-type]


def _busy() -> ServerBusy:
    return ServerBusy("busy", {})


def test_a_free_worker_goes_to_the_client_running_fewest_not_the_first_in_line():
    adm = _Admission(client_waiting=4, client_running=4)
    w1, w2, w3 = _fake(), _fake(), _fake()
    for w in (w1, w2, w3):
        adm.give(w)
    a1 = adm.acquire("greedy", 1, _busy)
    adm.acquire("greedy", 1, _busy)
    c = adm.acquire("calm", 1, _busy)
    got: dict = {}

    def wait(who: str) -> None:
        got[who] = adm.acquire(who, 120, _busy)

    greedy = threading.Thread(target=wait, args=("greedy",))
    greedy.start()
    wait_for(lambda: "greedy" in adm.waiting)
    newcomer = threading.Thread(target=wait, args=("newcomer",))
    newcomer.start()
    wait_for(lambda: "newcomer" in adm.waiting)
    adm.give(c)  # "calm" is done: greedy (2 running) waited first, the newcomer runs none
    newcomer.join(timeout=60)
    assert got == {"newcomer": c}
    adm.give(a1)
    greedy.join(timeout=60)
    assert got["greedy"] is a1


def test_a_client_runs_at_most_so_many_requests_however_many_workers_are_idle():
    adm = _Admission(client_waiting=4, client_running=2)
    workers = [_fake() for _ in range(4)]
    for w in workers:
        adm.give(w)
    adm.acquire("greedy", 1, _busy)
    second = adm.acquire("greedy", 1, _busy)
    with pytest.raises(ServerBusy):
        adm.acquire("greedy", 0.05, _busy)  # two idle workers, none for a third request
    assert len(adm.idle) == 2
    assert adm.acquire("other", 1, _busy) in workers  # kept for the others
    got: dict = {}
    t = threading.Thread(target=lambda: got.setdefault("w", adm.acquire("greedy", 120, _busy)))
    t.start()
    wait_for(lambda: "greedy" in adm.waiting)
    adm.give(second)  # greedy runs one now: its waiting request may take an idle worker
    t.join(timeout=60)
    assert got["w"] in workers and len(adm.idle) == 1


def test_a_client_may_keep_only_so_many_requests_waiting_and_a_wait_has_a_limit():
    adm = _Admission(client_waiting=1)
    adm.give(_fake())
    adm.acquire("a", 1, _busy)
    holder: dict = {}

    def wait_long() -> None:
        try:
            adm.acquire("a", 120, _busy)
        except ServerBusy as e:
            holder["e"] = e

    t = threading.Thread(target=wait_long, daemon=True)
    t.start()
    wait_for(lambda: "a" in adm.waiting)
    with pytest.raises(TooManyRequests) as e:
        adm.acquire("a", 120, _busy)
    assert e.value.detail == {"waiting": 1, "limit": 1}
    with pytest.raises(ServerBusy):
        adm.acquire("b", 0.05, _busy)  # another client may wait, up to its limit
    assert "b" not in adm.waiting


def test_a_request_is_not_charged_for_its_wait_for_a_worker(default_location):
    """With one worker busy on a runaway query until the 3 s timeout, a quick query that
    waited for it still gets its own 3 s (it used to be killed on arrival)."""
    pool = QueryPool(store_path(default_location.root), workers=1, timeout=3.0, queue_timeout=120)
    try:
        cross = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
        outcome: dict = {}

        def heavy() -> None:
            try:
                _text(pool.execute(QueryRequest(cross, "csv")))
            except QueryTimeout as e:
                outcome["heavy"] = e

        t = threading.Thread(target=heavy)
        t.start()
        wait_for(lambda: pool._admission.running, what="the runaway query taking the worker")
        count = "SELECT (COUNT(*) AS ?n) WHERE { ?p a <https://ikg.example.org/ontology#Project> }"
        assert _text(pool.execute(QueryRequest(count, "csv"))).split() == ["n", "258"]
        t.join(timeout=120)
        assert isinstance(outcome["heavy"], QueryTimeout)
    finally:
        pool.close()


def test_stop_signal_is_not_needed_for_workers_to_exit_with_their_pool(store):
    """Workers exit when their pool's process goes away (the lifeline), not at a signal."""
    script = ("import sys, time; sys.path.insert(0, sys.argv[2]); from graph.execution import QueryPool;"
              "p = QueryPool(sys.argv[1], workers=2, timeout=30); print(' '.join(str(w.process.pid) for w in p._all),"
              " flush=True); time.sleep(600)")
    proc = subprocess.Popen([sys.executable, "-c", script, str(store_path(store)),
                             str(Path(__file__).parent.parent)], stdout=subprocess.PIPE, text=True)
    pids = [int(p) for p in proc.stdout.readline().split()]
    assert len(pids) == 2 and all(alive(p) for p in pids)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    wait_for(lambda: not any(alive(p) for p in pids), what="the workers exiting")


def test_behind_a_trusted_proxy_the_client_is_the_address_it_forwards(tiny_kg):
    """Admission counts clients by address: behind a proxy every request would come from
    the proxy, unless its X-Forwarded-For is trusted (IKG_PROXY_HOPS)."""
    from flask import request

    from graph import execution
    from service.app import create_app

    seen = {}
    for hops in (0, 1):
        app = create_app({"TESTING": True, "IKG_KG": tiny_kg, "IKG_PROXY_HOPS": hops})

        @app.route("/whoami")
        def whoami() -> str:
            return f"{request.remote_addr} {execution.client.get()}"

        seen[hops] = app.test_client().get("/whoami", headers={"X-Forwarded-For": "203.0.113.9"},
                                           environ_base={"REMOTE_ADDR": "127.0.0.1"}).get_data(as_text=True)
    assert seen == {0: "127.0.0.1 127.0.0.1", 1: "203.0.113.9 203.0.113.9"}
