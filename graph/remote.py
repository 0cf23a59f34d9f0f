"""The remote store: the graph in a SPARQL 1.1 server (Oxigraph server, Virtuoso, any other) over HTTP. No Flask.

:class:`RemoteGraph` offers what the embedded store offers (:class:`graph.store.KnowledgeGraph`)
over the SPARQL 1.1 Protocol, so that every feature of ikg runs on a server the user already
has. What differs between engines is in one table, :data:`ENGINES`, read here and nowhere
else: where each server takes queries, updates and graphs, which credentials it wants, which
of its own graphs it shows, and which terms it changes on the way in.

What ikg serves of a server is the named graphs it loaded there (:meth:`RemoteGraph.push`),
listed in a graph of its own, :data:`META` (with the version of the data, for caches, and what
the build recorded about itself). Every query names that dataset to the server
(``default-graph-uri`` and ``named-graph-uri``): the union default graph is then the same on
every engine (Virtuoso's default graph holds its system graphs; Oxigraph's holds none of the
named graphs), and a load in progress, kept in staging graphs, is never seen.

A load (:meth:`RemoteGraph.push`) sends each graph in batches into a staging graph, records
each batch done in :data:`META`, then replaces the served graphs and the list in one update
request: on Oxigraph one transaction (readers see the old graphs or the new, never half); on
Virtuoso one request, which its default transaction mode applies as a whole. A load killed
halfway leaves the served graphs as they were; run again from the same local build, it goes
on from the batches recorded done.

Queries are parsed here first (by Oxigraph's parser, on an empty store), so that a query the
server would refuse for its syntax gets the same 400 and message as on the embedded store.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO, Any, cast
from urllib.parse import urlsplit

import pyoxigraph as ox
import requests
from rdflib.term import Node

from graph import dataset
from graph.errors import (
    BadParameter,
    EngineRefused,
    QuerySyntaxError,
    QueryTimeout,
    StoreError,
    StoreLoading,
    StoreUnavailable,
)
from graph.lexer import tokens
from graph.store import (
    KnowledgeGraph,
    OxigraphGraph,
    QueryRequest,
    QueryResult,
    Streamed,
    UpdateRequest,
    _from_ox,
    _syntax_error,
    _to_ox,
    streamed_answer,
)

__all__ = ["SCHEME", "META", "Engine", "ENGINES", "RemoteOptions", "RemoteGraph", "is_remote", "LoadReport"]

log = logging.getLogger("ikg.remote")

#: A store location that starts with this is a remote store: ``sparql+http://host:port/path``.
SCHEME = "sparql+"
#: The graph where ikg keeps what it knows about a remote store (never in the served dataset).
META = "urn:ikg:store"
_M = META + "#"
#: Prefix of the graphs a load fills before they replace the served ones.
STAGING = "urn:ikg:staging:"
#: Seconds the list of served graphs and the version are read again after (each request
#: would otherwise cost one more round trip).
STATE_TTL = 1.0
#: Seconds ikg waits for one request of a load or a copy (a batch, the switch, a page of an
#: export), whatever the query timeout: they are work ikg asked for, not a visitor's query.
LOAD_WAIT = 600.0

_JSON = "application/sparql-results+json"
_NT = "application/n-triples"
VIRTUOSO_GEOMETRY = "http://www.openlinksw.com/schemas/virtrdf#Geometry"
WKT_LITERAL = "http://www.opengis.net/ont/geosparql#wktLiteral"


@dataclass(frozen=True)
class Engine:
    """How one kind of SPARQL server is spoken to. Paths are relative to the server's root.

    ``update_auth_path`` / ``graphs_auth_path`` are used when credentials are set (Virtuoso
    takes writes only on its authenticated endpoints, with HTTP Digest); ``graphs_path`` is
    its SPARQL 1.1 Graph Store Protocol endpoint, whose graph parameter is ``graph_param``
    (None: batches are sent as ``INSERT DATA``). ``datatypes`` maps datatypes the engine puts
    on literals it was given to the ones it was given. ``system_graphs`` are the engine's own
    graphs, left out when a server holds no list of ikg's graphs.
    """

    name: str
    query_path: str
    update_path: str
    update_auth_path: str
    graphs_path: str | None
    graphs_auth_path: str | None
    graph_param: str
    auth: str = "basic"
    datatypes: Mapping[str, str] = field(default_factory=dict)
    system_graphs: tuple[str, ...] = ()
    #: Most bytes of N-Triples in one batch sent to the server.
    batch_bytes: int = 16 * 1024 * 1024
    #: Whether the engine answers booleans as the integers 0 and 1 (then the values a query
    #: makes with BOUND, EXISTS, true or false are turned back into booleans).
    integer_booleans: bool = False
    #: Whether date and date-time parameters must be written as casts in expressions.
    cast_dates: bool = False
    #: Query parameters of a Graph Store POST that loads without a transaction (a load that
    #: is not atomic: ``ikg push --non-atomic``).
    bulk_params: Mapping[str, str] = field(default_factory=dict)
    #: :attr:`graph.store.KnowledgeGraph.subselect_joins` of the engine.
    subselect_joins: bool = False
    #: An expression giving the subject ``?s`` as the engine's own integer for it (None: the
    #: engine has none SPARQL can reach). An export then splits a large predicate by ranges
    #: of it (:meth:`RemoteGraph._id_parts`), which the engine compares without reading the
    #: subject's IRI, instead of by a hash of the IRI (:func:`_hash_parts`).
    subject_number: str | None = None


#: The engines ikg knows, by the name their ``Server`` header starts with (lower case);
#: ``generic`` for any other SPARQL 1.1 server (updates on the query URL unless
#: ``IKG_STORE_UPDATE_URL`` says otherwise, batches as ``INSERT DATA``).
ENGINES: dict[str, Engine] = {
    # Oxigraph server: its bulk loader, without a transaction, for a load that is not atomic
    "oxigraph": Engine("oxigraph", "/query", "/update", "/update", "/store", "/store", "graph",
                       bulk_params={"no_transaction": "true", "lenient": "true"}, subselect_joins=True),
    # Debian's Virtuoso 7.2.5: answers HTML without an Accept and hangs on a direct
    # application/sparql-query POST body (form POSTs and an explicit Accept are always sent);
    # turns geo:wktLiteral into its own virtrdf:Geometry; caps answers at ResultSetMaxRows;
    # answers booleans as 0/1; drops the rows where BIND(EXISTS {...} AS ?v) is false (ikg's
    # queries use OPTIONAL and BOUND); orders long strings by their stored prefix (ikg's
    # queries order by STR(?label))
    "virtuoso": Engine("virtuoso", "/sparql", "/sparql", "/sparql-auth", "/sparql-graph-crud",
                       "/sparql-graph-crud-auth", "graph-uri", auth="digest",
                       datatypes={VIRTUOSO_GEOMETRY: WKT_LITERAL},
                       system_graphs=("http://www.openlinksw.com/schemas/virtrdf#", "http://www.w3.org/ns/ldp#",
                                      "http://www.w3.org/2002/07/owl#", "http://localuriqaserver/sparql"),
                       batch_bytes=8 * 1024 * 1024, integer_booleans=True, cast_dates=True,
                       # the IRI_ID of the subject: SHORT_OR_LONG:: passes the stored id, where
                       # a plain bif: call would be given the IRI's string
                       subject_number="<SHORT_OR_LONG::bif:iri_id_num>(?s)"),
    "generic": Engine("generic", "", "", "", None, None, "graph", batch_bytes=2 * 1024 * 1024),
}


#: Buckets of subject numbers counted at once when a predicate is split by ranges of them.
ID_BUCKETS = 4096


def _hash_parts(count: int, page: int) -> list[str]:
    """Filters that split ``count`` statements into parts of about ``page / 2`` or fewer, by
    ranges of the first hex digits of the MD5 of the subject (blank nodes in the first
    part): every statement falls in exactly one part, and the parts are even whatever the
    subjects look like. One part, with no filter, when the count fits a page."""
    parts = -(-count // max(1, page // 2))
    if parts <= 1:
        return [""]
    digits = 1
    while 16 ** digits < parts * 4:  # several hash values a part, so the parts stay even
        digits += 1
    space = 16 ** digits
    bounds = [space * i // parts for i in range(parts + 1)]
    key = f"SUBSTR(MD5(STR(?s)), 1, {digits})"  # MD5 is lower-case hex (LCASE() here breaks Virtuoso's <)
    hexed = [f"\"{b:0{digits}x}\"" for b in bounds]
    filters = []
    for i in range(parts):
        inside = [f"{key} >= {hexed[i]}"] if i else []
        inside += [f"{key} < {hexed[i + 1]}"] if i < parts - 1 else []
        condition = " && ".join(inside)
        filters.append(f"FILTER (isBLANK(?s) || {condition})" if i == 0 else f"FILTER (!isBLANK(?s) && {condition})")
    return filters


def is_remote(location: object) -> bool:
    """Whether a store location (``IKG_STORE``) names a remote SPARQL server."""
    return isinstance(location, str) and location.startswith(SCHEME)


@dataclass(frozen=True)
class RemoteOptions:
    """How to reach a remote store: the settings ``IKG_STORE_*`` (see :mod:`service.settings`).

    ``engine`` is a key of :data:`ENGINES`, or ``auto`` (read off the server's ``Server``
    header). Empty URLs take the engine's paths under the store URL's host.
    """

    update_url: str = ""
    graphs_url: str = ""
    user: str = ""
    password: str = ""
    engine: str = "auto"
    timeout: float = 60.0
    #: Bytes of N-Triples per batch of a load (0: the engine's default).
    batch_bytes: int = 0


@dataclass
class LoadReport:
    """What a load into a remote store did."""

    graphs: list[str]
    quads: int
    batches: int
    resumed: int
    seconds: float
    atomic: bool


def _ntriples_term(term: Node) -> str:
    return str(_to_ox(term))


@dataclass(frozen=True)
class _State:
    """What :data:`META` says: the served graphs, the version, the build's record; and when it
    was read."""

    graphs: list[str]
    version: str
    modified: float
    info: dict[str, Any]
    #: The key of a load that is not atomic while it runs (or was cut short): the served
    #: graphs are incomplete, and ikg answers nothing from them
    loading: str = ""
    read_at: float = field(default_factory=time.monotonic)


class RemoteGraph(KnowledgeGraph):
    """A graph held by a SPARQL 1.1 server; ``location`` is ``sparql+http(s)://host:port[/path]``.

    Raises
    ------
    StoreUnavailable
        When the server cannot be reached (to find out which engine it is).
    """

    def __init__(self, location: str, options: RemoteOptions | None = None) -> None:
        if not is_remote(location):
            raise BadParameter(f"{location!r} is not a remote store (sparql+http://...)")
        self.location = location
        self.options = options = options or RemoteOptions()
        url = location[len(SCHEME):]
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise BadParameter(f"{location!r} is not sparql+http://host:port/path")
        self.root = f"{parts.scheme}://{parts.netloc}"
        self._local = threading.local()
        self.timeout = options.timeout
        self.dialect: Engine = ENGINES[options.engine] if options.engine != "auto" else self._detect()
        self.engine = f"remote {self.dialect.name}"
        self.subselect_joins = self.dialect.subselect_joins
        creds = bool(options.user)
        self.query_url = self.root + parts.path if parts.path not in ("", "/") else self.root + self.dialect.query_path
        self.update_url = options.update_url or (
            self.root + (self.dialect.update_auth_path if creds else self.dialect.update_path)
            if self.dialect.name != "generic" else self.query_url)
        graphs_path = self.dialect.graphs_auth_path if creds else self.dialect.graphs_path
        self.graphs_url = options.graphs_url or (self.root + graphs_path if graphs_path else "")
        self._state: _State | None = None
        self._state_lock = threading.Lock()

    engine = "remote"
    path = None  # not a folder

    @property
    def _load_wait(self) -> float:
        return max(self.timeout, LOAD_WAIT)

    # ------------------------------------------------------------------ HTTP

    @property
    def _session(self) -> requests.Session:
        s = getattr(self._local, "session", None)
        if s is None:
            s = self._local.session = requests.Session()
            # straight to the server, as to a database: no HTTP(S)_PROXY or .netrc lookups (a
            # fifth of the client's time per lookup, measured)
            s.trust_env = False
            if self.options.user:
                auth_kind = self.dialect.auth
                s.auth = (requests.auth.HTTPDigestAuth(self.options.user, self.options.password)
                          if auth_kind == "digest" else (self.options.user, self.options.password))
        return s

    def _detect(self) -> Engine:
        try:
            r = requests.get(self.root + "/", timeout=10)
        except requests.RequestException as e:
            raise StoreUnavailable(f"the SPARQL server at {self.root} cannot be reached: {e}",
                                   {"store": self.location}) from None
        server = r.headers.get("Server", "").lower()
        for name, engine in ENGINES.items():
            if server.startswith(name):
                return engine
        return ENGINES["generic"]

    def _post(self, url: str, data: Any, headers: dict[str, str], timeout: float | None = None,
              stream: bool = False, params: Any = None) -> requests.Response:
        """One request; connection failures and the server's refusals as ikg's errors."""
        wait = self.timeout if timeout is None else timeout
        try:
            r = self._session.post(url, data=data, headers=headers, params=params,
                                   timeout=(10, wait), stream=stream)
        except requests.Timeout:
            raise QueryTimeout(f"the SPARQL server did not answer within {wait:g} s",
                               {"timeout": wait}) from None
        except requests.RequestException as e:
            raise StoreUnavailable(f"the SPARQL server at {self.root} cannot be reached: {e}",
                                   {"store": self.location}) from None
        if r.status_code >= 400:
            text = r.text[:2000].strip()
            r.close()
            if r.status_code in (401, 403):
                raise StoreUnavailable(f"the SPARQL server refused ikg's credentials ({r.status_code}): "
                                       "set IKG_STORE_USER and IKG_STORE_PASSWORD", {"store": self.location})
            if "timed out" in text.lower() or "S1T00" in text or r.status_code in (503, 504):
                raise QueryTimeout(f"the SPARQL server stopped the request: {text[:300]}", {})
            # Virtuoso answers 500 for the queries it refuses ("Virtuoso 37000 Error SP030...")
            if r.status_code >= 500 and not re.match(r"Virtuoso \w+ Error", text):
                raise StoreUnavailable(f"the SPARQL server failed ({r.status_code}): {text[:500]}",
                                       {"store": self.location})
            raise EngineRefused(f"the SPARQL server ({self.dialect.name}) refused the request: {text[:500]}",
                                {"status": r.status_code, "engine": self.dialect.name})
        return r

    def _get(self, url: str, params: dict[str, str], accept: str) -> requests.Response:
        try:
            r = self._session.get(url, params=params, headers={"Accept": accept}, stream=True,
                                  timeout=(10, self._load_wait))
        except requests.RequestException as e:
            raise StoreUnavailable(f"the SPARQL server at {self.root} cannot be reached: {e}",
                                   {"store": self.location}) from None
        if r.status_code >= 400:
            r.close()
            raise StoreUnavailable(f"the SPARQL server answered {r.status_code} for {url}", {"store": self.location})
        return r

    # ------------------------------------------------------------------ what is served

    def state(self, fresh: bool = False) -> _State:
        """What :data:`META` says (read again after :data:`STATE_TTL` seconds)."""
        with self._state_lock:
            st = self._state
            if st is not None and not fresh and time.monotonic() - st.read_at < STATE_TTL:
                return st
            rows = self._select(f"SELECT ?p ?o WHERE {{ GRAPH <{META}> {{ <{META}> ?p ?o }} }}")
            graphs: list[str] = []
            version, modified, info, loading = "", 0.0, {}, ""
            for p, o in rows:
                key = p.value.removeprefix(_M)
                if key == "graph":
                    graphs.append(o.value)
                elif key == "version":
                    version = o.value
                elif key == "modified":
                    modified = float(o.value)
                elif key == "buildInfo":
                    info = json.loads(o.value)
                elif key == "loading":
                    loading = o.value
            if not version:  # a server ikg never loaded: its named graphs, the engine's aside
                found = self._select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
                graphs = [g.value for (g,) in found if isinstance(g, ox.NamedNode)
                          and g.value not in self.dialect.system_graphs and not g.value.startswith(
                              (STAGING, META))]
            self._state = _State(sorted(graphs), version or "unlisted", modified, info, loading)
            return self._state

    def _served(self) -> list[str]:
        """The graphs a query reads.

        Raises
        ------
        StoreLoading
            While a load that is not atomic fills them (or after one was cut short).
        """
        st = self.state()
        if st.loading:
            raise StoreLoading("a load that is not atomic (ikg push --non-atomic) is filling the SPARQL "
                               "server: its graphs are incomplete until it ends (a load cut short: run it "
                               "again)", {"store": self.location, "load": st.loading})
        return st.graphs

    def graph_names(self) -> list[str]:
        """The named graphs ikg serves from this server."""
        return list(self._served())

    def version(self) -> tuple[str, float]:
        """(tag, time) of the data: changes with each load and each update made through ikg."""
        st = self.state()
        return f"remote.{st.version}", st.modified

    def build_info(self) -> dict[str, Any]:
        """What the build loaded here recorded about itself, or {}."""
        return dict(self.state().info)

    # ------------------------------------------------------------------ queries

    def _dataset_params(self, query: str, default: tuple[str, ...] | None,
                        named: tuple[str, ...] | None) -> list[tuple[str, str]]:
        graphs = self._served()
        if default is not None or named is not None:
            return [("default-graph-uri", g) for g in default or ()] + [
                ("named-graph-uri", g) for g in named or ()]
        if dataset.names_dataset(query):
            return []
        if not graphs:  # an empty dataset: no parameter would mean "all" on most servers
            graphs = [META + "#nothing"]
        return [("default-graph-uri", g) for g in graphs] + [("named-graph-uri", g) for g in graphs]

    def _send_query(self, query: str, accept: str, params: list[tuple[str, str]],
                    timeout: float | None) -> requests.Response:
        # form-encoded POST with an explicit Accept: what every server takes (Virtuoso: see ENGINES)
        return self._post(self.query_url, [("query", query), *params],
                          {"Accept": accept}, timeout=timeout, stream=True)

    def _terms(self, terms: Iterator[Any]) -> Iterator[Any]:
        fix = self.dialect.datatypes
        for t in terms:
            if fix and isinstance(t, ox.Literal) and t.datatype.value in fix:
                yield ox.Literal(t.value, datatype=ox.NamedNode(fix[t.datatype.value]))
            else:
                yield t

    def _select(self, query: str, params: list[tuple[str, str]] | None = None,
                timeout: float | None = None) -> list[tuple]:
        r = self._send_query(query, _JSON, params or [], timeout)
        with r:
            res = _parse_results(r.raw)
            names = [v.value for v in res.variables]
            return [tuple(self._terms(iter(sol[n] for n in names))) for sol in res]

    def _triples(self, text: str, params: list[tuple[str, str]], timeout: float | None,
                 limit: int | None = None) -> Iterator[ox.Triple]:
        """The triples of a CONSTRUCT or DESCRIBE answer (N-Triples), as they arrive, at most
        ``limit`` + 1, with the datatypes the engine changed given back."""
        r = self._send_query(text, _NT, params, timeout)
        with r:
            for q in islice(ox.parse(r.raw, format=ox.RdfFormat.N_TRIPLES, lenient=True),
                            None if limit is None else limit + 1):
                yield ox.Triple(q.subject, q.predicate, next(self._terms(iter([q.object]))))

    def _run(self, query: str, bindings: Mapping[str, Node] | None, default: tuple[str, ...] | None,
             named: tuple[str, ...] | None, base_iri: str | None, limit: int | None,
             timeout: float | None) -> tuple[str, list[str], Iterator[tuple] | bool]:
        """Parse ``query`` here, send it with its dataset, and read the answer: (kind,
        variables, rows or triples or boolean), at most ``limit`` + 1 rows read."""
        kind = _query_kind(query, base_iri)
        if not self.dialect.subselect_joins:
            query = _plain_groups(query)
        text = _with_bindings(query, bindings or {}, kind, casts=self.dialect.cast_dates)
        if base_iri:
            text = f"BASE <{base_iri}>\n{text}"
        params = self._dataset_params(query, default, named)
        if kind == "graph":
            return kind, [], iter(cast("list[tuple]", list(self._triples(text, params, timeout, limit))))
        r = self._send_query(text, _JSON, params, timeout)
        with r:
            res = _parse_results(r.raw)
            if isinstance(res, ox.QueryBoolean):
                return "ask", [], bool(res)
            names = [v.value for v in res.variables]
            rows = [tuple(self._terms(iter(sol[n] for n in names)))
                    for sol in islice(res, None if limit is None else limit + 1)]
        if self.dialect.integer_booleans and (made := _boolean_variables(query)):
            columns = [i for i, n in enumerate(names) if n in made]
            rows = [tuple(_boolean(t) if i in columns else t for i, t in enumerate(row)) for row in rows]
        return "select", names, iter(rows)

    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None,
              dataset: tuple[str, ...] | None = None) -> QueryResult:
        kind, names, answer = self._run(sparql, bindings, dataset, dataset, None, None, None)
        if isinstance(answer, bool):
            return QueryResult("ask", boolean=answer)
        if kind == "select":
            return QueryResult("select", variables=names,
                               rows=[tuple(_from_ox(t) for t in row) for row in answer])
        return QueryResult("graph", triples=[(_from_ox(t.subject), _from_ox(t.predicate), _from_ox(t.object))  # type: ignore[misc]
                                             for t in cast(Iterator[ox.Triple], answer)])

    def stream(self, request: QueryRequest, timeout: float | None = None) -> Streamed:
        """The answer to a protocol query, written by ikg's own writers (the server's
        formats differ), capped at the row limit; ``timeout`` seconds shortens the wait."""
        kind, names, answer = self._run(request.query, dict(request.bindings), request.default_graphs,
                                        request.named_graphs, request.base_iri, request.row_limit, timeout)
        return streamed_answer(kind, names, answer, request)

    # ------------------------------------------------------------------ updates

    def update(self, request: str | UpdateRequest, timeout: float | None = None) -> None:
        """Run an update on the served graphs (their union is each operation's dataset, as on
        the embedded store), and count a new version in the same request. Graphs it names
        join the served ones."""
        req = UpdateRequest.of(request)
        _parse_update(req.update, req.base_iri)
        st = self.state(fresh=True)
        if req.using_graphs is not None or req.using_named_graphs is not None:
            text = dataset.with_using(req.update, req.using_graphs or (), req.using_named_graphs or ())
        else:
            text = dataset.with_graphs(req.update, st.graphs)
        if req.base_iri:
            text = f"BASE <{req.base_iri}>\n{text}"
        graphs = sorted(set(st.graphs) | {g for g in dataset.graphs_named(req.update)
                                          if not g.startswith((META, STAGING))})
        self.changes += 1
        counted = _next_version(st.version)
        self._post(self.update_url, {"update": text + "\n;\n" + _meta_update(graphs, counted, st.info)},
                   {"Accept": "*/*"}, timeout=timeout)
        self.state(fresh=True)

    def load(self, path: Path | str, fmt: str, graph: str | None = None, lenient: bool = False) -> None:
        """Load an RDF file into ``graph`` (or its quads into theirs), replacing nothing: the
        file goes through a local store and :meth:`push`."""
        kg = OxigraphGraph()
        kg.load(path, fmt, graph, lenient)
        self.push(kg, replace_all=False, key=hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16])

    def __len__(self) -> int:
        graphs = self._served()
        if not graphs:
            return 0
        rows = self._select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
                            [("named-graph-uri", g) for g in graphs])
        return int(rows[0][0].value)

    def quads(self) -> Iterator[tuple[Node, Node, Node, Node | None]]:
        for g in self._served():
            for t in self.graph_triples(g):
                yield (_from_ox(t.subject), _from_ox(t.predicate), _from_ox(t.object),  # type: ignore[misc]
                       _from_ox(ox.NamedNode(g)))

    def graph_triples(self, graph: str, page: int = 500_000) -> Iterator[ox.Triple]:
        """The triples of one served graph. Oxigraph's Graph Store streams a graph whole; other
        servers cap their answers (Virtuoso at ``ResultSetMaxRows``), so the graph is read one
        predicate at a time, a large predicate in parts of at most about ``page / 2``
        statements: ranges of the engine's number for the subject where it has one
        (:meth:`_id_parts`, Virtuoso), else ranges of a hash of the subject's IRI
        (:func:`_hash_parts`). No part is sorted: an ``ORDER BY ... OFFSET`` page sorts the
        whole graph again each time, which Virtuoso's ``MaxQueryExecutionTime`` stops from
        scale 10 on. Each predicate's count is checked against what came, so a capped answer
        is an error, not a silently shorter dump."""
        if self.dialect.name == "oxigraph" and self.graphs_url:
            r = self._get(self.graphs_url, {self.dialect.graph_param: graph}, _NT)
            with r:
                yield from ox.parse(r.raw, format=ox.RdfFormat.N_TRIPLES, lenient=True)  # type: ignore[misc]
            return
        counts = self._select(f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} GROUP BY ?p",
                              timeout=self._load_wait)
        for predicate, n in counts:
            expected, came = int(n.value), 0
            pattern = f"GRAPH <{graph}> {{ ?s <{predicate.value}> ?o }}"
            key = self.dialect.subject_number
            parts = (self._id_parts(pattern, key, page // 2) if key and expected > page // 2
                     else _hash_parts(expected, page))
            for part in parts:
                # sent as written: the engine's own syntax in a part (Virtuoso's
                # <SHORT_OR_LONG::...>) is not SPARQL that _run could parse here first
                q = f"CONSTRUCT {{ ?s <{predicate.value}> ?o }} WHERE {{ {pattern} {part} }}"
                for t in self._triples(q, [], self._load_wait):
                    came += 1
                    yield t
            if came != expected:
                raise StoreError(f"the server answered {came:,} of the {expected:,} statements of "
                                 f"<{predicate.value}> in <{graph}>: it caps its answers (Virtuoso: "
                                 f"ResultSetMaxRows) below the {page:,} a part may hold")

    def _id_parts(self, pattern: str, key: str, most: int) -> list[str]:
        """Filters that split the statements of ``pattern`` (one predicate of one graph) into
        parts of at most ``most`` statements by ranges of ``key``, the engine's number for
        the subject, blank nodes in a part of their own. Each filter is a comparison of two
        integers: the engine reads no IRI to answer it, unlike a hash of the IRI, whose every
        part costs what reading the whole predicate costs (quadratic in its size)."""
        rows = self._select(f"SELECT (MIN({key}) AS ?lo) (MAX({key}) AS ?hi) WHERE {{ {pattern} "
                            "FILTER (!isBLANK(?s)) }", timeout=self._load_wait)
        parts = ["FILTER (isBLANK(?s))"]
        if rows and rows[0][0] is not None:
            lo, hi = int(rows[0][0].value), int(rows[0][1].value) + 1
            parts += [f"FILTER ({key} >= {a} && {key} < {z})"
                      for a, z in self._id_ranges(pattern, key, lo, hi, most)]
        return parts

    def _id_ranges(self, pattern: str, key: str, lo: int, hi: int, most: int) -> list[tuple[int, int]]:
        """Consecutive ranges ``[a, z)`` of subject numbers within ``[lo, hi)`` holding at most
        ``most`` statements each, packed from one count of :data:`ID_BUCKETS` buckets (a bucket
        holding more is counted again in finer buckets; one subject with more statements
        than ``most`` is a range of its own, which the count check then names)."""
        width = max(1, -(-(hi - lo) // ID_BUCKETS))
        rows = self._select(f"SELECT ?b (COUNT(*) AS ?n) WHERE {{ {pattern} FILTER ({key} >= {lo} && "
                            f"{key} < {hi}) BIND (FLOOR(({key} - {lo}) / {width}) AS ?b) }} GROUP BY ?b",
                            timeout=self._load_wait)
        ranges: list[tuple[int, int]] = []
        start, size = lo, 0
        for b, n in sorted((int(b.value), int(n.value)) for b, n in rows):
            a, z = lo + b * width, min(hi, lo + (b + 1) * width)
            if size and size + n > most:
                ranges.append((start, a))
                start, size = a, 0
            if n > most and width > 1:
                ranges += self._id_ranges(pattern, key, a, z, most)
                start = z
                continue
            size += n
        if size:
            ranges.append((start, hi))
        return ranges

    def mirror(self, target: OxigraphGraph) -> None:
        """Copy every served graph into the local store ``target`` (for exports), with the bulk
        loader: no transaction holds a whole graph in memory (keep.eu scale runs to tens of
        millions of statements)."""
        for g in self._served():
            target.raw.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(g))
                                   for t in self.graph_triples(g))
        target.flush()

    # ------------------------------------------------------------------ loads

    def push(self, source: OxigraphGraph, replace_all: bool = True, key: str = "",
             info: dict[str, Any] | None = None, version: str = "",
             progress: Callable[[str], None] | None = None,
             stop_after: int | None = None, atomic: bool = True) -> LoadReport:
        """Load the named graphs of the local store ``source`` into the server, in batches.

        Atomic (the default): the batches go into staging graphs, which then replace the
        served graphs in one update request; until then the old data is served, whole.
        ``atomic=False`` drops the graphs it replaces first and sends the batches straight
        into them, without a transaction where the engine can (Oxigraph's bulk loader): no
        copy at the end, but while the load runs (or after it was cut short, until it is run
        again) the store answers nothing (:class:`StoreLoading`) rather than a part of the
        graph.

        ``replace_all`` also drops the served graphs ``source`` does not hold (a build);
        else they stay (an import adds or replaces its own graphs). ``key`` names the load:
        a load run again with the same key goes on from the batches recorded done (the same
        local build gives the same batches). ``info`` is the build's record, ``version`` the
        data's version. ``stop_after`` stops after that many batches (to test a load cut
        short).

        Raises
        ------
        StoreError
            When ``source`` has quads in its default graph or blank nodes (a batch of its own
            would make them new nodes), or cannot be read.
        StoreUnavailable, EngineRefused
            When the server fails or refuses a batch; an atomic load leaves what it served
            unchanged.
        """
        t0 = time.monotonic()
        say = progress or (lambda _m: None)
        graphs = sorted(g.value for g in source.raw.named_graphs() if isinstance(g, ox.NamedNode))
        if any(True for _ in source.raw.quads_for_pattern(None, None, None, ox.DefaultGraph())):
            raise StoreError("the store to load has statements in its default graph: a remote "
                             "store serves named graphs only")
        key = re.sub(r"[^A-Za-z0-9_.-]", "-", key or uuid.uuid4().hex[:16])
        load = f"{META}:load:{key}"
        done = {o.value for (o,) in self._select(
            f"SELECT ?o WHERE {{ GRAPH <{META}> {{ <{load}> <{_M}done> ?o }} }}")}
        stale = [g.value for (g,) in self._select(
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
            if isinstance(g, ox.NamedNode) and g.value.startswith(STAGING) and not g.value.startswith(
                f"{STAGING}{key}:")]
        st = self.state(fresh=True)
        served = graphs if replace_all else sorted(set(st.graphs) | set(graphs))
        # batches of loads that died and will not be resumed (one load at a time)
        first = [f"DROP SILENT GRAPH <{g}>" for g in stale] + [
            f"DELETE {{ GRAPH <{META}> {{ ?l <{_M}done> ?o }} }} WHERE {{ GRAPH <{META}> "
            f"{{ ?l <{_M}done> ?o }} FILTER(?l != <{load}>) }}"]
        if not atomic and st.loading != key:
            # this load begins: nothing is served until it ends, then the graphs it replaces go
            gone = sorted(set(graphs) | (set(st.graphs) - set(graphs) if replace_all else set()))
            first += [f"INSERT DATA {{ GRAPH <{META}> {{ <{META}> <{_M}loading> {json.dumps(key)} }} }}",
                      *(f"DROP SILENT GRAPH <{g}>" for g in gone)]
            done = set()  # a direct load cut short under another key left its graphs half full
        self._update_text(" ;\n".join(first))
        quads = batches = resumed = 0
        target = {g: f"{STAGING}{key}:{i}" if atomic else g for i, g in enumerate(graphs)}
        with tempfile.TemporaryDirectory(prefix="ikg-push-") as tmp:
            for g in graphs:
                file = Path(tmp) / "graph.nt"
                source.dump(file, graph=g)
                for i, chunk in enumerate(_batches(file, self.options.batch_bytes or self.dialect.batch_bytes)):
                    mark = f"{i} {g}"
                    lines = chunk.count(b"\n")
                    quads += lines
                    if mark in done:
                        resumed += 1
                        continue
                    if stop_after is not None and batches >= stop_after:
                        raise StoreError(f"the load stopped after {batches} batches, as asked")
                    if _BLANK.search(chunk):
                        raise StoreError(f"{g} holds blank nodes: a remote store takes IRIs only "
                                         "(batches would make each blank node anew)")
                    self._send_batch(target[g], chunk, bulk=not atomic)
                    self._update_text(f"INSERT DATA {{ GRAPH <{META}> {{ <{load}> <{_M}done> "
                                      f"{json.dumps(mark)} }} }}")
                    batches += 1
                    say(f"{g}: batch {i + 1} ({lines:,} statements) sent")
        # MOVE drops the graph it replaces (every graph of ``source`` has a staging graph)
        ops = [f"MOVE SILENT GRAPH <{target[g]}> TO GRAPH <{g}>" for g in graphs] if atomic else []
        if replace_all and atomic:
            ops += [f"DROP SILENT GRAPH <{g}>" for g in st.graphs if g not in graphs]
        ops.append(f"DELETE WHERE {{ GRAPH <{META}> {{ <{load}> ?p ?o }} }}")
        new_version = version or _next_version(st.version)
        merged = dict(info if info is not None else st.info)
        ops.append(_meta_update(served, new_version, merged))  # the loading mark goes with it
        self._update_text(" ;\n".join(ops))
        self.state(fresh=True)
        self.changes += 1
        seconds = time.monotonic() - t0
        say(f"replaced {len(graphs)} graphs ({quads:,} statements) in one update" if atomic else
            f"loaded {len(graphs)} graphs ({quads:,} statements), not atomically")
        return LoadReport(graphs, quads, batches, resumed, seconds, atomic and self.dialect.name == "oxigraph")

    def _send_batch(self, graph: str, chunk: bytes, bulk: bool = False) -> None:
        if self.graphs_url:
            params = {self.dialect.graph_param: graph, **(self.dialect.bulk_params if bulk else {})}
            self._post(self.graphs_url, chunk, {"Content-Type": _NT}, params=params,
                       timeout=self._load_wait)
        else:
            self._update_text(f"INSERT DATA {{ GRAPH <{graph}> {{\n{chunk.decode('utf8')}\n}} }}")

    def _update_text(self, text: str) -> None:
        self._post(self.update_url, {"update": text}, {"Accept": "*/*"}, timeout=self._load_wait)

    def drop_all(self) -> None:
        """Remove every graph ikg loaded here, and its record (for tests and ``ikg push --replace``)."""
        st = self.state(fresh=True)
        drops = [f"DROP SILENT GRAPH <{g}>" for g in [*st.graphs, META]]
        self._update_text(" ;\n".join(drops))
        self.state(fresh=True)


# ----------------------------------------------------------------------------- helpers

_BLANK = re.compile(rb"(?m)^_:|> _:")


def _parse_results(raw: IO[bytes]) -> Any:
    try:
        return ox.parse_query_results(raw, format=ox.QueryResultsFormat.JSON)
    except (SyntaxError, ValueError, OSError) as e:
        raise StoreError(f"the SPARQL server's answer cannot be read: {e}") from e


_EMPTY = threading.local()


def _query_kind(query: str, base_iri: str | None) -> str:
    """``select``, ``ask`` or ``graph``, by parsing ``query`` with Oxigraph's parser on an empty
    store: a syntax error is the embedded store's (same message, same position)."""
    store = getattr(_EMPTY, "store", None)
    if store is None:
        store = _EMPTY.store = ox.Store()
    try:
        res = store.query(query, base_iri=base_iri)
    except SyntaxError as e:
        raise _syntax_error(e, query) from e
    except RuntimeError:  # not a syntax error: the server decides
        return "graph" if _CONSTRUCT.match(query) else "select"
    if isinstance(res, ox.QueryBoolean):
        return "ask"
    return "select" if isinstance(res, ox.QuerySolutions) else "graph"


