"""Every setting of ikg in one table: name, default, type, meaning; overridable from the environment."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from graph.namespaces import DEFAULT_BASE_IRI, ROOT
from graph.remote import RemoteOptions

__all__ = ["Setting", "SETTINGS", "load_settings", "remote_options"]


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(f"{value!r} is not a boolean")


def _server(value: Any) -> str:
    text = str(value).strip().lower()
    if text not in ("granian", "waitress"):
        raise ValueError(f"{value!r} is neither granian nor waitress")
    return text


@dataclass(frozen=True)
class Setting:
    """One setting: environment variable name, default, type and what it does."""

    name: str
    default: Any
    type: Callable[[Any], Any]
    doc: str


SETTINGS: tuple[Setting, ...] = (
    Setting("IKG_STORE", str(ROOT / "var" / "store"), str,
            "Folder of the store: `ikg build` writes new builds there and `ikg serve` serves "
            "the one in use. Or a SPARQL server, `sparql+http://host:port/path` (its query "
            "URL; the engine's own path when there is none): see \"Running on your SPARQL "
            "server\"."),
    Setting("IKG_STORE_ENGINE", "auto", str,
            "Which SPARQL server IKG_STORE is: `oxigraph`, `virtuoso`, `generic` (any SPARQL "
            "1.1 server), or `auto` (read off its `Server` header)."),
    Setting("IKG_STORE_UPDATE_URL", "", str,
            "Update URL of the SPARQL server (default: the engine's, e.g. Oxigraph's `/update`, "
            "Virtuoso's `/sparql-auth` with credentials; a generic server's query URL)."),
    Setting("IKG_STORE_GRAPHS_URL", "", str,
            "Graph Store Protocol URL of the SPARQL server, where loads send their batches "
            "(default: the engine's; none for a generic server, which then gets `INSERT DATA`)."),
    Setting("IKG_STORE_USER", "", str,
            "User for the SPARQL server's updates and loads (Virtuoso: HTTP Digest; others: "
            "Basic); empty: none sent."),
    Setting("IKG_STORE_PASSWORD", "", str, "Password of IKG_STORE_USER."),
    Setting("IKG_STORE_BATCH_BYTES", 0, int,
            "Bytes of N-Triples a load sends to the SPARQL server at once (0: the engine's "
            "default, 16 MiB for Oxigraph, 8 MiB for Virtuoso, 2 MiB as INSERT DATA for others)."),
    Setting("IKG_BASE_IRI", DEFAULT_BASE_IRI, str,
            "Base of the data IRIs (`{base}/id/{type}/{key}`) minted by `ikg build`."),
    Setting("IKG_HOST", "127.0.0.1", str, "Address `ikg serve` listens on."),
    Setting("IKG_PORT", 8000, int, "Port `ikg serve` listens on."),
    Setting("IKG_SERVER", "granian", _server,
            "HTTP server of `ikg serve`: `granian` (Rust HTTP, the faster) or `waitress` (pure "
            "Python; answers the requests it refuses, 413 and 431, in ikg's JSON error shape)."),
    Setting("IKG_PROCESSES", 1, int,
            "Processes that run the app under Granian, each with its own query workers, answer "
            "cache and admission limits: more answer more lookups a second (2 on 2 cores: 1.4x). "
            "Read-only servers only: with IKG_UPDATE_TOKEN set, `ikg serve` refuses more than 1, "
            "since an update must take every reader of the store out of service."),
    Setting("IKG_THREADS", 24, int,
            "Threads of the HTTP server that run the app: requests handled at once, including "
            "those waiting for a query worker."),
    Setting("IKG_QUERY_TIMEOUT", 30.0, float,
            "Seconds a `/sparql` query may run; then it is stopped and the client gets a 503."),
    Setting("IKG_QUERY_WORKERS", 4, int,
            "Worker processes that run queries (how many run at once); each request's deadline "
            "starts when a worker takes it."),
    Setting("IKG_QUEUE_TIMEOUT", 10.0, float,
            "Seconds a request may wait for a free query worker; then it gets a 503 "
            "`server_busy`."),
    Setting("IKG_CLIENT_WAITING", 4, int,
            "Requests one client address may have waiting for a query worker; one more gets a "
            "429 `too_many_requests`. Free workers go to the client running the fewest."),
    Setting("IKG_CLIENT_RUNNING", 2, int,
            "Requests one client address may have running at once, however many query workers "
            "are idle: one client cannot take every worker."),
    Setting("IKG_PROXY_HOPS", 0, int,
            "Reverse proxies in front of `ikg serve` whose `X-Forwarded-For` is trusted: with 1, "
            "the client address (for admission and the log) is the one the proxy saw."),
    Setting("IKG_MAX_QUERY_CHARS", 262_144, int,
            "Longest SPARQL query accepted, in characters (a longer one is a 413); updates are "
            "bounded by the request body limit."),
    Setting("IKG_MAX_NESTING", 64, int,
            "Deepest nesting of `{`, `(` and `[` in a query or update (checked before the engine "
            "sees it); deeper is a 400 `query_too_complex`."),
    Setting("IKG_ANSWER_CACHE_BYTES", 64 * 1024 * 1024, int,
            "Bytes of query answers kept for repeated queries (least recently used dropped "
            "first; each build and update starts afresh); 0 turns the cache off. Queries with "
            "RAND, NOW, UUID, STRUUID, BNODE or SERVICE are never kept."),
    Setting("IKG_ROW_LIMIT", 100_000, int,
            "Most rows (or triples) an answer carries; a longer one is cut and says so."),
    Setting("IKG_UPDATE_TOKEN", "", str,
            "Bearer token that enables SPARQL Update; empty (the default) keeps updates off."),
    Setting("IKG_ALLOW_SERVICE", False, _boolean,
            "Allow SERVICE in queries and LOAD in updates (outgoing network); off by default."),
    Setting("IKG_DUMPS", "", str,
            "Folder of the dumps served at `/dumps/`; empty (the default) means `dumps/` in the "
            "build in use, where `ikg export` writes them."),
    Setting("IKG_CORS_ORIGIN", "*", str, "Value of Access-Control-Allow-Origin on every answer."),
    Setting("IKG_MAX_BODY_BYTES", 32 * 1024 * 1024, int,
            "Largest request body (a POSTed query or update, a form): a longer one is refused "
            "with a 413 before it is read. 32 MiB holds an `INSERT DATA` of some 200,000 "
            "triples; bigger loads belong to `ikg build`."),
    Setting("IKG_MAX_HEADER_BYTES", 64 * 1024, int,
            "Largest request line and headers together (waitress's limit; a longer request is "
            "refused with a 431). A query longer than this must be POSTed."),
    Setting("IKG_MAX_ACCEPT_BYTES", 4096, int,
            "Longest `Accept` (or `Accept-Encoding`) header: a longer one is refused with a 431 "
            "before any negotiation. Browsers send some 100 bytes."),
    Setting("IKG_CONNECTION_LIMIT", 1000, int,
            "Connections `ikg serve` holds open at once (idle and slow ones included); beyond "
            "it, new connections wait in the listen queue."),
    Setting("IKG_WARM_UP", True, _boolean,
            "Whether `ikg serve`, once it answers, asks itself for the front page and the networks "
            "page, so that the first visitor does not wait for the figures to be counted (seconds "
            "at scale 10) nor a region's profile for the network's metrics."),
    Setting("IKG_CHANNEL_TIMEOUT", 30, int,
            "Seconds `ikg serve` keeps a connection that sends nothing (an idle keep-alive "
            "connection, or a client stalled in the middle of a request)."),
)  # fmt: skip


def load_settings(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Defaults, then the environment, then ``overrides``; values converted to their type.

    Raises
    ------
    ValueError
        When a value cannot be converted (for example ``IKG_PORT=http``).
    """
    out: dict[str, Any] = {}
    for s in SETTINGS:
        raw = (overrides or {}).get(s.name, os.environ.get(s.name, s.default))
        try:
            out[s.name] = s.type(raw)
        except (TypeError, ValueError) as e:
            raise ValueError(f"setting {s.name}={raw!r} is not a valid {s.type.__name__.strip('_')}") from e
    for k, v in (overrides or {}).items():
        out.setdefault(k, v)
    return out


def remote_options(settings: Mapping[str, Any]) -> RemoteOptions:
    """How to reach a remote store (``IKG_STORE_*``); the query timeout is how long ikg waits."""
    return RemoteOptions(update_url=settings["IKG_STORE_UPDATE_URL"], graphs_url=settings["IKG_STORE_GRAPHS_URL"],
                         user=settings["IKG_STORE_USER"], password=settings["IKG_STORE_PASSWORD"],
                         engine=settings["IKG_STORE_ENGINE"], timeout=settings["IKG_QUERY_TIMEOUT"],
                         batch_bytes=settings["IKG_STORE_BATCH_BYTES"])
