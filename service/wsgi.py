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

from flask import Flask

from service.app import create_app
from service.state import executor_of

__all__ = ["create", "SERVER_PID"]

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
    return app


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
