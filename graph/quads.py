"""Fast N-Quads writing for the build: terms as strings, one line per quad, counted. No HTTP."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import IO

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
    """

    def __init__(self, out: IO[str], graph: str) -> None:
        self._out = out
        self._g = iri(graph)
        self.count = 0

    def use(self, graph: str) -> None:
        """Write the following quads into ``graph``."""
        self._g = iri(graph)

    def add(self, s: str, p: str, o: str) -> None:
        """Add one quad; ``s``, ``p``, ``o`` are already N-Quads terms."""
        self._out.write(f"{s} {p} {o} {self._g} .\n")
        self.count += 1

    def type(self, s: str, cls: str) -> None:
        """Add ``s rdf:type cls``."""
        self.add(s, RDF_TYPE, cls)
