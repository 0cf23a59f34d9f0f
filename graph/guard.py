"""What a query may do on a public endpoint: find the operations that reach the network. No HTTP.

A public endpoint must not fetch URLs for strangers: ``SERVICE`` (federated query) and
``LOAD`` (update) are refused unless configuration allows them. The check is lexical and
cheap (no parse): strings, IRIs and comments are blanked first, so ``"SERVICE"`` in a literal,
``<http://x/LOAD>`` or a ``?service`` variable do not count.
"""

from __future__ import annotations

import re

__all__ = ["network_operations"]

_BLANKS = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'  # long strings
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'  # short strings
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"  # IRIs
    r"|#[^\n]*",  # comments
)
_KEYWORDS = re.compile(r"(?<![\w:?$])(SERVICE|LOAD)(?![\w:-])", re.IGNORECASE)


def network_operations(text: str) -> list[str]:
    """The network-reaching keywords (upper-cased) that ``text`` uses as keywords.

    Examples
    --------
    >>> network_operations('SELECT * { SERVICE <http://x> { ?s ?p ?o } }')
    ['SERVICE']
    >>> network_operations('SELECT ?service { ?s ?p "SERVICE" } # LOAD')
    []
    """
    stripped = _BLANKS.sub(" ", text)
    return sorted({m.group(1).upper() for m in _KEYWORDS.finditer(stripped)})
