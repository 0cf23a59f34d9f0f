"""The app as a WSGI server's worker process builds it: settings from the environment only.

`ikg serve` runs Granian, which starts a worker process and calls :func:`create` there
(``service.wsgi:create``, as a factory); `ikg serve` has put its own options (``--store``)
and its process id into the environment first. Any WSGI server can serve ikg the same way,
for example ``granian --interface wsgi --factory service.wsgi:create``.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask

from service.app import create_app
from service.state import executor_of

__all__ = ["create", "SERVER_PID", "WholeBodies"]

#: The environment variable that carries the pid of `ikg serve` to the worker process.
SERVER_PID = "IKG_SERVE_PID"
_PR_SET_PDEATHSIG = 1


def create() -> Flask:
    """The app, with its query workers started (so that no request pays for their start) and
    the request log on standard error. Under `ikg serve`, this process dies with it."""
    _die_with(os.environ.get(SERVER_PID))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    app = create_app()
    executor_of(app)
    app.wsgi_app = WholeBodies(app.wsgi_app)  # type: ignore[method-assign]
    return app


class WholeBodies:
    """WSGI middleware: an answer whose length is known and at most :attr:`LIMIT` bytes is
    handed to the server as a list of one body.

    Werkzeug returns every body as an iterator; Granian writes a list in one call, while an
    iterator costs it a round trip into Python (and the GIL) per chunk, and one more to
    close it (measured with ``bench/request_path.py``: 1,101 lookups/s before, 1,131 after,
    within the noise of a run). Streamed answers (no length) and large files stay iterators.
    """

    LIMIT = 1 << 20

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        length: int | None = None

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            nonlocal length
            for name, value in headers:
                if name.lower() == "content-length" and value.isdigit():
                    length = int(value)
            return start_response(status, headers, exc_info)

        body = self.app(environ, start)
        if length is None or length > self.LIMIT or isinstance(body, list):
            return body
        try:
            return [b"".join(body)]
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()


def _die_with(server_pid: str | None) -> None:
    """Have the kernel kill this process when `ikg serve` (its parent, ``server_pid``) dies.

    Granian's worker outlives a killed main process; it would go on serving, and holding the
    query workers and any writer, whose lifelines it holds. Killed with it, the lifelines
    close and they exit too.
    """
    if not server_pid:
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        return
    if os.getppid() != int(server_pid):  # it died before the request was made
        os._exit(1)
