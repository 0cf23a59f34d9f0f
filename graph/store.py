"""The store: the only module that knows which engine holds the graph (Oxigraph or rdflib). No HTTP.

Everything else calls :class:`KnowledgeGraph`. A query or update that names no dataset sees
the union of all graphs as its default graph (the rules are in :mod:`graph.dataset`).
Parameters are bound as RDF terms (``substitutions`` in Oxigraph,
``initBindings`` in rdflib), never pasted into the query text. Library exceptions are
translated here: a query that does not parse raises :class:`~graph.errors.QuerySyntaxError`,
an engine or I/O failure :class:`~graph.errors.StoreError`.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO, TypedDict, cast
from typing import Literal as KindLiteral

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import IdentifiedNode, Identifier, Node

from graph import dataset, leases
from graph.errors import (
    BadParameter,
    IkgError,
    NotAcceptable,
    QuerySyntaxError,
    StoreError,
    StoreNotFound,
    UpdateFailed,
)
from graph.formats import FILE_FORMATS, GRAPH_FORMATS
from graph.leases import Lease
from graph.lexer import undeclared_prefixes
from graph.namespaces import PREFIXES
from graph.results import RESULT_MEDIA_TYPES, ask_chunk, select_chunks

__all__ = [
    "QueryRequest",
    "UpdateRequest",
    "SLOW_QUERY_HINT",
    "Streamed",
    "streamed_answer",
    "QueryResult",
    "KnowledgeGraph",
    "OxigraphGraph",
    "RdflibGraph",
    "StoreLocation",
    "open_store",
    "store_path",
    "serialise",
    "read_build_info",
    "record_update",
    "build_version",
]

#: Prefixes used when writing Turtle and RDF/XML answers.
SERIALISATION_PREFIXES = {k: v for k, v in PREFIXES.items() if k not in ("sh", "owl")}


#: What a timeout answer suggests: the usual cause of a slow query on this engine. Measured
#: with pyoxigraph 0.5.13 on 300,000 triples: the triple patterns of one group are reordered
#: (a broad one first: 0.01 s), but an OPTIONAL is not (first: 0.35 s, after: 0.000 s) and a
#: sub-query is computed in full wherever it stands (0.09-0.11 s).
SLOW_QUERY_HINT = (
    "Oxigraph orders the triple patterns of a group itself, but not across OPTIONAL, and it "
    "computes a sub-query in full: an OPTIONAL written before the patterns that bind its "
    "variables, or a sub-query without a selective pattern inside, runs over the whole graph. "
    "Put the most selective pattern first (a fixed IRI or literal, a rare class), each OPTIONAL "
    "after the patterns that bind its variables, and add a LIMIT while exploring.")


@dataclass(frozen=True)
class QueryRequest:
    """One query as the SPARQL protocol sends it, with what the answer must look like.

    ``default_graphs`` / ``named_graphs`` are the protocol's ``default-graph-uri`` and
    ``named-graph-uri`` (None when not sent); when either is sent they are the dataset (one
    alone leaves the other part empty), else the query's ``FROM`` / ``FROM NAMED``, else the
    union of all graphs is the default graph and every graph is named (:mod:`graph.dataset`).
    ``base_iri`` resolves the query's relative IRIs. ``row_limit`` caps the rows (SELECT) or
    triples (CONSTRUCT, DESCRIBE) returned. A format of None means the client accepts no
    format for that kind of answer: such an answer raises :class:`NotAcceptable`.
    """

    query: str
    result_format: str | None = "json"
    graph_format: str | None = "turtle"
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    row_limit: int = 100_000
    bindings: tuple[tuple[str, Node], ...] = ()
    base_iri: str | None = None


@dataclass(frozen=True)
class UpdateRequest:
    """One update as the SPARQL protocol sends it.

    ``using_graphs`` / ``using_named_graphs`` are the protocol's ``using-graph-uri`` and
    ``using-named-graph-uri`` (None when not sent): when either is sent it is the dataset of
    every operation's ``WHERE``, else the operation's ``USING`` or ``WITH``, else the union of
    all graphs, as for queries (:mod:`graph.dataset`). ``base_iri`` resolves relative IRIs.
    """

    update: str
    using_graphs: tuple[str, ...] | None = None
    using_named_graphs: tuple[str, ...] | None = None
    base_iri: str | None = None

    @classmethod
    def of(cls, request: str | UpdateRequest) -> UpdateRequest:
        """``request``, or an update text as a request without parameters."""
        return cls(request) if isinstance(request, str) else request


@dataclass
class Streamed:
    """An answer being produced: its kind and media type, whether the row cap cut it, and
    its bytes, in chunks; ``body`` holds them all when the answer is already whole in
    memory (then ``chunks`` yields just it), so that it can be sent with its length."""

    kind: KindLiteral["select", "ask", "graph"]
    media_type: str
    truncated: bool
    chunks: Iterator[bytes]
    body: bytes | None = None

    @classmethod
    def whole(cls, kind: KindLiteral["select", "ask", "graph"], media_type: str, truncated: bool,
              body: bytes) -> Streamed:
        """An answer whose bytes are all here."""
        return cls(kind, media_type, truncated, iter([body]), body)


@dataclass
class QueryResult:
    """The answer of a query, as rdflib terms.

    ``kind`` is ``select`` (``variables`` and ``rows``), ``ask`` (``boolean``) or ``graph``
    (``triples``, for CONSTRUCT and DESCRIBE).
    """

    kind: KindLiteral["select", "ask", "graph"]
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[tuple[Node, Node, Node]] = field(default_factory=list)

    def records(self) -> list[dict[str, Any]]:
        """Rows as dicts of Python values (``toPython()``), for tables and JSON."""
        return [
            {v: (cast("IdentifiedNode | Literal", t).toPython() if t is not None else None)
             for v, t in zip(self.variables, row)}
            for row in self.rows
        ]


class KnowledgeGraph(ABC):
    """The interface every engine offers. Use :func:`open_store` to get one."""

    engine = "abstract"
    #: Whether the engine joins sub-selects by hashing, scanning each once (Oxigraph): a query
    #: over many records is then fastest written as sub-selects. An engine that plans joins
    #: by cost (Virtuoso) takes the plain pattern better, and may refuse the sub-selects.
    subselect_joins = True

    def join_part(self, variables: str, pattern: str, distinct: bool = False) -> str:
        """``pattern``, to be joined with the rest of a query on ``variables``, as the engine
        joins it best: a sub-select when :attr:`subselect_joins`, else the plain pattern
        (which must then bind no other variable that the rest of the query uses)."""
        if not self.subselect_joins:
            return f"{pattern.rstrip().removesuffix('.')} ."
        return f"{{ SELECT {'DISTINCT ' if distinct else ''}{variables} WHERE {{ {pattern} }} }}"

    def records(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> list[dict[str, Any]]:
        """The rows of a SELECT as dicts of Python values, as :meth:`QueryResult.records`
        gives them (an engine may read them faster without making RDF terms first).

        Raises
        ------
        As :meth:`query`.
        """
        return self.query(sparql, bindings).records()

    def insert_where(self, prologue: str, graph: str, template: str, where: str) -> None:
        """Add to ``graph`` the triples of ``template`` for each solution of ``where``, as
        ``INSERT { GRAPH <graph> { template } } WHERE { where }`` does over the union of all
        graphs; an engine may add them outside a transaction (then an update that fails
        halfway leaves part of them).

        Raises
        ------
        QuerySyntaxError, StoreError
        """
        self.update(f"{prologue}INSERT {{ GRAPH <{graph}> {{ {template} }} }} WHERE {{ {where} }}")

    #: How many times this process changed the store (updates, loads): a key for caches of
    #: what was read from it.
    changes = 0

    @abstractmethod
    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None,
              dataset: tuple[str, ...] | None = None) -> QueryResult:
        """Run a SPARQL query with ``bindings`` (variable name to RDF term) bound as terms;
        ``dataset`` names the graphs that are its default graph (their union) and its named
        graphs, instead of all of them.

        Raises
        ------
        QuerySyntaxError
            When the query does not parse.
        StoreError
            When the engine fails.
        """

    @abstractmethod
    def stream(self, request: QueryRequest) -> Streamed:
        """Run a protocol query: the answer in the requested format, capped at the row limit,
        in chunks. Errors in the query are raised before the first chunk.

        Raises
        ------
        QuerySyntaxError, StoreError
        """

    @abstractmethod
    def update(self, request: str | UpdateRequest) -> None:
        """Run a SPARQL update (a text, or a protocol request with its dataset), atomically.

        Raises
        ------
        QuerySyntaxError
            When the update does not parse.
        DatasetConflict
            When the request sends a dataset and the update's text names one too.
        StoreError
            When the engine fails.
        """

    @abstractmethod
    def load(
        self, path: Path | str, fmt: str, graph: str | None = None, lenient: bool = False
    ) -> None:
        """Load an RDF file (``fmt`` a key of :data:`graph.formats.FILE_FORMATS`) into ``graph`` or as quads;
        ``lenient`` skips checks where the engine can (files the store wrote itself)."""

    @abstractmethod
    def __len__(self) -> int:
        """The number of quads."""

    def close(self) -> None:  # noqa: B027 - engines without resources need not override it
        """Release the engine's resources."""

    @abstractmethod
    def quads(self) -> Iterator[tuple[Node, Node, Node, Node | None]]:
        """Every quad, as rdflib terms (graph None for the default graph)."""


