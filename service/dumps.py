"""The /dumps blueprint: the files `ikg export` wrote, streamed with validators and ranges."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from flask import Blueprint, Response, jsonify, render_template, send_file

from graph.errors import NotFound
from graph.export import DUMP_FILES, read_manifest
from service.negotiation import best_offer
from service.state import data_version, dumps_folder

__all__ = ["bp"]

bp = Blueprint("dumps", __name__, url_prefix="/dumps")
FILES = {d.name: d for d in DUMP_FILES}


def _manifest() -> tuple[Path, dict]:
    folder = dumps_folder()
    manifest = read_manifest(folder) if folder is not None else None
    if folder is None or manifest is None:
        raise NotFound("no dumps have been exported for the graph in use; run `ikg export`",
                       {"folder": str(folder) if folder else None})
    return folder, manifest


@bp.get("/")
def index() -> Response:
    """The dump files with sizes and checksums (HTML, or JSON for clients that ask for it)."""
    _, manifest = _manifest()
    version, _ = data_version()
    manifest = {**manifest, "current": manifest.get("version") == version, "data_version": version}
    best = best_offer(["text/html", "application/json"])
    resp = (jsonify(manifest) if best == "application/json"
            else Response(render_template("dumps.html", manifest=manifest), mimetype="text/html"))
    resp.vary.add("Accept")
    return resp


@bp.get("/<name>")
def dump(name: str) -> Response:
    """One dump file: Content-Length, a strong ETag (its SHA-256), Last-Modified, ranges."""
    if name not in FILES:
        raise NotFound(f"no dump file {name!r}; files are {', '.join(FILES)}", {"file": name})
    folder, manifest = _manifest()
    path = folder / name
    if not path.is_file():
        raise NotFound(f"the dump file {name} is missing; run `ikg export` again", {"file": name})
    entry = next((f for f in manifest["files"] if f["name"] == name), None)
    # the manifest's SHA-256 is the ETag only if it still describes the file (an export
    # landing after the manifest was read replaces both); else Werkzeug's own tag
    sha = entry["sha256"] if entry and entry["bytes"] == path.stat().st_size else None
    resp = send_file(path, mimetype=FILES[name].media_type, conditional=True,
                     etag=sha or True, download_name=name, as_attachment=False,
                     last_modified=datetime.fromtimestamp(int(path.stat().st_mtime), UTC),
                     max_age=0)
    resp.headers["Cache-Control"] = "no-cache"
    return resp
