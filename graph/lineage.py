"""Lineage: which practice inspired which policy change, where, with how much money, both ways. No HTTP.

The chain an evaluator follows is practice -> action (of an action plan, inspired by the
practice) -> action plan (which addresses a policy instrument) -> policy change (implements the
action, improves the instrument, with a type, a date and EUR).

Attribution rule: a change inspired by n practices gives each of them 1/n of its EUR (an even
split; the data carry no weights). Summed over practices, the attributed amounts add up to the
changes' EUR exactly, so no euro is counted twice. The named queries ``impact-by-*`` use the
same rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from rdflib import URIRef
from rdflib.term import Node

from graph.errors import BadParameter, NotFound
from graph.namespaces import IKG, Graphs, iri_term, prefix_block
from graph.provenance import generated_records, generated_statements
from graph.store import KnowledgeGraph

__all__ = [
    "NotFound",
    "entity_kind",
    "resolve_key",
    "downstream",
    "upstream",
    "shortest_path",
    "neighbourhood",
    "summary",
    "Edge",
]

P = prefix_block(["ikg", "rdfs", "dcterms", "skos", "prov", "rdf"])
KINDS = {
    IKG + "GoodPractice": "practice",
    IKG + "PolicyChange": "change",
    IKG + "PolicyInstrument": "instrument",
    IKG + "OperationalProgramme": "instrument",
    IKG + "Project": "project",
    IKG + "Organisation": "organisation",
    IKG + "ActionPlan": "action-plan",
    IKG + "Action": "action",
    IKG + "Participation": "participation",
    IKG + "LearningEvent": "event",
    IKG + "ProgressReport": "report",
    IKG + "Inspiration": "inspiration",
    IKG + "Call": "call",
    IKG + "Programme": "programme",
    IKG + "Region": "region",
}


_DCT = "http://purl.org/dc/terms/"
#: The fields of the records of a lineage, each with the predicate of the statement it shows:
#: a real record's field whose statement the generator added is in its ``generatedFields``
PRACTICE_FIELDS = {"title": _DCT + "title", "region": IKG + "region", "regionLabel": IKG + "region",
                   "organisation": IKG + "originOrganisation", "project": IKG + "identifiedIn"}
ACTION_FIELDS = {"title": _DCT + "title"}
CHANGE_FIELDS = {"label": "http://www.w3.org/2000/01/rdf-schema#label", "type": IKG + "changeType",
                 "date": IKG + "date", "region": IKG + "region", "eur": IKG + "financialImpact",
                 "attributedEur": IKG + "financialImpact"}


def _rows(kg: KnowledgeGraph, query: str, **bindings: Node) -> list[dict[str, Any]]:
    return kg.query(P + query, bindings).records()


def entity_kind(kg: KnowledgeGraph, iri: str) -> str:
    """The kind of entity ``iri`` is (practice, change, instrument, project, ...).

    Raises
    ------
    BadParameter
        When ``iri`` is not an IRI.
    NotFound
        When the graph has no typed entity with that IRI.
    """
    node = iri_term(iri, "iri")
    rows = _rows(kg, "SELECT ?entity ?type WHERE { ?entity a ?type }", entity=node)
    kinds = sorted({KINDS[r["type"]] for r in rows if r["type"] in KINDS})
    if not kinds:
        raise NotFound(f"no entity {iri} in the graph", {"iri": iri})
    return kinds[0]


def resolve_key(kg: KnowledgeGraph, key_or_iri: str, base: str) -> str:
    """An IRI as given, or the IRI of the practice, change or instrument whose key (the last
    segment of its IRI under ``base``) is ``key_or_iri``.

    Raises
    ------
    NotFound
        When no practice, change or instrument has that key.
    """
    if "://" in key_or_iri:
        return key_or_iri
    for kind in ("practice", "change", "instrument"):
        iri = f"{base.rstrip('/')}/id/{kind}/{key_or_iri}"
        try:
            entity_kind(kg, iri)
            return iri
        except (NotFound, BadParameter):
            continue
    raise NotFound(f"no practice, change or instrument with the key {key_or_iri!r}",
                   {"key": key_or_iri})


def _expect(kg: KnowledgeGraph, iri: str, *kinds: str) -> tuple[URIRef, str]:
    """The IRI as a term and its kind, which must be one of ``kinds``."""
    kind = entity_kind(kg, iri)
    if kind not in kinds:
        raise NotFound(f"{iri} is a {kind}, not a {' or '.join(kinds)}",
                       {"iri": iri, "kind": kind, "expected": list(kinds)})
    return URIRef(iri), kind


def _money(value: object) -> str:
    """EUR as a string with two decimals (JSON numbers would lose cents on large sums)."""
    return str(Decimal(str(value)).quantize(Decimal("0.01")))


def downstream(kg: KnowledgeGraph, practice: str, base: str, real_only: bool = False) -> dict[str, Any]:
    """What a good practice led to: actions, action plans, instruments and policy changes.

    Parameters
    ----------
    kg : KnowledgeGraph
    practice : str
        IRI of an ``ikg:GoodPractice``.
    base : str
        The base IRI the store's records were minted under (names its graphs).
    real_only : bool
        Only real records and what their sources state: generated actions and changes are
        left out, a generated plan, instrument, organisation or project is null, and so is
        a real record's field whose statement the generator added (an amount, a date, a
        region).

    Returns
    -------
    dict
        ``practice`` (label, region, project), ``actions`` (each with its plan, the
        instrument the plan addresses and the changes that implement the action, with EUR and
        the EUR attributed to this practice), and ``totals``. Every record says whether it is
        ``generated``; the practice, actions and changes list their ``generatedFields`` (of a
        real record: the fields whose statements the generator added; of a generated one:
        all), and every change says whether its EUR is generated (``eurGenerated``);
        ``totals`` has the EUR ``fromSources`` apart.

    Raises
    ------
    BadParameter, NotFound
    """
    node, _ = _expect(kg, practice, "practice")
    head = _rows(kg, """
        SELECT ?practice ?title ?region ?regionLabel ?project ?acronym ?organisation ?orgName WHERE {
          ?practice dcterms:title ?title ; ikg:region ?region ; ikg:identifiedIn ?project ;
                    ikg:originOrganisation ?organisation .
          ?region skos:prefLabel ?regionLabel . ?project ikg:acronym ?acronym .
          ?organisation rdfs:label ?orgName }""", practice=node)
    rows = _rows(kg, """
        SELECT ?practice ?action ?actionTitle ?plan ?planLabel ?planRegion ?author ?authorName
               ?instrument ?instrumentTitle
        WHERE {
          ?action ikg:inspiredBy ?practice ; dcterms:title ?actionTitle ; ikg:inActionPlan ?plan .
          ?plan rdfs:label ?planLabel ; ikg:region ?planRegion ; ikg:author ?author ;
                ikg:addresses ?instrument .
          ?author rdfs:label ?authorName . ?instrument dcterms:title ?instrumentTitle .
        } ORDER BY ?plan ?action""", practice=node)
    # the changes that implement those actions, named by IRIs read from the store
    values = " ".join(f"<{r['action']}>" for r in rows)
    changes_of: dict[str, list[dict[str, Any]]] = {}
    for c in _rows(kg, f"""
        SELECT ?action ?change ?changeLabel ?type ?date ?eur ?changeRegion WHERE {{
          VALUES ?action {{ {values} }}
          ?change ikg:implements ?action ; rdfs:label ?changeLabel ; ikg:date ?date ;
                  ikg:financialImpact ?eur ; ikg:changeType/skos:prefLabel ?type ;
                  ikg:region ?changeRegion .
        }} ORDER BY ?date ?change""") if rows else []:
        changes_of.setdefault(c["action"], []).append(c)
    n_of = _inspiration_counts(kg, {c["change"] for cs in changes_of.values() for c in cs})
    h = head[0] if head else {}
    actions: dict[str, dict[str, Any]] = {}
    for r in rows:
        a = actions.setdefault(r["action"], {
            "iri": r["action"], "title": r["actionTitle"],
            "actionPlan": {"iri": r["plan"], "label": r["planLabel"], "region": r["planRegion"],
                           "author": {"iri": r["author"], "label": r["authorName"]}},
            "instrument": {"iri": r["instrument"], "title": r["instrumentTitle"]},
            "changes": [],
        })
        for c in changes_of.get(r["action"], []):
            eur = Decimal(str(c["eur"]))
            share = eur / n_of[c["change"]]
            a["changes"].append({"iri": c["change"], "label": c["changeLabel"], "type": c["type"],
                                 "date": c["date"].isoformat(), "region": c["changeRegion"],
                                 "eur": _money(eur), "attributedEur": _money(share),
                                 "inspiredBy": n_of[c["change"]]})
    head_out = {"iri": practice, "title": h.get("title"), "region": h.get("region"),
                "regionLabel": h.get("regionLabel"),
                "project": {"iri": h.get("project"), "acronym": h.get("acronym")},
                "organisation": {"iri": h.get("organisation"), "label": h.get("orgName")}}
    kept = _mark_downstream(kg, Graphs(base), head_out, list(actions.values()), real_only)
    return {
        "practice": head_out,
        "actions": kept,
        "totals": _downstream_totals(kept),
        "attribution": "a change inspired by n practices gives each 1/n of its EUR",
        "realOnly": real_only,
    }


def _fields(record: dict[str, Any], fields: dict[str, str], generated: bool, facts: dict[str, set[str]],
            real_only: bool) -> None:
    """Mark ``record`` (and list its generated fields); with ``real_only``, null those of a
    real record (a party's values, not its ``generated`` mark)."""
    record["generated"] = generated
    added = facts.get(record["iri"], set())
    record["generatedFields"] = sorted(k for k, p in fields.items() if k in record and (generated or p in added))
    if real_only and not generated:
        for k in record["generatedFields"]:
            value = record[k]
            record[k] = {key: (v if key == "generated" else None) for key, v in value.items()} \
                if isinstance(value, dict) else None


def _mark_downstream(kg: KnowledgeGraph, graphs: Graphs, head: dict[str, Any], actions: list[dict[str, Any]],
                     real_only: bool) -> list[dict[str, Any]]:
    """Say which records, fields and amounts are generated; with ``real_only``, keep the real ones."""
    changes = {c["iri"] for a in actions for c in a["changes"]}
    parties = [head["organisation"], head["project"]] + [a["actionPlan"]["author"] for a in actions]
    iris = {head["iri"]} | changes | {a["iri"] for a in actions} | {a["actionPlan"]["iri"] for a in actions} | {
        a["instrument"]["iri"] for a in actions} | {p["iri"] for p in parties if p["iri"]}
    gen = generated_records(kg, iris)
    facts = generated_statements(kg, graphs, {head["iri"]} | changes | {a["iri"] for a in actions})
    for party in parties:
        _party(party, gen, real_only)
    _fields(head, PRACTICE_FIELDS, head["iri"] in gen, facts, real_only)
    kept = []
    for a in actions:
        _fields(a, ACTION_FIELDS, a["iri"] in gen, facts, real_only)
        for part in (a["actionPlan"], a["instrument"]):
            part["generated"] = part["iri"] in gen
        for c in a["changes"]:
            _fields(c, CHANGE_FIELDS, c["iri"] in gen, facts, real_only)
            c["eurGenerated"] = "eur" in c["generatedFields"]
        if real_only:
            if a["generated"] or head["generated"]:
                continue
            a["actionPlan"] = None if a["actionPlan"]["generated"] else a["actionPlan"]
            a["instrument"] = None if a["instrument"]["generated"] else a["instrument"]
            a["changes"] = [c for c in a["changes"] if not c["generated"]]
        kept.append(a)
    return kept


def _party(party: dict[str, Any], gen: set[str], real_only: bool) -> None:
    """Mark an organisation or project named in a lineage as generated or not; with
    ``real_only``, a generated one is named no more (its IRI, label and acronym are null)."""
    party["generated"] = party["iri"] in gen
    if real_only and party["generated"]:
        for key in party:
            if key != "generated":
                party[key] = None


def _downstream_totals(actions: list[dict[str, Any]]) -> dict[str, Any]:
    """Actions, changes, regions and EUR (all, attributed, and of each from the sources)."""
    seen: dict[str, dict[str, Any]] = {}
    for a in actions:
        for c in a["changes"]:
            seen.setdefault(c["iri"], c)
    cs = list(seen.values())

    def total(key: str, real: bool = False) -> str:
        return _money(sum((Decimal(c[key]) for c in cs if c[key] is not None
                           and not (real and c.get("eurGenerated"))), Decimal(0)))

    return {"actions": len(actions), "changes": len(cs), "regions": len({c["region"] for c in cs} - {None}),
            "eur": total("eur"), "attributedEur": total("attributedEur"),
            "eurFromSources": total("eur", real=True), "attributedEurFromSources": total("attributedEur", real=True)}


def summary(kg: KnowledgeGraph, iri: str, base: str) -> dict[str, Any] | None:
    """The lineage a page shows beside a thing: for a good practice what it led to
    (:func:`downstream`), for a policy change or instrument what lies behind it
    (:func:`upstream`), each with ``direction``; None for other things.

    Raises
    ------
    BadParameter
        When ``iri`` is not an IRI.
    """
    try:
        kind = entity_kind(kg, iri)
    except NotFound:
        return None
    if kind == "practice":
        return {"direction": "downstream", **downstream(kg, iri, base)}
    if kind in ("change", "instrument"):
        return {"direction": "upstream", **upstream(kg, iri, base)}
    return None


def _inspiration_counts(kg: KnowledgeGraph, changes: set[str]) -> dict[str, int]:
    """How many practices inspired each change (the n of the attribution rule)."""
    if not changes:
        return {}
    values = " ".join(f"<{c}>" for c in sorted(changes))  # IRIs read from the store
    rows = kg.query(P + f"""SELECT ?change (COUNT(DISTINCT ?p) AS ?n) WHERE {{
        VALUES ?change {{ {values} }} ?change ikg:inspiredBy ?p }} GROUP BY ?change""").records()
    return {r["change"]: r["n"] for r in rows}


def upstream(kg: KnowledgeGraph, iri: str, base: str, real_only: bool = False) -> dict[str, Any]:
    """What lies behind a policy change or a policy instrument: practices, their organisations,
    regions and projects, with the evidence of each inspiration.

    Parameters
    ----------
    kg : KnowledgeGraph
    iri : str
        IRI of an ``ikg:PolicyChange`` or an ``ikg:PolicyInstrument``.
    base : str
        The base IRI the store's records were minted under (names its graphs).
    real_only : bool
        Only real records and what their sources state: generated changes and practices are
        left out, a generated organisation or project is null, and so is a real record's
        field whose statement the generator added (an amount, a date, a region).

    Returns
    -------
    dict
        ``entity`` (kind and IRI), ``changes`` (each with its action, plan, instrument and the
        practices behind it, with evidence and the EUR attributed to each), and ``totals``.
        Every change and practice says whether it is ``generated`` and lists its
        ``generatedFields`` (as :func:`downstream`), every change whether its EUR is generated
        (``eurGenerated``); ``totals`` has the EUR ``fromSources`` apart.

    Raises
    ------
    BadParameter, NotFound
    """
    node, kind = _expect(kg, iri, "change", "instrument")
    if kind == "change":
        targets = [iri]
    else:
        found = _rows(kg, "SELECT ?entity ?change WHERE { ?change ikg:improves ?entity }",
                      entity=node)
        targets = sorted(r["change"] for r in found)
    # the details of those changes, named by IRIs read from the store (the caller's IRI is
    # only ever bound as a term, above)
    values = " ".join(f"<{c}>" for c in targets)
    rows = _rows(kg, f"""
        SELECT ?change ?changeLabel ?type ?date ?eur ?region ?instrument ?cci ?action ?plan
               ?practice ?title ?origin ?originLabel ?organisation ?orgName ?project ?acronym
        WHERE {{
          VALUES ?change {{ {values} }}
          ?change rdfs:label ?changeLabel ; ikg:changeType/skos:prefLabel ?type ; ikg:date ?date ;
                  ikg:financialImpact ?eur ; ikg:region ?region ; ikg:improves ?instrument ;
                  ikg:implements ?action ; ikg:inspiredBy ?practice .
          ?action ikg:inActionPlan ?plan .
          ?practice dcterms:title ?title ; ikg:region ?origin ; ikg:originOrganisation ?organisation ;
                    ikg:identifiedIn ?project .
          ?origin skos:prefLabel ?originLabel . ?organisation rdfs:label ?orgName .
          ?project ikg:acronym ?acronym .
          # OPTIONAL last: a pattern after an OPTIONAL would be evaluated on its own
          OPTIONAL {{ ?instrument ikg:cciCode ?cci }}
        }} ORDER BY ?date ?change ?title""") if targets else []
    evidence = {(r["change"], r["practice"]): r["evidence"] for r in _rows(kg, f"""
        SELECT ?change ?practice ?evidence WHERE {{ VALUES ?change {{ {values} }}
          ?change ikg:qualifiedInspiration ?q . ?q prov:entity ?practice ; ikg:evidence ?evidence
        }}""")} if targets else {}
    n_of: dict[str, int] = {}
    for r in rows:  # every practice behind a change is in the rows: count them there
        n_of.setdefault(r["change"], 0)
    for change in n_of:
        n_of[change] = len({r["practice"] for r in rows if r["change"] == change})
    changes: dict[str, dict[str, Any]] = {}
    for r in rows:
        eur = Decimal(str(r["eur"]))
        c = changes.get(r["change"])
        if c is None:
            c = changes[r["change"]] = {
                "iri": r["change"], "label": r["changeLabel"], "type": r["type"],
                "date": r["date"].isoformat(), "eur": _money(eur), "region": r["region"],
                "instrument": {"iri": r["instrument"], "cci": r["cci"]},
                "action": r["action"], "actionPlan": r["plan"], "practices": []}
        c["practices"].append({
            "iri": r["practice"], "title": r["title"], "region": r["origin"],
            "regionLabel": r["originLabel"],
            "organisation": {"iri": r["organisation"], "label": r["orgName"]},
            "project": {"iri": r["project"], "acronym": r["acronym"]},
            "evidence": evidence.get((r["change"], r["practice"])), "attributedEur": _money(eur / n_of[r["change"]])})
    kept = _mark_upstream(kg, Graphs(base), list(changes.values()), real_only)
    practices = [p for c in kept for p in c["practices"]]

    def total(real: bool) -> str:
        return _money(sum((Decimal(c["eur"]) for c in kept if c["eur"] is not None
                           and not (real and c["eurGenerated"])), Decimal(0)))

    return {
        "entity": {"iri": iri, "kind": kind},
        "changes": kept,
        "totals": {"changes": len(kept), "eur": total(False), "eurFromSources": total(True),
                   "organisations": len({p["organisation"]["iri"] for p in practices} - {None}),
                   "originRegions": len({p["region"] for p in practices} - {None}),
                   "projects": len({p["project"]["iri"] for p in practices} - {None})},
        "attribution": "a change inspired by n practices gives each 1/n of its EUR",
        "realOnly": real_only,
    }


def _mark_upstream(kg: KnowledgeGraph, graphs: Graphs, changes: list[dict[str, Any]],
                   real_only: bool) -> list[dict[str, Any]]:
    """Say which changes, practices, fields and amounts are generated; with ``real_only``, keep
    the real ones."""
    iris = {c["iri"] for c in changes}
    practices = [p for c in changes for p in c["practices"]]
    gen = generated_records(kg, iris | {p["iri"] for p in practices} | {p["organisation"]["iri"] for p in practices}
                            | {p["project"]["iri"] for p in practices})
    facts = generated_statements(kg, graphs, iris | {p["iri"] for p in practices})
    kept = []
    for c in changes:
        _fields(c, CHANGE_FIELDS, c["iri"] in gen, facts, real_only)
        c["eurGenerated"] = "eur" in c["generatedFields"]
        for p in c["practices"]:
            _party(p["organisation"], gen, real_only)
            _party(p["project"], gen, real_only)
            _fields(p, PRACTICE_FIELDS, p["iri"] in gen, facts, real_only)
            if real_only and c["eurGenerated"]:
                p["attributedEur"] = None
        if real_only:
            if c["generated"]:
                continue
            c["practices"] = [p for p in c["practices"] if not p["generated"]]
        kept.append(c)
    return kept


@dataclass(frozen=True)
class Edge:
    """One statement on a path: subject, predicate, object."""

    subject: str
    predicate: str
    object: str


#: Predicates a path does not follow: types, the ontology, and the materialised super-properties
#: (they repeat an ikg statement).
SKIPPED = ("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "http://www.w3.org/ns/prov#",
           "http://www.w3.org/ns/org#", "http://purl.org/dc/terms/subject",
           "http://www.w3.org/2004/02/skos/core#inScheme")


def _neighbours(kg: KnowledgeGraph, nodes: list[str]) -> list[Edge]:
    """Statements around ``nodes``, in VALUES (each IRI checked by :func:`iri_term`, which
    refuses one that could end the term: the caller's IRI at the start of a search becomes one
    term, never query text)."""
    if not nodes:
        return []
    values = " ".join(f"<{iri_term(n, 'iri')}>" for n in nodes)
    # out: ?o bound; in: ?s bound (no BIND in the branches: Virtuoso 7.2.5's compiler fails on it)
    rows = kg.query(f"SELECT ?n ?s ?p ?o WHERE {{ VALUES ?n {{ {values} }} "
                    "{ ?n ?p ?o . FILTER (isIRI(?o)) } UNION { ?s ?p ?n } }").records()
    edges = [Edge(r["n"], r["p"], r["o"]) if r["o"] is not None else Edge(r["s"], r["p"], r["n"]) for r in rows]
    return [e for e in edges if not e.predicate.startswith(SKIPPED) and "/ontology/concept/" not in e.object
            and not e.object.startswith(IKG)]


def shortest_path(kg: KnowledgeGraph, source: str, target: str, max_hops: int = 6,
                  max_frontier: int = 2000) -> dict[str, Any]:
    """A shortest path between two entities, following statements in either direction.

    Breadth-first from both ends, one SPARQL query per level; types, concept schemes and the
    materialised PROV/ORG statements are not followed.

    Raises
    ------
    BadParameter
        A malformed IRI or ``max_hops`` outside 1-10.
    NotFound
        An IRI that is not in the graph, or no path within ``max_hops``.
    """
    if not 1 <= max_hops <= 10:
        raise BadParameter("max_hops must be between 1 and 10", {"param": "max_hops"})
    for name, iri in (("from", source), ("to", target)):
        iri_term(iri, name)
        if not kg.query("ASK { { ?s ?p ?o } UNION { ?o ?p ?s } }", {"s": URIRef(iri)}).boolean:
            raise NotFound(f"no entity {iri} in the graph", {"iri": iri})
    if source == target:
        return {"from": source, "to": target, "hops": 0, "edges": []}
    # node -> (edge, previous node), None at the two ends
    parents: list[dict[str, tuple[Edge, str] | None]] = [{source: None}, {target: None}]
    frontiers = [[source], [target]]
    for _ in range(max_hops):
        side = 0 if len(frontiers[0]) <= len(frontiers[1]) else 1
        nxt: list[str] = []
        for e in _neighbours(kg, frontiers[side][:max_frontier]):
            for here, there in ((e.subject, e.object), (e.object, e.subject)):
                if here in frontiers[side] and there not in parents[side]:
                    parents[side][there] = (e, here)
                    nxt.append(there)
                    if there in parents[1 - side]:
                        edges = _walk(parents[0], there)[::-1] + _walk(parents[1], there)
                        return {"from": source, "to": target, "hops": len(edges),
                                "edges": [e.__dict__ for e in edges]}
        frontiers[side] = nxt
        if not nxt:
            break
    raise NotFound(f"no path between {source} and {target} within {max_hops} steps",
                   {"from": source, "to": target, "max_hops": max_hops})


def _walk(parents: dict, node: str) -> list[Edge]:
    out = []
    while parents[node] is not None:
        edge, node = parents[node]
        out.append(edge)
    return out


def neighbourhood(kg: KnowledgeGraph, iri: str, hops: int = 1, limit: int = 500) -> dict[str, Any]:
    """The entities within ``hops`` steps of ``iri`` and the statements between them.

    Raises
    ------
    BadParameter, NotFound
    """
    if not 1 <= hops <= 3:
        raise BadParameter("hops must be between 1 and 3", {"param": "hops"})
    entity_kind(kg, iri)
    seen = {iri}
    frontier = [iri]
    edges: dict[tuple[str, str, str], Edge] = {}
    for _ in range(hops):
        nxt = []
        for e in _neighbours(kg, frontier):
            if len(edges) >= limit:
                break
            edges[(e.subject, e.predicate, e.object)] = e
            for n in (e.subject, e.object):
                if n not in seen:
                    seen.add(n)
                    nxt.append(n)
        frontier = nxt
    return {"iri": iri, "hops": hops, "nodes": sorted(seen), "edges": [e.__dict__ for e in edges.values()],
            "truncated": len(edges) >= limit}
