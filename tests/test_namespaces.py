"""The one check of IRIs that come from outside, against the engine's own parser."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.errors import BadParameter
from graph.namespaces import iri_term, is_iri


def _oxigraph_takes(value: str) -> bool:
    try:
        ox.NamedNode(value)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("value, ok", [
    ("https://ikg.example.org/id/project/ERUDITE", True), ("urn:x:y", True), ("mailto:a@b", True),
    ("http://[::1]:80/p?q#f", True), ("http://[v1.x]/", True), ("http://é.com/ä?\ue000", True),
    ("a:%2f", True), ("http://h@", True),
    ("NIL", False), ("", False), ("0.0", False), ("1a:b", False), ("http://x\x01y", False),
    ("a:b c", False), ("a:%zz", False), ("a:b#c#d", False), ("http://a:b", False), ("a:[x]", False),
    ("http://[x]/", False), ("http://[fe80::1%25eth0]/", False), ("a:\x80", False), ("a:\ue000", False),
    ("a:\ufffe", False), ("a:<b>", False), ('a:"', False), ("a:{}", False), ("a:|", False),
    ("a:\\", False), ("a:^", False), ("a:`", False), ("a:b\x7f", False),
])
def test_iris_by_hand(value, ok):
    assert is_iri(value) is ok
    assert _oxigraph_takes(value) is ok


ALPHABET = list("ab:/?#[]@%0F9vV.-_~!$&'()*+,;= <>\"{}|\\^`\x01\x7f\x80\xa0\ue000\ufffe\U0001fffd")


@settings(max_examples=3000, derandomize=True, deadline=None)
@given(st.tuples(st.sampled_from(["", "http://", "a:", "a://", "http://[", "a://u@[", "x:?", "x:#"]),
                 st.text(st.sampled_from(ALPHABET), max_size=12)))
def test_is_iri_agrees_with_oxigraph(parts):
    value = "".join(parts)
    assert is_iri(value) == _oxigraph_takes(value), ascii(value)


def test_iri_term_names_the_parameter():
    assert str(iri_term("urn:x", "practice")) == "urn:x"
    with pytest.raises(BadParameter) as e:
        iri_term("NIL", "default-graph-uri")
    assert e.value.detail == {"param": "default-graph-uri", "value": "NIL"}
