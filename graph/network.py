"""Exchange-of-experience networks between regions and organisations, built from the store. No HTTP.

The aggregation runs in SPARQL (one query per view), so Python receives region-level rows
whatever the size of the store: the distinct (project, region) incidences for co-partnership,
whose pairs are then counted in Python (:func:`pair_weights`: cheaper than a self-join in the
store), and rows grouped by region pair for transfers. Filters (call, topic, as-of date) are
bound as terms, never pasted into the query text. Nodes and edges are added in IRI order, so a
view, and the seeded layouts and communities drawn from it, do not depend on the engine.

Views
-----
- ``regions``: co-partnership of regions: an edge when two regions have partners in the same
  project, ``weight`` = number of shared projects. ``level`` 2 (NUTS 2), 1 (NUTS 1) or 0
  (countries).
- ``transfers``: directed; an edge A -> B when a practice from A inspired a policy change in
  B; ``weight`` = number of such (practice, change) pairs, ``eur`` = EUR attributed to those
  practices (a change's EUR split evenly among the practices that inspired it).
- ``organisations``: the projection of organisations through projects, ``weight`` = shared
  projects.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from itertools import combinations
from typing import Any

import networkx as nx
from rdflib import XSD, Literal, URIRef
from rdflib.term import Node

from graph import derived
from graph.errors import BadParameter
from graph.namespaces import IKGC, prefix_block
from graph.store import KnowledgeGraph

__all__ = ["VIEWS", "METRICS", "VIEW_METRICS", "Filters", "network", "export", "summary",
           "view_export", "view_metrics", "view_picture", "view_table", "topic_options", "pair_weights",
           "EXPORT_FORMATS", "LEVELS",
           "CALLS", "TOPIC_KEY", "SEEDS", "check_seed"]

P = prefix_block(["ikg", "skos", "rdfs", "prov"])
VIEWS = ("regions", "transfers", "organisations")
EXPORT_FORMATS = {"graphml": "application/graphml+xml", "gexf": "application/gexf+xml",
                  "json": "application/json", "nodes.csv": "text/csv", "edges.csv": "text/csv"}
LEVELS = (0, 1, 2)  # NUTS level of region nodes: 0 (countries), 1 or 2
CALLS = (1, 2, 3, 4)  # the programme's calls for projects
TOPIC_KEY = re.compile(r"[A-Za-z0-9-]+")  # the key of a specific objective, e.g. so-3-1
#: Seeds of layouts, communities and random graphs: NumPy's RandomState, behind the layouts,
#: takes no other (a larger or negative seed was a 500).
SEEDS = range(0, 2**32)


def check_seed(seed: int) -> int:
    """``seed``, when it is one of :data:`SEEDS`.

    Raises
    ------
    BadParameter
        A seed below 0 or above 2**32 - 1.
    """
    if seed not in SEEDS:
        raise BadParameter(f"seed must be from 0 to {SEEDS[-1]}, not {seed}", {"param": "seed"})
    return seed


@dataclass(frozen=True)
class Filters:
    """What part of the programme a view covers."""

    call: int | None = None  # call number 1-4
    topic: str | None = None  # key of a specific objective, e.g. "so-3-1"
    as_of: date | None = None  # projects started (or changes dated) on or before this day
    level: int = 2  # NUTS level of region nodes: 2, 1 or 0 (country)
    real_only: bool = False  # only real records: no generated project, organisation, practice or change

    def check(self) -> None:
        """Raises BadParameter on a value out of range."""
        if self.level not in LEVELS:
            raise BadParameter("level must be 0 (countries), 1 or 2 (NUTS)", {"param": "level"})
        if self.call is not None and self.call not in CALLS:
            raise BadParameter("call must be 1, 2, 3 or 4", {"param": "call"})
        if self.topic is not None and not TOPIC_KEY.fullmatch(self.topic):
            raise BadParameter(f"topic {self.topic!r} is not a topic key such as so-3-1",
                               {"param": "topic"})

    def clauses(self, project: str, day: str, records: tuple[str, ...] = ()) -> tuple[str, dict[str, Node], list[str]]:
        """SPARQL filter lines on ``project`` and ``day``, their bindings, and the bound
        variables (pyoxigraph 0.5 needs them projected and grouped); with ``real_only``, none
        of the ``records`` variables may be a generated record."""
        on_project, on_day, bindings = self._parts(project, day, records)
        return "\n".join(on_project + on_day), bindings, [f"?{k}" for k in bindings]

    def _parts(self, project: str, day: str,
               records: tuple[str, ...] = ()) -> tuple[list[str], list[str], dict[str, Node]]:
        """The filter lines on the project (and the records), those on ``day``, and their bindings."""
        on_project: list[str] = [f"FILTER NOT EXISTS {{ {r} prov:wasGeneratedBy ?by{i} }}"
                                 for i, r in enumerate(records if self.real_only else ())]
        on_day: list[str] = []
        bindings: dict[str, Node] = {}
        if self.call is not None:
            on_project.append(f"{project} ikg:call/ikg:callNumber ?callNumber .")
            bindings["callNumber"] = Literal(self.call, datatype=XSD.integer)
        if self.topic is not None:
            on_project.append(f"{project} ikg:topic ?topic .")
            bindings["topic"] = URIRef(f"{IKGC}topic/{self.topic}")
        if self.as_of is not None:
            on_day.append(f"FILTER ({day} <= ?asOf)")
            bindings["asOf"] = Literal(self.as_of.isoformat(), datatype=XSD.date)
        return on_project, on_day, bindings

    def of_projects(self, kg: KnowledgeGraph, day: str, always: str = "",
                    by_call: bool = False) -> tuple[str, str, dict[str, Node], list[str]]:
        """The filters as a sub-select of projects (with ``always`` among its patterns, the
        call number when ``by_call``) and a filter on ``day``; their bindings and bound
        variables. The sub-select is scanned once and joined by hashing, where the same
        patterns among the facts' would look each project up once per fact."""
        on_project, on_day, bindings = self._parts("?project", day)
        bound = [f"?{k}" for k in bindings]
        if by_call:
            on_project, bound = [*on_project, BY_CALL], [*bound, "?callNumber"]
        if day in always:  # a project's own day (its start) is filtered with the project
            on_project, on_day = on_project + on_day, []
        in_select = [v for v in bound if v != "?asOf" or not on_day]
        of_project = "\n".join(on_project)
        projects = (kg.join_part(f"?project {' '.join(in_select)}", f"{always} {of_project}", distinct=True)
                    if always or of_project else "")
        return projects, "\n".join(on_day), bindings, bound