_CONSTRUCT = re.compile(r"(?is)^(?:\s|#[^\n]*\n|(?:PREFIX|BASE)[^<]*<[^>]*>)*(CONSTRUCT|DESCRIBE)\b")


def _parse_update(update: str, base_iri: str | None) -> None:
    """Raise the embedded store's syntax error for ``update``; other errors are the server's
    to find (run on an empty store, an update that needs a graph fails for want of it)."""
    try:
        ox.Store().update(update, base_iri=base_iri)
    except SyntaxError as e:
        raise _syntax_error(e, update) from e
    except RuntimeError:
        pass


def _with_bindings(query: str, bindings: Mapping[str, Node], kind: str, casts: bool = False) -> str:
    """``query`` with ``bindings`` written in as terms, as Oxigraph's ``substitutions`` bind
    them (sub-queries included), for a server that takes no bindings: each use of a bound
    variable becomes the term (written by Oxigraph: a value is always one term, never query
    text), except where the grammar wants a variable (a projection, ``AS``, ``GROUP BY``,
    ``ORDER BY``, ``VALUES``), and a ``VALUES`` block at the start of the ``WHERE`` group binds
    it for the answer. With ``casts``, a date or date-time in an expression is written as a
    cast (``xsd:date("...")``): Virtuoso 7 compares a typed date constant wrongly."""
    if not bindings:
        return query
    terms: dict[str, str] = {}
    cast_terms: dict[str, str] = {}
    for k, v in bindings.items():
        if not re.fullmatch(r"\w+", k):
            raise BadParameter(f"{k!r} is not a variable name", {"param": k})
        try:
            terms[k] = _ntriples_term(v)
        except (ValueError, TypeError) as e:
            raise BadParameter(f"{v!s:.200} is not a valid {type(v).__name__} for '{k}': {e}",
                               {"param": k}) from None
        dt = str(getattr(v, "datatype", "") or "")
        cast_terms[k] = f"<{dt}>({json.dumps(str(v))})" if casts and dt in _CAST_DATATYPES else terms[k]
    out: list[str] = []
    parens = 0
    pos = 0
    zone: str | None = None  # "select", "group" (GROUP BY, ORDER BY) or "values": variables stay
    zone_depth = depth = 0
    after_as = False
    for m in tokens(query):
        k, text = m.lastgroup or "", m.group()
        if k == "open":
            if zone is not None and text == "{" and depth == zone_depth:
                zone = None
            depth += 1
            parens += text == "("
            continue
        if k == "close":
            depth = max(depth - 1, 0)
            parens = max(parens - (text == ")"), 0)
            if zone is not None and depth < zone_depth:
                zone = None
            continue
        if k != "word":
            continue
        word = text.upper()
        if text[0] not in "?$":
            if word in ("SELECT", "VALUES"):
                zone, zone_depth = word.lower(), depth
            elif word in ("GROUP", "ORDER"):
                zone, zone_depth = "group", depth
            elif word in ("WHERE", "HAVING", "LIMIT", "OFFSET", "FILTER", "BIND"):
                zone = None
            after_as = word == "AS"
            continue
        name = text[1:]
        keep = after_as or (zone is not None and (zone == "values" or depth == zone_depth))
        after_as = False
        if name in terms and not keep:
            out.append(query[pos:m.start()])
            out.append(cast_terms[name] if parens else terms[name])  # in an expression, or a pattern
            pos = m.end()
    out.append(query[pos:])
    text = "".join(out)
    block = f" VALUES ({' '.join('?' + k for k in terms)}) {{ ({' '.join(terms.values())}) }} "
    # the block binds the variables for the answer, in the query and in each sub-query (one
    # that returns a variable it groups by must have it bound: Virtuoso joins an unbound one
    # with nothing)
    points = sorted({_where_brace(text, kind), *_subquery_braces(text)}, reverse=True)
    for at in points:
        text = text[:at + 1] + block + text[at + 1:]
    return text


