"""Linked-data descriptions: what the document of one IRI says, and where IRIs live on the server. No HTTP.

URI space
---------
- ``{base}/id/{kind}/{key}`` is a record (project, practice, ...); its document is
  ``/doc/{kind}/{key}``.
- ``https://ikg.example.org/ontology/concept/{scheme}/{key}`` (SKOS concepts, and their schemes
  without ``/{key}``) is documented at ``/doc/concept/{scheme}/{key}``.
- ``http://data.europa.eu/nuts/code/{code}`` (NUTS regions, published by the EU Publications
  Office) is documented at ``/doc/nuts/{code}``: what this graph holds about the region.
- ``https://ikg.example.org/ontology#{Term}`` (classes and properties) is documented at
  ``/ontology#{Term}``, an anchor of the ontology's documentation.

The description of a thing is its outgoing statements (all graphs, the inferred alignment to
standard vocabularies included), the labels of the things they link to, and its incoming links
(asserted statements only, a page at a time, with the total).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, cast

from rdflib import RDF, RDFS, Literal, Namespace, URIRef
from rdflib.term import Node

from graph.errors import BadParameter, NotFound
from graph.folding import fold
from graph.namespaces import IKG, IKGC, NUTS, PREFIXES, Graphs, iri_term, is_iri, prefix_block
from graph.store import KnowledgeGraph

__all__ = ["Statement", "Description", "Triple", "RECORD_KINDS", "describe", "exists", "doc_path",
           "iri_of_doc", "to_rdf", "schema_org", "MONEY", "INCOMING_PAGE", "INCOMING_COUNT_CAP",
           "MAX_OFFSET", "OUTGOING_CAP", "SEARCHED", "compact", "search"]

P = prefix_block(["ikg", "rdfs", "skos", "dcterms", "prov", "rdf"])
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
SCHEMA = "https://schema.org/"
#: Properties whose values are amounts in EUR (their definitions in ontology/ikg.ttl say so).
MONEY = frozenset({IKG + "erdfBudget", IKG + "totalBudget", IKG + "financialImpact"})
INCOMING_PAGE = 100  # incoming links per page
INCOMING_COUNT_CAP = 10_000  # incoming links counted at most ("more than 10,000")
MAX_OFFSET = 1_000_000_000  # the furthest page of incoming links one may ask for
#: The kinds of record (the ``{kind}`` of ``{base}/id/{kind}/{key}``) and their classes.
RECORD_KINDS = {
    "project": "Project", "practice": "GoodPractice", "change": "PolicyChange",
    "organisation": "Organisation", "participation": "Participation",
    "action-plan": "ActionPlan", "action": "Action", "instrument": "PolicyInstrument",
    "event": "LearningEvent", "report": "ProgressReport", "call": "Call",
    "programme": "Programme", "inspiration": "Inspiration", "activity": "GenerationRun",
    "geometry": "LabelPoint",
}  # fmt: skip
OUTGOING_CAP = 5000  # outgoing statements at most (no record has nearly as many)
LABELS = ("rdfs:label", "skos:prefLabel", "dcterms:title")


def doc_path(iri: str, base: str) -> str | None:
    """The server path documenting ``iri``, or None for an IRI this server does not document.

    >>> doc_path("https://ikg.example.org/id/project/ALPHA", "https://ikg.example.org")
    '/doc/project/ALPHA'
    >>> doc_path("http://data.europa.eu/nuts/code/FR10", "https://ikg.example.org")
    '/doc/nuts/FR10'
    >>> doc_path(IKG + "Project", "https://ikg.example.org")
    '/ontology#Project'
    """
    ids = base.rstrip("/") + "/id/"
    if iri.startswith(ids) and iri.count("/") - ids.count("/") == 1:
        return "/doc/" + iri[len(ids):]
    if iri.startswith(IKGC):
        return "/doc/concept/" + iri[len(IKGC):]
    if iri.startswith(NUTS) and "/" not in iri[len(NUTS):]:
        return "/doc/nuts/" + iri[len(NUTS):]
    if iri.startswith(IKG):
        return "/ontology#" + iri[len(IKG):]
    if iri == IKG.rstrip("#"):
        return "/ontology"
    return None


def iri_of_doc(path: str, base: str) -> str:
    """The IRI a ``/doc/`` path (without ``/doc/`` and without extension) documents.

    Raises
    ------
    NotFound
        When the path is not of the form ``{kind}/{key}``, ``concept/{scheme}[/{key}]`` or
        ``nuts/{code}``.
    """
    parts = path.split("/")
    if len(parts) == 2 and parts[0] == "nuts" and parts[1]:
        return NUTS + parts[1]
    if len(parts) in (2, 3) and parts[0] == "concept" and all(parts[1:]):
        return IKGC + "/".join(parts[1:])  # a concept scheme, or a concept in one
    if len(parts) == 2 and all(parts):
        return f"{base.rstrip('/')}/id/{path}"
    raise NotFound(f"/doc/{path} is not a document of this server; documents are "
                   "/doc/{kind}/{key}, /doc/concept/{scheme}/{key} and /doc/nuts/{code}",
                   {"path": path})


def compact(iri: str) -> str:
    """``prefix:local`` for an IRI in a known namespace, else the IRI."""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and iri != ns and "/" not in iri[len(ns):]:
            return f"{prefix}:{iri[len(ns):]}"
    return iri


@dataclass(frozen=True)
class Statement:
    """One statement about the described thing: the other end and the graph it is in.

    For an outgoing statement ``node`` is the object; for an incoming one, the subject.
    """

    predicate: str
    node: Node
    graph: str


@dataclass
class Description:
    """What the document of one IRI says about it."""

    iri: str
    label: str | None
    types: list[str]
    outgoing: list[Statement]
    incoming: list[Statement]
    incoming_total: int  # at most INCOMING_COUNT_CAP + 1: see incoming_total_exact
    incoming_offset: int
    incoming_more: bool = False  # links after this page
    #: incoming links from the generated graph (at most INCOMING_COUNT_CAP + 1, as the total)
    incoming_generated: int = 0
    labels: dict[str, Literal] = field(default_factory=dict)  # as stored, with their language
    generated_by: str | None = None  # the generation run, for generated records
    sources: list[str] = field(default_factory=list)  # dcterms:source of real records
    graphs: dict[str, str] = field(default_factory=dict)  # role (real, inferred...) -> graph IRI

    @property
    def incoming_total_exact(self) -> bool:
        """Whether :attr:`incoming_total` is the count (else there are more than
        :data:`INCOMING_COUNT_CAP` incoming links, and counting them all is not worth it)."""
        return self.incoming_total <= INCOMING_COUNT_CAP

    @property
    def incoming_next(self) -> int | None:
        """The offset of the next page of incoming links, or None on the last page."""
        return self.incoming_offset + len(self.incoming) if self.incoming_more else None

    @property
    def all_stated_by_source(self) -> bool:
        """A real record (with a source) whose own statements are all real: the only kind the
        page calls a real record without saying what was generated around it."""
        return bool(self.sources) and not self.generated_by and not self.completed_by_generator

    @property
    def completed_by_generator(self) -> bool:
        """A real record (with a source) some of whose statements were generated around the
        facts its source states."""
        generated = self.graphs.get("generated")
        return bool(self.sources) and any(st.graph == generated for st in self.outgoing)

    def label_of(self, iri: str) -> str:
        """The label of a linked IRI, else its compact form."""
        label = self.labels.get(iri)
        return str(label) if label is not None else compact(iri)


def _labels(kg: KnowledgeGraph, iris: set[str]) -> dict[str, Literal]:
    """The label of each of ``iris`` as stored (with its language): rdfs:label, else
    skos:prefLabel, else dcterms:title (one query per kind, for the IRIs still without one)."""
    out: dict[str, Literal] = {}
    todo = sorted(i for i in iris if is_iri(i))  # read from the store: all are
    for prop in LABELS:
        found: dict[str, Literal] = {}
        for start in range(0, len(todo), 400):
            values = " ".join(f"<{i}>" for i in todo[start:start + 400])
            for x, label in kg.query(P + f"SELECT ?x ?l WHERE {{ VALUES ?x {{ {values} }} "
                                         f"?x {prop} ?l }}").rows:
                if str(x) not in found or str(label) < str(found[str(x)]):  # the same one every time
                    found[str(x)] = cast(Literal, label)
        out.update(found)
        todo = [i for i in todo if i not in out]
        if not todo:
            break
    return out


def exists(kg: KnowledgeGraph, iri: str) -> bool:
    """Whether the store holds a statement about ``iri``.

    Raises
    ------
    BadParameter
        When ``iri`` is not an absolute IRI.
    """
    return bool(kg.query("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1", {"s": iri_term(iri, "iri")}).rows)


def describe(kg: KnowledgeGraph, iri: str, base: str, incoming_offset: int = 0,
             incoming_limit: int = INCOMING_PAGE) -> Description:
    """The description of ``iri`` in the store.

    Parameters
    ----------
    kg : KnowledgeGraph
    iri : str
        The thing described.
    base : str
        The base IRI the store's records were minted under (names its graphs).
    incoming_offset, incoming_limit : int
        Which page of incoming links to include.

    Raises
    ------
    BadParameter
        When ``iri`` is not an absolute IRI or the page is out of range.
    NotFound
        When the store holds no statement about ``iri``.
    """
    node = iri_term(iri, "iri")
    if not 0 <= incoming_offset <= MAX_OFFSET or not 0 < incoming_limit <= 1000:
        raise BadParameter(f"the incoming page must have an offset from 0 to {MAX_OFFSET:,} and "
                           "1-1000 links", {"param": "incoming"})
    graphs = Graphs(base)
    rows = kg.query(P + f"""SELECT ?s ?p ?o ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}
        LIMIT {OUTGOING_CAP}""", {"s": node}).rows
    if not rows:
        raise NotFound(f"no statement about {iri} in the graph", {"iri": iri})
    outgoing = sorted({Statement(str(p), cast(Node, o), str(g)) for _, p, o, g in rows},
                      key=lambda s: (s.predicate, str(s.node), s.graph))
    inferred = URIRef(graphs.inferred)
    # distinct (subject, predicate) pairs of the asserted graphs, counted up to a cap: the
    # generation run has 430k at scale 10, whose full count took 0.7 s
    total = kg.query(P + f"""SELECT ?o ?inferred (COUNT(*) AS ?n) WHERE {{
        {{ SELECT DISTINCT ?o ?inferred ?s ?p WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER (?g != ?inferred) }}
           LIMIT {INCOMING_COUNT_CAP + 1} }} }} GROUP BY ?o ?inferred""",
        {"o": node, "inferred": inferred}).rows
    incoming_total = int(cast(Literal, total[0][2])) if total else 0
    generated = URIRef(graphs.generated)
    from_generated = kg.query(P + f"""SELECT ?o ?generated (COUNT(*) AS ?n) WHERE {{
        {{ SELECT DISTINCT ?o ?generated ?s ?p WHERE {{ GRAPH ?generated {{ ?s ?p ?o }} }}
           LIMIT {INCOMING_COUNT_CAP + 1} }} }} GROUP BY ?o ?generated""",
        {"o": node, "generated": generated}).rows
    page = kg.query(P + f"""SELECT DISTINCT ?o ?inferred ?s ?p WHERE {{
        GRAPH ?g {{ ?s ?p ?o }} FILTER (?g != ?inferred) }}
        LIMIT {incoming_limit + 1} OFFSET {incoming_offset}""",
        {"o": node, "inferred": inferred}).rows
    # which links of the page the generated graph holds (an incoming link of a real record
    # is often a generated record's)
    pairs = " ".join(f"(<{s}> <{p}>)" for _, _, s, p in page[:incoming_limit] if isinstance(s, URIRef))
    gen_links = {(str(r[0]), str(r[1])) for r in kg.query(P + f"""SELECT ?s ?p ?o ?generated WHERE {{
        VALUES (?s ?p) {{ {pairs} }} GRAPH ?generated {{ ?s ?p ?o }} }}""",
        {"o": node, "generated": generated}).rows} if pairs else set()
    # pages follow the store's index order, stable for a store version (ORDER BY would sort
    # every incoming link: 4.7 s for the generation run's 43k at scale 1)
    incoming = sorted((Statement(str(p), cast(Node, s), graphs.generated if (str(s), str(p)) in gen_links else "")
                       for _, _, s, p in page[:incoming_limit]),
                      key=lambda st: (st.predicate, str(st.node)))
    types = sorted(str(s.node) for s in outgoing if s.predicate == str(RDF.type))
    linked = {str(s.node) for s in outgoing + incoming if isinstance(s.node, URIRef)}
    linked |= {s.predicate for s in outgoing + incoming} | {iri}
    labels = _labels(kg, linked)
    run = next((str(s.node) for s in outgoing
                if s.predicate == PREFIXES["prov"] + "wasGeneratedBy"), None)
    # a real record's source: a citation (dcterms:source), or the imported source it was
    # derived from (prov:wasDerivedFrom an ikg:Source, whose page names the file)
    sources = sorted(str(s.node) for s in outgoing
                     if s.predicate in (PREFIXES["dcterms"] + "source", PREFIXES["prov"] + "wasDerivedFrom"))
    return Description(
        iri=iri, label=str(labels[iri]) if iri in labels else None, types=types,
        outgoing=outgoing, incoming=incoming,
        incoming_total=incoming_total, incoming_offset=incoming_offset,
        incoming_more=len(page) > incoming_limit, labels=labels,
        incoming_generated=int(cast(Literal, from_generated[0][2])) if from_generated else 0,
        generated_by=run, sources=sources,
        graphs={"real": graphs.real, "generated": graphs.generated, "inferred": graphs.inferred,
                "nuts": graphs.nuts, "ontology": graphs.ontology})


Triple = tuple[Node, Node, Node]


def to_rdf(d: Description, doc_url: str, next_url: str | None = None) -> list[Triple]:
    """The description as RDF triples, sorted (each subject's together): the statements, the
    labels of linked things, and what the document is (``foaf:primaryTopic``, the next page of
    incoming links)."""
    s = URIRef(d.iri)
    out: set[Triple] = {(s, URIRef(st.predicate), st.node) for st in d.outgoing}
    out |= {(st.node, URIRef(st.predicate), s) for st in d.incoming}
    for other in {st.node for st in d.outgoing + d.incoming if isinstance(st.node, URIRef)}:
        if str(other) in d.labels and other != s:  # rdfs:label, which skos:prefLabel entails
            out.add((other, RDFS.label, d.labels[str(other)]))
    doc = URIRef(doc_url)
    out |= {(doc, RDF.type, FOAF.Document), (doc, FOAF.primaryTopic, s)}
    if d.generated_by:
        out.add((doc, RDFS.comment, Literal(
            "A generated (synthetic) record, not a real one: see its prov:wasGeneratedBy.", lang="en")))
    elif d.completed_by_generator:
        out.add((doc, RDFS.comment, Literal(
            f"A real record completed with generated statements: only those in the named graph "
            f"{d.graphs['real']} are stated by its dcterms:source (see them apart with GRAPH in "
            "SPARQL, or in the N-Quads dump).", lang="en")))
    if next_url:
        out.add((doc, RDFS.seeAlso, URIRef(next_url)))
    return sorted(out)


#: What the search box looks through, most wanted first: the things people look for by name.
SEARCHED = ("Project", "Region", "Organisation", "GoodPractice", "PolicyChange",
            "PolicyInstrument", "ActionPlan", "Programme", "Call")


_names: dict[tuple[int, int], list[tuple[str, str, str, str, bool]]] = {}


def _searchable(kg: KnowledgeGraph) -> list[tuple[str, str, str, str, bool]]:
    """(IRI, label, class, folded name, generated) of every searched thing by each of its names, read once per store and
    process (0.9 s at scale 1, 8.8 s at scale 10; a scan of them then takes 1-10 ms, where a
    SPARQL CONTAINS over the labels took 0.2-0.4 s and 2.4-4.7 s). The key changes when this
    process changes the store (query workers are replaced after an update anyway)."""
    key = (id(kg), kg.changes)
    if key not in _names:
        out = []
        for c in SEARCHED:
            rows = kg.query(P + f"""SELECT ?s ?l ?g WHERE {{ ?s a ikg:{c} ; rdfs:label|skos:prefLabel ?l
                BIND (EXISTS {{ ?s prov:wasGeneratedBy ?run }} AS ?g) }}""").rows
            out += [(str(s), str(label), IKG + c, fold(str(label)), str(g) == "true") for s, label, g in rows]
            # and by another name (a region's Latin name, skos:altLabel), a code (NUTS, CCI, a
            # project's index) or an acronym: the label is still the one shown
            rows = kg.query(P + f"""SELECT ?s ?l ?name ?g WHERE {{ ?s a ikg:{c} ; rdfs:label ?l ;
                skos:altLabel|skos:notation|ikg:cciCode|ikg:projectIndex|ikg:acronym ?name
                BIND (EXISTS {{ ?s prov:wasGeneratedBy ?run }} AS ?g) }}""").rows
            out += [(str(s), str(label), IKG + c, fold(str(name)), str(g) == "true") for s, label, name, g in rows]
        _names.clear()  # one store per process
        _names[key] = out
    return _names[key]


def search(kg: KnowledgeGraph, text: str, limit: int = 50, real_only: bool = False) -> list[dict[str, Any]]:
    """Things whose label, other name (a region's Latin name), code (NUTS, CCI, project
    index) or acronym contains ``text``, compared as :func:`graph.folding.fold` writes them
    (case, accents and Greek or Cyrillic letters aside: ``attiki`` finds Αττική): projects,
    regions, organisations, practices, changes, instruments, action plans, programmes and
    calls; exact and prefix matches first, then by kind in :data:`SEARCHED` order, then
    shorter labels.
    Each says whether it is ``generated``; with ``real_only``, generated things are left out.

    Raises
    ------
    BadParameter
        When ``text`` has fewer than 2 or more than 100 characters, or ``limit`` is not 1-200.
    """
    needle = fold(text)
    if not 2 <= len(" ".join(text.split())) <= 100:
        raise BadParameter("search for 2 to 100 characters", {"param": "q"})
    if not 1 <= limit <= 200:
        raise BadParameter("limit must be 1-200", {"param": "limit"})
    if not needle:  # only punctuation or symbols: no name has any of them once folded
        return []
    rank = {IKG + c: i for i, c in enumerate(SEARCHED)}
    best: dict[str, tuple] = {}
    for iri, label, cls, low, generated in _searchable(kg):
        if needle not in low or (real_only and generated):
            continue
        key = (0 if low == needle else 1 if low.startswith(needle) else 2, rank[cls], len(low), low)
        if iri not in best or key < best[iri][0]:
            best[iri] = (key, label, cls, generated)
    ordered = sorted(best.items(), key=lambda kv: kv[1][0])[:limit]
    return [{"iri": iri, "label": label, "class": cls, "generated": generated}
            for iri, (_, label, cls, generated) in ordered]


def _plain(node: Node) -> Any:
    if isinstance(node, Literal):
        value = node.toPython()
        if isinstance(value, (date, Decimal)):
            return str(value)
        return value if isinstance(value, (int, float, str, bool)) else str(node)
    return str(node)


def schema_org(d: Description, doc_url: str) -> dict[str, Any]:
    """A schema.org JSON-LD object of the thing, for search engines (embedded in its page).

    Its ``@type`` is the schema.org class the ontology aligns the thing's class to (see the
    inferred graph), else ``Thing``.
    """
    types = [t[len(SCHEMA):] for t in d.types if t.startswith(SCHEMA)]
    out: dict[str, Any] = {"@context": SCHEMA, "@type": types[0] if types else "Thing",
                           "@id": d.iri, "url": doc_url}
    if d.label:
        out["name"] = d.label
    by_pred: dict[str, list[Node]] = {}
    for st in d.outgoing:
        by_pred.setdefault(st.predicate, []).append(st.node)
    simple = {IKG + "startDate": "startDate", IKG + "endDate": "endDate",
              IKG + "date": "dateCreated", PREFIXES["dcterms"] + "description": "description",
              IKG + "acronym": "alternateName"}
    for pred, key in simple.items():
        if pred in by_pred:
            out[key] = _plain(by_pred[pred][0])
    for pred in (IKG + "region", IKG + "coversRegion"):
        for region in by_pred.get(pred, [])[:1]:
            out["location"] = {"@type": "Place", "@id": str(region),
                               "name": d.label_of(str(region))}
    money = [(p, v) for p, vs in by_pred.items() if p in MONEY for v in vs]
    if money:
        out["additionalProperty"] = [
            {"@type": "PropertyValue", "name": d.label_of(p), "value": _plain(v),
             "unitCode": "EUR"} for p, v in money]
    if d.sources:
        out["isBasedOn"] = d.sources
    if d.generated_by:
        out["disambiguatingDescription"] = ("A generated (synthetic) record, not a real one: "
                                            "see " + d.generated_by)
    elif d.completed_by_generator:
        out["disambiguatingDescription"] = ("A real record (see isBasedOn) completed with "
                                            "generated statements: only the statements in the "
                                            "graph " + d.graphs["real"] + " are from its source")
    return out
