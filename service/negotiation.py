"""Content negotiation: Accept with q-values (for every route), format parameters and the
response of query answers, and HEAD answers."""

from __future__ import annotations

from collections.abc import Sequence

from flask import Response, request

from graph.formats import FORMAT_PARAMS, GRAPH_MEDIA, RESULT_MEDIA
from graph.store import Streamed

__all__ = ["accepted_ranges", "best_offer", "negotiated_formats", "answer_response",
           "head_response", "RESERVED_PARAMS"]

#: Request parameters that choose the answer's form, not values of a named query.
RESERVED_PARAMS = ("format", "output", "results")


def accepted_ranges(header: str) -> dict[str, float]:
    """The media ranges of an ``Accept`` header with their q-values, in one pass over it.

    Parameters other than ``q`` are ignored; a range with a malformed q-value, or that is no
    ``type/subtype``, is skipped; ``*`` (old Java clients) stands for ``*/*``.

    >>> accepted_ranges("text/turtle;q=0.5, */*;q=0.1, text/HTML")
    {'text/turtle': 0.5, '*/*': 0.1, 'text/html': 1.0}
    """
    ranges: dict[str, float] = {}
    for part in header.split(","):
        media, *params = part.split(";")
        media = media.strip().lower()
        media = "*/*" if media == "*" else media
        if media.count("/") != 1:
            continue
        q: float | None = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = None
        if q is not None:
            ranges[media] = max(q, ranges.get(media, 0.0))
    return ranges


def best_offer(offers: Sequence[str], header: str | None = None) -> str | None:
    """The offered media type the client prefers: the highest q-value, each offer's q-value
    being that of the most specific range that matches it (RFC 9110, 12.5.1); among equal
    q-values, the more specific match, then the first offer. None when the client accepts
    none of them.

    ``header`` defaults to the request's ``Accept``; without one, the first offer. The work is
    linear in the header's length (Werkzeug 3.1's ``best_match`` compares every range with
    every offer: an Accept of 10,000 types cost 0.94 s of a server thread).

    >>> best_offer(["text/turtle", "text/html"], "text/*;q=0.5, text/html")
    'text/html'
    >>> best_offer(["text/turtle"], "text/turtle;q=0, */*") is None
    True
    """
    header = request.headers.get("Accept", "") if header is None else header
    if not header.strip():
        return offers[0] if offers else None
    ranges = accepted_ranges(header)
    best, best_score = None, (0.0, -1)
    for offer in offers:
        kind = offer.split("/", 1)[0]
        for specificity, key in ((2, offer), (1, f"{kind}/*"), (0, "*/*")):
            if key in ranges:
                score = (ranges[key], specificity)
                if score[0] > 0 and score > best_score:
                    best, best_score = offer, score
                break
    return best


def negotiated_formats() -> tuple[str | None, str | None]:
    """(result format, graph format): from format=/output=/results=, else from Accept.

    None for a kind of answer the client accepts in no format we have (a 406 if the query
    turns out to be of that kind).
    """
    for key in ("format", "output", "results"):
        value = (request.values.get(key) or "").strip().lower()
        if value in FORMAT_PARAMS:
            r, g = FORMAT_PARAMS[value]
            return r or "json", g or "turtle"
        if value.split(";")[0] in RESULT_MEDIA or value.split(";")[0] in GRAPH_MEDIA:
            v = value.split(";")[0]
            return RESULT_MEDIA.get(v, "json"), GRAPH_MEDIA.get(v, "turtle")
    result = best_offer(["application/sparql-results+json", *RESULT_MEDIA])
    graph = best_offer(["text/turtle", *GRAPH_MEDIA])
    return RESULT_MEDIA.get(result or ""), GRAPH_MEDIA.get(graph or "")


def answer_response(answer: Streamed, row_limit: int) -> Response:
    """The HTTP response of a streamed answer: chunks, media type, Vary, truncation header."""
    # a whole answer is sent with its length (and may be compressed); others stream
    body = answer.body if answer.body is not None else answer.chunks
    resp = Response(body, content_type=answer.media_type)
    resp.headers["Vary"] = "Accept"
    if answer.truncated:
        resp.headers["Ikg-Result-Truncated"] = f"true; limit={row_limit}"
    return resp


def head_response(resp: Response) -> Response:
    """A HEAD answer as GET would have it, without its body: a streamed answer is produced
    and its bytes counted for ``Content-Length``. Without one, waitress 3.0.2 would announce a
    chunked body and send its terminator as the body of the HEAD answer."""
    if (request.method != "HEAD" or "Content-Length" in resp.headers
            or resp.status_code in (204, 304) or resp.status_code < 200):
        return resp
    length = sum(len(chunk) for chunk in resp.iter_encoded())
    resp.response = []
    resp.headers["Content-Length"] = str(length)
    return resp
