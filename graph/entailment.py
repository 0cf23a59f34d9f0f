"""The super-properties and super-classes of ikg terms, read from ontology/ikg.ttl. No HTTP.

The build writes, next to every quad whose predicate (or, for ``rdf:type``, whose class) is an
ikg term aligned with another vocabulary, the same statement with the aligned term, into the
``inferred`` named graph. Generic PROV-O, ORG, EURIO and schema.org clients then follow the
chains without a reasoner. The alignments come from the ontology file alone, so the ontology
stays the one place they are stated.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from rdflib import OWL, RDFS, Graph, URIRef

from graph.namespaces import IKG, ONTOLOGY_DIR

__all__ = ["Alignments", "alignments"]

SKIP = {str(RDFS.Resource), str(OWL.Thing), "http://www.w3.org/2004/02/skos/core#Concept"}


class Alignments:
    """Super-terms outside the ikg namespace, by ikg term, transitively closed."""

    def __init__(self, properties: dict[str, tuple[str, ...]], classes: dict[str, tuple[str, ...]]):
        self.properties = properties
        self.classes = classes


def _closure(g: Graph, link: URIRef) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for term in set(g.subjects(link, None)):
        if not str(term).startswith(IKG):
            continue
        seen: set[str] = set()
        todo = [term]
        while todo:
            for sup in g.objects(todo.pop(), link):
                if isinstance(sup, URIRef) and str(sup) not in seen:
                    seen.add(str(sup))
                    todo.append(sup)
        supers = tuple(sorted(s for s in seen if not s.startswith(IKG) and s not in SKIP))
        if supers:
            out[str(term)] = supers
    return out


@lru_cache(maxsize=4)
def alignments(path: Path = ONTOLOGY_DIR / "ikg.ttl") -> Alignments:
    """The alignments of ``ontology/ikg.ttl``.

    Examples
    --------
    >>> a = alignments()
    >>> a.properties["https://ikg.example.org/ontology#inspiredBy"]
    ('http://www.w3.org/ns/prov#wasInfluencedBy',)
    >>> "http://www.w3.org/ns/prov#Activity" in a.classes["https://ikg.example.org/ontology#PolicyChange"]
    True
    """
    g = Graph().parse(str(path), format="turtle")
    return Alignments(_closure(g, RDFS.subPropertyOf), _closure(g, RDFS.subClassOf))