#: Datatypes whose constants Virtuoso 7 compares wrongly unless cast (measured: a FILTER
#: ``?day <= "2023-03-31"^^xsd:date`` kept 2,396 of 3,130 practices, ``xsd:date("2023-03-31")`` all).
_CAST_DATATYPES = frozenset({"http://www.w3.org/2001/XMLSchema#date", "http://www.w3.org/2001/XMLSchema#dateTime"})


def _plain_groups(query: str) -> str:
    """``query`` with each sub-select that only passes its pattern on (``{ SELECT ?a ?b WHERE
    { P } }``: no modifier, no expression, every variable of ``P`` projected, no nested group,
    no blank node) written as its pattern ``P``, which has the same solutions: among the
    patterns of the group around it where it stands between them, as the group ``{ P }``
    where the grammar wants a group (after ``OPTIONAL``, ``MINUS``, ``GRAPH``, around
    ``UNION``).

    ikg's queries over many records join their parts as sub-selects, which Oxigraph scans once
    each and joins by hashing (several times faster than one pattern it looks up record by
    record). An engine that plans joins by cost (Virtuoso) wants the plain pattern instead: it
    estimates such sub-selects as unbounded and refuses the query (``MaxQueryCostEstimationTime``),
    and evaluates a nested group on its own (at scale 100, a group of all ``ikg:region``
    statements took it past 24 GiB).

    Examples
    --------
    >>> _plain_groups("SELECT * { { SELECT ?a ?b WHERE { ?a <urn:p> ?b } } "
    ...               "OPTIONAL { SELECT ?b ?c { ?b <urn:q> ?c FILTER (?c > 1) } } }")
    'SELECT * { ?a <urn:p> ?b . OPTIONAL { ?b <urn:q> ?c FILTER (?c > 1) } }'
    >>> _plain_groups("SELECT * { { SELECT ?a WHERE { ?a <urn:p> ?b } } }")  # ?b is not projected
    'SELECT * { { SELECT ?a WHERE { ?a <urn:p> ?b } } }'
    """
    toks = [m for m in tokens(query) if m.lastgroup != "comment"]
    out: list[str] = []
    pos = i = 0
    while i < len(toks):
        end = _plain_subselect(toks, i)
        if end is None:
            i += 1
            continue
        inner_open, inner_close, outer_close = end
        pattern = query[toks[inner_open].end():toks[inner_close].start()]
        if _among_patterns(query, toks, i, outer_close):
            out += [query[pos:toks[i].start()], pattern.strip().removesuffix(".").rstrip(), " ."]
        else:
            out += [query[pos:toks[i].start()], "{", pattern, "}"]
        pos = toks[outer_close].end()
        i = outer_close + 1
    out.append(query[pos:])
    text = "".join(out)
    if text == query:
        return query
    try:
        _query_kind(text, None)
    except QuerySyntaxError:  # never expected: the rewrite keeps the syntax; the query as written then
        return query
    return text


