"""Running protocol queries with a timeout that really stops them: a pool of worker processes. No HTTP.

pyoxigraph (0.5) has no query timeout or cancellation, and a thread cannot be stopped, so a
query that must be stoppable runs in a worker process that opens the store read-only. When
the deadline passes the worker is killed (the query stops with it) and a fresh worker takes
its place; the caller gets :class:`QueryTimeout`. Other requests are served meanwhile by the
other workers. For stores that live in this process (in-memory graphs in tests),
:class:`InlineExecutor` runs queries directly, without a timeout.
"""

from __future__ import annotations

import json
import logging
import multiprocessing as mp
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Literal

from graph import errors
from graph.errors import IkgError, StoreError
from graph.leases import lease
from graph.store import (
    KnowledgeGraph,
    OxigraphGraph,
    QueryRequest,
    Streamed,
    build_version,
    read_build_info,
    record_update,
)

__all__ = ["QueryTimeout", "ServerBusy", "Executor", "InlineExecutor", "QueryPool"]

log = logging.getLogger("ikg.execution")


def _functions() -> dict[str, Callable[..., Any]]:
    """The graph functions a worker may run for the service (each takes the store first)."""
    from graph import lineage, linked, network, void

    return {"downstream": lineage.downstream, "upstream": lineage.upstream,
            "shortest_path": lineage.shortest_path, "neighbourhood": lineage.neighbourhood,
            "entity_kind": lineage.entity_kind, "view_export": network.view_export,
            "view_metrics": network.view_metrics, "view_picture": network.view_picture,
            "view_overview": network.view_overview,
            "describe": linked.describe, "exists": linked.exists, "search": linked.search,
            "lineage_summary": lineage.summary,
            "void_statistics": void.statistics}
SMALL_ANSWER = 256 * 1024  # bytes sent back in a single message


class QueryTimeout(IkgError):
    """The query ran past the timeout and was stopped."""

    code = "query_timeout"


class ServerBusy(IkgError):
    """Every worker stayed busy for the whole timeout."""

    code = "server_busy"


