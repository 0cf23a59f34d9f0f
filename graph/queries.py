"""The catalogue of named SPARQL queries in ``queries/*.rq``, with typed, bound parameters. No HTTP.

Each file is one self-contained query with a header of ``#+`` comment lines::

    #+ summary: The programme's headline figures as of a date.
    #+ param: asOf date example=2023-03-31 default=9999-12-31 -- the day to count up to

A parameter value is parsed into an RDF term of its declared type and bound to the variable
of the same name (``?asOf``); it never becomes query text. A malformed header is an error when
the catalogue is loaded, not when the query is run.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, cast

from rdflib import XSD, Literal, URIRef
from rdflib.term import Node

from graph.errors import BadParameter, IkgError, UnknownQuery
from graph.namespaces import QUERIES_DIR, is_iri
from graph.store import KnowledgeGraph, QueryResult

__all__ = ["CatalogueError", "Param", "NamedQuery", "Catalogue", "load_catalogue", "PARAM_TYPES", "table"]

PARAM_TYPES = ("iri", "date", "integer", "decimal", "string", "boolean")
_NAME = re.compile(r"^[a-z][a-z0-9-]*$")
_VAR = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class CatalogueError(IkgError):
    """A query file whose header or text is malformed."""

    code = "bad_query_file"


@dataclass(frozen=True)
class Param:
    """A typed parameter of a named query."""

    name: str
    type: str
    example: str | None = None
    default: str | None = None
    description: str = ""

    def term(self, raw: str) -> Node:
        """Parse ``raw`` into an RDF term of this parameter's type.

        Raises
        ------
        BadParameter
            When ``raw`` is not a valid value of the type.
        """
        where = {"param": self.name, "type": self.type, "value": raw}
        try:
            if self.type == "iri":
                if not is_iri(raw):
                    raise ValueError("not an absolute IRI")
                return URIRef(raw)
            if self.type == "date":
                return Literal(date.fromisoformat(raw).isoformat(), datatype=XSD.date)
            if self.type == "integer":
                return Literal(int(raw), datatype=XSD.integer)
            if self.type == "decimal":
                return Literal(Decimal(raw), datatype=XSD.decimal)
            if self.type == "boolean":
                if raw.lower() not in ("true", "false", "1", "0"):
                    raise ValueError("not a boolean")
                return Literal(raw.lower() in ("true", "1"), datatype=XSD.boolean)
            return Literal(raw)
        except (ValueError, InvalidOperation) as e:
            raise BadParameter(
                f"parameter {self.name!r} must be a {self.type}: {raw!r} is not ({e})", where
            ) from e


@dataclass(frozen=True)
class NamedQuery:
    """One query of the catalogue: its name (the file name), summary, parameters and text."""

    name: str
    summary: str
    params: tuple[Param, ...]
    text: str
    path: Path | None = None

    def bindings(self, values: Mapping[str, str]) -> dict[str, Node]:
        """Typed terms for ``values``, with defaults filled in.

        Raises
        ------
        BadParameter
            On an unknown parameter, a missing required one or a malformed value.
        """
        known = {p.name: p for p in self.params}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise BadParameter(
                f"query {self.name!r} has no parameter {', '.join(unknown)}; it takes "
                f"{', '.join(known) or 'none'}",
                {"query": self.name, "unknown": unknown, "accepted": list(known)},
            )
        out: dict[str, Node] = {}
        for p in self.params:
            raw = values.get(p.name, p.default)
            if raw is None:
                raise BadParameter(
                    f"query {self.name!r} needs parameter {p.name!r} ({p.type})",
                    {"query": self.name, "param": p.name, "type": p.type},
                )
            out[p.name] = p.term(raw)
        return out

    def run(self, kg: KnowledgeGraph, values: Mapping[str, str] | None = None,
            dataset: tuple[str, ...] | None = None) -> QueryResult:
        """Run the query with ``values`` bound as typed terms, on the graphs ``dataset`` names
        (:func:`graph.provenance.real_graphs` for real records only), else on all."""
        return kg.query(self.text, self.bindings(values or {}), dataset)


def parse_query_file(path: Path) -> NamedQuery:
    """Read one ``.rq`` file and its header.

    Raises
    ------
    CatalogueError
        On a bad file name, a missing summary, or a malformed or duplicated parameter.
    """
    name = path.stem
    if not _NAME.match(name):
        raise CatalogueError(f"{path}: query names are lower-case words joined by '-'")
    text = path.read_text(encoding="utf8")
    summary = ""
    params: list[Param] = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#+"):
            continue
        key, _, rest = line[2:].partition(":")
        key, rest = key.strip(), rest.strip()
        if key == "summary":
            summary = rest
        elif key == "param":
            params.append(_parse_param(path, n, rest))
        else:
            raise CatalogueError(f"{path}:{n}: unknown header field {key!r}")
    if not summary:
        raise CatalogueError(f"{path}: the header has no '#+ summary:' line")
    names = [p.name for p in params]
    if len(set(names)) != len(names):
        raise CatalogueError(f"{path}: a parameter is declared twice")
    for p in params:
        if f"?{p.name}" not in text and f"${p.name}" not in text:
            raise CatalogueError(f"{path}: parameter {p.name!r} is not a variable of the query")
    query = NamedQuery(name, summary, tuple(params), text, path)
    _check_runs(query)
    return query


def _check_runs(query: NamedQuery) -> None:
    """Run the query on an empty store with its example (or default) values: a syntax error or
    a parameter the engine cannot bind is found when the catalogue loads, not at request time."""
    from graph.store import OxigraphGraph

    values: dict[str, str] = {
        p.name: cast(str, p.example or p.default) for p in query.params if p.example or p.default
    }
    missing = [p.name for p in query.params if p.name not in values]
    if missing:
        raise CatalogueError(f"{query.path}: parameter(s) {', '.join(missing)} need an example")
    try:
        query.run(OxigraphGraph(), values)
    except IkgError as e:
        raise CatalogueError(f"{query.path}: {e.message}") from e


def _parse_param(path: Path, n: int, spec: str) -> Param:
    head, _, description = spec.partition("--")
    words = head.split()
    if len(words) < 2:
        raise CatalogueError(f"{path}:{n}: a parameter needs a name and a type")
    name, ptype, extra = words[0], words[1], words[2:]
    if not _VAR.match(name):
        raise CatalogueError(f"{path}:{n}: {name!r} is not a SPARQL variable name")
    if ptype not in PARAM_TYPES:
        raise CatalogueError(f"{path}:{n}: type {ptype!r} is not one of {', '.join(PARAM_TYPES)}")
    opts: dict[str, str] = {}
    for word in extra:
        k, eq, v = word.partition("=")
        if not eq or k not in ("example", "default"):
            raise CatalogueError(f"{path}:{n}: expected example=... or default=..., got {word!r}")
        opts[k] = v
    param = Param(name, ptype, opts.get("example"), opts.get("default"), description.strip())
    for k in ("example", "default"):
        if k in opts:
            try:
                param.term(opts[k])
            except BadParameter as e:
                raise CatalogueError(f"{path}:{n}: the {k} is invalid: {e}") from e
    return param


@dataclass
class Catalogue:
    """The named queries, by name."""

    queries: dict[str, NamedQuery] = field(default_factory=dict)

    def get(self, name: str) -> NamedQuery:
        """The query called ``name``.

        Raises
        ------
        UnknownQuery
        """
        try:
            return self.queries[name]
        except KeyError:
            raise UnknownQuery(
                f"there is no named query {name!r}", {"query": name, "known": sorted(self.queries)}
            ) from None

    def __iter__(self):
        return iter(sorted(self.queries.values(), key=lambda q: q.name))


def load_catalogue(folder: Path | str = QUERIES_DIR) -> Catalogue:
    """Load every ``*.rq`` file of ``folder``.

    Raises
    ------
    CatalogueError
        When any file is malformed.
    """
    queries = {}
    for path in sorted(Path(folder).glob("*.rq")):
        q = parse_query_file(path)
        queries[q.name] = q
    return Catalogue(queries)


def table(kg: KnowledgeGraph, query: NamedQuery, values: Mapping[str, str],
          dataset: tuple[str, ...] | None = None, limit: int = 500) -> dict[str, Any]:
    """A named query's answer as a table for a page: its variables, at most ``limit`` rows of
    cells ``{"iri": ...}`` or ``{"text": ...}`` (None when unbound), and whether rows were
    left out.

    Raises
    ------
    BadParameter
        What :meth:`NamedQuery.bindings` raises.
    """
    result = query.run(kg, values, dataset)
    rows = []
    for row in result.rows[: limit + 1]:
        rows.append([None if v is None else {"iri": str(v)} if isinstance(v, URIRef) else {"text": str(v)}
                     for v in row])
    return {"variables": list(result.variables), "rows": rows[:limit], "truncated": len(rows) > limit}
