"""The stories the pages of regions, practices and projects tell beyond their statements.

A NUTS region's story, for its page: its projects and partners, what it learned (the
practices from elsewhere behind its policy changes, with EUR) and what it taught, the regions
it worked with, its place in the network of co-partnership, EUR by year. No HTTP.

Everything comes from the named queries ``region-learned`` and ``region-taught``, the
projects of the region's organisations and from the ``regions`` network view (:func:`graph.network.view_table`,
the networks page's table), so the page
says what the API and the SPARQL endpoint say. EUR learned is the whole financial impact of
the region's changes inspired by practices from elsewhere; the attribution rule (1/n per
practice) applies where a change is credited to practices (lineage, travelling practices).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any

from rdflib import URIRef

from graph import derived
from graph.queries import Catalogue, load_catalogue
from graph.store import KnowledgeGraph

__all__ = ["network_places", "region_profile", "practice_travels", "project_places"]

_P = """PREFIX ikg: <https://ikg.example.org/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""


def network_places(table: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each region's place in a network view, from its :func:`graph.network.view_table`:
    degree, betweenness, its rank by betweenness (1 = the strongest broker), its Louvain
    community (1 = the largest) and the community's size; the view's size once under ``""``."""
    nodes = table["nodes"]
    ranked = sorted(nodes, key=lambda r: (-r["betweenness"], r["iri"]))
    rank = {r["iri"]: i + 1 for i, r in enumerate(ranked)}
    sizes = Counter(r["community"] for r in nodes)
    out: dict[str, dict[str, Any]] = {
        r["iri"]: {"degree": r["degree"], "betweenness": r["betweenness"], "rank": rank[r["iri"]],
                   "community": r["community"], "community_size": sizes[r["community"]]} for r in nodes}
    out[""] = {"regions": len(nodes), "links": table["summary"]["edges"], "communities": table["communities"]}
    return out


def _by_year(rows: list[dict[str, Any]]) -> list[tuple[str, float]]:
    totals: defaultdict[int, Decimal] = defaultdict(Decimal)
    for r in rows:
        totals[r["date"].year] += Decimal(str(r["eur"]))
    if not totals:
        return []
    return [(str(y), float(totals[y])) for y in range(min(totals), max(totals) + 1)]


def _exchanges(rows: list[dict[str, Any]], other: str, label: str) -> list[dict[str, Any]]:
    """Rows of region-learned or -taught grouped by practice and other region: the changes,
    EUR, whether any record is generated."""
    practices: dict[tuple[str, str], dict[str, Any]] = {}
    for r in rows:
        p = practices.setdefault((r["practice"], r[other]), {
            "practice": r["practice"], "title": r["title"], "project": r["acronym"], "region": r[other],
            "region_label": r[label], "changes": [], "eur": Decimal(0), "generated": False})
        change: dict[str, Any] = {"change": r["change"], "date": r["date"].isoformat(), "eur": r["eur"]}
        change.update((k, r[k]) for k in ("type", "instrument", "instrumentTitle") if k in r)
        p["changes"].append(change)
        p["eur"] += Decimal(str(r["eur"]))
        p["generated"] = p["generated"] or bool(r["generated"])
    return sorted(practices.values(), key=lambda p: (-p["eur"], p["title"]))


def region_profile(kg: KnowledgeGraph, iri: str, catalogue: Catalogue | None = None) -> dict[str, Any]:
    """What the page of the region ``iri`` tells: projects (with partners there), learned and
    taught practices (grouped, with EUR), the regions it learned from, taught and shared
    projects with, and EUR learned and taught by year."""
    cat = catalogue or load_catalogue()
    # the projects of the organisations of the region (what region-projects counts for a
    # NUTS 2 region, read from the organisations: an index lookup, where the named query's
    # walk down the NUTS hierarchy took 3.2 s at scale 10)
    projects = kg.records(_P + """SELECT ?region ?project ?acronym (COUNT(DISTINCT ?org) AS ?partners)
            (MAX(?isGenerated) AS ?generated) WHERE {
          ?org ikg:region ?region . ?participation ikg:participant ?org ; ikg:inProject ?project .
          ?project ikg:acronym ?acronym .
          OPTIONAL { ?project prov:wasGeneratedBy ?run }
          BIND (IF(BOUND(?run), 1, 0) AS ?isGenerated)
        } GROUP BY ?region ?project ?acronym ORDER BY ?acronym""", {"region": URIRef(iri)})
    learned = cat.get("region-learned").run(kg, {"region": iri}).records()
    taught = cat.get("region-taught").run(kg, {"region": iri}).records()
    # the derived facts (graph.derived) when the store has them: 15 ms at scale 10, where
    # joining the participations takes 0.65 s; the same regions either way (tested)
    shared = ("?project ikg:partnerRegion ?region , ?other ." if derived.available(kg) is not None else
              "?here ikg:participant/ikg:region ?region ; ikg:inProject ?project .\n"
              "?there ikg:inProject ?project ; ikg:participant/ikg:region ?other .")
    partners = kg.records(_P + f"""SELECT ?region ?other ?code ?label (COUNT(DISTINCT ?project) AS ?projects) WHERE {{
          {shared}
          FILTER (?other != ?region)
          ?other skos:notation ?code ; skos:prefLabel ?label .
        }} GROUP BY ?region ?other ?code ?label ORDER BY DESC(?projects) STR(?code)""", {"region": URIRef(iri)})
    # the instrument each learned change improved, and the organisations located here
    instruments = {r["change"]: r for r in kg.records(_P + """PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?region ?change (SAMPLE(?i) AS ?instrument) (SAMPLE(?t) AS ?instrumentTitle) WHERE {
          ?change ikg:region ?region ; ikg:inspiredBy ?practice ; ikg:improves ?i . ?i dcterms:title ?t
        } GROUP BY ?region ?change""", {"region": URIRef(iri)})}
    for r in learned:
        r.update({k: instruments.get(r["change"], {}).get(k) for k in ("instrument", "instrumentTitle")})
    organisations = kg.records(_P + """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?region ?organisation (SAMPLE(?label) AS ?name) (COUNT(DISTINCT ?project) AS ?projects)
               (MAX(?isGenerated) AS ?generated) WHERE {
          ?organisation ikg:region ?region ; rdfs:label ?label .
          ?participation ikg:participant ?organisation ; ikg:inProject ?project .
          OPTIONAL { ?organisation prov:wasGeneratedBy ?run }
          BIND (IF(BOUND(?run), 1, 0) AS ?isGenerated)
        } GROUP BY ?region ?organisation ORDER BY DESC(?projects) ?organisation""", {"region": URIRef(iri)})
    learned_from = Counter(r["fromRegion"] for r in learned)
    taught_to = Counter(r["toRegion"] for r in taught)
    # a change inspired by two practices is one change: its EUR counts once
    changed_here = list({r["change"]: r for r in learned}.values())
    changed_there = list({r["change"]: r for r in taught}.values())
    return {
        "iri": iri,
        "projects": [{"project": r["project"], "acronym": r["acronym"], "partners": r["partners"],
                      "generated": bool(r["generated"])} for r in projects],
        "partners": sum(r["partners"] for r in projects),
        "organisations": [{"organisation": r["organisation"], "name": r["name"], "projects": r["projects"],
                           "generated": bool(r["generated"])} for r in organisations],
        "learned": _exchanges(learned, "fromRegion", "fromLabel"),
        "taught": _exchanges(taught, "toRegion", "toLabel"),
        "learned_eur": sum((Decimal(str(r["eur"])) for r in changed_here), Decimal(0)),
        "taught_eur": sum((Decimal(str(r["eur"])) for r in changed_there), Decimal(0)),
        "learned_from": dict(learned_from), "taught_to": dict(taught_to),
        "partner_regions": partners,
        "learned_by_year": _by_year(changed_here),
        "taught_by_year": _by_year(changed_there),
        "generated": any(r["generated"] for r in (*learned, *taught)) or any(r["generated"] for r in projects),
    }



def practice_travels(kg: KnowledgeGraph, iri: str) -> dict[str, Any]:
    """Where the practice ``iri`` came from and the regions whose policy changes it inspired:
    each with its changes, their EUR and whether any is generated."""
    origin = kg.records(_P + """SELECT ?practice ?region ?code ?label WHERE {
        ?practice ikg:region ?region . ?region skos:notation ?code ; skos:prefLabel ?label }""",
                        {"practice": URIRef(iri)})
    rows = kg.records(_P + """SELECT ?practice ?region ?code ?label (COUNT(DISTINCT ?change) AS ?changes)
            (SUM(?eur) AS ?total) (MAX(?isGenerated) AS ?generated) WHERE {
          ?change ikg:inspiredBy ?practice ; ikg:region ?region ; ikg:financialImpact ?eur .
          ?region skos:notation ?code ; skos:prefLabel ?label .
          OPTIONAL { ?change prov:wasGeneratedBy ?run }
          BIND (IF(BOUND(?run), 1, 0) AS ?isGenerated)
        } GROUP BY ?practice ?region ?code ?label ORDER BY DESC(?changes) STR(?code)""", {"practice": URIRef(iri)})
    return {"origin": origin[0] if origin else None,
            "regions": [{"region": r["region"], "code": r["code"], "label": r["label"], "changes": r["changes"],
                         "eur": r["total"], "generated": bool(r["generated"])} for r in rows]}


def project_places(kg: KnowledgeGraph, iri: str, catalogue: Catalogue | None = None) -> list[dict[str, Any]]:
    """The NUTS 2 regions of the project ``iri``'s partners (``project-partners``), each with
    its partners' names; partners without a region are left out."""
    rows = (catalogue or load_catalogue()).get("project-partners").run(kg, {"project": iri}).records()
    places: dict[str, dict[str, Any]] = {}
    for r in rows:
        if r.get("region"):
            place = places.setdefault(r["region"], {"region": r["region"], "code": r["region"].rsplit("/", 1)[-1],
                                                     "label": r["regionLabel"], "partners": []})
            place["partners"].append(r["name"])
    return list(places.values())
