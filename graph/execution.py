"""Running protocol queries with a timeout that really stops them: a pool of worker processes. No HTTP.

pyoxigraph (0.5) has no query timeout or cancellation, and a thread cannot be stopped, so a
query that must be stoppable runs in a worker process that opens the store read-only. When
the deadline passes the worker is killed (the query stops with it) and a fresh worker takes
its place; the caller gets :class:`QueryTimeout`. Other requests are served meanwhile by the
other workers. For stores that live in this process (in-memory graphs in tests),
:class:`InlineExecutor` runs queries directly, without a timeout.

What a public endpoint needs from this module, and where each is done:

- Admission: a client (an address) runs at most a few requests at once, however many
  workers are idle, so one client cannot take them all; free workers go to waiting requests
  fairly between clients (the client with the fewest running requests first); a client may
  keep only a few requests waiting (more are :class:`TooManyRequests`); and a request's
  deadline starts when it gets its worker, not while it waits for one.
- Isolation: where the operating system allows it, query and update processes have no
  network at all (a network namespace of their own), unless SERVICE/LOAD are allowed; they
  run the engine on a thread with a large stack, so deep queries cannot crash them; and they
  exit as soon as the server that started them is gone (a lifeline pipe), so a killed server
  leaves no writer behind.
- Updates: the answer says whether the update committed. The writer reports its commit
  before it flushes and compacts the store; that work finishes outside the client's deadline
  before fresh workers open the store. A writer stopped at the deadline, or killed, is
  followed by a recovery that opens the store for writing once, so the next readers do not
  replay a large write-ahead log.
"""

from __future__ import annotations

import contextlib
import contextvars
import ctypes
import json
import logging
import multiprocessing as mp
import os
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Literal, cast

from graph import dataset, derived, errors, guard
from graph.errors import IkgError, QueryTimeout, StoreError
from graph.leases import lease
from graph.store import (
    SLOW_QUERY_HINT,
    KnowledgeGraph,
    OxigraphGraph,
    QueryRequest,
    Streamed,
    UpdateRequest,
    build_version,
    read_build_info,
    record_update,
)

__all__ = ["QueryTimeout", "ServerBusy", "TooManyRequests", "Executor", "InlineExecutor",
           "RemoteExecutor", "QueryPool", "client", "wal_bytes"]

log = logging.getLogger("ikg.execution")

#: A graph function the executors run on their store: ``function(store, **kwargs)``.
GraphFunction = Callable[..., Any]
#: Who is asking, for fair admission (the service sets the client's address per request).
client: contextvars.ContextVar[str] = contextvars.ContextVar("ikg_client", default="")


SMALL_ANSWER = 256 * 1024  # bytes sent back in a single message
#: Stack of the thread that runs the engine in a worker: Oxigraph's parser and evaluator
#: recurse once per nesting level, and 5,000 nested braces overflow the 8 MiB main stack
#: (pyoxigraph 0.5.13: a segfault). Only the pages touched are committed.
ENGINE_STACK = 512 * 1024 * 1024
#: A write-ahead log larger than this is replayed once, for writing, before readers open the
#: store (each read-only open replays it: 98 MB took 9 s).
RECOVER_WAL_BYTES = 16 * 1024 * 1024
#: Seconds a writer may take to flush and compact after it committed, and a recovery to run.
FLUSH_LIMIT = 600.0


class ServerBusy(IkgError):
    """No worker became free while the request could wait."""

    code = "server_busy"


class TooManyRequests(IkgError):
    """The client already has as many requests waiting as it may."""

    code = "too_many_requests"


