"""The Flask application factory: the only way to get an app."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, g, request

from graph import execution
from service.errors import register_error_handlers
from service.negotiation import head_response
from service.security import register_security
from service.settings import load_settings
from service.state import init_state

__all__ = ["create_app"]

log = logging.getLogger("ikg.service")


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app from the settings (defaults, environment, then ``test_config``).

    ``test_config`` may carry ``IKG_KG``, an already open :class:`KnowledgeGraph` of this
    process (tests use small hand-made graphs): queries then run inline, without a timeout.
    Otherwise queries run in a :class:`~graph.execution.QueryPool` of worker processes on the
    store in use under ``IKG_STORE``, started on first use.
    """
    app = Flask(__name__)
    app.config.update(load_settings(test_config))
    init_state(app)
    register_error_handlers(app)
    if app.config["IKG_PROXY_HOPS"] > 0:  # the client's address, as the trusted proxies saw it
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["IKG_PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    from service.caching import compress
    from service.sparql import bp as sparql_bp

    app.register_blueprint(sparql_bp)

    @app.before_request
    def _start_timer() -> None:
        g.started = time.perf_counter()
        execution.client.set(request.remote_addr or "")  # for fair admission to the workers

    register_security(app)  # after the timer: a refused request is logged with its duration

    @app.after_request
    def _cors_and_log(resp: Response) -> Response:
        resp.headers["Access-Control-Allow-Origin"] = app.config["IKG_CORS_ORIGIN"]
        if request.method == "OPTIONS":
            resp.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
            resp.headers["Access-Control-Allow-Headers"] = (
                request.headers.get("Access-Control-Request-Headers")
                or "Accept, Content-Type, Authorization")
            resp.headers["Access-Control-Max-Age"] = "86400"
        else:
            resp.headers["Access-Control-Expose-Headers"] = (
                "Ikg-Result-Truncated, ETag, Last-Modified, Link, Content-Location, Location")
        if resp.status_code == 406:  # the answer depended on Accept
            resp.vary.add("Accept")
        resp = head_response(compress(resp))
        ms = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        query = request.environ.get("QUERY_STRING")  # as sent: decoding it costs more than the log
        log.info("%s %s%s %s %.1f ms", request.method, request.path, f"?{query}" if query else "",
                 resp.status_code, ms)
        return resp

    from service.api import bp as api_bp
    from service.api import register_openapi
    from service.dumps import bp as dumps_bp
    from service.home import bp as home_bp
    from service.linked import bp as linked_bp
    from service.networks import bp as networks_bp
    from service.queries import bp as queries_bp
    from service.ui import bp as ui_bp

    app.register_blueprint(api_bp)
    app.register_blueprint(networks_bp)
    app.register_blueprint(queries_bp)
    app.register_blueprint(home_bp)
    app.register_blueprint(ui_bp)
    app.register_blueprint(linked_bp)
    app.register_blueprint(dumps_bp)
    register_openapi(app)
    return app