def _lift(kg: KnowledgeGraph, var: str, level: int) -> str:
    """A pattern that lifts NUTS 2 region ``var`` to ``var``Node at ``level`` (in Oxigraph, a
    sub-select of the regions' links, joined by hashing)."""
    if level == 2:
        return f"BIND ({var} AS {var}Node)"
    link = "skos:broader" if level == 1 else "ikg:country"
    return kg.join_part(f"{var} {var}Node", f"{var} {link} {var}Node")


def _region_attributes(kg: KnowledgeGraph, G: nx.Graph, level: int) -> None:
    if not G:
        return
    values = " ".join(f"<{n}>" for n in G)  # IRIs read from the store
    rows = kg.query(P + f"""SELECT ?r ?code ?label ?country ?category WHERE {{
        VALUES ?r {{ {values} }}
        ?r skos:notation ?code ; skos:prefLabel ?label .
        OPTIONAL {{ ?r ikg:country ?country }}
        OPTIONAL {{ ?r ikg:developmentCategory ?category }} }}""").records()
    for r in rows:
        G.nodes[r["r"]].update({
            "code": r["code"], "label": r["label"],
            "country": (r["country"] or r["r"]).rsplit("/", 1)[-1],
            "category": (r["category"] or "").rsplit("/", 1)[-1] or "n/a",
            "generated": False,  # NUTS regions are Eurostat's
        })


BY_CALL = "?project ikg:call/ikg:callNumber ?callNumber ."