class Executor:
    """Runs :class:`~graph.store.QueryRequest` objects; see the two implementations."""

    timeout: float | None = None

    def execute(self, request: QueryRequest,
                timeout: float | None = None) -> Streamed:  # pragma: no cover - interface
        """The answer, streamed; errors in the query are raised before it starts. ``timeout``
        (seconds) shortens the executor's timeout for this request; it never lengthens it."""
        raise TypeError("use InlineExecutor or QueryPool")

    def update(self, request: str | UpdateRequest,
               timeout: float | None = None) -> None:  # pragma: no cover - interface
        """Run a SPARQL update on the store (``timeout`` as for :meth:`execute`)."""
        raise TypeError("use InlineExecutor or QueryPool")

    def call(self, function: GraphFunction, call_timeout: float | None = None,
             **kwargs: Any) -> Any:  # pragma: no cover - interface
        """Run ``function(store, **kwargs)``: a module-level function of ``graph`` that takes
        the store first (it reaches a worker by reference, as pickle sends functions), with a
        timeout where the executor has one (``call_timeout`` seconds instead of the
        executor's, for maintenance work such as counting statistics); returns its (picklable)
        result."""
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


def _stream(kg: KnowledgeGraph, request: QueryRequest, allow_network: bool) -> Streamed:
    """The answer to ``request``, after refusing SERVICE where the network is not allowed."""
    if not allow_network:
        guard.refuse_network(request.query)
    return kg.stream(request)


def _update(kg: KnowledgeGraph, request: UpdateRequest, allow_network: bool) -> None:
    if not allow_network:
        guard.refuse_network(request.update, update=True)
    kg.update(request)
    derived.after_update(kg)


class InlineExecutor(Executor):
    """Runs queries in the calling thread on a store of this process (no timeout)."""

    def __init__(self, kg: KnowledgeGraph, allow_network: bool = False) -> None:
        self.kg = kg
        self.allow_network = allow_network
        self._updates = 0
        self._modified = float(int(time.time()))

    def version(self) -> tuple[str, float]:
        return f"mem{id(self.kg):x}.{self._updates}", self._modified

    def execute(self, request: QueryRequest, timeout: float | None = None) -> Streamed:
        return _stream(self.kg, request, self.allow_network)

    def update(self, request: str | UpdateRequest, timeout: float | None = None) -> None:
        _update(self.kg, UpdateRequest.of(request), self.allow_network)
        self._updates += 1
        self._modified = max(self._modified + 1, float(int(time.time())))

    def call(self, function: GraphFunction, call_timeout: float | None = None, **kwargs: Any) -> Any:
        return function(self.kg, **kwargs)


class RemoteExecutor(Executor):
    """Runs requests on a remote SPARQL server (:class:`graph.remote.RemoteGraph`), in the
    calling thread, with the same admission as :class:`QueryPool`: the server runs at most
    ``workers`` of ikg's requests at once, a client at most ``client_running`` of them.

    The timeout is how long ikg waits for the server's answer: the server may go on
    computing a query ikg no longer waits for unless its own timeout stops it (Oxigraph
    server: ``--timeout-s``; Virtuoso: ``MaxQueryExecutionTime``).
    """

    def __init__(self, kg: Any, workers: int = 4, timeout: float = 30.0, queue_timeout: float | None = None,
                 client_waiting: int = 4, client_running: int = 2, allow_network: bool = False) -> None:
        self.kg = kg
        self.timeout = self._timeout = timeout
        self.queue_timeout = timeout if queue_timeout is None else queue_timeout
        self.allow_network = allow_network
        self._admission = _Admission(client_waiting, client_running)
        for _ in range(workers):  # slots: the requests the server may run at once
            self._admission.idle.append(_Worker(None, cast(Connection, None), cast(Connection, None)))

    def _busy(self) -> IkgError:
        return ServerBusy(f"the SPARQL server stayed busy with {len(self._admission.idle)} or more of "
                          f"ikg's requests for {self.queue_timeout:g} s; try again",
                          {"timeout_seconds": self.queue_timeout})

    @contextlib.contextmanager
    def _slot(self) -> Iterator[None]:
        slot = self._admission.acquire(client.get(), self.queue_timeout, self._busy)
        try:
            yield
        finally:
            self._admission.give(slot)

    def _limit(self, timeout: float | None) -> float:
        return self._timeout if timeout is None else min(timeout, self._timeout)

    def execute(self, request: QueryRequest, timeout: float | None = None) -> Streamed:
        if not self.allow_network:
            guard.refuse_network(request.query)
        with self._slot():
            return self.kg.stream(request, timeout=self._limit(timeout))  # read whole: the slot is free after

    def update(self, request: str | UpdateRequest, timeout: float | None = None) -> None:
        req = UpdateRequest.of(request)
        if not self.allow_network:
            guard.refuse_network(req.update, update=True)
        with self._slot():
            self.kg.update(req, timeout=self._limit(timeout))
            derived.after_update(self.kg)

    def call(self, function: GraphFunction, call_timeout: float | None = None, **kwargs: Any) -> Any:
        with self._slot():
            return function(self.kg, **kwargs)

    def version(self) -> tuple[str, float]:
        return cast(tuple[str, float], self.kg.version())

    def build_info(self) -> dict[str, Any]:
        return cast(dict[str, Any], self.kg.build_info())

    def graph_names(self) -> list[str]:
        return cast(list[str], self.kg.graph_names())


