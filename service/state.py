"""What the requests of one app share, in one place that blueprints import: the query
executor, the catalogue of named queries, the version of the data served, the dumps folder.

The app factory (:mod:`service.app`) wires the app and calls :func:`init_state`; blueprints
read the shared state through the functions here, never from the factory or from each other.
"""

from __future__ import annotations

import atexit
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, cast

from flask import Flask, current_app, g

from graph.answers import AnswerCache, CachingExecutor
from graph.execution import Executor, InlineExecutor, QueryPool, RemoteExecutor
from graph.queries import Catalogue, load_catalogue
from graph.remote import RemoteGraph, is_remote
from graph.store import store_path
from service.settings import remote_options

__all__ = ["init_state", "executor_of", "catalogue", "data_version", "dumps_folder", "data_base", "remembered"]


def init_state(app: Flask) -> None:
    """Make the app's shared state: the catalogue of named queries is read (and its files
    checked) here, once, so that a malformed file stops the start-up, not a request.

    Raises
    ------
    CatalogueError
        When a file of ``queries/`` is malformed.
    """
    app.extensions["ikg"] = {"kg": app.config.get("IKG_KG"), "executor": None,
                             "catalogue": load_catalogue(), "lock": threading.Lock(),
                             "remembered": OrderedDict()}


def executor_of(app: Flask | None = None) -> Executor:
    """The query executor of ``app`` (default: the current app), made on first use.

    Raises
    ------
    StoreNotFound
        When no graph has been built under ``IKG_STORE``.
    """
    app = app or cast(Flask, current_app)
    state: dict[str, Any] = app.extensions["ikg"]
    with state["lock"]:
        if state["executor"] is None:
            executor: Executor
            if state["kg"] is not None:
                executor = InlineExecutor(state["kg"], allow_network=app.config["IKG_ALLOW_SERVICE"])
            elif is_remote(app.config["IKG_STORE"]):
                executor = RemoteExecutor(RemoteGraph(app.config["IKG_STORE"], remote_options(app.config)),
                                          workers=app.config["IKG_QUERY_WORKERS"],
                                          timeout=app.config["IKG_QUERY_TIMEOUT"],
                                          queue_timeout=app.config["IKG_QUEUE_TIMEOUT"],
                                          client_waiting=app.config["IKG_CLIENT_WAITING"],
                                          client_running=app.config["IKG_CLIENT_RUNNING"],
                                          allow_network=app.config["IKG_ALLOW_SERVICE"])
            else:
                path = store_path(app.config["IKG_STORE"])
                executor = QueryPool(path, workers=app.config["IKG_QUERY_WORKERS"],
                                     timeout=app.config["IKG_QUERY_TIMEOUT"],
                                     queue_timeout=app.config["IKG_QUEUE_TIMEOUT"],
                                     client_waiting=app.config["IKG_CLIENT_WAITING"],
                                     client_running=app.config["IKG_CLIENT_RUNNING"],
                                     allow_network=app.config["IKG_ALLOW_SERVICE"])
                atexit.register(executor.close)
            if app.config["IKG_ANSWER_CACHE_BYTES"] > 0:
                executor = CachingExecutor(executor, AnswerCache(app.config["IKG_ANSWER_CACHE_BYTES"]))
            state["executor"] = executor
        return cast(Executor, state["executor"])


def catalogue() -> Catalogue:
    """The named queries of the current app, read at start-up."""
    return cast(Catalogue, current_app.extensions["ikg"]["catalogue"])


def data_version() -> tuple[str, datetime]:
    """(tag, last modified) of the data being served: changes with each build and update.
    Read once per request."""
    if "ikg_version" not in g:
        tag, modified = executor_of().version()
        g.ikg_version = (tag, datetime.fromtimestamp(modified, UTC))
    return cast(tuple[str, datetime], g.ikg_version)


def dumps_folder() -> Path | None:
    """``IKG_DUMPS``, else ``dumps/`` in the build being served (None when unknown)."""
    if current_app.config["IKG_DUMPS"]:
        return Path(current_app.config["IKG_DUMPS"])
    build = executor_of().build_folder
    return build / "dumps" if build is not None else None


def data_base() -> str:
    """The base IRI of the records being served: the one the build minted them under, else
    ``IKG_BASE_IRI``. Requests are matched by path, so any host name serves them."""
    if "ikg_base" not in g:
        info = executor_of(current_app).build_info()
        g.ikg_base = str(info.get("base_iri") or current_app.config["IKG_BASE_IRI"])
    return str(g.ikg_base)


#: Answers of graph functions kept by :func:`remembered`, per app.
REMEMBERED = 128


def remembered(function: Callable[..., Any], **kwargs: Any) -> Any:
    """``function(kg, **kwargs)`` run by the executor, its answer kept for the version of the
    data served (each build and update moves it): for the pages every visitor asks the same
    of (the front page's figures take seconds to count; the query workers each have their
    own memory, this one is the service's)."""
    state: dict[str, Any] = current_app.extensions["ikg"]
    key = (data_version()[0], function.__module__, function.__qualname__,
           tuple(sorted((k, _by_value(v)) for k, v in kwargs.items())))
    kept: OrderedDict[tuple, Any] = state["remembered"]
    with state["lock"]:
        if key in kept:
            kept.move_to_end(key)
            return kept[key]
    value = executor_of().call(function, **kwargs)
    with state["lock"]:
        kept[key] = value
        while len(kept) > REMEMBERED:
            kept.popitem(last=False)
    return value


def _by_value(value: Any) -> Any:
    """``value`` in a key: itself when it is a plain value, else the object's identity (the
    catalogue: one per app)."""
    return value if value is None or isinstance(value, str | int | float | date | tuple) else ("object", id(value))
