"""The HTTP servers of `ikg serve`: Granian (the default) or waitress, with the limits of the settings.

Granian (a Rust HTTP server that runs WSGI apps) reads and writes HTTP outside Python (README,
"Benchmarks"). It runs the app in one worker process by default: that process owns the query
workers, so fair admission between clients and the hand-over of the store to an update stay
decided in one place. A read-only server may run several (``IKG_PROCESSES``), each with its
own query workers, cache and admission.
waitress (``IKG_SERVER=waitress``) remains for platforms without Granian's wheels, and
answers requests it refuses (431, 413) in ikg's JSON error shape.
"""

from __future__ import annotations

import contextlib
import json
import logging
import resource
import socket
import time
from collections.abc import Mapping
from typing import Any

from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, create_server
from waitress.task import ErrorTask

from service.errors import HTTP_CODES, error_body
from service.security import SECURITY_HEADERS

__all__ = ["granian_server", "make_server", "raise_open_files_limit", "waitress_options"]

#: What each error of waitress (a request refused before the app sees it) says, by status.
MESSAGES = {
    413: "the request body is larger than this server reads (IKG_MAX_BODY_BYTES)",
    431: "the request line and headers are larger than this server reads (IKG_MAX_HEADER_BYTES): "
         "POST a long query",
}


class _ErrorTask(ErrorTask):
    """waitress's answer to a request it refuses (a 400, 413, 431...) in the one error shape,
    with the security headers of every answer."""

    def execute(self) -> None:
        e = self.request.error
        message = MESSAGES.get(e.code) or f"{e.reason}: {e.body}"
        body = json.dumps(error_body(e.code, HTTP_CODES.get(e.code, f"http_{e.code}"), message)).encode()
        self.channel.refused = True  # read before the channel closes, once this answer is sent
        self.status = f"{e.code} {e.reason}"
        self.response_headers.extend([("Content-Type", "application/json"), *SECURITY_HEADERS.items()])
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class _Channel(HTTPChannel):
    """A connection that closes gently after a refused request.

    waitress 3.0.2 closes the socket as soon as its error answer is sent, while the client
    may still be sending the request it refused (a 2 MB URL): the unread bytes make the
    kernel reset the connection, and a client that reads only once it has sent everything
    never sees the 431. After a refused request this channel shuts its side for writing and
    reads, and drops, what the client still sends until the client closes, for at most
    ``channel_timeout`` seconds (a "lingering close", as nginx does it).
    """

    error_task_class = _ErrorTask
    refused = False
    lingering_until: float | None = None

    def handle_close(self) -> None:
        if self.refused and self.lingering_until is None and self.socket is not None:
            try:
                self.socket.shutdown(socket.SHUT_WR)
            except OSError:
                super().handle_close()
                return
            self.lingering_until = time.monotonic() + self.adj.channel_timeout
            return
        super().handle_close()

    def readable(self) -> bool:
        return True if self.lingering_until is not None else super().readable()

    def writable(self) -> bool:
        if self.lingering_until is not None:  # writable once lingering is over: then closed
            return time.monotonic() >= self.lingering_until
        return bool(super().writable())

    def handle_read(self) -> None:
        if self.lingering_until is None:
            super().handle_read()
            return
        try:
            self.recv(65536)  # dropped; at the client's end of file, recv closes the channel
        except OSError:
            super().handle_close()

    def handle_write(self) -> None:
        if self.lingering_until is not None:
            super().handle_close()
            return
        super().handle_write()


def waitress_options(config: Mapping[str, Any]) -> dict[str, Any]:
    """waitress's adjustments from the settings."""
    timeout = config["IKG_CHANNEL_TIMEOUT"]
    return {
        "connection_limit": config["IKG_CONNECTION_LIMIT"],
        "channel_timeout": timeout,
        # idle connections are looked for every cleanup_interval seconds (30 by default):
        # closed between timeout and 1.5 x timeout
        "cleanup_interval": max(1, timeout // 2),
        # waitress refuses a Content-Length >= its limit, Flask one > MAX_CONTENT_LENGTH
        "max_request_body_size": config["IKG_MAX_BODY_BYTES"] + 1,
        "max_request_header_size": config["IKG_MAX_HEADER_BYTES"],
        # select() takes no file descriptor above 1023, and a thousand connections need more
        "asyncore_use_poll": True,
        "ident": "ikg",
    }


def raise_open_files_limit() -> tuple[int, int]:
    """Raise this process's soft limit of open files to its hard limit (each connection is a
    file descriptor; the soft limit is often 1024); returns the (soft, hard) limits then."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    # an unlimited hard limit is more than the kernel allows: then the soft limit stays
    with contextlib.suppress(ValueError, OSError):
        if soft < hard:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)


def make_server(app: Any, host: str, port: int, threads: int) -> Any:
    """A waitress server of ``app`` (a Flask app, whose config holds the settings) on
    ``host:port``, configured by :func:`waitress_options`, with :class:`_Channel`
    connections; ``run()`` serves until interrupted."""
    sockets: dict[int, Any] = {}
    server = create_server(app, map=sockets, host=host, port=port, threads=threads,
                           **waitress_options(app.config))
    for dispatcher in list(sockets.values()):  # one per address listened on
        if isinstance(dispatcher, BaseWSGIServer):
            dispatcher.channel_class = _Channel
    return server


def granian_server(config: Mapping[str, Any], host: str, port: int, threads: int) -> Any:
    """A Granian server of :func:`service.wsgi.create` on ``host:port`` with the limits of
    ``config`` (the settings) and ``IKG_PROCESSES`` worker processes; ``serve()`` serves until
    interrupted. The app is built in each worker process from the environment, where the
    caller put its options."""
    from granian.constants import HTTPModes, Interfaces
    from granian.http import HTTP1Settings
    from granian.server import Server

    server = Server(
        "service.wsgi:create", address=host, port=port, interface=Interfaces.WSGI, factory=True,
        workers=config["IKG_PROCESSES"], blocking_threads=threads, http=HTTPModes.http1,
        websockets=False,
        # the request line and headers: hyper answers 414 or 431 beyond its buffer
        http1_settings=HTTP1Settings(
            header_read_timeout=min(60, config["IKG_CHANNEL_TIMEOUT"]) * 1000,
            max_buffer_size=max(8192, config["IKG_MAX_HEADER_BYTES"])),
        # requests taken at once; more connections wait in the listen queue
        backpressure=config["IKG_CONNECTION_LIMIT"], backlog=max(128, min(4096, config["IKG_CONNECTION_LIMIT"])),
        respawn_failed_workers=True, workers_kill_timeout=10, log_access=False)
    # Granian warns about more threads than cores, thinking of threads that compute; ikg's
    # mostly wait for a query worker (the queries run in other processes)
    logging.getLogger("_granian").addFilter(
        lambda record: "Python threads, which seems quite high" not in record.getMessage())
    return server
