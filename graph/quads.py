"""Fast N-Quads writing for the build: terms as strings, one line per quad, counted. No HTTP."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from graph.entailment import Alignments

__all__ = ["QuadWriter", "iri", "lit", "typed", "XSD"]

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def iri(value: str) -> str:
    """An IRI term in N-Quads syntax."""
    return f"<{value}>"


def lit(value: str, lang: str | None = None) -> str:
    """A plain string literal (language-tagged when ``lang`` is given)."""
    text = f'"{value.translate(_ESCAPES)}"'
    return f"{text}@{lang}" if lang else text


def typed(value: object) -> str:
    """A typed literal for an int, Decimal, bool or date."""
    if isinstance(value, bool):
        return f'"{str(value).lower()}"^^<{XSD}boolean>'
    if isinstance(value, int):
        return f'"{value}"^^<{XSD}integer>'
    if isinstance(value, Decimal):
        return f'"{value}"^^<{XSD}decimal>'
    if isinstance(value, date):
        return f'"{value.isoformat()}"^^<{XSD}date>'
    raise TypeError(f"no typed literal for {type(value).__name__}")


class QuadWriter:
    """Writes quads of one named graph at a time to a text stream.

    Parameters
    ----------
    out : text stream
        Where the N-Quads lines go.
    graph : str
        IRI of the named graph the next quads belong to (change with :meth:`use`).
    alignments : Alignments, optional
        When given, every quad whose predicate (or ``rdf:type`` class) has super-terms is
        followed by the same statement with each super-term, in the ``inferred`` graph.
    inferred : str, optional
        IRI of the graph for those statements.
    """

    def __init__(self, out: IO[str], graph: str, alignments: Alignments | None = None,
                 inferred: str | None = None) -> None:
        self._out = out
        self.graph, self._g = graph, iri(graph)
        self.count = 0
        self._props: dict[str, tuple[str, ...]] = {}
        self._classes: dict[str, tuple[str, ...]] = {}
        if alignments is not None:
            if inferred is None:
                raise ValueError("alignments need the inferred graph's IRI")
            self._props = {iri(k): tuple(map(iri, v)) for k, v in alignments.properties.items()}
            self._classes = {iri(k): tuple(map(iri, v)) for k, v in alignments.classes.items()}
            self._inferred = iri(inferred)

    def use(self, graph: str) -> None:
        """Write the following quads into ``graph``."""
        if graph != self.graph:
            self.graph, self._g = graph, iri(graph)

    def add(self, s: str, p: str, o: str) -> None:
        """Add one quad; ``s``, ``p``, ``o`` are already N-Quads terms."""
        write = self._out.write
        write(f"{s} {p} {o} {self._g} .\n")
        self.count += 1
        supers = self._classes.get(o) if p == RDF_TYPE else self._props.get(p)
        if supers:
            for sup in supers:
                if p == RDF_TYPE:
                    write(f"{s} {p} {sup} {self._inferred} .\n")
                else:
                    write(f"{s} {sup} {o} {self._inferred} .\n")
            self.count += len(supers)

    def type(self, s: str, cls: str) -> None:
        """Add ``s rdf:type cls``."""
        self.add(s, RDF_TYPE, cls)
