"""The IRIs ikg mints and reuses (namespaces, named graphs, data IRI patterns) and the one check of
IRIs that come from outside. No HTTP."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from pathlib import Path

from rdflib import URIRef

from graph.errors import BadParameter

__all__ = [
    "IKG",
    "IKGC",
    "NUTS",
    "NUTS_SCHEME_2021",
    "NUTS_SCHEME_2016",
    "PREFIXES",
    "ROOT",
    "ONTOLOGY_DIR",
    "QUERIES_DIR",
    "DEFAULT_BASE_IRI",
    "Graphs",
    "prefix_block",
    "is_iri",
    "iri_term",
]

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_DIR = ROOT / "ontology"
QUERIES_DIR = ROOT / "queries"

IKG = "https://ikg.example.org/ontology#"
IKGC = "https://ikg.example.org/ontology/concept/"
NUTS = "http://data.europa.eu/nuts/code/"
NUTS_SCHEME_2021 = "http://data.europa.eu/nuts/scheme/2021"
NUTS_SCHEME_2016 = "http://data.europa.eu/nuts/scheme/2016"
DEFAULT_BASE_IRI = "https://ikg.example.org"

PREFIXES: dict[str, str] = {
    "ikg": IKG,
    "ikgc": IKGC,
    "nuts": NUTS,
    "eurio": "http://data.europa.eu/s66#",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": "http://www.w3.org/ns/shacl#",
    "geo": "http://www.opengis.net/ont/geosparql#",
}


def prefix_block(names: list[str] | None = None) -> str:
    """SPARQL ``PREFIX`` lines for ``names`` (all known prefixes when None)."""
    chosen = names if names is not None else list(PREFIXES)
    return "".join(f"PREFIX {n}: <{PREFIXES[n]}>\n" for n in chosen)


@dataclass(frozen=True)
class Graphs:
    """The named graphs of one deployment, derived from its base IRI."""

    base: str = DEFAULT_BASE_IRI

    def _g(self, name: str) -> str:
        return f"{self.base.rstrip('/')}/graph/{name}"

    @property
    def ontology(self) -> str:
        return self._g("ontology")

    @property
    def nuts(self) -> str:
        return self._g("nuts")

    @property
    def real(self) -> str:
        return self._g("real")

    @property
    def generated(self) -> str:
        return self._g("generated")

    @property
    def inferred(self) -> str:
        return self._g("inferred")

    @property
    def derived_real(self) -> str:
        """Facts derived from real records alone (graph.derived)."""
        return self._g("derived/real")

    @property
    def derived_generated(self) -> str:
        """Facts derived with a generated record among their premises (graph.derived)."""
        return self._g("derived/generated")

    def source(self, name: str) -> str:
        """The graph ``{base}/graph/source/{name}`` of an imported source."""
        return self._g(f"source/{name}")

    def data_iri(self, kind: str, key: str) -> str:
        """The IRI ``{base}/id/{kind}/{key}`` of a record."""
        return f"{self.base.rstrip('/')}/id/{kind}/{key}"


# An absolute IRI by the grammar of RFC 3987 (the one Oxigraph checks): a scheme, then
# characters of the classes below, percent signs followed by two hex digits, "[...]" only
# around an IP literal host, one "?" part and one "#" part. Controls (C0, DEL, C1), spaces and
# <>"{}|\\^` are never part of one, so an IRI that passes may stand between < and > in SPARQL.
_UCS = ("\u00a0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef"
        + "".join(f"{chr(p)}-{chr(p + 0xFFFD)}" for p in range(0x10000, 0xE0000, 0x10000))
        + "\U000e1000-\U000efffd")
_PRIVATE = "\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd"
_PCT = "%[0-9A-Fa-f]{2}"
_UNRESERVED = "A-Za-z0-9\\-._~" + _UCS
_SUB_DELIMS = "!$&'()*+,;="
_PCHAR = f"(?:[{_UNRESERVED}{_SUB_DELIMS}:@]|{_PCT})"
_AUTHORITY = (f"(?:(?:[{_UNRESERVED}{_SUB_DELIMS}:]|{_PCT})*@)?"
              f"(?P<host>\\[[^\\]/?#@]*\\]|(?:[{_UNRESERVED}{_SUB_DELIMS}]|{_PCT})*)(?::[0-9]*)?")
_IRI = re.compile(
    f"[A-Za-z][A-Za-z0-9+.\\-]*:"
    f"(?://{_AUTHORITY}(?:/{_PCHAR}*)*|/(?:{_PCHAR}+(?:/{_PCHAR}*)*)?|{_PCHAR}+(?:/{_PCHAR}*)*|)"
    f"(?:\\?(?:{_PCHAR}|[{_PRIVATE}/?])*)?(?:#(?:{_PCHAR}|[/?])*)?")
_IP_FUTURE = re.compile(f"[vV][0-9A-Fa-f]+\\.[A-Za-z0-9\\-._~{_SUB_DELIMS}:]+")


def is_iri(value: str) -> bool:
    """Whether ``value`` is an absolute IRI (RFC 3987), the kind a store accepts.

    Examples
    --------
    >>> is_iri("https://ikg.example.org/id/project/ERUDITE"), is_iri("urn:x:y")
    (True, True)
    >>> is_iri("NIL"), is_iri(""), is_iri("http://x\\x01y"), is_iri("a:%zz"), is_iri("a:b c")
    (False, False, False, False, False)
    """
    m = _IRI.fullmatch(value)
    if m is None:
        return False
    host = m.group("host") or ""
    if host.startswith("["):
        literal = host[1:-1]
        if _IP_FUTURE.fullmatch(literal):
            return True
        try:  # RFC 3986 IPv6address: no zone identifier
            ipaddress.IPv6Address(literal)
        except ValueError:
            return False
        return "%" not in literal
    return True


def iri_term(value: str, name: str) -> URIRef:
    """``value`` as an IRI term, for the parameter ``name``.

    Raises
    ------
    BadParameter
        When ``value`` is not an absolute IRI (:func:`is_iri`).
    """
    if not is_iri(value):
        raise BadParameter(f"{name} must be an absolute IRI, not {value!r:.200}",
                           {"param": name, "value": value[:200]})
    return URIRef(value)