# ----------------------------------------------------------------------------- Oxigraph

#: The terms a query may bind (pyoxigraph's ``substitutions`` values).
_OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


class _DatasetOptions(TypedDict, total=False):
    """The dataset keyword arguments of ``pyoxigraph.Store.query``."""

    use_default_graph_as_union: bool
    default_graph: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph]
    named_graphs: list[ox.NamedNode | ox.BlankNode]


def _to_ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot bind {term!r}")


def _from_ox(term: object) -> Node | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value
        if dt == "http://www.w3.org/2001/XMLSchema#string":
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(dt))
    if isinstance(term, ox.DefaultGraph):
        return None
    raise TypeError(f"unexpected term {term!r}")


_XSD = "http://www.w3.org/2001/XMLSchema#"
#: Python values of the common datatypes, as rdflib's ``toPython()`` makes them.
_PYTHON: dict[str, Callable[[str], Any]] = {
    _XSD + "string": str, _XSD + "integer": int, _XSD + "decimal": Decimal, _XSD + "double": float,
    _XSD + "boolean": lambda v: v in ("true", "1"),
    _XSD + "date": lambda v: date.fromisoformat(v) if len(v) == 10 else None,
}


def _python(term: object) -> Any:
    """The Python value of a pyoxigraph term, as ``_from_ox(term).toPython()`` is."""
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.Literal) and not term.language:
        make = _PYTHON.get(term.datatype.value)
        if make is not None:
            try:
                value = make(term.value)
            except ValueError:
                value = None
            if value is not None:
                return value
    made = _from_ox(term)
    return None if made is None else cast("IdentifiedNode | Literal", made).toPython()