class Executor:
    """Runs :class:`~graph.store.QueryRequest` objects; see the two implementations."""

    timeout: float | None = None

    def execute(self, request: QueryRequest) -> Streamed:  # pragma: no cover - interface
        """The answer, streamed; errors in the query are raised before it starts."""
        raise TypeError("use InlineExecutor or QueryPool")

    def update(self, sparql: str) -> None:  # pragma: no cover - interface
        """Run a SPARQL update on the store."""
        raise TypeError("use InlineExecutor or QueryPool")

    def call(self, function: str, call_timeout: float | None = None,
             **kwargs: Any) -> Any:  # pragma: no cover - interface
        """Run one of the graph functions of :func:`_functions` on the store, with a timeout
        where the executor has one (``call_timeout`` seconds instead of the executor's, for
        maintenance work such as counting statistics); returns its (JSON-able) result."""
        raise TypeError("use InlineExecutor or QueryPool")

    def version(self) -> tuple[str, float]:  # pragma: no cover - interface
        """(tag, time) of the data served: changes with every build and every update; the
        time (seconds since the epoch) is when it last changed. For ETag and Last-Modified."""
        raise TypeError("use InlineExecutor or QueryPool")

    def build_info(self) -> dict[str, Any]:
        """What the build being served recorded about itself (``build.json``), or {}."""
        return {}

    @property
    def build_folder(self) -> Path | None:
        """The folder of the build being served, or None for a store that is not a build."""
        return None

    def graph_names(self) -> list[str]:
        """The IRIs of the store's named graphs."""
        answer = self.execute(QueryRequest(
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { } } ORDER BY ?g", "json", row_limit=10_000))
        bindings = json.loads(b"".join(answer.chunks))["results"]["bindings"]
        return [b["g"]["value"] for b in bindings]

    def close(self) -> None:
        """Stop whatever the executor started."""


class InlineExecutor(Executor):
    """Runs queries in the calling thread on a store of this process (no timeout)."""

    def __init__(self, kg: KnowledgeGraph) -> None:
        self.kg = kg
        self._updates = 0
        self._modified = float(int(time.time()))

    def version(self) -> tuple[str, float]:
        return f"mem{id(self.kg):x}.{self._updates}", self._modified

    def execute(self, request: QueryRequest) -> Streamed:
        return self.kg.stream(request)

    def update(self, sparql: str) -> None:
        self.kg.update(sparql)
        self._updates += 1
        self._modified = max(self._modified + 1, float(int(time.time())))

    def call(self, function: str, call_timeout: float | None = None, **kwargs: Any) -> Any:
        return _functions()[function](self.kg, **kwargs)


# ----------------------------------------------------------------------------- workers


def _worker_main(conn: Connection, store_path: str) -> None:
    """A worker: open the store read-only, answer requests until the pipe closes."""
    kg: OxigraphGraph | None = None
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if kg is None:
                kg = OxigraphGraph(store_path, read_only=True)
            if isinstance(request, tuple) and request[0] == "call":
                _, name, kwargs = request
                conn.send(("result", _functions()[name](kg, **kwargs)))
                continue
            answer = kg.stream(request)
            # small answers (most) go back in one message: each message costs a round of
            # context switches between the processes
            head: tuple[Literal["select", "ask", "graph"], str, bool] | None = (
                answer.kind, answer.media_type, answer.truncated)
            pending: list[bytes] = []
            size = 0
            for chunk in answer.chunks:
                if head is not None and size + len(chunk) <= SMALL_ANSWER:
                    pending.append(chunk)
                    size += len(chunk)
                    continue
                if head is not None:
                    conn.send(("head", *head))
                    head = None
                    for c in pending:
                        conn.send(("chunk", c))
                conn.send(("chunk", chunk))
            if head is not None:
                conn.send(("whole", *head, b"".join(pending)))
            else:
                conn.send(("end",))
        except Exception as e:
            conn.send(_error_message(e))


def _update_main(conn: Connection, store_path: str, sparql: str) -> None:
    """A one-off process: open the store for writing, run one update, report."""
    try:
        kg = OxigraphGraph(store_path)
        kg.update(sparql)
        kg.flush()
        conn.send(("done",))
    except Exception as e:
        conn.send(_error_message(e))


def _error_message(e: Exception) -> tuple:
    """An exception as a message for the parent; anything not ours is a server fault."""
    if isinstance(e, IkgError):
        return ("error", type(e).__name__, e.message, e.detail)
    return ("error", "StoreError", f"{type(e).__name__}: {e}", {})


def _error(name: str, message: str, detail: dict) -> IkgError:
    """The worker's error, re-raised as the same ikg exception in the parent."""
    cls = getattr(errors, name, None)
    if not (isinstance(cls, type) and issubclass(cls, IkgError)):
        cls = StoreError
    return cls(message, detail)


@dataclass(eq=False)  # identity: workers go in sets
class _Worker:
    process: Any
    conn: Connection


class QueryPool(Executor):
    """Worker processes that answer queries on an on-disk store, each stoppable at a deadline.

    Parameters
    ----------
    store_path : path
        The Oxigraph store folder (opened read-only by each worker).
    workers : int
        How many queries may run at once.
    timeout : float
        Seconds a query may take, from the moment it is accepted to its last byte.

    Raises
    ------
    StoreError
        When the build folder holding ``store_path`` cannot be leased (it was removed): the
        pool leases it until :meth:`close`, so that no build removes it meanwhile.
    """

    timeout: float

    def __init__(self, store_path: Path | str, workers: int = 2, timeout: float = 30.0) -> None:
        if workers < 1:
            raise ValueError("a query pool needs at least one worker")
        self.store_path = str(store_path)
        # held until close(): no build's clean-up removes the build being served
        self._lease = lease(Path(store_path).parent)
        self.timeout = timeout
        # spawn, not fork: the parent runs server threads and holds a RocksDB handle
        self._ctx = mp.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._closed = False
        self._all: list[_Worker] = []
        self._maintenance: set[_Worker] = set()  # workers doing maintenance calls
        for _ in range(workers):
            self._idle.put(self._spawn())

    def _spawn(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        proc = self._ctx.Process(target=_worker_main, args=(child, self.store_path),
                                 name="ikg-query-worker", daemon=True)
        proc.start()
        child.close()
        worker = _Worker(proc, parent)
        with self._lock:
            self._all.append(worker)
        return worker

    def _replace(self, worker: _Worker) -> None:
        """Kill ``worker`` (and the query it runs) and put a fresh one in the pool; a worker
        already replaced is left alone."""
        with self._lock:
            if worker not in self._all:
                return
            self._all.remove(worker)
            self._maintenance.discard(worker)
        worker.process.kill()
        worker.process.join(timeout=5)
        worker.conn.close()
        if not self._closed:
            self._idle.put(self._spawn())

    def _recv(self, worker: _Worker, deadline: float, timeout: float | None = None) -> tuple:
        remaining = deadline - time.monotonic()
        try:
            ready = remaining > 0 and worker.conn.poll(remaining)
            if not ready:
                self._replace(worker)
                limit = timeout or self.timeout
                raise QueryTimeout(
                    f"the query ran longer than the {limit:g} s timeout and was stopped",
                    {"timeout_seconds": limit},
                )
            return worker.conn.recv()
        except (EOFError, OSError) as e:
            self._replace(worker)
            raise StoreError(f"a query worker died: {e}") from e

    def _dispatch(self, payload: object, timeout: float | None = None,
                  maintenance: bool = False) -> tuple[_Worker, float, tuple]:
        """Hand ``payload`` to an idle worker; (worker, deadline, its first message). The
        deadline is ``timeout`` seconds away (default: the pool's timeout). ``maintenance``
        work (counting statistics) yields to updates: see :meth:`update`."""
        deadline = time.monotonic() + (timeout or self.timeout)
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            raise ServerBusy(f"every query worker stayed busy for {self.timeout:g} s; try again",
                             {"timeout_seconds": self.timeout}) from None
        try:
            worker.conn.send(payload)
        except (OSError, ValueError) as e:
            self._replace(worker)
            raise StoreError(f"a query worker could not take the request: {e}") from e
        if not maintenance:
            return worker, deadline, self._recv(worker, deadline, timeout)
        with self._lock:
            self._maintenance.add(worker)
        try:
            return worker, deadline, self._recv(worker, deadline, timeout)
        finally:
            with self._lock:
                self._maintenance.discard(worker)

    def execute(self, request: QueryRequest) -> Streamed:
        worker, deadline, msg = self._dispatch(request)
        if msg[0] == "error":
            self._idle.put(worker)
            _, name, message, detail = msg
            raise _error(name, message, detail)
        if msg[0] == "whole":
            self._idle.put(worker)
            _, kind, media_type, truncated, body = msg
            return Streamed(kind, media_type, truncated, iter([body]))
        _, kind, media_type, truncated = msg
        return Streamed(kind, media_type, truncated, self._chunks(worker, deadline))

    def _chunks(self, worker: _Worker, deadline: float) -> Iterator[bytes]:
        finished = False
        try:
            while True:
                msg = self._recv(worker, deadline)
                if msg[0] == "end":
                    finished = True
                    return
                if msg[0] == "error":  # failed mid-answer: the client sees a cut stream
                    finished = True
                    log.error("query failed while streaming: %s", msg[2])
                    return
                yield msg[1]
        finally:
            if finished:
                self._idle.put(worker)
            elif worker.process.is_alive():
                # the client went away (or the deadline passed) mid-answer: stop the worker
                self._replace(worker)

    def call(self, function: str, call_timeout: float | None = None, **kwargs: Any) -> Any:
        if function not in _functions():
            raise ValueError(f"no graph function {function!r}")
        worker, _, msg = self._dispatch(("call", function, kwargs), call_timeout,
                                        maintenance=call_timeout is not None)
        self._idle.put(worker)
        if msg[0] == "error":
            raise _error(msg[1], msg[2], msg[3])
        return msg[1]

    def update(self, sparql: str) -> None:
        """Run an update in a process that opens the store for writing, within the timeout.

        Oxigraph's read-only readers must not be open while another process writes, so the
        update first takes every worker out of the pool (waiting for running queries up to
        the timeout) and stops them; fresh workers, which see the change, start afterwards.
        """
        with self._lock:
            n = len(self._all)
            doomed = list(self._maintenance)
        for w in doomed:
            # maintenance yields: the caller waiting on it sees the pipe close, replaces the
            # worker (which the loop below then takes) and gets a StoreError, and may retry.
            # (Closing the pipe here instead would leave that caller's poll() blocked.)
            w.process.kill()
        taken: list[_Worker] = []
        try:
            for _ in range(n):
                taken.append(self._idle.get(timeout=self.timeout))
        except queue.Empty:
            for w in taken:
                self._idle.put(w)
            raise ServerBusy(f"queries kept every worker busy for {self.timeout:g} s; the update "
                             "was not run", {"timeout_seconds": self.timeout}) from None
        for w in taken:
            w.process.kill()
            w.process.join(timeout=5)
            w.conn.close()
            with self._lock:
                self._all.remove(w)
        try:
            msg = self._run_update(sparql)
            if msg[0] != "error":
                self._count_update()  # before any worker answers with the new data
        finally:
            for _ in range(n):
                self._idle.put(self._spawn())
        if msg[0] == "error":
            raise _error(msg[1], msg[2], msg[3])

    def _count_update(self) -> None:
        record_update(Path(self.store_path).parent)

    def version(self) -> tuple[str, float]:
        return build_version(Path(self.store_path).parent)

    def build_info(self) -> dict[str, Any]:
        return read_build_info(Path(self.store_path).parent)

    @property
    def build_folder(self) -> Path:
        return Path(self.store_path).parent

    def _run_update(self, sparql: str) -> tuple:
        parent, child = self._ctx.Pipe()
        proc = self._ctx.Process(target=_update_main, args=(child, self.store_path, sparql),
                                 name="ikg-update", daemon=True)
        proc.start()
        child.close()
        try:
            if not parent.poll(self.timeout):
                proc.kill()
                raise QueryTimeout(f"the update ran longer than the {self.timeout:g} s timeout "
                                   "and was stopped; nothing was changed",
                                   {"timeout_seconds": self.timeout})
            return parent.recv()
        except (EOFError, OSError) as e:
            raise StoreError(f"the update process died: {e}") from e
        finally:
            proc.join(timeout=5)
            parent.close()

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._all)
        for w in workers:
            w.process.kill()
            w.conn.close()
        for w in workers:
            w.process.join(timeout=5)
        self._lease.release()