#: Words after which a group is the grammar's, not one among the patterns of a group.
_GROUP_WORDS = frozenset({"OPTIONAL", "MINUS", "UNION", "GRAPH", "SERVICE", "SILENT", "WHERE", "EXISTS"})


def _among_patterns(query: str, toks: list[re.Match[str]], first: int, last: int) -> bool:
    """Whether the group from token ``first`` to token ``last`` stands among the patterns of
    the group around it, so that its patterns can be written there without braces: after a
    ``{``, a ``}``, a ``)`` or a ``.``, not after a word that wants a group, not before ``UNION``."""
    if first == 0:
        return False
    before = toks[first - 1]
    after = toks[last + 1].group().upper() if last + 1 < len(toks) else ""
    if after == "UNION" or before.group().upper() in _GROUP_WORDS:
        return False
    return before.group() in "{})" or "." in query[before.end():toks[first].start()]


def _plain_subselect(toks: list[re.Match[str]], i: int) -> tuple[int, int, int] | None:
    """Where the sub-select opening at token ``i`` (a ``{``) has its pattern's ``{``, that
    pattern's ``}`` and its own ``}``, if it is one :func:`_plain_groups` writes plainly."""
    if toks[i].group() != "{" or i + 1 >= len(toks) or toks[i + 1].group().upper() != "SELECT":
        return None
    projected: set[str] = set()
    j = i + 2
    while j < len(toks) and toks[j].lastgroup == "word" and toks[j].group()[0] in "?$":
        projected.add(toks[j].group()[1:])
        j += 1
    if not projected or j >= len(toks):
        return None
    if toks[j].group().upper() == "WHERE":
        j += 1
    if j >= len(toks) or toks[j].group() != "{":
        return None
    inner_open = j
    for k in range(j + 1, len(toks)):
        text, kind = toks[k].group(), toks[k].lastgroup
        if text in "{[":
            return None
        if kind == "word" and (text == "_" or (text[0] in "?$" and text[1:] not in projected)):
            return None  # a blank node label, or a variable the sub-select keeps to itself
        if text == "}":
            if k + 1 < len(toks) and toks[k + 1].group() == "}":
                return inner_open, k, k + 1
            return None  # a modifier (GROUP BY, ORDER BY, LIMIT, ...) follows
    return None