_POSITION = re.compile(r"(\d+):(\d+)")


def _syntax_error(e: SyntaxError, text: str) -> QuerySyntaxError:
    """The engine's syntax error in ``text``, naming the prefix when one is not declared."""
    message = str(e)
    detail: dict[str, object] = {"message": message}
    m = _POSITION.search(message)
    if m:
        detail["line"], detail["column"] = int(m.group(1)), int(m.group(2))
    # pyoxigraph 0.5 never names the prefix: it lists "Prefix not found" among the tokens it
    # expected, or (after a ';') only those ("expected OPTIONAL"). A prefix used and not
    # declared is an error whatever the engine says, so the tokens decide.
    missing = undeclared_prefixes(text)
    if not missing:
        return QuerySyntaxError(f"the query does not parse: {message}", detail)
    name = missing[0]
    iri = PREFIXES.get(name, "...")  # ikg's own prefixes, spelled out
    where = f" (the parser stopped at line {detail['line']}, column {detail['column']})" if m else ""
    detail |= {"prefix": name, "undeclared_prefixes": missing}
    return QuerySyntaxError(f"the prefix '{name}:' is used but not declared{where}: add "
                            f"'PREFIX {name}: <{iri}>' at the start", detail)


#: pyoxigraph 0.5's RuntimeErrors that a request causes, and what they are: a bound value
#: for a variable the SELECT does not project, and a graph that an update operation needs
#: to exist (CLEAR, DROP, ADD...) or not to exist (CREATE) without SILENT.
_PROJECTION = re.compile(r"does not contains? variable \?(\w+) in its SELECT projection")
_GRAPH = re.compile(r"^The graph (<[^>]*>|\S+) (does not exist|already exists)$")


def _engine_error(e: RuntimeError) -> IkgError:
    """A RuntimeError of the engine as ikg's error: the two a request causes are 400s; any
    other is a server fault (a 500, logged)."""
    message = str(e)
    if m := _PROJECTION.search(message):
        return BadParameter(f"?{m.group(1)} is bound but the SELECT does not return it: a bound "
                            "parameter must be one of the variables the SELECT returns",
                            {"param": m.group(1)})
    if m := _GRAPH.match(message):
        hint = ("add SILENT to ignore a missing graph" if m.group(2) == "does not exist"
                else "add SILENT to ignore a graph that exists")
        return UpdateFailed(f"the update was not applied: the graph {m.group(1)} {m.group(2)} "
                            f"({hint}); nothing was changed", {"graph": m.group(1).strip("<>")})
    return StoreError(f"the engine failed: {message}")


@contextmanager
def _translated(text: str) -> Iterator[None]:
    """pyoxigraph's exceptions as ikg's, in one place (``text``: the query or update run)."""
    try:
        yield
    except SyntaxError as e:
        raise _syntax_error(e, text) from e
    except RuntimeError as e:
        raise _engine_error(e) from e
    except OSError as e:
        raise StoreError(f"the store failed: {e}") from e


def _dataset_options(request: QueryRequest) -> _DatasetOptions:
    """pyoxigraph's dataset arguments for ``request`` (the rules: :mod:`graph.dataset`)."""
    if request.default_graphs is not None or request.named_graphs is not None:
        return {"default_graph": [ox.NamedNode(g) for g in request.default_graphs or ()],
                "named_graphs": [ox.NamedNode(g) for g in request.named_graphs or ()]}
    if dataset.names_dataset(request.query):
        return {}  # the query's FROM and FROM NAMED (pyoxigraph's union option would override them)
    return {"use_default_graph_as_union": True}


