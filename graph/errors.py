"""Domain exceptions of ikg: each carries a stable ``code`` (API, never renamed) and no HTTP status."""

from __future__ import annotations

from typing import Any

__all__ = [
    "IkgError",
    "QuerySyntaxError",
    "BadParameter",
    "DatasetConflict",
    "NotAcceptable",
    "NotFound",
    "UnknownQuery",
    "StoreNotFound",
    "StoreError",
    "StoreUnavailable",
    "StoreLoading",
    "EngineRefused",
    "QueryTimeout",
    "BuildError",
    "InputDataError",
    "ValidationFailed",
]


class IkgError(Exception):
    """Base of every ikg error; ``code`` is stable, ``detail`` is JSON-serialisable."""

    code = "ikg_error"

    def __init__(self, message: str, detail: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail or {}


class QuerySyntaxError(IkgError):
    """A SPARQL query or update that does not parse."""

    code = "sparql_syntax"


class BadParameter(IkgError):
    """A parameter value that is malformed or of the wrong type."""

    code = "bad_parameter"


class DatasetConflict(IkgError):
    """An update that names its dataset twice: ``using-graph-uri`` or ``using-named-graph-uri``
    and ``USING``, ``USING NAMED`` or ``WITH`` in its text (SPARQL 1.1 Protocol, 2.2.3)."""

    code = "dataset_conflict"


class UpdateFailed(IkgError):
    """An update the engine refused as written (a graph it must find is missing, or one it
    must create exists); the update is one transaction, so nothing was changed."""

    code = "update_failed"


class NotAcceptable(IkgError):
    """No format the client accepts fits the answer."""

    code = "not_acceptable"


class NotFound(IkgError):
    """No entity with that IRI in the graph (or not of the kind the operation needs)."""

    code = "not_found"


class UnknownQuery(IkgError):
    """A named query that is not in the catalogue."""

    code = "unknown_query"


class StoreNotFound(IkgError):
    """No built store where one was expected."""

    code = "store_not_found"


class StoreError(IkgError):
    """The storage engine failed (I/O, corruption, lock)."""

    code = "store_error"


class StoreUnavailable(StoreError):
    """The remote SPARQL server cannot be reached, refuses ikg's credentials, or fails."""

    code = "store_unavailable"


class StoreLoading(StoreError):
    """A load that is not atomic is filling the remote store: its graphs are incomplete."""

    code = "store_loading"


class EngineRefused(IkgError):
    """The remote SPARQL server refused a request that ikg accepted (a limit or a feature it
    lacks); the message is the server's."""

    code = "engine_refused"


class QueryTimeout(IkgError):
    """The query ran past the timeout and was stopped (or no longer waited for)."""

    code = "query_timeout"


class BuildError(IkgError):
    """A build step failed; the store in use is untouched."""

    code = "build_failed"


class InputDataError(BuildError):
    """An input file (category table, import file) is malformed or inconsistent."""

    code = "bad_input_data"


class ValidationFailed(BuildError):
    """The built graph does not conform to the SHACL shapes."""

    code = "shape_violation"
