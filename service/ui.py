"""The web UI blueprint: the YASGUI query editor at / on this server's /sparql."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, render_template, send_from_directory

from graph.namespaces import PREFIXES, ROOT
from graph.queries import load_catalogue

__all__ = ["bp", "YASGUI_BUILD"]

bp = Blueprint("ui", __name__)

#: YASGUI, installed from npm by `make setup` (a dependency, not copied into the repo).
YASGUI_BUILD = ROOT / "ui" / "node_modules" / "@zazuko" / "yasgui" / "build"
YASGUI_FILES = {"yasgui.min.js", "yasgui.min.css", "yasgui.min.js.map"}
UI_PREFIXES = ("ikg", "ikgc", "nuts", "prov", "skos", "dcterms", "rdfs", "xsd")


def _examples() -> list[dict[str, str]]:
    """The named queries that take no parameter, as YASGUI tabs."""
    return [{"name": q.name, "summary": q.summary, "query": q.text}
            for q in load_catalogue() if not q.params]


@bp.get("/")
def index() -> str:
    """The query editor, with our prefixes and example queries in tabs."""
    prefix_lines = "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in UI_PREFIXES)
    start = (prefix_lines + "\nSELECT ?acronym ?title WHERE {\n  ?project a ikg:Project ; "
             "ikg:acronym ?acronym ; dcterms:title ?title .\n}\nORDER BY ?acronym\nLIMIT 20\n")
    return render_template("index.html", examples=_examples(), start=start,
                           prefixes={p: PREFIXES[p] for p in UI_PREFIXES})


@bp.get("/ui/yasgui/<path:name>")
def yasgui(name: str) -> Response:
    """YASGUI's script and style, from the npm package."""
    if name not in YASGUI_FILES:
        abort(404)
    if not (YASGUI_BUILD / name).is_file():
        abort(404, description=f"YASGUI is not installed: run `make setup` ({Path(name).name})")
    return send_from_directory(YASGUI_BUILD, name, max_age=86400)