def _incidences(kg: KnowledgeGraph, f: Filters, node: str, member: str,
                by_call: bool = False) -> list[dict[str, Any]]:
    """The distinct (project, ``node``) incidences: which regions (or organisations) each
    project has partners in, with the call of the project when ``by_call``.

    This is the aggregation SPARQL does (one row per project and node, whatever the number of
    partners); pairs are then counted in Python by :func:`pair_weights`, which is much cheaper
    than joining the incidences with themselves in the store (3 s at scale 10).
    """
    where, bindings, bound = f.clauses("?project", "?start", ("?project", "?part", "?org"))
    if by_call:
        where, bound = where + "\n" + BY_CALL, [*bound, "?callNumber"]
    # each pattern in a sub-query of its own: the engine scans each once and joins them by
    # hashing, where it would otherwise look up each partner's organisation and region one
    # by one (at scale 100 the lookups miss the disk store's cache: 5.9 s against 3.4 s)
    q = P + f"""SELECT DISTINCT {' '.join(bound)} ?project {node} WHERE {{
        {{ SELECT ?project ?start ?part WHERE {{
            ?project a ikg:Project ; ikg:startDate ?start ; ikg:hasParticipation ?part }} }}
        {{ SELECT ?part ?org WHERE {{ ?part ikg:participant ?org }} }}
        {member}
        {where} }}"""
    return kg.query(q, bindings).records()


def pair_weights(incidences: Iterable[tuple[Hashable, str]]) -> Counter[tuple[str, str]]:
    """How many groups each pair of members shares, from distinct (group, member) pairs.

    Each pair is keyed in string order, ``(a, b)`` with ``a < b``, as a SPARQL self-join
    with ``FILTER (STR(?a) < STR(?b))`` would count it.

    Examples
    --------
    >>> pair_weights([("p1", "x"), ("p1", "y"), ("p2", "y"), ("p2", "x"), ("p2", "z")])
    Counter({('x', 'y'): 2, ('x', 'z'): 1, ('y', 'z'): 1})
    """
    groups: defaultdict[Hashable, set[str]] = defaultdict(set)
    for group, member in incidences:
        groups[group].add(member)
    weights: Counter[tuple[str, str]] = Counter()
    for members in groups.values():
        weights.update(combinations(sorted(members, key=str), 2))
    return weights


def _pair_key(pair: tuple[Any, Any]) -> tuple[str, str]:
    return str(pair[0]), str(pair[1])


def _co_membership(G: nx.Graph, nodes: Iterable[str], weights: Counter[tuple[str, str]],
                   generated: Counter[tuple[str, str]] | None = None) -> None:
    """Add ``nodes`` and the weighted edges to ``G``, in IRI order; ``generated`` counts, of
    each edge's weight, the generated records (:func:`_mark_generated`)."""
    G.add_nodes_from(sorted(nodes, key=str))
    gen = generated or Counter()
    G.add_edges_from((a, b, {"weight": weights[a, b], "real_weight": weights[a, b] - gen[a, b],
                             "generated": gen[a, b] == weights[a, b]})
                     for a, b in sorted(weights, key=_pair_key))


def _generated_projects(kg: KnowledgeGraph) -> set[str]:
    """The generated projects (``prov:wasGeneratedBy``) of the store."""
    return {str(r[0]) for r in kg.query(P + """SELECT ?p WHERE { ?p a ikg:Project ;
        prov:wasGeneratedBy ?run }""").rows}


def _mark_generated(G: nx.Graph, what: str) -> nx.Graph:
    """The graph-level note of how much of ``G`` rests on generated records alone; exports
    carry it (GraphML as graph data, GEXF as its description, JSON in ``graph``)."""
    n = sum(1 for *_, d in G.edges(data=True) if d.get("generated"))
    G.graph["generated_edges"] = n
    G.graph["note"] = (f"{n} of {G.number_of_edges()} edges rest on generated (synthetic) {what} alone "
                       "(edge attribute generated; real_weight counts the real ones): not real data")
    return G


