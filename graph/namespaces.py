"""The IRIs ikg mints and reuses: namespaces, named graphs and data IRI patterns. No HTTP."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

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

    def data_iri(self, kind: str, key: str) -> str:
        """The IRI ``{base}/id/{kind}/{key}`` of a record."""
        return f"{self.base.rstrip('/')}/id/{kind}/{key}"