def _streamed(res: object, request: QueryRequest) -> Streamed:
    """Oxigraph's answer to ``request``, as :func:`streamed_answer` writes it."""
    if isinstance(res, ox.QueryBoolean):
        return streamed_answer("ask", [], bool(res), request)
    if isinstance(res, ox.QuerySolutions):  # values in the order of the names
        return streamed_answer("select", [v.value for v in res.variables], (tuple(sol) for sol in res), request)
    return streamed_answer("graph", [], cast(Iterator[ox.Triple], res), request)


def streamed_answer(kind: str, names: list[str], answer: Iterator[tuple] | Iterator[ox.Triple] | bool,
                    request: QueryRequest) -> Streamed:
    """An answer of ``kind`` (``ask``: a boolean; ``select``: rows of Oxigraph terms in the
    order of ``names``; ``graph``: Oxigraph triples) in the format ``request`` asks for: at
    most ``row_limit`` rows collected (one more read, to know whether the cap cut the answer),
    then written in chunks by ikg's own writers, whichever engine answered."""
    limit = request.row_limit
    if isinstance(answer, bool):
        fmt = _acceptable(request.result_format, "ASK")
        return Streamed("ask", RESULT_MEDIA_TYPES[fmt], False, iter([ask_chunk(answer, fmt)]))
    rows = list(islice(answer, limit + 1))
    if kind == "select":
        fmt = _acceptable(request.result_format, "SELECT")
        return Streamed("select", RESULT_MEDIA_TYPES[fmt], len(rows) > limit,
                        select_chunks(names, cast("list[tuple]", rows[:limit]), fmt))
    name = _acceptable(request.graph_format, "CONSTRUCT and DESCRIBE")
    return Streamed("graph", GRAPH_FORMATS[name][2], len(rows) > limit,
                    iter([_serialise_triples(rows[:limit], name)]))


def _acceptable(fmt: str | None, kind: str) -> str:
    if fmt is None:
        raise NotAcceptable(f"none of the media types in Accept fits a {kind} answer",
                            {"kind": kind})
    return fmt


def _serialise_triples(triples: list, name: str) -> bytes:
    """Oxigraph triples in the graph format ``name`` (N-Quads: in the default graph); Turtle
    and RDF/XML with :data:`SERIALISATION_PREFIXES`."""
    gfmt = GRAPH_FORMATS[name][0]
    if gfmt == ox.RdfFormat.N_QUADS:  # triples of the answer, in the default graph
        return cast(bytes, ox.serialize([ox.Quad(t.subject, t.predicate, t.object) for t in triples],
                                        format=gfmt))
    prefixes = SERIALISATION_PREFIXES if gfmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
    return cast(bytes, ox.serialize(triples, format=gfmt, prefixes=prefixes))


def serialise(triples: Iterable[tuple[Node, Node, Node]], fmt: str) -> bytes:
    """rdflib triples written by Oxigraph's serialisers (much faster than rdflib's, and
    literals keep their lexical form), as ``fmt``: a key of :data:`GRAPH_FORMATS` other than
    ``nquads``; Turtle and RDF/XML with :data:`SERIALISATION_PREFIXES`.

    Raises
    ------
    StoreError
        When a term cannot be written in ``fmt``.
    """
    try:
        return _serialise_triples(
            [ox.Triple(_to_ox(s), _to_ox(p), _to_ox(o)) for s, p, o in triples], fmt)  # type: ignore[arg-type]
    except (ValueError, TypeError, SyntaxError) as e:
        raise StoreError(f"cannot write the triples as {fmt}: {e}") from e


