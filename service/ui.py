"""The web UI blueprint: the YASGUI query editor at /sparql-editor on this server's /sparql,
the networks page, search, what the data are; front-end packages from npm."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, send_from_directory

from graph import linked, network, provenance
from graph.errors import BadParameter
from graph.geo import WIDTH, height, position
from graph.namespaces import PREFIXES, ROOT
from graph.ontology import PYLODE_STYLESHEET
from graph.picture import COLOURINGS
from service.maps import LAND_PATH
from service.negotiation import best_offer
from service.params import arg, int_arg
from service.profiles import NETWORK_DEFAULTS
from service.state import catalogue, executor_of, remembered

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
    "cytoscape": (NODE_MODULES / "cytoscape" / "dist", {"cytoscape.min.js"}),
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


#: The development categories a networks page can keep, as the views name them.
CATEGORIES = {"more-developed": "more developed", "transition": "transition", "less-developed": "less developed"}


@bp.get("/networks")
def networks() -> str:
    """The exchange networks, to explore: the view drawn with Cytoscape.js on the map or by
    force, filtered (call, topic, category, minimum weight), coloured by category or
    community, each region a link to its profile; every node's metrics as a sortable table;
    the exports. Every choice is in the URL."""
    view = arg("view", "regions")
    if view not in PAGE_VIEWS:
        raise BadParameter("view must be regions or transfers", {"param": "view"})
    colour = arg("colour", "category")
    if colour not in COLOURINGS:
        raise BadParameter("colour must be category or community", {"param": "colour"})
    layout = arg("layout", "map")
    if layout not in ("map", "force"):
        raise BadParameter("layout must be map or force", {"param": "layout"})
    category = arg("category")
    if category and category not in CATEGORIES:
        raise BadParameter(f"category must be one of {', '.join(CATEGORIES)}", {"param": "category"})
    min_weight = int_arg("min_weight", 2 if view == "regions" else 1)
    if min_weight is None or not 1 <= min_weight <= 1000:
        raise BadParameter("min_weight must be from 1 to 1000", {"param": "min_weight"})
    filters = {"level": int_arg("level", NETWORK_DEFAULTS["level"]), "call": int_arg("call", None),
               "topic": arg("topic") or None}
    table = remembered(network.view_table, view=view, **filters)
    query = "&".join(f"{k}={v}" for k, v in filters.items() if v is not None)
    positions = {r["iri"]: position(r.get("code", "")) for r in table["nodes"]}
    config = {"data": f"/api/networks/{view}?{query}", "view": view, "colour": colour, "layout": layout,
              "category": category, "minWeight": min_weight, "mapWidth": WIDTH, "mapHeight": round(height(), 1),
              "land": LAND_PATH, "positions": {k: v for k, v in positions.items() if v is not None},
              "communities": {r["iri"]: r["community"] for r in table["nodes"]}}
    return render_template("networks.html", view=view, colour=colour, layout=layout, category=category,
                           categories=CATEGORIES, min_weight=min_weight, table=table, query=query,
                           filters=filters, topics=remembered(network.topic_options), config=config,
                           off_map=[r for r in table["nodes"] if positions[r["iri"]] is None])


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