def _subquery_braces(query: str) -> list[int]:
    """The offsets of the ``{`` that open the ``WHERE`` group of each sub-query."""
    found: list[int] = []
    waiting: list[int] = []  # depths of SELECTs whose group has not opened yet
    depth = 0
    for m in tokens(query):
        k = m.lastgroup
        if k == "word" and m.group().upper() == "SELECT" and depth > 0:
            waiting.append(depth)
        elif k == "open":
            if m.group() == "{" and waiting and waiting[-1] == depth:
                found.append(m.start())
                waiting.pop()
            depth += 1
        elif k == "close":
            depth = max(depth - 1, 0)
    return found


def _where_brace(query: str, kind: str) -> int:
    """The offset of the ``{`` that opens the query's ``WHERE`` group."""
    after_where = False
    opened = 0
    depth = 0
    for m in tokens(query):
        k = m.lastgroup
        if k == "word" and depth == 0 and m.group().upper() == "WHERE":
            after_where = True
        elif k == "open":
            if m.group() == "{" and depth == 0 and (after_where or (kind != "graph" and opened == 0)):
                return m.start()
            if m.group() == "{" and depth == 0:
                opened += 1
            depth += 1
        elif k == "close":
            depth = max(depth - 1, 0)
    raise BadParameter("the query has no WHERE group to bind parameters in", {})


