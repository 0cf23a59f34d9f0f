"""Answers kept for repeated queries: an LRU cache bounded in bytes, in front of an executor. No HTTP.

A dashboard repeats the same analytical query ("EUR by country") for every visitor; the
answer only changes when the data do. :class:`CachingExecutor` keeps the bytes of each
answer under a key made of everything that decides them:

- the version of the data (:meth:`Executor.version`: each build and each update moves it,
  so a changed store never answers from an older copy);
- the query, normalised (runs of white space and comments outside strings and IRIs made one
  space, which changes no query's meaning);
- the dataset (``default-graph-uri``, ``named-graph-uri``), the base IRI, the bound values;
- the answer's format and the row limit.

Queries whose answer can change without the data changing are never kept: those calling
``RAND``, ``NOW``, ``UUID``, ``STRUUID`` or ``BNODE``, and those with ``SERVICE``
(:data:`VOLATILE`, the same table that decides which answers get HTTP validators). Errors
are not kept, nor answers cut short (the client went away, the query failed mid-answer),
nor answers larger than a quarter of the budget.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.execution import Executor, GraphFunction
from graph.lexer import tokens
from graph.store import QueryRequest, Streamed, UpdateRequest

__all__ = ["VOLATILE", "AnswerCache", "CachingExecutor", "normalised", "volatile"]

#: Functions and operations whose answers change without the data changing.
VOLATILE = re.compile(r"\b(RAND|NOW|UUID|STRUUID|BNODE|SERVICE)\b", re.IGNORECASE)
_SPACE = re.compile(r"\s+")


def volatile(query: str) -> bool:
    """Whether ``query`` may answer differently for the same data (it names a function or
    operation of :data:`VOLATILE`, even inside a string or a comment: a cautious reading)."""
    return VOLATILE.search(query) is not None


def normalised(query: str) -> str:
    """``query`` with every run of white space and comments between tokens made one space;
    strings and IRIs unchanged, so two texts with the same normal form mean the same query.

    Examples
    --------
    >>> normalised('SELECT  ?s\\n WHERE { ?s ?p "a  b" } # all')
    'SELECT ?s WHERE { ?s ?p "a  b" }'
    """
    out: list[str] = []
    free: list[str] = []  # text outside strings since the last string
    end = 0
    for t in tokens(query):
        free.append(query[end:t.start()])
        if t.lastgroup == "string":
            out.append(_SPACE.sub(" ", "".join(free)))
            out.append(t.group())
            free = []
        else:
            free.append(" " if t.lastgroup == "comment" else t.group())
        end = t.end()
    free.append(query[end:])
    out.append(_SPACE.sub(" ", "".join(free)))
    return "".join(out).strip()


@dataclass(frozen=True)
class _Answer:
    kind: Any
    media_type: str
    truncated: bool
    body: bytes


class AnswerCache:
    """Answers by key, the least recently used dropped first once they hold more than
    ``max_bytes``; thread-safe. ``hits`` and ``misses`` count lookups."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.max_entry = max_bytes // 4
        self._entries: OrderedDict[tuple, _Answer] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def bytes(self) -> int:
        """Bytes of answers held."""
        return self._bytes

    def get(self, key: tuple) -> _Answer | None:
        with self._lock:
            answer = self._entries.get(key)
            if answer is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return answer

    def put(self, key: tuple, answer: _Answer) -> None:
        size = _size(key, answer)
        if size > self.max_entry:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= _size(key, old)
            self._entries[key] = answer
            self._bytes += size
            while self._bytes > self.max_bytes:
                k, a = self._entries.popitem(last=False)
                self._bytes -= _size(k, a)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0


def _size(key: tuple, answer: _Answer) -> int:
    """Bytes an entry is counted for: its body and its query text (the bulk of the key)."""
    return len(answer.body) + len(key[1])


class CachingExecutor(Executor):
    """``inner``, with the answers of repeated deterministic queries kept in ``cache``."""

    def __init__(self, inner: Executor, cache: AnswerCache) -> None:
        self.inner = inner
        self.cache = cache
        self.timeout = inner.timeout

    def execute(self, request: QueryRequest, timeout: float | None = None) -> Streamed:
        if volatile(request.query):
            return self.inner.execute(request, timeout)
        key = (self.inner.version()[0], normalised(request.query), request.result_format,
               request.graph_format, request.default_graphs, request.named_graphs,
               request.row_limit, request.base_iri, request.bindings)
        kept = self.cache.get(key)
        if kept is not None:
            return Streamed.whole(kept.kind, kept.media_type, kept.truncated, kept.body)
        answer = self.inner.execute(request, timeout)
        if answer.body is not None:  # whole already (most answers): kept at once
            self.cache.put(key, _Answer(answer.kind, answer.media_type, answer.truncated, answer.body))
            return answer
        return Streamed(answer.kind, answer.media_type, answer.truncated,
                        self._keeping(key, answer))

    def _keeping(self, key: tuple, answer: Streamed) -> Iterator[bytes]:
        """The chunks of ``answer``, kept once the last one has been sent (a client that
        stops reading, or a stream that fails, leaves nothing behind)."""
        chunks: list[bytes] | None = []
        size = 0
        for chunk in answer.chunks:
            if chunks is not None:
                size += len(chunk)
                if size <= self.cache.max_entry:
                    chunks.append(chunk)
                else:
                    chunks = None
            yield chunk
        if chunks is not None:
            self.cache.put(key, _Answer(answer.kind, answer.media_type, answer.truncated,
                                        b"".join(chunks)))

    def update(self, request: str | UpdateRequest, timeout: float | None = None) -> None:
        try:
            self.inner.update(request, timeout)
        finally:  # the version moves anyway; the old answers would only take room
            self.cache.clear()

    def call(self, function: GraphFunction, call_timeout: float | None = None, **kwargs: Any) -> Any:
        return self.inner.call(function, call_timeout, **kwargs)

    def version(self) -> tuple[str, float]:
        return self.inner.version()

    def build_info(self) -> dict[str, Any]:
        return self.inner.build_info()

    @property
    def build_folder(self) -> Path | None:
        return self.inner.build_folder

    def close(self) -> None:
        self.cache.clear()
        self.inner.close()