# ----------------------------------------------------------------------------- child processes

_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000


def isolate_from_network() -> bool:
    """Move this process into a network namespace of its own (no interface but a loopback
    that is down), so nothing it runs can open a connection; True when that worked.

    Must run before the process starts threads. Root (or CAP_SYS_ADMIN) may do it directly;
    others may where unprivileged user namespaces are enabled.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:  # pragma: no cover - not Linux
        return False
    # any() stops at the first that works: root needs no user namespace
    return any(libc.unshare(flags) == 0 for flags in (_CLONE_NEWNET, _CLONE_NEWUSER | _CLONE_NEWNET))


def _start_child(lifeline: Connection, isolate: bool) -> None:
    """What every query or update process does first: leave the network (when asked), and
    exit at once when the server that started it is gone (its end of ``lifeline`` closes)."""
    if isolate and not isolate_from_network():
        log.warning("could not isolate a query process from the network; SERVICE and LOAD "
                    "are refused by the parser check alone")

    def watch() -> None:
        with contextlib.suppress(OSError, EOFError):
            lifeline.poll(None)  # the parent never writes: readable means closed
        os._exit(0)

    threading.Thread(target=watch, name="ikg-lifeline", daemon=True).start()


def _on_big_stack(target: Callable[[], None]) -> None:
    """Run ``target`` on a thread with :data:`ENGINE_STACK` bytes of stack and wait for it."""
    threading.stack_size(ENGINE_STACK)
    sys.setrecursionlimit(100_000)  # rdflib's parser, in the SERVICE check, recurses per level
    t = threading.Thread(target=target, name="ikg-engine")
    t.start()
    t.join()


def _worker_main(conn: Connection, lifeline: Connection, store_path: str,
                 allow_network: bool) -> None:
    """A worker: open the store read-only, answer requests until the pipe closes."""
    _start_child(lifeline, isolate=not allow_network)
    _on_big_stack(lambda: _serve(conn, store_path, allow_network))


def _serve(conn: Connection, store_path: str, allow_network: bool) -> None:
    kg: OxigraphGraph | None = None
    try:  # open before saying ready: no request is charged for a worker's start
        kg = OxigraphGraph(store_path, read_only=True)
        conn.send(("ready",))
    except Exception as e:
        conn.send(_error_message(e))  # requests will try again, and see the error
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if kg is None:
                kg = OxigraphGraph(store_path, read_only=True)
            if isinstance(request, tuple) and request[0] == "call":
                _, function, kwargs = request
                conn.send(("result", function(kg, **kwargs)))
                continue
            answer = _stream(kg, request, allow_network)
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


def _update_main(conn: Connection, lifeline: Connection, store_path: str, request: UpdateRequest,
                 allow_network: bool) -> None:
    """A one-off process: open the store for writing, run one update, report its commit
    ("applied"), then flush and compact and report that ("flushed")."""
    _start_child(lifeline, isolate=not allow_network)

    def run() -> None:
        try:
            if not allow_network:  # before the store is opened: a refused update costs nothing
                guard.refuse_network(request.update, update=True)
            kg = OxigraphGraph(store_path)
            kg.update(request)
        except Exception as e:
            conn.send(_error_message(e))
            return
        conn.send(("applied",))
        try:  # queries wait for the flush: they read the derived facts of the new data
            derived.after_update(kg)
            kg.flush(compact=False)
            kg.close()
            conn.send(("flushed",))
        except Exception as e:
            conn.send(_error_message(e))

    _on_big_stack(run)


def _recover_main(conn: Connection, lifeline: Connection, store_path: str) -> None:
    """A one-off process: open the store for writing (which replays its write-ahead log),
    flush and compact it, report."""
    _start_child(lifeline, isolate=True)
    try:
        kg = OxigraphGraph(store_path)
        kg.flush()
        kg.close()
        conn.send(("flushed",))
    except Exception as e:
        conn.send(_error_message(e))


def _error_message(e: Exception) -> tuple:
    """An exception as a message for the parent; anything not ours is a server fault."""
    if isinstance(e, IkgError):
        return ("error", type(e).__name__, e.message, e.detail)
    return ("error", "StoreError", f"{type(e).__name__}: {e}", {})


def _error(name: str, message: str, detail: dict) -> IkgError:
    """The worker's error, re-raised as the same ikg exception in the parent."""
    cls = getattr(errors, name, None) or getattr(guard, name, None)
    if not (isinstance(cls, type) and issubclass(cls, IkgError)):
        cls = StoreError
    return cls(message, detail)


