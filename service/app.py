"""The Flask application factory: the only way to get an app."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, g, request

from graph.store import KnowledgeGraph, open_store
from service.errors import register_error_handlers
from service.settings import load_settings

__all__ = ["create_app", "store_of"]

log = logging.getLogger("ikg.service")


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app from the settings (defaults, environment, then ``test_config``).

    ``test_config`` may carry ``IKG_KG``, an already open :class:`KnowledgeGraph` (tests use
    small hand-made graphs); otherwise the store in use under ``IKG_STORE`` is opened
    read-only on the first request that needs it.
    """
    app = Flask(__name__)
    app.config.update(load_settings(test_config))
    app.extensions["ikg"] = {"kg": app.config.get("IKG_KG")}
    register_error_handlers(app)

    from service.sparql import bp as sparql_bp

    app.register_blueprint(sparql_bp)

    @app.before_request
    def _start_timer() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def _log_request(resp: Response) -> Response:
        ms = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        log.info("%s %s %s %.1f ms", request.method, request.full_path.rstrip("?"),
                 resp.status_code, ms)
        return resp

    @app.get("/")
    def index() -> Response:
        """A short text index until the query UI lands."""
        return Response(
            "ikg: the knowledge graph of European interregional cooperation.\n"
            "SPARQL endpoint: /sparql (GET ?query=..., POST form or application/sparql-query)\n",
            mimetype="text/plain",
        )

    return app


def store_of(app: Flask) -> KnowledgeGraph:
    """The app's store, opened read-only on first use."""
    state = app.extensions["ikg"]
    if state["kg"] is None:
        state["kg"] = open_store(app.config["IKG_STORE"], read_only=True)
    return state["kg"]
