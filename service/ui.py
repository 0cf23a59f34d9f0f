"""The web UI blueprint: the YASGUI query editor at /sparql-editor on this server's /sparql,
the networks page, search, what the data are; front-end packages from npm."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, send_from_directory

from graph import linked, network, provenance
from graph.errors import BadParameter
from graph.namespaces import PREFIXES, ROOT
from graph.ontology import PYLODE_STYLESHEET
from graph.picture import COLOURINGS
from service.negotiation import best_offer
from service.params import arg, int_arg
from service.state import catalogue, executor_of

__all__ = ["bp", "ASSETS", "YASGUI_BUILD", "PAGE_VIEWS"]

bp = Blueprint("ui", __name__)

#: Front-end packages, installed from npm by `make setup` (dependencies, not copied into the
#: repo), and pyLODE's stylesheet (from PyPI), with the files of theirs the pages load.
NODE_MODULES = ROOT / "ui" / "node_modules"
ASSETS = {
    "yasgui": (NODE_MODULES / "@zazuko" / "yasgui" / "build",
               {"yasgui.min.js", "yasgui.min.css", "yasgui.min.js.map"}),
    "swagger-ui-dist": (NODE_MODULES / "swagger-ui-dist",
                        {"swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-bundle.js.map"}),
    "pylode": (PYLODE_STYLESHEET.parent, {PYLODE_STYLESHEET.name}),
}
YASGUI_BUILD = ASSETS["yasgui"][0]
UI_PREFIXES = ("ikg", "ikgc", "nuts", "prov", "skos", "dcterms", "rdfs", "xsd")
#: The views the /networks page draws (the organisations view is too large to read as a picture).
PAGE_VIEWS = ("regions", "transfers")


def _examples() -> list[dict[str, str]]:
    """The named queries that take no parameter, as YASGUI tabs."""
    return [{"name": q.name, "summary": q.summary, "query": q.text}
            for q in catalogue() if not q.params]


@bp.get("/sparql-editor")
def index() -> str:
    """The query editor, with our prefixes and example queries in tabs."""
    prefix_lines = "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in UI_PREFIXES)
    start = (prefix_lines + "\nSELECT ?acronym ?title WHERE {\n  ?project a ikg:Project ; "
             "ikg:acronym ?acronym ; dcterms:title ?title .\n}\nORDER BY ?acronym\nLIMIT 20\n")
    return render_template("index.html", examples=_examples(), start=start,
                           prefixes={p: PREFIXES[p] for p in UI_PREFIXES})


@bp.get("/ui/<package>/<path:name>")
def asset(package: str, name: str) -> Response:
    """A script or style of a front-end package, from npm."""
    folder, files = ASSETS.get(package, (None, set()))
    if folder is None or name not in files:
        abort(404)
    if not (folder / name).is_file():
        abort(404, description=f"{package} is not installed: run `make setup` ({Path(name).name})")
    return send_from_directory(folder, name, max_age=86400)


@bp.get("/networks")
def networks() -> str:
    """The exchange networks for people: a picture of a view, its size, its brokers (the
    regions with the highest betweenness), and links to the exports and analyses."""
    view = arg("view", "regions")
    if view not in PAGE_VIEWS:
        raise BadParameter("view must be regions or transfers", {"param": "view"})
    colour = arg("colour", "category")
    if colour not in COLOURINGS:
        raise BadParameter("colour must be category or community", {"param": "colour"})
    filters = {"level": int_arg("level", 2), "call": int_arg("call", None)}
    overview = executor_of(current_app).call(network.view_overview, view=view, **filters)
    query = "&".join(f"{k}={v}" for k, v in filters.items() if v is not None)
    return render_template("networks.html", view=view, colour=colour, summary=overview["summary"],
                           rows=overview["brokers"], query=query, filters=filters)


@bp.get("/search")
def search() -> str:
    """Things by name: projects, regions, organisations, practices, changes, instruments."""
    text = arg("q")
    results = executor_of(current_app).call(linked.search, text=text, limit=int_arg("limit", 50))
    return render_template("search.html", q=text, results=results)


@bp.get("/about/data")
def about_data() -> Response:
    """What is real and what is generated, kind by kind (HTML, or JSON for clients that ask for it)."""
    data = executor_of(current_app).call(provenance.data_quality)
    best = best_offer(["text/html", "application/json"])
    resp = (jsonify(data) if best == "application/json"
            else Response(render_template("about_data.html", data=data), mimetype="text/html"))
    resp.vary.add("Accept")
    return resp