def wal_bytes(store_path: Path | str) -> int:
    """Bytes of write-ahead log (RocksDB ``NNNNNN.log`` files) in an Oxigraph store folder."""
    total = 0
    try:
        for p in Path(store_path).iterdir():
            if p.suffix == ".log" and p.stem.isdigit():
                total += p.stat().st_size
    except OSError:
        return 0
    return total


@dataclass(eq=False)  # identity: workers go in sets
class _Worker:
    process: Any
    conn: Connection
    lifeline: Connection
    client: str | None = None  # whose request it runs


@dataclass(eq=False)
class _Waiter:
    client: str
    worker: _Worker | None = None


@dataclass
class _Admission:
    """Idle workers and the requests waiting for one; see :class:`QueryPool`.

    A client (an address) runs at most ``client_running`` requests at once, however many
    workers are idle, so one client cannot take every worker; it may have ``client_waiting``
    more waiting. A free worker goes to the waiting client that runs the fewest requests.
    """

    client_waiting: int
    client_running: int = 2
    cond: threading.Condition = field(default_factory=threading.Condition)
    idle: list[_Worker] = field(default_factory=list)
    waiting: dict[str, deque[_Waiter]] = field(default_factory=dict)
    running: Counter[str] = field(default_factory=Counter)
    drain: list[_Worker] | None = None  # an update collecting every worker

    def _eligible(self) -> list[str]:
        return [c for c in self.waiting if self.running[c] < self.client_running]

    def acquire(self, who: str, wait: float, busy: Callable[[], IkgError]) -> _Worker:
        """An idle worker for ``who``, waiting up to ``wait`` seconds for one.

        Raises
        ------
        TooManyRequests
            When ``who`` already has ``client_waiting`` requests waiting.
        ServerBusy
            (made by ``busy``) when no worker came free in time.
        """
        with self.cond:
            if (self.idle and self.drain is None and self.running[who] < self.client_running
                    and not self._eligible()):
                worker = self.idle.pop()
                self._assign(worker, who)
                return worker
            queue = self.waiting.setdefault(who, deque())
            if len(queue) >= self.client_waiting:
                if not queue:
                    del self.waiting[who]
                raise TooManyRequests(
                    f"this client already has {len(queue)} requests waiting for a query "
                    "worker; wait for their answers before sending more",
                    {"waiting": len(queue), "limit": self.client_waiting})
            me = _Waiter(who)
            queue.append(me)
            self._match()
            deadline = time.monotonic() + wait
            while me.worker is None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    queue.remove(me)
                    if not queue:
                        del self.waiting[who]
                    raise busy()
                self.cond.wait(remaining)
            return me.worker

    def _assign(self, worker: _Worker, who: str) -> None:
        worker.client = who
        self.running[who] += 1

    def _match(self) -> None:
        """Hand idle workers to waiting requests: the client running the fewest first (the
        earliest among equals), none to a client at its ``client_running``."""
        if self.drain is not None:
            return
        while self.idle:
            eligible = self._eligible()
            if not eligible:
                break
            who = min(eligible, key=lambda c: self.running[c])
            queue = self.waiting[who]
            me = queue.popleft()
            if not queue:
                del self.waiting[who]
            me.worker = self.idle.pop()
            self._assign(me.worker, who)
        self.cond.notify_all()

    def _forget(self, worker: _Worker) -> None:
        who, worker.client = worker.client, None
        if who is not None:
            self.running[who] -= 1
            if self.running[who] <= 0:
                del self.running[who]

    def forget(self, worker: _Worker) -> None:
        """``worker`` no longer runs a client's request (it was stopped)."""
        with self.cond:
            self._forget(worker)
            self._match()

    def give(self, worker: _Worker) -> None:
        """A free worker: to an update collecting workers, else to a waiting request (see
        :meth:`_match`), else idle."""
        with self.cond:
            self._forget(worker)
            if self.drain is not None:
                self.drain.append(worker)
                self.cond.notify_all()
                return
            self.idle.append(worker)
            self._match()

    def take_all(self, n: int, wait: float) -> list[_Worker] | None:
        """Collect ``n`` workers (idle ones now, busy ones as they come free, before any
        waiting request); None (and nothing taken) when that took longer than ``wait``."""
        with self.cond:
            self.drain = list(self.idle)
            self.idle.clear()
            deadline = time.monotonic() + wait
            while len(self.drain) < n:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    taken, self.drain = self.drain, None
                    for w in taken:
                        self.give(w)
                    return None
                self.cond.wait(remaining)
            taken, self.drain = self.drain, None
            return taken