def _region_incidences(kg: KnowledgeGraph, f: Filters, by_call: bool = False) -> list[dict[str, Any]]:
    """The regions each project has partners in, at ``f.level``: one row per project, with
    ``regions`` and ``real`` (those reached through real records alone, :mod:`graph.derived`),
    and the project's ``callNumber`` when ``by_call``.

    Regions are concatenated in the store, which groups by project without writing the
    projects' IRIs out (reading an IRI back from the disk store costs as much as a lookup)."""
    projects, day_filter, bindings, bound = f.of_projects(
        kg, "?start", "?project a ikg:Project ; ikg:startDate ?start .", by_call)
    rows = kg.records(P + f"""SELECT {' '.join(bound)}
            (GROUP_CONCAT(DISTINCT STR(?regionNode); separator=" ") AS ?regions)
            (GROUP_CONCAT(DISTINCT IF(?genFact, "", STR(?regionNode)); separator=" ") AS ?real) WHERE {{
        {projects}
        {derived.facts(kg, "partner-region", f.real_only)}
        {_lift(kg, '?region', f.level)}
        {day_filter}
    }} GROUP BY ?project {' '.join(bound)}""", bindings)
    for r in rows:
        r["regions"], r["real"] = r["regions"].split(), r["real"].split()
    return rows


def _regions(kg: KnowledgeGraph, f: Filters) -> nx.Graph:
    rows = _region_incidences(kg, f)
    G = nx.Graph(view="regions", level=f.level)
    weights = pair_weights((i, n) for i, r in enumerate(rows) for n in r["regions"])
    real = pair_weights((i, n) for i, r in enumerate(rows) for n in r["real"])
    # regions whose partners are all in single-region projects still count as nodes
    _co_membership(G, {n for r in rows for n in r["regions"]}, weights, weights - real)
    _region_attributes(kg, G, f.level)
    return _mark_generated(G, "records")


def _transfer_rows(kg: KnowledgeGraph, f: Filters, by_call: bool = False) -> list:
    """Edge rows of the transfers view, from the transfer facts (:mod:`graph.derived`): one
    per pair of lifted regions, with the number of (practice, change) pairs, the EUR
    attributed and how many of the pairs are real; with ``by_call`` each row has the call of
    the project that identified the practice."""
    projects, day_filter, bindings, bound = f.of_projects(kg, "?day", by_call=by_call)
    # a transfer's change and practice are not read; its day and project only to filter by
    needed = ("?from", "?to", "?eurShare", *(["?day"] if day_filter else []), *(["?project"] if projects else []))
    q = P + f"""SELECT {' '.join(bound)} ?fromNode ?toNode (COUNT(*) AS ?weight) (SUM(?eurShare) AS ?eur)
               (SUM(IF(?genFact, 0, 1)) AS ?real) WHERE {{
        {derived.facts(kg, "transfer", f.real_only, needed)}
        {projects}
        {day_filter}
        {_lift(kg, '?from', f.level)} {_lift(kg, '?to', f.level)}
        FILTER (?fromNode != ?toNode)
    }} GROUP BY {' '.join(bound)} ?fromNode ?toNode"""
    return kg.records(q, bindings)


def _transfers(kg: KnowledgeGraph, f: Filters) -> nx.DiGraph:
    rows = sorted(_transfer_rows(kg, f), key=lambda r: _pair_key((r["fromNode"], r["toNode"])))
    G = nx.DiGraph(view="transfers", level=f.level)
    G.add_nodes_from(sorted({r[k] for r in rows for k in ("fromNode", "toNode")}, key=str))
    for r in rows:
        G.add_edge(r["fromNode"], r["toNode"], weight=r["weight"], eur=float(Decimal(str(r["eur"]))),
                   real_weight=r["real"], generated=r["real"] == 0)
    _region_attributes(kg, G, f.level)
    return _mark_generated(G, "records")


