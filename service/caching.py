"""HTTP caching of data answers: validators from the store version, 304s, and gzip."""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable
from datetime import datetime

from flask import Blueprint, Response, g, request

from service.state import data_version

__all__ = ["not_modified", "stamp", "compress", "revalidate_by_version"]

COMPRESSIBLE = {"text/html", "text/turtle", "application/ld+json", "application/n-triples",
                "application/rdf+xml", "application/json", "text/plain", "text/csv",
                "application/sparql-results+json", "image/svg+xml", "application/n-quads"}
MIN_GZIP = 1024  # bytes: smaller answers are not worth compressing


def not_modified(etag: str, modified: datetime, vary: str = "Accept",
                 since: bool = True) -> Response | None:
    """A 304 when the client's copy (If-None-Match, else, with ``since``, If-Modified-Since)
    is current."""
    if request.if_none_match:
        # "*" would match whatever exists; answers are cheap enough to send instead
        current = not request.if_none_match.star_tag and request.if_none_match.contains_weak(etag)
    else:
        current = (since and request.if_modified_since is not None
                   and request.if_modified_since >= modified)
    if not current:
        return None
    return stamp(Response(status=304), etag, modified, vary)


def stamp(resp: Response, etag: str, modified: datetime, vary: str = "Accept") -> Response:
    """Set the validators (a weak ETag: the gzip and identity bodies are equivalent),
    ``Cache-Control: no-cache`` (reuse after revalidation) and ``Vary``."""
    resp.set_etag(etag, weak=True)
    resp.last_modified = modified
    resp.headers["Cache-Control"] = "no-cache"
    if vary:
        resp.vary.add(vary)
    resp.vary.add("Accept-Encoding")
    return resp


def compress(resp: Response) -> Response:
    """gzip a whole (not streamed, not file) answer of a text type when the client accepts it."""
    if (resp.status_code != 200 or resp.direct_passthrough or resp.is_streamed
            or resp.mimetype not in COMPRESSIBLE or "Content-Encoding" in resp.headers
            or not request.accept_encodings["gzip"]):
        return resp
    data = resp.get_data()
    if len(data) < MIN_GZIP:
        return resp
    resp.set_data(gzip.compress(data, compresslevel=6, mtime=0))
    resp.headers["Content-Encoding"] = "gzip"
    resp.vary.add("Accept-Encoding")
    return resp


def _request_tag() -> str:
    """A weak ETag for this request's answer: the data version and everything in the request
    that shapes the answer (method, path, query string, body, Accept)."""
    h = hashlib.sha256()
    method = "GET" if request.method == "HEAD" else request.method  # HEAD validates GET's copy
    environ = request.environ  # the path and query string as sent (decoding them costs more)
    for part in (method, environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""),
                 request.headers.get("Accept", ""), request.headers.get("Content-Type", "")):
        h.update(part.encode() + b"\0")
    h.update(request.get_data(cache=True))
    version, _ = data_version()
    return f"{version}-{h.hexdigest()[:20]}"


def revalidate_by_version(bp: Blueprint, cacheable: Callable[[], bool] | None = None) -> None:
    """Give every successful answer of ``bp`` validators from the store version, and answer a
    conditional GET whose copy is current with a 304 before any query runs. ``cacheable``
    says whether this request's answer depends on the data alone (a query with RAND() or
    NOW() does not)."""

    @bp.before_request
    def _check() -> Response | None:
        if request.method not in ("GET", "HEAD", "POST") or (cacheable and not cacheable()):
            return None
        g.ikg_etag = _request_tag()
        if request.method == "POST":
            return None
        # only the ETag: it was given to a 200 answer of this very request, where a date could
        # stand for a request that fails
        return not_modified(g.ikg_etag, data_version()[1], since=False)

    @bp.after_request
    def _stamp(resp: Response) -> Response:
        tag = g.get("ikg_etag")
        if tag and resp.status_code == 200 and "ETag" not in resp.headers:
            stamp(resp, tag, data_version()[1], vary="Accept")
        return resp
