"""The linked-data blueprint: /id/ IRIs 303 to /doc/ documents (RDF or HTML); the ontology at its namespace."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from flask import Blueprint, Response, current_app, g, render_template, request
from rdflib import RDF, RDFS, Literal, URIRef

from graph.errors import IkgError, NotAcceptable, NotFound
from graph.execution import Executor
from graph.export import read_manifest
from graph.linked import MONEY, Description, Triple, compact, doc_path, iri_of_doc, schema_org, to_rdf
from graph.namespaces import IKG
from graph.ontology import ontology_graph, ontology_html, ontology_version
from graph.store import serialise
from graph.void import Statistics, dataset_description
from service.api import int_arg
from service.app import executor_of
from service.caching import data_version, not_modified, stamp

__all__ = ["bp", "FORMATS", "negotiate", "data_base"]

bp = Blueprint("linked", __name__)
log = logging.getLogger("ikg.service")

#: Extension -> (rdflib serialiser or None for HTML, media type, name); order is preference
#: for ``*/*``. (The RDF is written by Oxigraph, see :data:`STORE_FORMATS`.)
FORMATS: dict[str, tuple[str | None, str, str]] = {
    "ttl": ("turtle", "text/turtle", "Turtle"),
    "jsonld": ("json-ld", "application/ld+json", "JSON-LD"),
    "nt": ("nt", "application/n-triples", "N-Triples"),
    "rdf": ("xml", "application/rdf+xml", "RDF/XML"),
    "html": (None, "text/html", "HTML"),
}
#: Extension -> the name of the same format in :data:`graph.store.GRAPH_FORMATS`.
STORE_FORMATS = {"ttl": "turtle", "jsonld": "jsonld", "nt": "ntriples", "rdf": "rdfxml"}
#: Other media types clients send for the same formats.
ALIASES = {"application/x-turtle": "ttl", "application/json": "jsonld", "text/plain": "nt",
           "application/xhtml+xml": "html"}


def negotiate(extension: str | None) -> str:
    """The format key: the extension when given, else the best match for Accept (q-values,
    wildcards; Turtle for ``*/*`` or no Accept).

    Raises
    ------
    NotAcceptable
        When the client accepts none of the formats.
    """
    if extension:
        return extension
    offers = [media for _, media, _ in FORMATS.values()] + list(ALIASES)
    if not request.headers.get("Accept"):
        return "ttl"
    best = request.accept_mimetypes.best_match(offers)
    if best is None:
        raise NotAcceptable("this document is available as " + ", ".join(
            f"{name} ({media})" for _, media, name in FORMATS.values()),
            {"available": [media for _, media, _ in FORMATS.values()]})
    return ALIASES.get(best) or next(k for k, (_, m, _) in FORMATS.items() if m == best)


def _split_extension(path: str) -> tuple[str, str | None]:
    stem, dot, ext = path.rpartition(".")
    if dot and ext in FORMATS and "/" not in ext:
        return stem, ext
    return path, None


def data_base() -> str:
    """The base IRI of the records being served: the one the build minted them under, else
    ``IKG_BASE_IRI``. Requests are matched by path, so any host name serves them."""
    if "ikg_base" not in g:
        info = executor_of(current_app).build_info()
        g.ikg_base = str(info.get("base_iri") or current_app.config["IKG_BASE_IRI"])
    return str(g.ikg_base)


def _alternates(path: str, current: str | None = None) -> list[tuple[str, str, str]]:
    """(url, media type, name) of every format of the document at ``path``."""
    return [(f"{path}.{ext}", media, name) for ext, (_, media, name) in FORMATS.items()
            if ext != current]


def _link_header(path: str) -> str:
    return ", ".join(f'<{url}>; rel="alternate"; type="{media}"'
                     for url, media, _ in _alternates(path))


@bp.get("/id/<path:rest>")
def identifier(rest: str) -> Response:
    """A record's IRI: 303 See Other to its document (a 404 for an IRI the graph lacks)."""
    iri = f"{data_base().rstrip('/')}/id/{rest}"
    if not executor_of(current_app).call("exists", iri=iri):
        raise NotFound(f"no record {iri} in the graph", {"iri": iri})
    return _see_other(f"/doc/{rest}")


@bp.get("/ontology/concept/<path:rest>")
def concept(rest: str) -> Response:
    """A concept's IRI: 303 See Other to its document."""
    return _see_other(f"/doc/concept/{rest}")


def _see_other(path: str) -> Response:
    target = path + (f"?{request.query_string.decode()}" if request.query_string else "")
    resp = Response(status=303, headers={"Location": target})
    resp.vary.add("Accept")
    return resp


def _negotiated(path: str, ext: str | None, tag: str, modified: datetime,
                make: Callable[[str], str | bytes]) -> Response:
    """A document in the format of ``ext`` or Accept: a 304 when the client's copy (``tag``
    and ``modified``) is current, else ``make(format)`` with its media type, the alternates,
    Content-Location and validators.

    Raises
    ------
    NotFound
        An extension that is no format.
    NotAcceptable
        When the client accepts none of the formats.
    """
    if ext is not None and ext not in FORMATS:
        raise NotFound(f"no format .{ext}; formats are " + ", ".join(f".{e}" for e in FORMATS),
                       {"extension": ext})
    fmt = negotiate(ext)
    etag = f"{tag}-{fmt}"
    cached = not_modified(etag, modified)
    if cached is not None:
        return cached
    resp = Response(make(fmt), content_type=f"{FORMATS[fmt][1]}; charset=utf-8")
    resp.headers["Link"] = _link_header(path)
    if ext is None:
        resp.headers["Content-Location"] = f"{path}.{fmt}"
    return stamp(resp, etag, modified)


def _serialised(triples: Iterable[Triple], fmt: str) -> bytes:
    return serialise(triples, STORE_FORMATS[fmt])


@bp.get("/doc/<path:rest>")
def document(rest: str) -> Response:
    """The description of one thing, as Turtle, JSON-LD, N-Triples, RDF/XML or HTML."""
    stem, extension = _split_extension(rest)
    base = data_base()
    iri = iri_of_doc(stem, base)
    offset = int_arg("incoming", 0) or 0
    path = f"/doc/{stem}"
    version, modified = data_version()

    def make(fmt: str) -> str | bytes:
        d: Description = executor_of(current_app).call(
            "describe", iri=iri, base=base, incoming_offset=offset)
        host = request.host_url.rstrip("/")
        more = f"{path}.{fmt}?incoming={d.incoming_next}" if d.incoming_next is not None else None
        if fmt == "html":
            return render_template("doc.html", d=d, page=_page(d, base), path=path,
                                   alternates=_alternates(path, "html"), lineage=_lineage(d),
                                   jsonld=schema_org(d, host + path))
        return _serialised(to_rdf(d, host + path, host + more if more else None), fmt)

    return _negotiated(path, extension, version, modified, make)


@bp.get("/ontology")
@bp.get("/ontology.<ext>")
def ontology(ext: str | None = None) -> Response:
    """The ontology at its namespace: Turtle, JSON-LD, N-Triples, RDF/XML, or its HTML
    documentation (pyLODE), with an anchor per class and property (``/ontology#Project``)."""
    return _negotiated("/ontology", ext, f"ontology-{ontology_version()}", _ontology_modified(),
                       lambda fmt: ontology_html() if fmt == "html"
                       else _serialised(sorted(ontology_graph()), fmt))


@bp.get("/.well-known/void")
@bp.get("/.well-known/void.<ext>")
def void(ext: str | None = None) -> Response:
    """The dataset description (VoID and DCAT) with statistics counted in the store."""
    version, modified = data_version()
    dumps = _dump_manifest()
    counted, stats = _statistics(version)

    def make(fmt: str) -> str | bytes:
        host = request.host_url.rstrip("/")
        if fmt == "html":
            return render_template("void.html", stats=stats, dumps=dumps, version=version,
                                   counted=counted, modified=modified, base=data_base(),
                                   host=host, compact=compact,
                                   alternates=_alternates("/.well-known/void", "html"))
        return _serialised(sorted(dataset_description(stats, data_base(), host, version,
                                                      modified.isoformat(), dumps, counted)), fmt)

    exported = (dumps or {}).get("exported_at", "nodumps")
    return _negotiated("/.well-known/void", ext, f"void-{version}-{counted}-{exported}",
                       modified, make)


#: Seconds counting the statistics may take (26 s at scale 10 on 2 cores).
STATISTICS_TIMEOUT = 600.0


def _statistics(version: str) -> tuple[str, Statistics]:
    """(the version they were counted at, the statistics).

    Those of ``version`` when known (counted before, or saved by `ikg export`); else the last
    ones known, while those of ``version`` are counted in the background (after a SPARQL
    update, say: a large store takes longer to count than a request should wait); counted
    now when there are none at all.
    """
    state = current_app.extensions["ikg"]
    cached = state.get("void")
    if cached is not None and cached[0] == version:
        return cast(tuple[str, Statistics], cached)
    saved = _saved_statistics()
    if saved is not None and saved[0] == version:
        state["void"] = saved
        return saved
    executor = executor_of(current_app)
    stale = cached or saved
    if stale is None:
        state["void"] = (version, executor.call("void_statistics", call_timeout=STATISTICS_TIMEOUT))
        return cast(tuple[str, Statistics], state["void"])
    _count_in_background(state, executor, version)
    return cast(tuple[str, Statistics], stale)


def _count_in_background(state: dict[str, Any], executor: Executor, version: str) -> None:
    with state["lock"]:
        if state.get("void_counting") == version:
            return
        state["void_counting"] = version

    def count() -> None:
        try:
            state["void"] = (version, executor.call("void_statistics",
                                                    call_timeout=STATISTICS_TIMEOUT))
        except IkgError as e:  # logged; the next request starts another count
            log.warning("counting the statistics of version %s failed: %s", version, e)
        finally:
            state["void_counting"] = None

    threading.Thread(target=count, name="ikg-void-statistics", daemon=True).start()


def _saved_statistics() -> tuple[str, Statistics] | None:
    """The statistics `ikg export` saved next to the dumps, with their version."""
    from service.dumps import dumps_folder

    folder = dumps_folder()
    try:
        saved = json.loads((folder / "statistics.json").read_text(encoding="utf8")) if folder else {}
    except (OSError, ValueError):
        return None
    version = saved.pop("version", None)
    return (str(version), Statistics(**saved)) if version else None


def _dump_manifest() -> dict | None:
    from service.dumps import dumps_folder

    folder = dumps_folder()
    return read_manifest(folder) if folder is not None else None


def _ontology_modified() -> datetime:
    from graph.ontology import ONTOLOGY_FILE

    return datetime.fromtimestamp(int(ONTOLOGY_FILE.stat().st_mtime), UTC)


# ----------------------------------------------------------------------------- HTML pages


def _href(iri: str, base: str) -> str:
    return doc_path(iri, base) or iri


def _money(value: Any) -> str:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    text = f"{amount:,.2f}"
    return "EUR " + (text[:-3] if text.endswith(".00") else text)


def _value(d: Description, predicate: str, node: Any, base: str) -> dict[str, Any]:
    """How one value reads on a page: text, link, and the IRI or datatype behind it."""
    if isinstance(node, URIRef):
        return {"text": d.label_of(str(node)), "href": _href(str(node), base), "title": str(node)}
    if isinstance(node, Literal):
        value = node.toPython()
        if predicate in MONEY:
            return {"text": _money(value), "title": "EUR"}
        if hasattr(value, "strftime"):
            return {"text": value.strftime("%-d %B %Y"), "title": str(node)}
        return {"text": str(node), "title": compact(str(node.datatype)) if node.datatype else ""}
    return {"text": str(node), "title": "blank node"}


def _page(d: Description, base: str) -> dict[str, Any]:
    """The page's view of a description: statements grouped by property, asserted apart from
    inferred, each value readable; incoming links grouped the same way."""
    real, inferred = d.graphs["real"], d.graphs["inferred"]
    skip = {str(RDF.type), str(RDFS.label)}

    def group(statements: list, outgoing: bool) -> list[dict[str, Any]]:
        rows: dict[str, dict[str, Any]] = {}
        for st in statements:
            if outgoing and st.predicate in skip:
                continue
            row = rows.setdefault(st.predicate, {
                "label": d.label_of(st.predicate), "href": _href(st.predicate, base),
                "iri": st.predicate, "values": []})
            v = _value(d, st.predicate, st.node, base)
            v["real"] = st.graph == real
            if v not in row["values"]:
                row["values"].append(v)
        return sorted(rows.values(), key=lambda r: r["label"].lower())

    types = [{"text": d.label_of(t), "href": _href(t, base), "iri": t} for t in d.types
             if t.startswith(IKG)] or [{"text": d.label_of(t), "href": _href(t, base), "iri": t}
                                      for t in d.types[:1]]
    return {
        "types": types,
        "asserted": group([s for s in d.outgoing if s.graph != inferred], True),
        "inferred": group([s for s in d.outgoing if s.graph == inferred], True),
        "incoming": group(d.incoming, False),
        "real": any(s.graph == real for s in d.outgoing),
    }


def _lineage(d: Description) -> dict[str, Any] | None:
    """The lineage summary of a practice (what it led to) or a change or instrument (what lies
    behind it), from the lineage functions."""
    executor = executor_of(current_app)
    if IKG + "GoodPractice" in d.types:
        return {"direction": "downstream", **executor.call("downstream", practice=d.iri)}
    if IKG + "PolicyChange" in d.types or IKG + "PolicyInstrument" in d.types:
        return {"direction": "upstream", **executor.call("upstream", iri=d.iri)}
    return None


@bp.app_template_filter("eur")
def _eur_filter(value: Any) -> str:
    return _money(value)


@bp.app_template_filter("doc")
def _doc_filter(iri: str) -> str:
    return _href(iri, data_base())


@bp.app_template_filter("jsonld")
def _jsonld_filter(obj: Any) -> str:
    # inside <script>: no "</" may appear, so escape "<" (and ">" and "&" for good measure)
    return (json.dumps(obj, ensure_ascii=False, indent=1).replace("<", "\\u003c")
            .replace(">", "\\u003e").replace("&", "\\u0026"))
