"""How names are compared when people search: Greek and Cyrillic letters written in Latin
ones (ELOT 743 for Greek, the Bulgarian official system for Cyrillic: the ways Eurostat's
Latin names of regions are written), accents dropped, case folded, punctuation and white
space made single spaces. So ``Αττική``, ``Aττική`` (EL30's label begins with a Latin A),
``Attiki`` and ``ATTIKI`` are one name, as are ``Île-de-France`` and ``ile de france``. No
HTTP.
"""

from __future__ import annotations

import unicodedata

__all__ = ["fold"]

#: Greek (ELOT 743, simplified: letter for letter, two digraphs first) and Cyrillic
#: (Bulgarian Streamlined System) letters in Latin ones, lower case.
_DIGRAPHS = {"ου": "ou", "γγ": "ng"}  # the two whose letters alone would read otherwise
_LETTERS = {
    "α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "th", "ι": "i", "κ": "k",
    "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p", "ρ": "r", "σ": "s", "ς": "s", "τ": "t",
    "υ": "y", "φ": "f", "χ": "ch", "ψ": "ps", "ω": "o",
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z", "и": "i", "й": "y",
    "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sht", "ъ": "a", "ь": "y", "ю": "yu", "я": "ya",
}
_TABLE = str.maketrans(_LETTERS)


def fold(text: str) -> str:
    """``text`` as searches compare it.

    >>> fold("Αττική") == fold("Aττική") == fold("Attiki") == "attiki"
    True
    >>> fold("Северозападен"), fold("Île-de-France"), fold("  Dytikí   Makedonía ")
    ('severozapaden', 'ile de france', 'dytiki makedonia')
    >>> fold("Δυτική Μακεδονία"), fold("Κεντρική Μακεδονία"), fold("Ιόνια Νησιά")
    ('dytiki makedonia', 'kentriki makedonia', 'ionia nisia')
    """
    # accents off first (ή is η with a tonos), then the digraphs, then letter by letter
    plain = "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))
    for greek, latin in _DIGRAPHS.items():
        plain = plain.replace(greek, latin)
    latin = plain.translate(_TABLE)
    return " ".join("".join(c if c.isalnum() else " " for c in latin).split())
