"""`ikg serve`'s warm-up: once the server answers, it asks itself for the pages every visitor
asks first (the front page, the networks page), so that their answers are kept before anyone comes
(:func:`service.state.remembered`). In a thread of the serving command; a failure is logged,
never fatal."""

from __future__ import annotations

import http.client
import logging
import threading
import time

__all__ = ["PATHS", "start_warm_up"]

log = logging.getLogger("ikg.warmup")
#: What is asked for, as a browser asks: the front page, and the networks page (whose table
#: every region profile reads its network places from).
PATHS = ("/", "/networks")
READY_WITHIN = 300.0  # seconds for the server to answer at all
ANSWER_WITHIN = 900.0  # seconds for a page (the figures at keep.eu scale)


def _get(host: str, port: int, path: str, timeout: float) -> int:
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Accept": "text/html"})
        resp = conn.getresponse()
        resp.read()
        return resp.status
    finally:
        conn.close()


def _warm_up(host: str, port: int) -> None:
    target = "127.0.0.1" if host in ("0.0.0.0", "") else "::1" if host == "::" else host
    deadline = time.monotonic() + READY_WITHIN
    while True:
        try:
            _get(target, port, "/sparql-editor", 10)  # answers without a query: the server is up
            break
        except OSError:
            if time.monotonic() > deadline:
                log.warning("warm-up: the server did not answer in %.0f s; nothing warmed", READY_WITHIN)
                return
            time.sleep(0.5)  # polling for the server to listen
    for path in PATHS:
        start = time.perf_counter()
        try:
            status = _get(target, port, path, ANSWER_WITHIN)
        except OSError as e:
            log.warning("warm-up: GET %s failed: %s", path, e)
            continue
        log.info("warmed up %s: %s in %.1f s", path, status, time.perf_counter() - start)


def start_warm_up(host: str, port: int) -> threading.Thread:
    """Warm the server up that is about to listen on ``host:port``, in a daemon thread."""
    thread = threading.Thread(target=_warm_up, args=(host, port), name="ikg-warm-up", daemon=True)
    thread.start()
    return thread