class QueryPool(Executor):
    """Worker processes that answer queries on an on-disk store, each stoppable at a deadline.

    Parameters
    ----------
    store_path : path
        The Oxigraph store folder (opened read-only by each worker).
    workers : int
        How many queries may run at once.
    timeout : float
        Seconds a query may run, from the moment a worker takes it to its last byte.
    queue_timeout : float, optional
        Seconds a request may wait for a free worker (default: ``timeout``); then
        :class:`ServerBusy`.
    client_waiting : int
        Requests one client (see :data:`client`) may have waiting for a worker; one more is
        :class:`TooManyRequests`.
    client_running : int
        Requests one client may have running at once, however many workers are idle.
    allow_network : bool
        Whether queries may use SERVICE and updates LOAD; when not (the default), they are
        refused, and the processes have no network where the operating system allows it.

    Raises
    ------
    StoreError
        When the build folder holding ``store_path`` cannot be leased (it was removed): the
        pool leases it until :meth:`close`, so that no build removes it meanwhile.
    """

    timeout: float

    def __init__(self, store_path: Path | str, workers: int = 2, timeout: float = 30.0,
                 queue_timeout: float | None = None, client_waiting: int = 4,
                 client_running: int = 2, allow_network: bool = False) -> None:
        if workers < 1:
            raise ValueError("a query pool needs at least one worker")
        self.store_path = str(store_path)
        # held until close(): no build's clean-up removes the build being served
        self._lease = lease(Path(store_path).parent)
        self.timeout = timeout
        self.queue_timeout = timeout if queue_timeout is None else queue_timeout
        self.allow_network = allow_network
        self.workers = workers
        # spawn, not fork: the parent runs server threads and holds a RocksDB handle
        self._ctx = mp.get_context("spawn")
        self._admission = _Admission(client_waiting, client_running)
        self._lock = threading.Lock()
        self._closed = False
        self._all: list[_Worker] = []
        self._maintenance: set[_Worker] = set()  # workers doing maintenance calls
        self._writing = threading.Lock()  # one update (and its flush) at a time
        self._version: tuple[tuple | None, tuple[str, float]] | None = None
        self._updates_file = str(Path(self.store_path).parent / "updates")
        self._recover_if_needed("at start-up")
        for _ in range(workers):
            self._spawn()

    # -- processes

    def _child(self, target: Callable[..., None], name: str, *args: Any) -> tuple[Any, Connection, Connection]:
        parent, child = self._ctx.Pipe()
        life_r, life_w = self._ctx.Pipe(duplex=False)
        proc = self._ctx.Process(target=target, args=(child, life_r, *args), name=name, daemon=True)
        proc.start()
        child.close()
        life_r.close()
        return proc, parent, life_w

    def _spawn(self) -> None:
        """Start a worker; it joins the pool once it has opened the store."""
        proc, conn, lifeline = self._child(_worker_main, "ikg-query-worker", self.store_path,
                                           self.allow_network)
        worker = _Worker(proc, conn, lifeline)
        with self._lock:
            self._all.append(worker)
        threading.Thread(target=self._join_when_ready, args=(worker,), name="ikg-worker-start",
                         daemon=True).start()

    def _join_when_ready(self, worker: _Worker) -> None:
        try:
            msg = worker.conn.recv()
        except (EOFError, OSError):
            return  # killed while starting (an update, or close): nothing to join
        if msg[0] == "error":
            log.error("a query worker could not open the store: %s", msg[2])
        self._admission.give(worker)

    @staticmethod
    def _stop(worker: _Worker) -> None:
        worker.process.kill()
        worker.process.join(timeout=5)
        worker.conn.close()
        worker.lifeline.close()

    def _replace(self, worker: _Worker) -> None:
        """Kill ``worker`` (and the query it runs) and put a fresh one in the pool; a worker
        already replaced is left alone."""
        with self._lock:
            if worker not in self._all:
                return
            self._all.remove(worker)
            self._maintenance.discard(worker)
        self._admission.forget(worker)
        self._stop(worker)
        if not self._closed:
            self._spawn()

    def _recover_if_needed(self, when: str, force: bool = False) -> None:
        """Replay a large (or, with ``force``, any) write-ahead log once, for writing, so that
        readers open the store quickly; logged."""
        size = wal_bytes(self.store_path)
        if not force and size < RECOVER_WAL_BYTES:
            return
        log.warning("recovering the store %s %s (write-ahead log: %.1f MB) ...", self.store_path,
                    when, size / 1e6)
        started = time.monotonic()
        proc, conn, lifeline = self._child(_recover_main, "ikg-recover", self.store_path)
        try:
            if not conn.poll(FLUSH_LIMIT):
                proc.kill()
                log.error("recovering the store took longer than %g s and was stopped", FLUSH_LIMIT)
                return
            msg = conn.recv()
            if msg[0] == "error":
                log.error("recovering the store failed: %s", msg[2])
            else:
                log.warning("recovered the store in %.1f s", time.monotonic() - started)
        except (EOFError, OSError) as e:
            log.error("the recovery process died: %s", e)
        finally:
            proc.join(timeout=5)
            conn.close()
            lifeline.close()

    # -- queries

    def _busy(self) -> IkgError:
        return ServerBusy(f"every query worker stayed busy for {self.queue_timeout:g} s; try again",
                          {"timeout_seconds": self.queue_timeout})

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
        """Hand ``payload`` to a worker once one is free for this client; (worker, deadline,
        its first message). The deadline is ``timeout`` seconds (default: the pool's) after
        the worker took the request. ``maintenance`` work (counting statistics) yields to
        updates: see :meth:`update`."""
        worker = self._admission.acquire(client.get(), self.queue_timeout, self._busy)
        deadline = time.monotonic() + (timeout or self.timeout)
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

    def _release(self, worker: _Worker) -> None:
        self._admission.give(worker)

    def _limit(self, timeout: float | None) -> float:
        """The timeout of a request that asks for ``timeout`` seconds: never more than the pool's."""
        return self.timeout if timeout is None else min(timeout, self.timeout)

    def execute(self, request: QueryRequest, timeout: float | None = None) -> Streamed:
        limit = self._limit(timeout)
        try:
            worker, deadline, msg = self._dispatch(request, limit)
        except QueryTimeout as e:
            raise QueryTimeout(f"{e.message}. {SLOW_QUERY_HINT}", e.detail | {"hint": SLOW_QUERY_HINT}) from None
        if msg[0] == "error":
            self._release(worker)
            _, name, message, detail = msg
            raise _error(name, message, detail)
        if msg[0] == "whole":
            self._release(worker)
            _, kind, media_type, truncated, body = msg
            return Streamed.whole(kind, media_type, truncated, body)
        _, kind, media_type, truncated = msg
        return Streamed(kind, media_type, truncated, self._chunks(worker, deadline, limit))

    def _chunks(self, worker: _Worker, deadline: float, limit: float) -> Iterator[bytes]:
        finished = False
        try:
            while True:
                msg = self._recv(worker, deadline, limit)
                if msg[0] == "end":
                    finished = True
                    return
                if msg[0] == "error":
                    # failed mid-answer: raised, so that the HTTP server breaks the connection
                    # (a clean end would pass a cut answer for a whole one)
                    finished = True
                    log.error("query failed while streaming: %s", msg[2])
                    raise _error(msg[1], msg[2], msg[3])
                yield msg[1]
        finally:
            if finished:
                self._release(worker)
            elif worker.process.is_alive():
                # the client went away (or the deadline passed) mid-answer: stop the worker
                self._replace(worker)

    def call(self, function: GraphFunction, call_timeout: float | None = None, **kwargs: Any) -> Any:
        worker, _, msg = self._dispatch(("call", function, kwargs), call_timeout,
                                        maintenance=call_timeout is not None)
        self._release(worker)
        if msg[0] == "error":
            raise _error(msg[1], msg[2], msg[3])
        return msg[1]

    # -- updates

    def update(self, request: str | UpdateRequest, timeout: float | None = None) -> None:
        """Run an update in a process that opens the store for writing, within the timeout
        (``timeout`` seconds when shorter than the pool's).

        Oxigraph's read-only readers must not be open while another process writes, so the
        update first takes every worker out of the pool (before any waiting request, waiting
        for running queries up to the timeout) and stops them; fresh workers, which see the
        change, start once the writer has flushed. The update's own deadline covers running
        it up to its commit; the flush and compaction that follow do not count against it
        (requests wait for a worker meanwhile, as they wait for any busy worker).

        Raises
        ------
        DatasetConflict
            The request sends a dataset and the update's text names one too (checked before
            any worker is stopped).
        ServerBusy
            Queries kept the workers busy for the whole timeout; the update was not run.
        QueryTimeout
            The update ran past the timeout before it committed and was stopped: nothing was
            changed. (The data version moves all the same, in case the stop came in the
            instant between the engine's commit and its report.)
        """
        request = UpdateRequest.of(request)
        dataset.refuse_conflict(request.update, request.using_graphs, request.using_named_graphs)
        limit = self._limit(timeout)
        self._writing.acquire()  # released once fresh workers are in the pool
        try:
            n = self._take_every_worker()
        except BaseException:
            self._writing.release()
            raise
        try:
            proc, conn, lifeline = self._child(_update_main, "ikg-update", self.store_path, request,
                                               self.allow_network)
        except BaseException:
            self._respawn(n)
            self._writing.release()
            raise
        try:
            self._await_commit(proc, conn, limit)
        except BaseException:
            proc.join(timeout=5)
            conn.close()
            lifeline.close()
            self._respawn(n)
            self._writing.release()
            raise
        self._count_update()  # committed: before any worker answers with the new data
        threading.Thread(target=self._after_commit, args=(proc, conn, lifeline, n),
                         name="ikg-update-flush", daemon=True).start()

    def _take_every_worker(self) -> int:
        """Stop every worker (maintenance work at once, queries as they finish); how many."""
        with self._lock:
            n = len(self._all)
            doomed = list(self._maintenance)
        for w in doomed:
            # maintenance yields: the caller waiting on it sees the pipe close, replaces the
            # worker (which the collection below then takes) and gets a StoreError.
            w.process.kill()
        taken = self._admission.take_all(n, self.timeout)
        if taken is None:
            raise ServerBusy(f"queries kept every worker busy for {self.timeout:g} s; the "
                             "update was not run", {"timeout_seconds": self.timeout})
        for w in taken:
            with self._lock:
                if w in self._all:
                    self._all.remove(w)
            self._stop(w)
        return n

    def _await_commit(self, proc: Any, conn: Connection, limit: float) -> None:
        """Return when the writer reports its commit within ``limit`` seconds; raise what
        stopped it otherwise."""
        try:
            if not conn.poll(limit):
                proc.kill()
                proc.join(timeout=5)
                self._count_update()
                self._recover_if_needed("after a stopped update", force=True)
                raise QueryTimeout(f"the update ran longer than the {limit:g} s timeout "
                                   "and was stopped before it committed; nothing was changed",
                                   {"timeout_seconds": limit, "committed": False})
            msg = conn.recv()
        except (EOFError, OSError) as e:
            proc.join(timeout=5)
            self._count_update()
            self._recover_if_needed("after the update process died", force=True)
            raise StoreError(f"the update process died: {e}") from e
        if msg[0] == "error":
            raise _error(msg[1], msg[2], msg[3])

    def _after_commit(self, proc: Any, conn: Connection, lifeline: Connection, n: int) -> None:
        """Wait (outside the client's deadline) for the writer to flush, then start fresh
        workers and let the next update in."""
        try:
            if conn.poll(FLUSH_LIMIT):
                msg = conn.recv()
                if msg[0] == "error":
                    log.error("flushing the store after an update failed: %s", msg[2])
            else:
                log.error("flushing the store after an update took longer than %g s", FLUSH_LIMIT)
        except (EOFError, OSError) as e:
            log.error("the update process died while flushing: %s", e)
        finally:
            proc.join(timeout=5)
            if proc.is_alive():
                proc.kill()
                proc.join(timeout=5)
            conn.close()
            lifeline.close()
            self._recover_if_needed("after an update")
            self._respawn(n)
            self._writing.release()

    def _respawn(self, n: int) -> None:
        if self._closed:
            return
        for _ in range(n):
            self._spawn()

    def _count_update(self) -> None:
        record_update(Path(self.store_path).parent)

    def version(self) -> tuple[str, float]:
        # read again only when the update count's file changed (an update replaces it): a
        # stat instead of two reads and three stats on every request
        try:
            st = os.stat(self._updates_file)
            seen: tuple | None = (st.st_ino, st.st_mtime_ns, st.st_size)
        except OSError:
            seen = None
        kept = self._version
        if kept is not None and kept[0] == seen:
            return kept[1]
        current = build_version(Path(self.store_path).parent)
        self._version = (seen, current)
        return current

    def build_info(self) -> dict[str, Any]:
        return read_build_info(Path(self.store_path).parent)

    @property
    def build_folder(self) -> Path:
        return Path(self.store_path).parent

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._all)
        for w in workers:
            w.process.kill()
            w.conn.close()
            w.lifeline.close()
        for w in workers:
            w.process.join(timeout=5)
        self._lease.release()