def _organisations(kg: KnowledgeGraph, f: Filters) -> nx.Graph:
    rows = _incidences(kg, f, "?org", "", by_call=False)
    weights = pair_weights((r["project"], r["org"]) for r in rows)
    gen = _generated_projects(kg)
    G = nx.Graph(view="organisations")
    # organisations that share no project with another are left out, as before
    _co_membership(G, {n for pair in weights for n in pair}, weights,
                   pair_weights((r["project"], r["org"]) for r in rows if r["project"] in gen))
    rows = kg.query(P + """SELECT ?o ?label ?region ?generated WHERE {
        ?o a ikg:Organisation ; rdfs:label ?label ; ikg:region ?region
        BIND (EXISTS { ?o prov:wasGeneratedBy ?run } AS ?generated) }""").records()
    for r in rows:
        if r["o"] in G:
            G.nodes[r["o"]].update({"label": r["label"], "region": r["region"].rsplit("/", 1)[-1],
                                    "country": r["region"].rsplit("/", 1)[-1][:2],
                                    "generated": bool(r["generated"])})
    return _mark_generated(G, "projects")


def network(kg: KnowledgeGraph, view: str, filters: Filters | None = None) -> nx.Graph:
    """One view of the exchange-of-experience network.

    Parameters
    ----------
    kg : KnowledgeGraph
    view : str
        ``regions``, ``transfers`` or ``organisations``.
    filters : Filters, optional
        Call, topic, as-of date, NUTS level.

    Returns
    -------
    networkx.Graph or networkx.DiGraph
        Nodes are IRIs with ``code``, ``label``, ``country`` and ``category`` attributes
        (regions) or ``label``, ``region``, ``country`` (organisations).

    Raises
    ------
    BadParameter
        An unknown view or a filter out of range.
    """
    f = filters or Filters()
    f.check()
    _check_view(view)
    if view == "regions":
        return _regions(kg, f)
    if view == "transfers":
        return _transfers(kg, f)
    return _organisations(kg, f)


def _check_view(view: str) -> None:
    if view not in VIEWS:
        raise BadParameter(f"unknown network view {view!r}; views are {', '.join(VIEWS)}",
                           {"param": "view", "views": list(VIEWS)})


def export(G: nx.Graph, fmt: str) -> bytes:
    """``G`` as GraphML, GEXF, node-link JSON, or node / edge CSV.

    Raises
    ------
    BadParameter
        An unknown format.
    """
    import json

    if fmt == "graphml":
        buf = io.BytesIO()
        nx.write_graphml(G, buf)
        return buf.getvalue()
    if fmt == "gexf":
        buf = io.BytesIO()
        nx.write_gexf(G, buf)
        note = G.graph.get("note")
        if not note:
            return buf.getvalue()
        # networkx 3 writes no description of its own: the graph-level note goes in GEXF's <meta>
        from xml.sax.saxutils import escape

        return buf.getvalue().replace(b"</meta>", f"<description>{escape(note)}</description></meta>".encode(), 1)
    if fmt == "json":
        return json.dumps(nx.node_link_data(G, edges="edges"), default=str).encode()
    if fmt in ("nodes.csv", "edges.csv"):
        out = io.StringIO()
        w = csv.writer(out)
        if fmt == "nodes.csv":
            keys = sorted({k for _, d in G.nodes(data=True) for k in d})
            w.writerow(["id", *keys])
            for n, d in G.nodes(data=True):
                w.writerow([n, *[d.get(k, "") for k in keys]])
        else:
            keys = sorted({k for _, _, d in G.edges(data=True) for k in d})
            w.writerow(["source", "target", *keys])
            for a, b, d in G.edges(data=True):
                w.writerow([a, b, *[d.get(k, "") for k in keys]])
        return out.getvalue().encode()
    raise BadParameter(f"unknown export format {fmt!r}; formats are {', '.join(EXPORT_FORMATS)}",
                       {"param": "format"})


def summary(G: nx.Graph) -> dict[str, Any]:
    """Size and density of a view."""
    return {"nodes": G.number_of_nodes(), "edges": G.number_of_edges(),
            "density": nx.density(G) if G.number_of_nodes() > 1 else 0.0,
            "directed": G.is_directed()}


