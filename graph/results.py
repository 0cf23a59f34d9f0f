"""Streaming writers of SPARQL SELECT/ASK results (JSON, XML, CSV, TSV) from pyoxigraph terms. No HTTP.

pyoxigraph serialises a whole result at once; these writers yield it in chunks and stop at a
row cap, so a large answer is streamed and bounded. The formats follow the W3C SPARQL 1.1
Query Results JSON, XML and CSV/TSV recommendations.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from graph.formats import RESULT_FORMATS

__all__ = ["select_chunks", "ask_chunk", "RESULT_MEDIA_TYPES"]

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
#: Result format name -> media type (from the one table of formats).
RESULT_MEDIA_TYPES = {name: media for name, (_, _, media) in RESULT_FORMATS.items()}
BATCH = 500


def _json_term(t: object) -> dict:
    if isinstance(t, ox.NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, ox.BlankNode):
        return {"type": "bnode", "value": t.value}
    if isinstance(t, ox.Literal):
        out = {"type": "literal", "value": t.value}
        if t.language:
            out["xml:lang"] = t.language
        elif t.datatype.value != XSD_STRING:
            out["datatype"] = t.datatype.value
        return out
    if isinstance(t, ox.Triple):
        return {"type": "triple", "value": {"subject": _json_term(t.subject),
                                            "predicate": _json_term(t.predicate),
                                            "object": _json_term(t.object)}}
    raise TypeError(f"unexpected term {t!r}")


def _xml_term(t: object) -> str:
    if isinstance(t, ox.NamedNode):
        return f"<uri>{escape(t.value)}</uri>"
    if isinstance(t, ox.BlankNode):
        return f"<bnode>{escape(t.value)}</bnode>"
    if isinstance(t, ox.Literal):
        if t.language:
            return f"<literal xml:lang={quoteattr(t.language)}>{escape(t.value)}</literal>"
        if t.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(t.datatype.value)}>{escape(t.value)}</literal>"
        return f"<literal>{escape(t.value)}</literal>"
    if isinstance(t, ox.Triple):
        return (f"<triple><subject>{_xml_term(t.subject)}</subject><predicate>"
                f"{_xml_term(t.predicate)}</predicate><object>{_xml_term(t.object)}</object></triple>")
    raise TypeError(f"unexpected term {t!r}")


def _csv_field(t: object) -> str:
    if t is None:
        return ""
    if isinstance(t, ox.BlankNode):
        value = f"_:{t.value}"
    elif isinstance(t, (ox.NamedNode, ox.Literal)):
        value = t.value
    else:
        value = str(t)
    if any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def _tsv_field(t: object) -> str:
    # TSV carries terms in their SPARQL/Turtle form, which pyoxigraph's str() gives
    return "" if t is None else str(t).replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def select_chunks(
    variables: list[str], rows: Iterable[tuple[object | None, ...]], fmt: str
) -> Iterator[bytes]:
    """Yield a SELECT result in ``fmt`` (json, xml, csv, tsv), a few hundred rows per chunk.

    Parameters
    ----------
    variables : list of str
        The projected variables, in order.
    rows : iterable of tuples
        pyoxigraph terms (None where unbound), one tuple per solution, in ``variables`` order.
    fmt : str
        One of :data:`RESULT_MEDIA_TYPES`.

    Examples
    --------
    >>> b"".join(select_chunks(["x"], [(ox.Literal("a,b"),)], "csv"))
    b'x\\r\\n"a,b"\\r\\n'
    """
    if fmt == "json":
        head = json.dumps({"head": {"vars": variables}})[:-1]
        yield (head + ', "results": {"bindings": [').encode()
        first = True
        terms: dict[object, dict] = {}  # each term's JSON object, made once (predicates repeat)
        for batch in _batches(rows):
            bindings = []
            for row in batch:
                binding = {}
                for v, t in zip(variables, row):
                    if t is not None:
                        term = terms.get(t)
                        if term is None:
                            term = terms[t] = _json_term(t)
                        binding[v] = term
                bindings.append(binding)
            if len(terms) > 10_000:
                terms.clear()
            # one call to the C encoder a batch; its brackets dropped, batches joined by commas
            text = json.dumps(bindings, ensure_ascii=False)[1:-1]
            yield (text if first else "," + text).encode()
            first = False
        yield b"]}}"
    elif fmt == "xml":
        head = "".join(f"<variable name={quoteattr(v)}/>" for v in variables)
        yield ('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
               f"<head>{head}</head><results>").encode()
        for batch in _batches(rows):
            yield "".join(
                "<result>" + "".join(f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                                     for v, t in zip(variables, row) if t is not None) + "</result>"
                for row in batch).encode()
        yield b"</results></sparql>\n"
    elif fmt == "csv":
        yield (",".join(variables) + "\r\n").encode()
        for batch in _batches(rows):
            yield "".join(",".join(_csv_field(t) for t in row) + "\r\n" for row in batch).encode()
    elif fmt == "tsv":
        yield ("\t".join(f"?{v}" for v in variables) + "\n").encode()
        for batch in _batches(rows):
            yield "".join("\t".join(_tsv_field(t) for t in row) + "\n" for row in batch).encode()
    else:
        raise ValueError(f"unknown result format {fmt!r}")


def ask_chunk(value: bool, fmt: str) -> bytes:
    """An ASK result in ``fmt``."""
    word = "true" if value else "false"
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt == "xml":
        return ('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                f"<head/><boolean>{word}</boolean></sparql>\n").encode()
    if fmt == "csv":
        return f"_askResult\r\n{word}\r\n".encode()
    if fmt == "tsv":
        return f"?_askResult\n{word}\n".encode()
    raise ValueError(f"unknown result format {fmt!r}")


def _batches(rows: Iterable[tuple]) -> Iterator[list[tuple]]:
    batch: list[tuple] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch
