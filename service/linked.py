"""The linked-data blueprint: /id/ IRIs 303 to /doc/ documents (RDF or HTML); the ontology at its namespace."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from flask import Blueprint, Response, current_app, render_template, request, url_for
from markupsafe import Markup
from rdflib import RDF, RDFS, Literal, URIRef

from graph import lineage, linked
from graph import void as void_data
from graph.errors import NotAcceptable, NotFound
from graph.export import read_manifest
from graph.formats import DOCUMENT_FORMATS, TABLE
from graph.linked import INCOMING_PAGE, MONEY, Description, Triple, compact, doc_path, iri_of_doc, schema_org, to_rdf
from graph.namespaces import IKG
from graph.ontology import ONTOLOGY_FILE, PYLODE_STYLESHEET, ontology_graph, ontology_html, ontology_version
from graph.store import serialise
from graph.void import Statistics, StatisticsCache, dataset_description, read_saved_statistics
from service.caching import not_modified, stamp
from service.negotiation import best_offer
from service.params import int_arg
from service.profiles import story
from service.state import data_base, data_version, dumps_folder, executor_of

__all__ = ["bp", "FORMATS", "negotiate", "link_target"]

bp = Blueprint("linked", __name__)

#: Extension -> (name of the format in :data:`graph.formats.GRAPH_FORMATS`, whose serialiser
#: writes it, or None for HTML; media type; name): the RDF documents of the one table of
#: formats, and the HTML page; order is preference for ``*/*``.
FORMATS: dict[str, tuple[str | None, str, str]] = {**DOCUMENT_FORMATS, "html": (None, "text/html", "HTML")}
#: Other media types clients send for the same formats.
ALIASES = {**{alias: f.extension for f in TABLE if f.extension for alias in f.aliases},
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
    best = best_offer([media for _, media, _ in FORMATS.values()] + list(ALIASES))
    if best is None:
        raise NotAcceptable("this document is available as " + ", ".join(
            f"{name} ({media})" for _, media, name in FORMATS.values()),
            {"available": [media for _, media, _ in FORMATS.values()]})
    return ALIASES.get(best) or next(k for k, (_, m, _) in FORMATS.items() if m == best)


def _split_extension(path: str) -> tuple[str, str | None]:
    stem, dot, ext = path.rpartition(".")
    if dot and ext in FORMATS:
        return stem, ext
    return path, None


def _alternates(path: str, current: str | None = None, query: str = "") -> list[tuple[str, str, str]]:
    """(url, media type, name) of every format of the document at ``path`` (``query``: the
    same page of it)."""
    return [(f"{path}.{ext}{query}", media, name) for ext, (_, media, name) in FORMATS.items()
            if ext != current]


def _link_header(path: str, query: str = "") -> str:
    return ", ".join(f'<{url}>; rel="alternate"; type="{media}"'
                     for url, media, _ in _alternates(path, query=query))


@bp.get("/id/<path:rest>")
def identifier(rest: str) -> Response:
    """A record's IRI: 303 See Other to its document (a 404 for an IRI the graph lacks)."""
    iri = f"{data_base().rstrip('/')}/id/{rest}"
    if not executor_of(current_app).call(linked.exists, iri=iri):
        raise NotFound(f"no record {iri} in the graph", {"iri": iri})
    return _see_other(f"/doc/{rest}")


@bp.get("/ontology/concept/<path:rest>")
def concept(rest: str) -> Response:
    """A concept's (or concept scheme's) IRI: 303 See Other to its document."""
    iri = iri_of_doc(f"concept/{rest}", data_base())
    if not executor_of(current_app).call(linked.exists, iri=iri):
        raise NotFound(f"no concept {iri} in the graph", {"iri": iri})
    return _see_other(f"/doc/concept/{rest}")


def _conditional() -> bool:
    """Whether the request is conditional: a 304 must then not stand for a missing thing."""
    return bool(request.if_none_match or request.if_modified_since)


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
    query = f"?{request.query_string.decode()}" if request.query_string else ""
    resp.headers["Link"] = _link_header(path, query)
    if ext is None:
        resp.headers["Content-Location"] = f"{path}.{fmt}{query}"
    return stamp(resp, etag, modified)


def _serialised(triples: Iterable[Triple], fmt: str) -> bytes:
    return serialise(triples, FORMATS[fmt][0] or "turtle")


@bp.get("/doc/<path:rest>")
def document(rest: str) -> Response:
    """The description of one thing, as Turtle, JSON-LD, N-Triples, RDF/XML or HTML."""
    stem, extension = _split_extension(rest)
    base = data_base()
    iri = iri_of_doc(stem, base)
    offset = int_arg("incoming", 0) or 0
    path = f"/doc/{stem}"
    version, modified = data_version()
    executor = executor_of(current_app)
    if _conditional() and not executor.call(linked.exists, iri=iri):
        raise NotFound(f"no statement about {iri} in the graph", {"iri": iri})

    def make(fmt: str) -> str | bytes:
        d: Description = executor.call(linked.describe, iri=iri, base=base, incoming_offset=offset)
        host = request.host_url.rstrip("/")
        more = f"{path}.{fmt}?incoming={d.incoming_next}" if d.incoming_next is not None else None
        if fmt == "html":
            return render_template("doc.html", d=d, page=_page(d), path=path,
                                   page_size=INCOMING_PAGE,
                                   alternates=_alternates(path, "html"),
                                   lineage=executor.call(lineage.summary, iri=d.iri, base=base),
                                   jsonld=schema_org(d, host + path), **story(d.iri, base))
        return _serialised(to_rdf(d, host + path, host + more if more else None), fmt)

    return _negotiated(path, extension, version, modified, make)