METRICS = ("summary", "centrality", "small-world", "communities", "core-periphery", "net-flows",
           "category-mixing", "reach", "growth")
#: The metrics of each view: net flows and reach follow the direction of transfers; growth,
#: call by call, is measured on regions and transfers.
VIEW_METRICS = {
    "regions": tuple(m for m in METRICS if m not in ("net-flows", "reach")),
    "transfers": METRICS,
    "organisations": tuple(m for m in METRICS if m not in ("net-flows", "reach", "growth")),
}


def _filters(level: int = 2, call: int | None = None, topic: str | None = None,
             as_of: str | None = None, real_only: bool = False) -> Filters:
    try:
        day = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise BadParameter(f"as_of must be a date (YYYY-MM-DD), not {as_of!r}",
                           {"param": "as_of"}) from None
    return Filters(call=call, topic=topic, as_of=day, level=level, real_only=real_only)


def view_export(kg: KnowledgeGraph, view: str, fmt: str = "json", **filters: Any) -> bytes:
    """A view exported in ``fmt`` (see :data:`EXPORT_FORMATS`), for the API and the CLI."""
    if fmt not in EXPORT_FORMATS:
        raise BadParameter(f"unknown format {fmt!r}; formats are {', '.join(EXPORT_FORMATS)}",
                           {"param": "format"})
    return export(network(kg, view, _filters(**filters)), fmt)


def view_metrics(kg: KnowledgeGraph, view: str, metric: str = "summary", k: int = 1,
                 seed: int = 0, **filters: Any) -> dict[str, Any]:
    """One analysis of a view, as JSON-able data (nodes by IRI, with their codes and labels).

    Raises
    ------
    BadParameter
        An unknown view or metric, a metric not measured on the view (:data:`VIEW_METRICS`),
        ``k`` below 1 (reach within 0 steps is 0 everywhere) or a seed out of :data:`SEEDS`.
    """
    from graph import analysis

    if metric not in METRICS:
        raise BadParameter(f"unknown metric {metric!r}; metrics are {', '.join(METRICS)}",
                           {"param": "metric", "metrics": list(METRICS)})
    _check_view(view)
    if metric not in VIEW_METRICS[view]:
        raise BadParameter(f"{metric} is not measured on the {view} view; its metrics are "
                           f"{', '.join(VIEW_METRICS[view])}",
                           {"param": "metric", "metrics": list(VIEW_METRICS[view])})
    if k < 1:
        raise BadParameter(f"k (the steps of reach) must be at least 1, not {k}", {"param": "k"})
    check_seed(seed)
    if metric == "growth":
        f = _filters(**filters)
        f.check()  # the call filter is checked, then ignored: growth goes call by call
        out = [{"call": call, **summary(G)} for call, G in _growth(kg, view, replace(f, call=None))]
        return {"view": view, "metric": metric, "result": out}
    G = network(kg, view, _filters(**filters))
    result: Any
    if metric == "summary":
        result = summary(G)
    elif metric == "centrality":
        result = analysis.centrality(G, seed=seed)
    elif metric == "small-world":
        result = analysis.small_world(G, seed=seed)
    elif metric == "communities":
        result = [sorted(c) for c in analysis.communities(G, seed=seed)]
    elif metric == "core-periphery":
        cp = analysis.core_periphery(G)
        result = {**cp, "core": sorted(cp["core"]), "periphery": sorted(cp["periphery"])}
    elif metric == "net-flows":
        result = analysis.net_flows(G)
    elif metric == "category-mixing":
        result = analysis.category_mixing(G, seed=seed)
    else:
        result = analysis.reach(G, k)
    nodes = {n: dict(d) for n, d in G.nodes(data=True)}
    answer = {"view": view, "metric": metric, "result": result,
              "nodes": nodes if metric not in ("summary", "small-world", "category-mixing") else {}}
    if metric == "centrality":  # how exact its betweenness is
        answer["betweenness_sources"] = analysis.betweenness_sources(G)
    return answer