class OxigraphGraph(KnowledgeGraph):
    """The embedded Oxigraph store, on disk (``path``) or in memory (``path`` None)."""

    engine = "oxigraph"

    def __init__(self, path: Path | str | None = None, read_only: bool = False) -> None:
        try:
            if path is None:
                self._store = ox.Store()
            elif read_only:
                self._store = ox.Store.read_only(str(path))
            else:
                self._store = ox.Store(str(path))
        except OSError as e:
            raise StoreError(f"cannot open the store at {path}: {e}") from e
        self.path = Path(path) if path else None

    @property
    def raw(self) -> ox.Store:
        """The pyoxigraph store, for code that streams results in Oxigraph's own formats."""
        return self._store

    def _run(self, sparql: str, bindings: Mapping[str, Node] | None,  # noqa: ANN202
             graphs: tuple[str, ...] | None = None):
        subs: dict[ox.Variable, _OxTerm] = {}
        for k, v in (bindings or {}).items():
            try:
                subs[ox.Variable(k)] = _to_ox(v)
            except ValueError as e:  # a malformed IRI or literal, from a request
                raise BadParameter(f"{v!s:.200} is not a valid {type(v).__name__} for '{k}': {e}",
                                   {"param": k}) from None
        if graphs is not None:
            named: list[ox.NamedNode | ox.BlankNode] = [ox.NamedNode(g) for g in graphs]
            default: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = list(named)
            return self._store.query(sparql, default_graph=default, named_graphs=named, substitutions=subs or None)
        return self._store.query(sparql, use_default_graph_as_union=not dataset.names_dataset(sparql),
                                 substitutions=subs or None)

    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None,
              dataset: tuple[str, ...] | None = None) -> QueryResult:
        with _translated(sparql):  # results are lazy: iterate inside, where errors are translated
            res = self._run(sparql, bindings, dataset)
            if isinstance(res, ox.QueryBoolean):
                return QueryResult("ask", boolean=bool(res))
            if isinstance(res, ox.QuerySolutions):
                names = [v.value for v in res.variables]
                rows = [tuple(_from_ox(sol[n]) for n in names) for sol in res]
                return QueryResult("select", variables=names, rows=rows)
            triples = [(_from_ox(t.subject), _from_ox(t.predicate), _from_ox(t.object)) for t in res]
            return QueryResult("graph", triples=triples)  # type: ignore[arg-type]

    def records(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> list[dict[str, Any]]:
        # straight from pyoxigraph's terms: making rdflib terms first took 7 of the 12 s of
        # the 88,576 rows of the transfers view's growth at scale 100
        with _translated(sparql):
            res = self._run(sparql, bindings, None)
            if not isinstance(res, ox.QuerySolutions):
                raise BadParameter("records are the rows of a SELECT query", {"param": "query"})
            names = [v.value for v in res.variables]
            return [{n: _python(sol[n]) for n in names} for sol in res]

    def stream(self, request: QueryRequest) -> Streamed:
        subs: dict[ox.Variable, _OxTerm] = {ox.Variable(k): _to_ox(v) for k, v in request.bindings}
        with _translated(request.query):
            res = self._store.query(request.query, base_iri=request.base_iri,
                                    substitutions=subs or None, **_dataset_options(request))
            return _streamed(res, request)

    def update(self, request: str | UpdateRequest) -> None:
        req = UpdateRequest.of(request)
        self.changes += 1
        with _translated(req.update):
            if req.using_graphs is not None or req.using_named_graphs is not None:
                text = dataset.with_using(req.update, req.using_graphs or (), req.using_named_graphs or ())
            else:  # the union, as queries see it; blank-node graph names cannot be written
                text = dataset.with_union(
                    req.update, (g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode)),
                    f"urn:uuid:{uuid.uuid4()}")
            try:
                self._store.update(text, base_iri=req.base_iri)
            except SyntaxError:
                if text == req.update:
                    raise
                # the error's position must be in the text the client sent: parse that one
                # (pyoxigraph 0.5 parses an update only to run it: on an empty store)
                ox.Store().update(req.update, base_iri=req.base_iri)
                raise StoreError("the update's dataset could not be written into it") from None

    def load(
        self, path: Path | str, fmt: str, graph: str | None = None, lenient: bool = False
    ) -> None:
        """Bulk-load a file; ``lenient`` skips IRI checks (for files this store wrote itself)."""
        self.changes += 1
        try:
            self._store.bulk_load(
                path=str(path),
                format=FILE_FORMATS[fmt][0],
                to_graph=ox.NamedNode(graph) if graph else None,
                lenient=lenient,
            )
        except SyntaxError as e:
            raise QuerySyntaxError(f"{path} is not valid {fmt}: {e}", {"file": str(path)}) from e
        except OSError as e:
            raise StoreError(f"cannot load {path}: {e}") from e

    def insert_where(self, prologue: str, graph: str, template: str, where: str) -> None:
        # a CONSTRUCT through the bulk loader: an INSERT of the 2.4 million derived quads of
        # scale 100 in one transaction took 823 s and 5.8 GB
        self.changes += 1
        with _translated(where):
            triples = self._store.query(f"{prologue}CONSTRUCT {{ {template} }} WHERE {{ {where} }}",
                                        use_default_graph_as_union=True)
            g = ox.NamedNode(graph)
            self._store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, g)
                                    for t in cast(ox.QueryTriples, triples))

    def __len__(self) -> int:
        return len(self._store)

    def dump(self, path: Path | str, graph: str | None = None) -> None:
        """Write every quad to ``path`` as N-Quads, or one named graph as N-Triples."""
        try:
            if graph:
                self._store.dump(output=str(path), format=ox.RdfFormat.N_TRIPLES,
                                 from_graph=ox.NamedNode(graph))
            else:
                self._store.dump(output=str(path), format=ox.RdfFormat.N_QUADS)
        except OSError as e:
            raise StoreError(f"cannot write {path}: {e}") from e

    def backup(self, path: Path | str) -> None:
        """Copy the store to the new folder ``path`` (hard links to its immutable files: a
        copy of any size takes milliseconds); this store is not changed.

        Raises
        ------
        StoreError
            When the store is in memory, or the copy cannot be made.
        """
        try:
            self._store.backup(str(path))
        except (OSError, ValueError) as e:
            raise StoreError(f"cannot copy the store to {path}: {e}") from e

    def write_triples(self, output: BinaryIO, fmt: str = "ntriples") -> None:
        """Write the distinct triples of all graphs together (the union default graph) to
        ``output`` as N-Triples, or every quad as N-Quads (``fmt`` ``nquads``), keeping the
        lexical forms of literals. (The dumps' Turtle is read back from the N-Triples: a query
        of its own would gather every distinct triple a second time.)

        Raises
        ------
        StoreError
            When the engine or the output fails.
        """
        try:
            if fmt == "nquads":
                self._store.dump(output, ox.RdfFormat.N_QUADS)
                return
            triples = cast(ox.QueryTriples, self._store.query(
                "CONSTRUCT { ?s ?p ?o } WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }",
                use_default_graph_as_union=True))
            triples.serialize(output, ox.RdfFormat.N_TRIPLES)
        except (OSError, RuntimeError) as e:
            raise StoreError(f"cannot write the graph as {fmt}: {e}") from e

    def flush(self, compact: bool = True) -> None:
        """Write everything to disk; ``compact`` also compacts the whole store (after bulk
        loads; an update needs only its own writes flushed, which keeps the log short)."""
        try:
            self._store.flush()
            if compact:
                self._store.optimize()
        except OSError as e:
            raise StoreError(f"the store failed: {e}") from e

    def quads(self) -> Iterator[tuple[Node, Node, Node, Node | None]]:
        for q in self._store:
            yield (_from_ox(q.subject), _from_ox(q.predicate), _from_ox(q.object),  # type: ignore[misc]
                   _from_ox(q.graph_name))

    def close(self) -> None:
        """Release the store (and its lock: the folder may then be opened again); idempotent."""
        self.__dict__.pop("_store", None)


