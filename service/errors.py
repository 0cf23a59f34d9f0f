"""One JSON error shape for every non-2xx answer, built in one place, and the code-to-status table."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException

from graph.errors import IkgError

__all__ = [
    "STATUS",
    "HTTP_CODES",
    "error_body",
    "codes_of",
    "error_response",
    "register_error_handlers",
    "MissingQuery",
    "UnsupportedMediaType",
    "UpdateForbidden",
    "Unauthorized",
    "HeaderTooLarge",
]

log = logging.getLogger("ikg.service")


# Errors of the HTTP protocol itself (the domain's are in graph.errors).


class MissingQuery(IkgError):
    """No query, an empty one, or more than one."""

    code = "missing_query"


class UnsupportedMediaType(IkgError):
    """A POST body of a type the protocol does not define."""

    code = "unsupported_media_type"


class UpdateForbidden(IkgError):
    """SPARQL Update while updates are off."""

    code = "update_forbidden"


class Unauthorized(IkgError):
    """An update without the configured bearer token."""

    code = "unauthorized"


class HeaderTooLarge(IkgError):
    """A request header longer than the server reads (``IKG_MAX_ACCEPT_BYTES``)."""

    code = "header_too_large"


#: Domain error codes to HTTP statuses. Codes are API: never rename one.
STATUS: dict[str, int] = {
    "sparql_syntax": 400,
    "bad_parameter": 400,
    "dataset_conflict": 400,
    "update_failed": 400,
    "missing_query": 400,
    "unknown_query": 404,
    "not_found": 404,
    "method_not_allowed": 405,
    "not_acceptable": 406,
    "unsupported_media_type": 415,
    "request_too_large": 413,
    "header_too_large": 431,
    "update_forbidden": 403,
    "unauthorized": 401,
    "service_not_allowed": 400,
    "query_too_complex": 400,
    "query_too_large": 413,
    "too_many_requests": 429,
    "query_timeout": 503,
    "server_busy": 503,
    "store_not_found": 503,
    "store_error": 500,
    "store_unavailable": 502,
    "store_loading": 503,
    "engine_refused": 400,
    "internal_error": 500,
}


#: Codes of the errors that HTTP itself raises (Werkzeug in the app, waitress before it), by
#: status: routing and methods, a malformed form, a body or headers too large, a range beyond a
#: file. Any other would be ``http_<status>``.
HTTP_CODES: dict[int, str] = {400: "http_400", 404: "not_found", 405: "method_not_allowed",
                              406: "not_acceptable", 413: "request_too_large",
                              415: "unsupported_media_type", 416: "http_416",
                              431: "header_too_large"}


def codes_of(status: int) -> list[str]:
    """Every code an error answer of ``status`` can carry (for the OpenAPI document). A 500
    can also carry the code of any domain error missing from :data:`STATUS`."""
    werkzeug = {HTTP_CODES[status]} if status in HTTP_CODES else set()
    return sorted({c for c, s in STATUS.items() if s == status} | werkzeug)


def error_body(status: int, code: str, message: str, detail: dict[str, Any] | None = None) -> dict[str, Any]:
    """The one error shape: ``{"ok": false, "status", "code", "error", "detail"}``."""
    return {"ok": False, "status": status, "code": code, "error": message, "detail": detail or {}}


def error_response(status: int, code: str, message: str, detail: dict[str, Any] | None = None) -> Response:
    """The error shape of :func:`error_body` as a JSON answer."""
    resp = jsonify(error_body(status, code, message, detail))
    resp.status_code = status
    return resp


def register_error_handlers(app: Flask) -> None:
    """Route domain errors, HTTP errors and crashes through :func:`error_response`."""

    @app.errorhandler(IkgError)
    def _domain(e: IkgError) -> Response:
        status = STATUS.get(e.code, 500)
        if status == 500:  # a server fault: logged, never shown
            log.error("%s: %s", e.code, e.message)
            return error_response(status, e.code, "the server failed to answer; it was logged")
        if status >= 500:
            log.warning("%s: %s", e.code, e.message)
        return error_response(status, e.code, e.message, e.detail)

    @app.errorhandler(HTTPException)
    def _http(e: HTTPException) -> Response:
        status = e.code or 500
        code = HTTP_CODES.get(status, f"http_{status}")
        resp = error_response(status, code, e.description or e.name)
        if status == 405 and e.get_headers():
            for k, v in e.get_headers():
                if k.lower() == "allow":
                    resp.headers["Allow"] = v
        return resp

    @app.errorhandler(Exception)
    def _crash(e: Exception) -> Response:
        log.exception("unhandled error")
        return error_response(500, "internal_error", "the server failed to answer; it was logged")
