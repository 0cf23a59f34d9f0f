"""What a query or update may be on a public endpoint: its size, nesting and network use. No HTTP.

Two checks, each bounded where it runs:

- :func:`check_shape` runs in the server process before anything else sees the text. It is
  linear in the text (one pass of :mod:`graph.lexer`, whose patterns cannot backtrack) and refuses
  texts longer than a limit or nested deeper than a limit, so no client can make the engine's
  recursive parser overflow its stack or the server spend long on a request.
- :func:`network_operations` runs in the query or update process, under the request's
  deadline. It finds ``SERVICE`` (federated query) and ``LOAD`` (update) in the tree of a real
  SPARQL 1.1 parser (rdflib's grammar), joined with the keyword tokens of the tokenizer; either
  finding one refuses the request. The processes that run queries and updates are, where the
  operating system allows, also cut off from the network (see :mod:`graph.execution`), so a
  difference between this parser and the engine's cannot make the server fetch a URL.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from graph.errors import IkgError
from graph.lexer import tokens

__all__ = [
    "Limits",
    "QueryTooLarge",
    "QueryTooComplex",
    "NetworkNotAllowed",
    "check_shape",
    "network_operations",
    "refuse_network",
]

log = logging.getLogger("ikg.guard")


class QueryTooLarge(IkgError):
    """A query longer than the configured limit."""

    code = "query_too_large"


class QueryTooComplex(IkgError):
    """A query or update nested deeper than the configured limit."""

    code = "query_too_complex"


class NetworkNotAllowed(IkgError):
    """SERVICE or LOAD while outgoing network is not allowed."""

    code = "service_not_allowed"


@dataclass(frozen=True)
class Limits:
    """Bounds on a query's text, checked before the engine sees it.

    ``max_chars`` bounds the text (None: no bound, for updates, whose size the request body
    limit bounds); ``max_nesting`` bounds the depth of ``{``, ``(`` and ``[``.
    """

    max_chars: int | None = 256 * 1024
    max_nesting: int = 64


_NETWORK_KEYWORDS = {"SERVICE", "LOAD"}
#: Any text that holds a SERVICE or LOAD keyword holds one of these (case-insensitively, and
#: Unicode case folding only widens the match): the cheap test that spares most queries a parse.
_MENTION = re.compile(r"service|load", re.IGNORECASE)


def check_shape(text: str, limits: Limits) -> None:
    """Refuse a text that is too long or nested too deep; linear in its length.

    Raises
    ------
    QueryTooLarge
        When the text has more than ``limits.max_chars`` characters.
    QueryTooComplex
        When brackets (outside strings, IRIs and comments) nest deeper than
        ``limits.max_nesting``.

    Examples
    --------
    >>> check_shape('SELECT * { { ?s ?p "{{{{" } }', Limits(max_nesting=2))
    >>> try:
    ...     check_shape('SELECT * { { { ?s ?p ?o } } }', Limits(max_nesting=2))
    ... except QueryTooComplex as e:
    ...     print(e)
    brackets nest 3 deep; this endpoint allows 2
    """
    if limits.max_chars is not None and len(text) > limits.max_chars:
        raise QueryTooLarge(
            f"the query has {len(text):,} characters; this endpoint allows {limits.max_chars:,}",
            {"characters": len(text), "limit": limits.max_chars})
    depth = 0
    for m in tokens(text):
        kind = m.lastgroup
        if kind == "open":
            depth += 1
            if depth > limits.max_nesting:
                raise QueryTooComplex(
                    f"brackets nest {depth} deep; this endpoint allows {limits.max_nesting}",
                    {"nesting": depth, "limit": limits.max_nesting})
        elif kind == "close" and depth:
            depth -= 1


def _keyword_tokens(text: str) -> set[str]:
    """SERVICE / LOAD written as keywords: not in strings, IRIs or comments, not a variable,
    not part of a prefixed name."""
    found = set()
    for m in tokens(text):
        if m.lastgroup != "word":
            continue
        word = m.group().upper()
        if word not in _NETWORK_KEYWORDS:
            continue
        start, end = m.span()
        if (start and text[start - 1] in ":.") or text[end:end + 1] == ":":
            continue
        found.add(word)
    return found


def _tree_operations(tree: object) -> set[str]:
    """SERVICE / LOAD nodes in an rdflib parse tree (walked without recursion)."""
    from rdflib.plugins.sparql.parserutils import CompValue

    names = {"ServiceGraphPattern": "SERVICE", "Load": "LOAD"}
    found: set[str] = set()
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name in names:
                found.add(names[node.name])
            stack.extend(node.values())
        elif isinstance(node, (list, tuple)) or type(node).__name__ == "ParseResults":
            stack.extend(node)  # type: ignore[arg-type]
    return found


def network_operations(text: str, update: bool = False) -> list[str]:
    """The operations of ``text`` that reach the network (``SERVICE``, ``LOAD``), sorted.

    The text is parsed with rdflib's SPARQL 1.1 grammar (as an update when ``update``) and
    the tree searched; the keyword tokens of the text are added, so that a text the parser
    reads differently (or cannot read) is still refused when it writes the keyword. Texts
    that do not contain the letters of either keyword are not parsed at all.

    Examples
    --------
    >>> network_operations('SELECT * { SERVICE <http://x> { ?s ?p ?o } }')
    ['SERVICE']
    >>> network_operations('SELECT * { #\\rSERVICE <http://x> { ?s ?p ?o } }')
    ['SERVICE']
    >>> network_operations('SELECT ?service { ?s ?p "SERVICE" } # LOAD')
    []
    >>> network_operations('LOAD SILENT <http://x> INTO GRAPH <http://g>', update=True)
    ['LOAD']
    """
    if not _MENTION.search(text):
        return []
    found = _keyword_tokens(text)
    from pyparsing.exceptions import ParseBaseException
    from rdflib.plugins.sparql import parser

    # rdflib 7 ends comments at LF only and expands \\u escapes everywhere; the engine ends
    # them at CR too and reads escapes only in strings and IRIs. Ending lines the engine's way
    # and calling the grammar without the expansion keeps the two readings the same, and a
    # text the grammar then refuses (an escape in a string, say) falls back on the tokens.
    normalised = text.replace("\r", "\n")
    try:
        if update:
            tree = parser.UpdateUnit.parse_string(normalised, parse_all=True)
        else:
            tree = parser.Query.parse_string(normalised, parse_all=True)
        found |= _tree_operations(tree)
    except (ParseBaseException, RecursionError, ValueError) as e:
        log.debug("rdflib could not parse a query that mentions SERVICE or LOAD: %s", e)
    return sorted(found)


def refuse_network(text: str, update: bool = False) -> None:
    """Raise :class:`NetworkNotAllowed` when ``text`` uses SERVICE or LOAD.

    Raises
    ------
    NetworkNotAllowed
        With ``detail["operations"]``.
    """
    operations = network_operations(text, update)
    if operations:
        what = "fetch URLs: LOAD and SERVICE are" if update else "fetch other endpoints: SERVICE is"
        raise NetworkNotAllowed(f"this endpoint does not {what} not allowed",
                                {"operations": operations})
