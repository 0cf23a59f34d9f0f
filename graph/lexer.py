"""SPARQL text as tokens, in one linear pass, for what must be read off a text without parsing it. No HTTP.

The tokenizer follows SPARQL 1.1's terminals for what must be skipped whole (strings with
their escapes, IRIs, comments that end at CR or LF) and yields brackets and words; everything
else (``;``, ``.``, ``:``, digits, operators) is left between tokens. Its readers: the guard
(nesting, ``SERVICE`` and ``LOAD``), the dataset rules (``FROM``, ``USING``, ``WITH`` and
where an update's ``WHERE`` is, :mod:`graph.dataset`) and the syntax error messages
(undeclared prefixes).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from itertools import chain

__all__ = ["Keyword", "tokens", "standalone", "keywords", "undeclared_prefixes"]

# One pass over the text. Every alternative either matches or fails at once, and the
# quantifiers are possessive (Python 3.11), so no position is scanned twice: linear time.
# Strings and IRIs follow SPARQL 1.1's terminals; an unterminated long string runs to the end,
# an unterminated short one to its line's end (the engine refuses both anyway). Comments end
# at CR or LF, as in the grammar (the lexical check this replaces ended them at LF only).
_TOKENS = re.compile(
    r'(?P<string>"""(?:[^"\\]|\\.|"(?!""))*+(?:"""|(?s:.*))'
    r"|'''(?:[^'\\]|\\.|'(?!''))*+(?:'''|(?s:.*))"
    r'|"(?:[^"\\\n\r]|\\[^\n\r])*+"?'
    r"|'(?:[^'\\\n\r]|\\[^\n\r])*+'?)"
    r"|(?P<iri><(?:[^<>\"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*+>)"
    r"|(?P<comment>#[^\r\n]*+)"
    r"|(?P<open>[{(\[])|(?P<close>[})\]])"
    r"|(?P<word>[?$]?[A-Za-z_][A-Za-z0-9_-]*+)",
    re.DOTALL,
)
#: What may stand right before a keyword in a valid text: SPARQL's white space (a comment
#: ends with a line break), the end of a term (``*``, ``)``, ``}``, ``>``) or of an update
#: operation (``;``). After anything else (``:``, ``.``, ``@``, ``-``, a digit, ``\\``, a
#: letter outside ASCII) a word is the rest of a prefixed name, a blank node label, a
#: language tag or a number, never a keyword.
_BEFORE_KEYWORD = frozenset(" \t\r\n*)}>;")
#: Characters of a name (prefix or local part): a ``:`` after one of them ends a prefix that
#: the tokenizer did not read as a word, so it is not the empty prefix.
_NAME_CHARS = frozenset("_-:%\\\u00b7")


def tokens(text: str) -> Iterator[re.Match[str]]:
    """The tokens of ``text``, in order; each match's ``lastgroup`` is its kind (``string``,
    ``iri``, ``comment``, ``open``, ``close`` or ``word``), and what lies between two tokens
    is punctuation or white space."""
    return _TOKENS.finditer(text)


def standalone(text: str, word: re.Match[str]) -> bool:
    """Whether the word token ``word`` stands alone (a keyword, ``a``, ``true``) rather than
    being part of a prefixed name, blank node label, language tag or number; exact for
    valid texts.

    Examples
    --------
    >>> [standalone(t, next(m for m in tokens(t) if m.group() == "FROM"))
    ...  for t in ("ASK FROM <g> {}", "SELECT*FROM<g>{}", "ASK { ?s ex:a.FROM ?o }", "ASK { ?s ?p 'x'@FROM }")]
    [True, True, False, False]
    """
    start, end = word.span()
    return (start == 0 or text[start - 1] in _BEFORE_KEYWORD) and text[end:end + 1] != ":"


@dataclass(frozen=True)
class Keyword:
    """A keyword found in a text: upper case, its offsets and how many brackets enclose it."""

    word: str
    start: int
    end: int
    depth: int


def keywords(text: str, words: Collection[str]) -> Iterator[Keyword]:
    """The occurrences of ``words`` (upper case) written as keywords in ``text``: standalone
    words outside strings, IRIs and comments, with their bracket depth.

    Examples
    --------
    >>> [(k.word, k.depth) for k in keywords('ASK FROM <g> { ?s ?p "FROM" . FILTER(?o) }', {"FROM", "FILTER"})]
    [('FROM', 0), ('FILTER', 1)]
    """
    depth = 0
    for m in tokens(text):
        kind = m.lastgroup
        if kind == "open":
            depth += 1
        elif kind == "close":
            depth = max(depth - 1, 0)
        elif kind == "word" and standalone(text, m) and (word := m.group().upper()) in words:
            yield Keyword(word, m.start(), m.end(), depth)


def undeclared_prefixes(text: str) -> list[str]:
    """The prefixes of prefixed names in ``text`` that no ``PREFIX`` declares, in the order of
    their first use (``""`` for the empty prefix); best effort, for error messages.

    Examples
    --------
    >>> undeclared_prefixes('PREFIX ex: <http://x/> SELECT * { ?s ex:p ikg:Project ; :q "a"^^xsd:string '
    ...                     '. ?s ex:a:b _:b }')
    ['ikg', '', 'xsd']
    """
    declared: set[str] = set()
    used: dict[str, None] = {}
    declaring = False

    def found(name: str) -> None:
        nonlocal declaring
        if declaring:
            declared.add(name)
            declaring = False
        else:
            used.setdefault(name, None)

    pos = after_word = 0
    for m in chain(tokens(text), [None]):
        # a ":" between tokens after white space or punctuation: the empty prefix
        gap_end = len(text) if m is None else m.start()
        colon = text.find(":", pos, gap_end)
        while colon != -1:
            before = text[colon - 1] if colon else " "
            if colon != after_word and not (before.isalnum() or before in _NAME_CHARS):
                found("")
            colon = text.find(":", colon + 1, gap_end)
        if m is None:
            break
        pos = m.end()
        after_word = -1
        if m.lastgroup != "word":
            continue
        after_word = pos
        name = m.group()
        if text[pos:pos + 1] == ":":
            # a prefix, unless a variable, a blank node label or a local name's part
            if name[0] not in "?$" and name != "_" and (m.start() == 0 or text[m.start() - 1] != ":"):
                found(name)
        elif name.upper() == "PREFIX" and standalone(text, m):
            declaring = True
    return [name for name in used if name not in declared]