# ----------------------------------------------------------------------------- rdflib


class RdflibGraph(KnowledgeGraph):
    """rdflib's in-memory Dataset: slow, for small graphs and cross-checks only."""

    engine = "rdflib"

    def __init__(self) -> None:
        self._ds = Dataset(default_union=True)

    def _run(self, sparql: str, bindings: Mapping[str, Node] | None):  # noqa: ANN202
        try:
            return self._ds.query(sparql, initBindings=dict(cast("Mapping[str, Identifier]", bindings or {})))
        except Exception as e:  # rdflib raises pyparsing's ParseException, not a SyntaxError
            if type(e).__name__ in ("ParseException", "ParseSyntaxException"):
                raise QuerySyntaxError(f"the query does not parse: {e}", {"message": str(e)}) from e
            raise

    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None,
              dataset: tuple[str, ...] | None = None) -> QueryResult:
        if dataset is not None:
            raise QuerySyntaxError("the rdflib engine does not take a dataset", {})
        res = self._run(sparql, bindings)
        if res.type == "ASK":
            return QueryResult("ask", boolean=bool(res.askAnswer))
        if res.type == "SELECT":
            names = [str(v) for v in res.vars or []]
            return QueryResult("select", variables=names, rows=[tuple(r) for r in res])
        return QueryResult("graph", triples=list(res.graph))  # type: ignore[arg-type]

    def stream(self, request: QueryRequest) -> Streamed:
        # rdflib: for small graphs only; the terms go through the same writers as Oxigraph's
        if request.default_graphs is not None or request.named_graphs is not None:
            raise QuerySyntaxError("the rdflib engine does not take default-graph-uri or "
                                   "named-graph-uri", {})
        res = self.query(request.query, dict(request.bindings))
        limit = request.row_limit
        if res.kind == "ask":
            fmt = _acceptable(request.result_format, "ASK")
            return Streamed("ask", RESULT_MEDIA_TYPES[fmt], False,
                            iter([ask_chunk(bool(res.boolean), fmt)]))
        if res.kind == "select":
            fmt = _acceptable(request.result_format, "SELECT")
            rows = [tuple(None if t is None else _to_ox(t) for t in row) for row in res.rows]
            return Streamed("select", RESULT_MEDIA_TYPES[fmt], len(rows) > limit,
                            select_chunks(res.variables, rows[:limit], fmt))
        name = _acceptable(request.graph_format, "CONSTRUCT and DESCRIBE")
        # subjects of answer triples are IRIs or blank nodes, predicates IRIs
        triples = [ox.Triple(cast("ox.NamedNode | ox.BlankNode", _to_ox(s)), cast(ox.NamedNode, _to_ox(p)), _to_ox(o))
                   for s, p, o in res.triples]
        return Streamed("graph", GRAPH_FORMATS[name][2], len(triples) > limit,
                        iter([_serialise_triples(triples[:limit], name)]))

    def update(self, request: str | UpdateRequest) -> None:
        req = UpdateRequest.of(request)
        if req.using_graphs is not None or req.using_named_graphs is not None:
            raise QuerySyntaxError("the rdflib engine does not take using-graph-uri or "
                                   "using-named-graph-uri", {})
        self.changes += 1
        try:
            self._ds.update(req.update)
        except Exception as e:
            if type(e).__name__ in ("ParseException", "ParseSyntaxException"):
                raise QuerySyntaxError(f"the update does not parse: {e}") from e
            raise

    def load(
        self, path: Path | str, fmt: str, graph: str | None = None, lenient: bool = False
    ) -> None:
        self.changes += 1
        name = FILE_FORMATS[fmt][1]
        if graph:
            self._ds.graph(URIRef(graph)).parse(str(path), format=name)
        else:
            self._ds.parse(str(path), format=name)

    def __len__(self) -> int:
        return sum(1 for _ in self._ds.quads((None, None, None, None)))

    def quads(self) -> Iterator[tuple[Node, Node, Node, Node | None]]:
        for s, p, o, g in self._ds.quads((None, None, None, None)):
            yield s, p, o, (cast(Graph, g).identifier if hasattr(g, "identifier") else g)