@bp.get("/ontology")
@bp.get("/ontology.<ext>")
def ontology(ext: str | None = None) -> Response:
    """The ontology at its namespace: Turtle, JSON-LD, N-Triples, RDF/XML, or its HTML
    documentation (pyLODE), with an anchor per class and property (``/ontology#Project``)."""

    def make(fmt: str) -> str | bytes:
        if fmt == "html":  # pyLODE's stylesheet linked, not inline: see service/security.py
            return ontology_html(url_for("ui.asset", package="pylode", name=PYLODE_STYLESHEET.name))
        return _serialised(sorted(ontology_graph()), fmt)

    return _negotiated("/ontology", ext, f"ontology-{ontology_version()}", _ontology_modified(),
                       make)


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


#: Seconds counting the statistics may take (30 s at scale 10 on 2 cores).
STATISTICS_TIMEOUT = 600.0


def _statistics(version: str) -> tuple[str, Statistics]:
    """(the version they were counted at, the statistics): see :class:`StatisticsCache`."""
    cache = current_app.extensions["ikg"].setdefault("statistics", StatisticsCache())
    executor = executor_of(current_app)
    return cast(StatisticsCache, cache).get(
        version, lambda: executor.call(void_data.statistics, call_timeout=STATISTICS_TIMEOUT),
        read_saved_statistics(dumps_folder()))


def _dump_manifest() -> dict | None:
    folder = dumps_folder()
    return read_manifest(folder) if folder is not None else None


def _ontology_modified() -> datetime:
    return datetime.fromtimestamp(int(ONTOLOGY_FILE.stat().st_mtime), UTC)


# ----------------------------------------------------------------------------- HTML pages


#: IRIs a page may link to, besides the documents of this server: a ``javascript:`` (or
#: ``data:``, ``vbscript:``...) IRI in the data would run in the reader's browser if it
#: became a link, so any other scheme is shown as text.
LINKABLE = re.compile(r"(?:https?|mailto):", re.IGNORECASE)


def link_target(iri: str, base: str) -> str | None:
    """Where a link to ``iri`` leads: its document on this server, else the IRI itself for
    ``http``, ``https`` and ``mailto``, else None (no link).

    >>> link_target("https://ikg.example.org/id/project/ALPHA", "https://ikg.example.org")
    '/doc/project/ALPHA'
    >>> link_target("javascript:alert(1)", "https://ikg.example.org") is None
    True
    """
    return doc_path(iri, base) or (iri if LINKABLE.match(iri) else None)


def _money(value: Any) -> str:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    text = f"{amount:,.2f}"
    return "EUR " + (text[:-3] if text.endswith(".00") else text)


def _value(d: Description, predicate: str, node: Any) -> dict[str, Any]:
    """How one value reads on a page: text, and the IRI (a link) or datatype behind it."""
    if isinstance(node, URIRef):
        return {"text": d.label_of(str(node)), "iri": str(node)}
    if isinstance(node, Literal):
        value = node.toPython()
        if predicate in MONEY:
            return {"text": _money(value), "title": "EUR"}
        if hasattr(value, "strftime"):
            return {"text": value.strftime("%-d %B %Y"), "title": str(node)}
        return {"text": str(node), "title": compact(str(node.datatype)) if node.datatype else ""}
    return {"text": str(node), "title": "blank node"}


def _page(d: Description) -> dict[str, Any]:
    """The page's view of a description: statements grouped by property, asserted apart from
    inferred, each value readable; incoming links grouped the same way."""
    real, inferred, generated = d.graphs["real"], d.graphs["inferred"], d.graphs["generated"]
    skip = {str(RDF.type), str(RDFS.label)}

    def group(statements: list, outgoing: bool) -> list[dict[str, Any]]:
        rows: dict[str, dict[str, Any]] = {}
        for st in statements:
            if outgoing and st.predicate in skip:
                continue
            row = rows.setdefault(st.predicate, {
                "label": d.label_of(st.predicate), "iri": st.predicate, "values": []})
            v = _value(d, st.predicate, st.node)
            v["real"] = st.graph == real
            v["generated"] = st.graph == generated  # only marked on a record that is not generated
            if v not in row["values"]:
                row["values"].append(v)
        return sorted(rows.values(), key=lambda r: r["label"].lower())

    types = [{"text": d.label_of(t), "iri": t}
             for t in ([t for t in d.types if t.startswith(IKG)] or d.types[:1])]
    return {
        "types": types,
        "asserted": group([s for s in d.outgoing if s.graph != inferred], True),
        "inferred": group([s for s in d.outgoing if s.graph == inferred], True),
        "incoming": group(d.incoming, False),
        "real": any(s.graph == real for s in d.outgoing),
    }


@bp.app_template_filter("eur")
def _eur_filter(value: Any) -> str:
    return _money(value)


@bp.app_template_filter("link")
def _link_filter(iri: str, text: Any = None, title: str | None = None) -> Markup:
    """Every link to an IRI on the pages: ``<a>`` to :func:`link_target`, or, for an IRI that
    is no link, a ``<span>``; ``text`` and ``title`` default to the IRI."""
    href = link_target(str(iri), data_base())
    text, title = (iri if text is None else text), (iri if title is None else title)
    if href is None:
        return Markup('<span title="{}">{}</span>').format(title, text)
    return Markup('<a href="{}" title="{}">{}</a>').format(href, title, text)


@bp.app_template_filter("jsonld")
def _jsonld_filter(obj: Any) -> str:
    # inside <script>: no "</" may appear, so escape "<" (and ">" and "&" for good measure)
    return (json.dumps(obj, ensure_ascii=False, indent=1).replace("<", "\\u003c")
            .replace(">", "\\u003e").replace("&", "\\u0026"))