#: ``BOUND(?x) AS ?v``, ``EXISTS {...} AS ?v``, ``true AS ?v``: variables a query makes boolean.
_BOOLEAN_MADE = re.compile(r"(?:\bBOUND\s*\(\s*[?$]\w+\s*\)|\bEXISTS\s*\{[^{}]*\}|\b(?:true|false))\s*\)?\s*"
                           r"AS\s+[?$](\w+)", re.IGNORECASE)
_XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


def _boolean_variables(query: str) -> set[str]:
    return set(_BOOLEAN_MADE.findall(query))


def _boolean(term: Any) -> Any:
    if isinstance(term, ox.Literal) and term.datatype.value == _XSD_INTEGER and term.value in ("0", "1"):
        return ox.Literal("true" if term.value == "1" else "false",
                          datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))
    return term


def _next_version(version: str) -> str:
    head, _, n = version.rpartition(".")
    return f"{head}.{int(n) + 1}" if head and n.isdigit() else f"{version or 'remote'}.1"


def _meta_update(graphs: list[str], version: str, info: dict[str, Any]) -> str:
    """The update that makes :data:`META` list ``graphs`` at ``version``."""
    listed = " ".join(f"<{_M}graph> <{g}> ;" for g in graphs)
    return (f"DELETE WHERE {{ GRAPH <{META}> {{ <{META}> ?p ?o }} }} ;\n"
            f"INSERT DATA {{ GRAPH <{META}> {{ <{META}> {listed} <{_M}version> {json.dumps(version)} ; "
            f"<{_M}modified> \"{int(time.time())}\" ; <{_M}buildInfo> {json.dumps(json.dumps(info))} }} }}")


def _batches(file: Path, size: int) -> Iterator[bytes]:
    """The lines of an N-Triples file in batches of about ``size`` bytes, cut at line ends."""
    with open(file, "rb") as f:
        rest = b""
        while block := f.read(size):
            block = rest + block
            cut = block.rfind(b"\n") + 1
            if cut == 0:
                rest = block
                continue
            rest = block[cut:]
            yield block[:cut]
        if rest.strip():
            yield rest if rest.endswith(b"\n") else rest + b"\n"