def view_overview(kg: KnowledgeGraph, view: str, top: int = 15, **filters: Any) -> dict[str, Any]:
    """What a page shows of a view, from one extraction: its size (:func:`summary`) and its
    ``top`` brokers, the nodes with the highest betweenness, with their attributes and
    centralities (:func:`graph.analysis.centrality`)."""
    from graph import analysis

    G = network(kg, view, _filters(**filters))
    central = analysis.centrality(G)
    brokers = sorted(central, key=lambda n: (-central[n]["betweenness"], n))[:top]
    return {"view": view, "summary": summary(G),
            "brokers": [{"iri": n, **G.nodes[n], **central[n]} for n in brokers]}


def _growth(kg: KnowledgeGraph, view: str, f: Filters) -> list[tuple[int, nx.Graph]]:
    """The network after each call (calls 1..n together): how it grew call by call, from one
    query whose rows carry their call. ``view`` is regions or transfers (:data:`VIEW_METRICS`)."""
    if view == "regions":
        rows = _region_incidences(kg, f, by_call=True)
        G: nx.Graph = nx.Graph()
        out = []
        for call in (1, 2, 3, 4):
            # a project belongs to one call: its pairs are counted in that call
            of_call = [r for r in rows if r["callNumber"] == call]
            weights = pair_weights((i, n) for i, r in enumerate(of_call) for n in r["regions"])
            G.add_nodes_from(sorted({n for r in of_call for n in r["regions"]}, key=str))
            for a, b in sorted(weights, key=_pair_key):
                if G.has_edge(a, b):
                    G[a][b]["weight"] += weights[a, b]
                else:
                    G.add_edge(a, b, weight=weights[a, b])
            out.append((call, G.copy()))
        return out
    edges = _transfer_rows(kg, f, by_call=True)
    D = nx.DiGraph()
    out = []
    for call in (1, 2, 3, 4):
        for r in edges:
            if r["callNumber"] != call:
                continue
            a, b = r["fromNode"], r["toNode"]
            if D.has_edge(a, b):
                D[a][b]["weight"] += r["weight"]
            else:
                D.add_edge(a, b, weight=r["weight"])
        out.append((call, D.copy()))
    return out


def view_table(kg: KnowledgeGraph, view: str, seed: int = 1, **filters: Any) -> dict[str, Any]:
    """A view for the networks page: its size, and every node with its attributes, degree,
    strength, betweenness, PageRank and Louvain community (1 = the largest), strongest first."""
    from graph import analysis

    G = network(kg, view, _filters(**filters))
    central = analysis.centrality(G, seed=seed)
    parts = analysis.communities(G, seed=seed)
    member = {n: i + 1 for i, part in enumerate(parts) for n in part}
    rows = [{"iri": str(n), **G.nodes[n], **central[n], "community": member.get(n, 0)} for n in G]
    rows.sort(key=lambda r: (-r["strength"], r["iri"]))
    return {"view": view, "summary": summary(G), "communities": len(parts), "nodes": rows}


def topic_options(kg: KnowledgeGraph) -> list[tuple[str, str]]:
    """(key, label) of the topics (specific objectives) projects have, for a filter's choices."""
    rows = kg.query(P + """SELECT DISTINCT ?topic ?label WHERE { ?p ikg:topic ?topic .
        OPTIONAL { ?topic skos:prefLabel ?label } } ORDER BY ?topic""").rows
    return [(str(t).rsplit("/", 1)[-1], str(label) if label is not None else str(t).rsplit("/", 1)[-1])
            for t, label in rows]


def view_picture(kg: KnowledgeGraph, view: str, fmt: str = "png", colour: str = "category",
                 seed: int = 0, *, layout: str = "spring", **filters: Any) -> bytes:
    """A picture (PNG or SVG) of a view; see :func:`graph.picture.picture`.

    Raises
    ------
    BadParameter
        A seed out of :data:`SEEDS`, or what :func:`graph.picture.picture` raises.
    """
    from graph.picture import picture

    check_seed(seed)
    return picture(network(kg, view, _filters(**filters)), fmt, colour, seed, layout=layout)