# ----------------------------------------------------------------------------- on disk


class StoreLocation:
    """A store folder: ``builds/<name>/`` Oxigraph stores, ``CURRENT`` naming the one in use and
    ``PREVIOUS`` the one in use before it.

    A build writes a new folder and switches ``CURRENT`` only after it succeeded, so the store
    being served is never touched by a build. What is kept is decided from facts, never from
    modification times: the build in use, the one before it (for a rollback) and every build
    a running process leases (see :mod:`graph.leases`: a server on the build it serves, a
    build on its new folder, an export on the build it reads). Every other folder under
    ``builds/``, such as one half written by a build that was killed, is removed by
    :meth:`switch` and by :meth:`clean`, which a build calls as it starts.
    """

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root).resolve()
        self.builds = self.root / "builds"
        self.pointer = self.root / "CURRENT"
        self.previous_pointer = self.root / "PREVIOUS"

    def _named(self, pointer: Path) -> Path | None:
        try:
            name = pointer.read_text(encoding="utf8").strip()
        except FileNotFoundError:
            return None
        path = self.builds / name
        return path if name and path.is_dir() else None

    def current(self) -> Path | None:
        """The folder of the store in use, or None when nothing was built yet."""
        return self._named(self.pointer)

    def previous(self) -> Path | None:
        """The folder of the build that was in use before the current one, or None."""
        return self._named(self.previous_pointer)

    def new_build(self) -> Lease:
        """A fresh, empty, leased folder for a build (``.folder``), after removing the
        leftovers of builds that died (see :meth:`clean`). Release the lease when the build
        has finished or failed.

        Raises
        ------
        StoreError
            When the folder cannot be made, or ``builds/`` cannot be read.
        """
        try:
            self.builds.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StoreError(f"cannot make {self.builds}: {e}") from e

        def make() -> Path:
            stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
            path = self.builds / f"{stamp}-{os.getpid()}"
            n = 1
            while path.exists():
                path = self.builds / f"{stamp}-{os.getpid()}-{n}"
                n += 1
            path.mkdir()
            return path

        held = leases.lease_new(make)
        try:
            self.clean()
        except StoreError:
            held.release()
            raise
        return held

    def lease(self, build: Path) -> Lease:
        """Lease ``build`` for as long as this process uses it: no switch or clean-up removes
        it meanwhile (see :mod:`graph.leases`).

        Raises
        ------
        StoreError
            When the build folder does not exist (any more).
        """
        return leases.lease(build)

    def in_use(self, build: Path) -> bool:
        """Whether a process (this one included) leases ``build``."""
        return leases.in_use(build)

    def switch(self, build: Path, based_on: Path | None | bool = True) -> None:
        """Make ``build`` the store in use and record the one it replaces as ``PREVIOUS``
        (each pointer replaced atomically), then :meth:`clean`.

        ``based_on`` is the build that ``build`` was made from (a copy with a source added),
        or None when it was made from nothing: the switch is then refused if another build
        became the store in use meanwhile, whose changes it would otherwise drop. Switches
        are serialised by a lock on the store folder, so the check and the switch are one
        step. ``True`` (a new build, made from nothing it depends on) switches whatever is
        in use.

        Raises
        ------
        OSError
            When a pointer cannot be written (``CURRENT`` then names the build it named).
        StoreError
            When ``builds/`` cannot be read after the switch, or the store in use is no
            longer ``based_on`` (nothing was switched).
        """
        with self._switching():
            before = self.current()
            if based_on is not True and (before.name if before else None) != (
                    based_on.name if isinstance(based_on, Path) else None):
                raise StoreError(
                    f"the store in use changed while this build was made (it is now "
                    f"{before.name if before else 'none'}); nothing was switched: run it again",
                    {"store": str(self.root)})
            if before is not None and before.name != build.name:
                # PREVIOUS first: a switch cut short between the two leaves CURRENT as it was
                self._point(self.previous_pointer, build, before.name)
            self._point(self.pointer, build, build.name)
        self.clean()

    @contextmanager
    def _switching(self) -> Iterator[None]:
        # the lock is on the store folder itself (Linux locks a directory like a file): no
        # lock file is left beside CURRENT
        fd = os.open(self.root, os.O_RDONLY | os.O_DIRECTORY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # released with the descriptor, however we end
            yield
        finally:
            os.close(fd)

    def _point(self, pointer: Path, build: Path, name: str) -> None:
        # written in the new build's folder and renamed into place: a process killed before
        # the rename leaves no file in the store folder (the build folder goes as a whole)
        tmp = build / f".{pointer.name}.{os.getpid()}"
        tmp.write_text(name + "\n", encoding="utf8")
        os.replace(tmp, pointer)

    def clean(self) -> list[str]:
        """Remove every build folder that is neither in use (``CURRENT``), nor the one before
        it (``PREVIOUS``), nor leased by a running process; returns the names removed.

        The pointers are read again under each folder's exclusive lock: a build that
        switched and then let its folder go is never taken for a leftover.

        Raises
        ------
        StoreError
            When ``builds/`` cannot be read.
        """
        removed: list[str] = []
        try:
            folders = sorted(p for p in self.builds.iterdir() if p.is_dir() and not p.is_symlink())
        except FileNotFoundError:
            return removed
        except OSError as e:
            raise StoreError(f"cannot read {self.builds}: {e}") from e
        for p in folders:
            with leases.exclusive(p) as free:
                if free and p.name not in self._kept():
                    leases.remove_folder(p)
                    removed.append(p.name)
        return removed

    def _kept(self) -> set[str]:
        return {p.name for p in (self.current(), self.previous()) if p is not None}

    def discard(self, build: Path) -> None:
        """Remove a failed build's folder (once its own lease is released), unless another
        process leases it or a pointer names it."""
        with leases.exclusive(build) as free:
            if free and build.name not in self._kept():
                leases.remove_folder(build)

    def metadata(self) -> dict[str, object]:
        """What the build in use recorded about itself (``build.json``), or {}."""
        cur = self.current()
        return {} if cur is None else read_build_info(cur)


def read_build_info(build: Path) -> dict[str, Any]:
    """What a build recorded about itself (``build.json``: seed, scale, base IRI...), or {}."""
    try:
        return json.loads((build / "build.json").read_text(encoding="utf8"))
    except (OSError, ValueError):
        return {}


def record_update(build: Path) -> None:
    """Count one more SPARQL update applied to ``build`` (its version changes)."""
    updates = build / "updates"
    try:
        n = int(updates.read_text(encoding="utf8").strip() or 0)
    except (OSError, ValueError):
        n = 0
    tmp = build / f".updates.{os.getpid()}"
    tmp.write_text(f"{n + 1}\n", encoding="utf8")
    os.replace(tmp, updates)  # readers see the old count or the new one, never an empty file


def build_version(build: Path) -> tuple[str, float]:
    """(``{build name}.{updates}``, when it last changed): the version of the data in a build
    folder, for ETags, Last-Modified and dump manifests."""
    updates = build / "updates"
    try:
        n, modified = int(updates.read_text(encoding="utf8").strip()), updates.stat().st_mtime
    except (OSError, ValueError):
        n, modified = 0, 0.0
    try:
        modified = max(modified, (build / "build.json").stat().st_mtime)
    except OSError:
        modified = max(modified, build.stat().st_mtime)
    return f"{build.name}.{n}", float(int(modified))


def store_path(root: Path | str) -> Path:
    """The Oxigraph folder of the store in use under ``root``.

    Raises
    ------
    StoreNotFound
        When no build has been made there yet.
    """
    loc = StoreLocation(root)
    cur = loc.current()
    if cur is None:
        raise StoreNotFound(
            f"no graph has been built in {loc.root}; run `ikg build` first",
            {"store": str(loc.root)},
        )
    return cur / "oxigraph"


def open_store(root: Path | str, read_only: bool = True, remote: Any = None) -> OxigraphGraph:
    """Open the store in use under ``root``: a folder, or a remote SPARQL server
    (``sparql+http://...``, reached with ``remote``, a :class:`graph.remote.RemoteOptions`).

    Raises
    ------
    StoreNotFound
        When no build has been made there yet.
    StoreError
        When the store cannot be opened (:class:`~graph.errors.StoreUnavailable`: the server
        cannot be reached).
    """
    if isinstance(root, str) and root.startswith("sparql+"):
        from graph.remote import RemoteGraph  # the remote store is built on this module

        return cast(OxigraphGraph, RemoteGraph(root, remote))
    return OxigraphGraph(store_path(root), read_only=read_only)
