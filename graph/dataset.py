"""The RDF dataset of a SPARQL request, as SPARQL 1.1 Query, Update and Protocol define it. No HTTP.

A query's dataset is, in this order (Protocol 2.1.4, Query 13.2):

1. the protocol's ``default-graph-uri`` and ``named-graph-uri``, when either is sent: they
   replace the query's ``FROM`` and ``FROM NAMED``; ``named-graph-uri`` alone leaves the
   default graph empty, ``default-graph-uri`` alone leaves no named graph;
2. the query's ``FROM`` and ``FROM NAMED`` (``FROM NAMED`` alone: an empty default graph);
3. when the request names no dataset at all: the union of all the store's graphs as the
   default graph, every named graph for ``GRAPH``.

The ``WHERE`` of an update operation (Protocol 2.2.3, Update 3.1.3) follows the same order
with ``using-graph-uri`` and ``using-named-graph-uri``, then the operation's ``USING``,
``USING NAMED`` or ``WITH``, then the same union as queries. Sending the parameters with an
update whose text has ``USING``, ``USING NAMED`` or ``WITH`` is a :class:`DatasetConflict`.

pyoxigraph (0.5) takes a query's dataset as arguments but has none for an update, so an
update's dataset is written into its text: ``USING`` and ``USING NAMED`` clauses before the
``WHERE`` of each operation that has one (``DELETE WHERE { Q }`` becomes
``DELETE { Q } USING ... WHERE { Q }``), placed by reading the tokens of :mod:`graph.lexer`,
never by a regular expression over the text. The union is every named graph the store holds
when the update starts, plus a copy of the store's own default graph (where an update's
triples outside ``GRAPH`` go), taken just before each operation that reads it and dropped at
the end of the request, all in the same atomic update.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain

from graph.errors import DatasetConflict
from graph.lexer import keywords, standalone, tokens

__all__ = ["names_dataset", "update_dataset_clauses", "refuse_conflict", "with_using", "with_union", "with_graphs",
           "graphs_named"]

#: Cheap tests (in C) that spare most texts the token pass: no FROM, no USING or WITH, no WHERE.
_MENTIONS_FROM = re.compile("from", re.IGNORECASE)
_MENTIONS_DATASET = re.compile("using|with", re.IGNORECASE)
_MENTIONS_WHERE = re.compile("where", re.IGNORECASE)
#: Keywords that start an update operation (after its prologue).
_OPERATIONS = frozenset({"LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "INSERT", "DELETE",
                         "WITH"})


def names_dataset(query: str) -> bool:
    """Whether ``query`` names its dataset (``FROM`` or ``FROM NAMED``).

    Examples
    --------
    >>> names_dataset("ASK FROM <urn:g> { ?s ?p ?o }"), names_dataset("SELECT*FROM NAMED<urn:g>{}")
    (True, True)
    >>> names_dataset('SELECT ?from { ?from <urn:from> "FROM" . ?s ex:from ?o } # FROM <urn:g>')
    False
    """
    if not _MENTIONS_FROM.search(query):
        return False
    return any(k.depth == 0 for k in keywords(query, {"FROM"}))


def update_dataset_clauses(update: str) -> list[str]:
    """The dataset clauses in ``update`` (``USING``, for ``USING NAMED`` too, and ``WITH``), sorted.

    Examples
    --------
    >>> update_dataset_clauses("WITH <urn:g> DELETE { ?s ?p ?o } USING NAMED <urn:h> WHERE { ?s ?p ?o }")
    ['USING', 'WITH']
    >>> update_dataset_clauses("INSERT DATA { <urn:with> <urn:using> 'WITH' }")
    []
    """
    if not _MENTIONS_DATASET.search(update):
        return []
    return sorted({k.word for k in keywords(update, {"USING", "WITH"}) if k.depth == 0})


def refuse_conflict(update: str, using: Sequence[str] | None, using_named: Sequence[str] | None) -> None:
    """Refuse an update that names its dataset both by the protocol and in its text.

    Raises
    ------
    DatasetConflict
        When ``using`` or ``using_named`` (the protocol's ``using-graph-uri``,
        ``using-named-graph-uri``) is given and ``update`` has ``USING``, ``USING NAMED`` or
        ``WITH``.
    """
    if using is None and using_named is None:
        return
    if clauses := update_dataset_clauses(update):
        raise DatasetConflict(
            "using-graph-uri and using-named-graph-uri cannot be sent with an update whose text "
            f"has {' or '.join(clauses)} (SPARQL 1.1 Protocol, 2.2.3): name the dataset in one "
            "place", {"clauses": clauses})


@dataclass
class _Operation:
    """What the rewrite needs to know of one operation of an update request."""

    body: int | None = None  # where its first keyword is, after its prologue (None: a prologue alone)
    own_dataset: bool = False  # USING, USING NAMED or WITH
    where: int | None = None  # offset of its WHERE
    delete_where: tuple[int, int] | None = None  # the group of DELETE WHERE { ... }


def _operations(update: str) -> list[_Operation]:
    """The operations of ``update`` from one pass over its tokens: ``;`` between them and
    their keywords are at bracket depth 0 (inside brackets are templates, data and patterns)."""
    ops = [_Operation()]
    depth = pos = 0
    previous: str | None = None  # the keyword just before, at depth 0
    group: int | None = None  # where the group of a DELETE WHERE opens
    awaiting_group = False
    for m in chain(tokens(update), [None]):
        if depth == 0:  # ';' between tokens at depth 0 separates operations
            end = len(update) if m is None else m.start()
            semicolon = update.find(";", pos, end)
            while semicolon != -1:
                ops.append(_Operation())
                previous, awaiting_group = None, False
                semicolon = update.find(";", semicolon + 1, end)
        if m is None:
            break
        pos = m.end()
        op, kind = ops[-1], m.lastgroup
        if kind == "open":
            if depth == 0:
                if awaiting_group and m.group() == "{":
                    group = m.start()
                previous, awaiting_group = None, False
            depth += 1
        elif kind == "close":
            depth = max(depth - 1, 0)
            if depth == 0 and group is not None:
                op.delete_where, group = (group, pos), None
        elif kind == "word" and depth == 0 and standalone(update, m):
            word = m.group().upper()
            if op.body is None and word in _OPERATIONS:
                op.body = m.start()
            op.own_dataset |= word in ("USING", "WITH")
            if word == "WHERE":
                op.where = m.start()
                awaiting_group = previous == "DELETE"
            previous = word
    return ops


def _iri(iri: str) -> str:
    # IRIs checked where they came in (the protocol's parameters: graph.namespaces.is_iri) or
    # read from the store: no '>' or space can end them early
    return f"<{iri}>"


def _clauses(default: Iterable[str], named: Iterable[str]) -> str:
    return " ".join([f"USING {_iri(g)}" for g in default] + [f"USING NAMED {_iri(g)}" for g in named])


def _before_where(update: str, op: _Operation, clauses: str) -> tuple[int, str]:
    """What to insert before the WHERE of ``op`` so that ``clauses`` give its dataset."""
    assert op.where is not None
    if op.delete_where is not None:  # DELETE WHERE { Q } -> DELETE { Q } USING ... WHERE { Q }
        start, end = op.delete_where
        return op.where, f"{update[start:end]} {clauses} "
    return op.where, f" {clauses} "


def _spliced(update: str, inserts: list[tuple[int, str]]) -> str:
    pieces, last = [], 0
    for at, text in sorted(inserts, key=lambda insert: insert[0]):  # stable: same place, same order
        pieces += [update[last:at], text]
        last = at
    pieces.append(update[last:])
    return "".join(pieces)


def with_using(update: str, using: Sequence[str], using_named: Sequence[str]) -> str:
    """``update`` with the protocol's ``using-graph-uri`` (``using``) and
    ``using-named-graph-uri`` (``using_named``) written as the dataset of each operation that
    has a ``WHERE``.

    Raises
    ------
    DatasetConflict
        When ``update`` names a dataset itself (see :func:`refuse_conflict`).

    Examples
    --------
    >>> with_using("DELETE WHERE { ?s <urn:p> ?o }", ["urn:g"], [])
    'DELETE { ?s <urn:p> ?o } USING <urn:g> WHERE { ?s <urn:p> ?o }'
    """
    refuse_conflict(update, using, using_named)
    if not (using or using_named) or not _MENTIONS_WHERE.search(update):
        return update
    clauses = _clauses(using, using_named)
    return _spliced(update, [_before_where(update, op, clauses)
                             for op in _operations(update) if op.where is not None])


#: Keywords after which an update names a graph: ``GRAPH <g>`` (data, templates, patterns,
#: CREATE, CLEAR, DROP, LOAD ... INTO GRAPH), ``TO <g>`` (ADD, MOVE, COPY), ``WITH <g>``.
_BEFORE_GRAPH = frozenset({"GRAPH", "TO", "WITH"})


def graphs_named(update: str) -> list[str]:
    """The absolute IRIs written after ``GRAPH``, ``TO`` or ``WITH`` in ``update``, in order,
    once each (graphs named by prefixed names or variables are not read).

    Examples
    --------
    >>> graphs_named("INSERT DATA { GRAPH <urn:a> { <urn:s> <urn:p> 1 } } ; COPY <urn:a> TO <urn:b>")
    ['urn:a', 'urn:b']
    """
    out: dict[str, None] = {}
    after = False
    for m in tokens(update):
        if m.lastgroup == "word":
            after = standalone(update, m) and m.group().upper() in _BEFORE_GRAPH
        elif m.lastgroup == "iri":
            iri = m.group()[1:-1]
            if after and ":" in iri:
                out[iri] = None
            after = False
        elif m.lastgroup != "comment":
            after = False
    return list(out)


def with_union(update: str, named_graphs: Iterable[str], copy: str) -> str:
    """``update`` with the union of all graphs written as the dataset of each operation that
    has a ``WHERE`` and no dataset of its own.

    ``named_graphs`` are the store's named graphs (read only when an operation needs them);
    ``copy`` is the IRI of a graph that holds no data, where a copy of the store's default
    graph is made before each such operation and which is dropped at the end.

    Examples
    --------
    >>> print(with_union("INSERT { ?s <urn:q> 1 } WHERE { ?s ?p 0 }", ["urn:g"], "urn:c"))
    COPY DEFAULT TO <urn:c> ; INSERT { ?s <urn:q> 1 }  USING <urn:c> USING <urn:g> USING NAMED <urn:g> WHERE { ?s ?p 0 }
    ;DROP SILENT GRAPH <urn:c>
    """
    return _with_graphs(update, named_graphs, copy)


def with_graphs(update: str, graphs: Iterable[str]) -> str:
    """``update`` with the union of ``graphs`` (and of the graphs it names itself) written as
    the dataset of each operation that has a ``WHERE`` and no dataset of its own: the union
    as a store that keeps nothing in its default graph sees it (a remote store).

    Examples
    --------
    >>> print(with_graphs("DELETE { ?s ?p 0 } WHERE { ?s ?p 0 }", ["urn:g"]))
    DELETE { ?s ?p 0 }  USING <urn:g> USING NAMED <urn:g> WHERE { ?s ?p 0 }
    """
    return _with_graphs(update, graphs, None)


def _with_graphs(update: str, named_graphs: Iterable[str], copy: str | None) -> str:
    if not _MENTIONS_WHERE.search(update):
        return update
    ops = _operations(update)
    # (a WHERE before any operation keyword is a syntax error: left for the parser to report)
    reading = [op for op in ops if op.where is not None and op.body is not None and not op.own_dataset]
    if not reading:
        return update
    # graphs the update itself creates or fills are in the union of its later operations:
    # every graph it names joins those the store holds (one that stays empty adds nothing)
    held = list(named_graphs)
    named = held + [g for g in graphs_named(update) if g not in held and g != copy]
    clauses = _clauses([copy, *named] if copy else named, named)
    inserts: list[tuple[int, str]] = []
    for op in reading:
        # after the operation's prologue: pyoxigraph 0.5 reads no prologue after a ';'
        assert op.body is not None
        if copy:
            inserts.append((op.body, f"COPY DEFAULT TO {_iri(copy)} ; "))
        inserts.append(_before_where(update, op, clauses))
    if copy:
        # a line break ends a comment on the last line; a request may end with ';'
        end = "\n;" if ops[-1].body is not None else "\n"
        inserts.append((len(update), f"{end}DROP SILENT GRAPH {_iri(copy)}"))
    return _spliced(update, inserts)
