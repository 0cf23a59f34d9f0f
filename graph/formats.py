"""Every RDF and SPARQL results format ikg reads or writes, in one table, and the views the code uses. No HTTP.

One row a format: its name in ikg, what it holds, its media type, the engines' names for
it, the W3C format IRI, its file extension, the other media types clients send for it and
the ``format=`` values that choose it. The store, the SPARQL writers, the content
negotiation, the linked-data documents, the service description and the OpenAPI document all
read their lists from here, so a format is added or changed in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pyoxigraph as ox

__all__ = ["Format", "TABLE", "RESULT_FORMATS", "GRAPH_FORMATS", "FILE_FORMATS", "DOCUMENT_FORMATS",
           "RESULT_MEDIA", "GRAPH_MEDIA", "FORMAT_PARAMS", "W3C_FORMATS"]

W3C = "http://www.w3.org/ns/formats/"


@dataclass(frozen=True)
class Format:
    """One format.

    ``kind`` is ``results`` (SELECT and ASK answers) or ``rdf`` (triples or quads).
    ``answer``: CONSTRUCT and DESCRIBE answers may be written in it. ``file``: `ikg build`
    and the store load files in it. ``extension``: the suffix of linked-data documents
    (``/doc/...ttl``) in it, when they are offered in it.
    """

    name: str
    kind: Literal["results", "rdf"]
    media_type: str
    label: str
    oxigraph: ox.RdfFormat | ox.QueryResultsFormat
    rdflib: str
    w3c: str
    answer: bool = False
    file: bool = False
    extension: str | None = None
    aliases: tuple[str, ...] = ()
    params: tuple[str, ...] = ()


#: The formats. Order matters where a list is offered: the first of a kind is its default.
TABLE: tuple[Format, ...] = (
    Format("json", "results", "application/sparql-results+json", "SPARQL Results JSON",
           ox.QueryResultsFormat.JSON, "json", W3C + "SPARQL_Results_JSON",
           aliases=("application/json",), params=("json",)),
    Format("xml", "results", "application/sparql-results+xml", "SPARQL Results XML",
           ox.QueryResultsFormat.XML, "xml", W3C + "SPARQL_Results_XML",
           aliases=("application/xml",), params=("xml",)),
    Format("csv", "results", "text/csv; charset=utf-8", "SPARQL Results CSV",
           ox.QueryResultsFormat.CSV, "csv", W3C + "SPARQL_Results_CSV", params=("csv",)),
    Format("tsv", "results", "text/tab-separated-values; charset=utf-8", "SPARQL Results TSV",
           ox.QueryResultsFormat.TSV, "tsv", W3C + "SPARQL_Results_TSV", params=("tsv",)),
    Format("turtle", "rdf", "text/turtle; charset=utf-8", "Turtle", ox.RdfFormat.TURTLE, "turtle",
           W3C + "Turtle", answer=True, file=True, extension="ttl",
           aliases=("application/x-turtle",), params=("turtle", "ttl", "n3")),
    Format("jsonld", "rdf", "application/ld+json", "JSON-LD", ox.RdfFormat.JSON_LD, "json-ld",
           W3C + "JSON-LD", answer=True, file=True, extension="jsonld", aliases=("application/json",),
           params=("json", "json-ld", "jsonld")),
    Format("ntriples", "rdf", "application/n-triples", "N-Triples", ox.RdfFormat.N_TRIPLES, "nt",
           W3C + "N-Triples", answer=True, file=True, extension="nt", aliases=("text/plain",),
           params=("nt", "ntriples", "n-triples")),
    Format("rdfxml", "rdf", "application/rdf+xml", "RDF/XML", ox.RdfFormat.RDF_XML, "xml",
           W3C + "RDF_XML", answer=True, file=True, extension="rdf", aliases=("application/xml",),
           params=("xml", "rdf", "rdfxml", "rdf+xml")),
    Format("nquads", "rdf", "application/n-quads", "N-Quads", ox.RdfFormat.N_QUADS, "nquads",
           W3C + "N-Quads", answer=True, file=True, params=("nquads", "n-quads")),
    Format("trig", "rdf", "application/trig", "TriG", ox.RdfFormat.TRIG, "trig", W3C + "TriG",
           file=True),
)  # fmt: skip

def _media(f: Format) -> str:
    """The media type without parameters."""
    return f.media_type.split(";")[0]


#: SELECT and ASK answers: name -> (Oxigraph format, rdflib name, media type).
RESULT_FORMATS: dict[str, tuple[ox.QueryResultsFormat, str, str]] = {
    f.name: (f.oxigraph, f.rdflib, f.media_type) for f in TABLE if f.kind == "results"}  # type: ignore[misc]
#: CONSTRUCT and DESCRIBE answers: name -> (Oxigraph format, rdflib name, media type).
GRAPH_FORMATS: dict[str, tuple[ox.RdfFormat, str, str]] = {
    f.name: (f.oxigraph, f.rdflib, f.media_type) for f in TABLE if f.answer}  # type: ignore[misc]
#: Files the store loads: name -> (Oxigraph format, rdflib name).
FILE_FORMATS: dict[str, tuple[ox.RdfFormat, str]] = {
    f.name: (f.oxigraph, f.rdflib) for f in TABLE if f.file}  # type: ignore[misc]
#: Linked-data documents: extension -> (format name, media type without parameters, label).
DOCUMENT_FORMATS: dict[str, tuple[str, str, str]] = {
    f.extension: (f.name, _media(f), f.label) for f in TABLE if f.extension}
#: Media types (without parameters) -> result format name: each format's own, then the
#: aliases (an offer list built from it prefers the proper names among equals).
RESULT_MEDIA: dict[str, str] = {
    **{_media(f): f.name for f in TABLE if f.kind == "results"},
    **{m: f.name for f in TABLE if f.kind == "results" for m in f.aliases}}
#: Media types (without parameters) -> answer format name, likewise.
GRAPH_MEDIA: dict[str, str] = {
    **{_media(f): f.name for f in TABLE if f.answer},
    **{m: f.name for f in TABLE if f.answer for m in f.aliases}}
#: Values of ``format=`` / ``output=`` / ``results=`` (SPARQLWrapper sends these) ->
#: (result format, answer format), either None when the value names no format of that kind.
FORMAT_PARAMS: dict[str, tuple[str | None, str | None]] = {
    p: (next((f.name for f in TABLE if f.kind == "results" and p in f.params), None),
        next((f.name for f in TABLE if f.answer and p in f.params), None))
    for f in TABLE for p in f.params}
#: The W3C format IRIs of the formats answers are written in, for the service description.
W3C_FORMATS: list[str] = [f.w3c for f in TABLE if f.kind == "results" or f.answer]
