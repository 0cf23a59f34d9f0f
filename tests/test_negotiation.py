"""Negotiation: the preferred offer of an Accept header."""

from __future__ import annotations

import pytest

from service.negotiation import best_offer


@pytest.mark.parametrize("accept, best", [
    ("", "text/turtle"),
    ("*/*", "text/turtle"),
    ("text/html", "text/html"),
    ("text/*", "text/turtle"),
    ("text/*;q=0.5, text/html", "text/html"),
    ("text/turtle;q=0, */*", "application/ld+json"),  # the most specific range sets q
    ("*/*;q=0.1, application/ld+json;q=0.2", "application/ld+json"),
    ("TEXT/HTML;level=1;q=0.9, text/turtle;q=0.8", "text/html"),
    ("text/turtle;q=oops, text/html;q=0.1", "text/html"),  # a malformed q: the range is skipped
    ("*;q=0.5", "text/turtle"),
    ("image/png", None),
    ("text/html;q=0", None),
])
def test_best_offer_follows_q_values_and_specificity(accept, best):
    assert best_offer(["text/turtle", "application/ld+json", "text/html"], accept) == best
