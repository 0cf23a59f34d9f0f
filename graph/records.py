"""The one writer of records: a function per record type, for the generator and the importers alike. No HTTP.

The generator and every importer describe a record as a frozen dataclass of its fields and
hand it to :class:`RecordWriter` with a :class:`Provenance`, which says where its statements
go and how the record is marked:

- generated: every statement in the ``generated`` graph, and ``prov:wasGeneratedBy`` the run;
- real and completed by the generator (the records DESIGN.md names): the fields the source
  states, the type, the label and ``dcterms:source`` in the ``real`` graph, the rest in the
  ``generated`` graph;
- imported: every statement in the source's own graph, and ``prov:wasDerivedFrom`` the source.

So both kinds of record are written by the same code, term for term, and pass the same shapes
(``ontology/shapes.ttl``). A field that is None is not written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from graph.mapping import Qualify, Table, iri_of
from graph.namespaces import IKG, IKGC, NUTS, Graphs
from graph.quads import XSD, QuadWriter, iri, lit, typed

__all__ = [
    "Provenance",
    "ProjectRecord",
    "OrganisationRecord",
    "ParticipationRecord",
    "SourceRecord",
    "RecordWriter",
    "slug",
]

PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
RDFS_LABEL = iri("http://www.w3.org/2000/01/rdf-schema#label")
RDF_TYPE = iri("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def slug(text: str) -> str:
    """``text`` as a key of an IRI: runs of anything but ASCII letters and digits made one
    ``-``, in lower case (organisation keys are ``{country}-{slug of the name}``).

    >>> slug("Pas-de-Calais County Council")
    'pas-de-calais-county-council'
    """
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()


@dataclass(frozen=True)
class Provenance:
    """Where a record's statements go (``graph``), the statement that marks it (``mark``: a
    predicate and an object, as N-Quads terms) and, for a real record the generator completes,
    the graph of what its source states (``stated_graph``) and which fields those are."""

    graph: str
    mark: tuple[str, str]
    stated_graph: str | None = None
    stated: frozenset[str] = frozenset()
    #: the provenance of the nodes a record's writer adds around it (qualified inspirations),
    #: when not its own: a real record's generated neighbours are marked generated
    around: Provenance | None = None

    @classmethod
    def generated(cls, graphs: Graphs, run_iri: str) -> Provenance:
        """A synthetic record of the generation run ``run_iri``."""
        return cls(graphs.generated, (iri(PROV + "wasGeneratedBy"), iri(run_iri)))

    @classmethod
    def completed(cls, graphs: Graphs, source: str, stated: frozenset[str], run_iri: str | None = None) -> Provenance:
        """A real record (``dcterms:source`` the text ``source``) of which only the fields
        ``stated`` come from its source; the generator (the run ``run_iri``) adds the others,
        and the nodes around it."""
        around = cls.generated(graphs, run_iri) if run_iri else None
        return cls(graphs.generated, (iri(DCT + "source"), lit(source)), graphs.real, stated, around)

    @classmethod
    def derived(cls, graph: str, source_iri: str) -> Provenance:
        """A record imported from the source ``source_iri``, held in ``graph``."""
        return cls(graph, (iri(PROV + "wasDerivedFrom"), iri(source_iri)))


@dataclass(frozen=True)
class ProjectRecord:
    """A project; ``programme`` and ``call`` are keys of records, ``topic`` a concept key."""

    key: str
    acronym: str
    title: str | None = None
    description: str | None = None
    programme: str | None = None
    call: str | None = None
    topic: str | None = None
    start: date | None = None
    end: date | None = None
    erdf: Decimal | None = None
    total: Decimal | None = None
    index: str | None = None
    category: str | None = None
    approved: bool | None = None
    modified: date | None = None


@dataclass(frozen=True)
class OrganisationRecord:
    """An organisation placed in NUTS: ``located_in`` (NUTS 3, or coarser where nothing finer
    is known), ``region`` (NUTS 2) and ``country`` are NUTS codes; the rest concept keys."""

    key: str
    name: str
    located_in: str
    country: str
    region: str | None = None
    otype: str | None = None
    legal: str | None = None
    responsibility: str | None = None


@dataclass(frozen=True)
class ParticipationRecord:
    """An organisation in a project (keys of both), numbered in its partnership."""

    key: str
    project: str
    organisation: str
    label: str
    number: int
    role: str | None = None
    erdf: Decimal | None = None
    eligible: Decimal | None = None
    rate: Decimal | None = None
    post_code: str | None = None


@dataclass(frozen=True)
class SourceRecord:
    """An imported source: the file(s) it was read from, what was read and made, when."""

    name: str
    kind: str
    label: str
    files: tuple[str, ...]
    sha256: str
    rows_read: int
    rows_rejected: int
    records_created: int
    imported_at: datetime
    software_version: str
    description: str | None = None
    counts: dict[str, int] = field(default_factory=dict)


class RecordWriter:
    """Writes records through a :class:`~graph.quads.QuadWriter` (which adds the aligned
    statements of the ``inferred`` graph), one method per record type."""

    def __init__(self, w: QuadWriter, graphs: Graphs) -> None:
        self.w = w
        self.graphs = graphs
        # the same few thousand terms are written millions of times at scale 10: cache them
        self.ikg: Callable[[str], str] = lru_cache(maxsize=None)(lambda t: iri(IKG + t))
        self.concept: Callable[[str, str], str] = lru_cache(maxsize=None)(
            lambda scheme, key: iri(f"{IKGC}{scheme}/{key}"))
        self.nuts: Callable[[str], str] = lru_cache(maxsize=None)(lambda code: iri(NUTS + code))
        self.id: Callable[[str, str], str] = lambda kind, key: iri(graphs.data_iri(kind, key))
        self._title, self._description = iri(DCT + "title"), iri(DCT + "description")
        self._labels: dict[str, str] = {}  # labels of the records qualified nodes name
        self._mapped_iri: Callable[[str, str], str] = lru_cache(maxsize=1 << 16)(
            lambda template, value: iri(iri_of(template, value, graphs.data_iri)))

    def _open(self, s: str, cls: str, label: str, prov: Provenance) -> None:
        """Type (an ``ikg:`` class), label and the provenance mark: in the stated graph for a
        real record."""
        self._open_class(s, IKG + cls, label, prov)

    def _fact(self, prov: Provenance, name: str, s: str, p: str, o: str | None) -> None:
        if o is None:
            return
        if name in prov.stated and prov.stated_graph:
            self.w.use(prov.stated_graph)
            self.w.add(s, p, o)
            self.w.use(prov.graph)
        else:
            self.w.add(s, p, o)

    @staticmethod
    def _typed(value: object) -> str | None:
        return None if value is None else typed(value)

    @staticmethod
    def _lit(value: str | None) -> str | None:
        return None if value is None else lit(value)

    def project(self, p: ProjectRecord, prov: Provenance) -> None:
        s, k, f = self.id("project", p.key), self.ikg, self._fact
        self._open(s, "Project", p.acronym, prov)
        f(prov, "acronym", s, k("acronym"), lit(p.acronym))
        f(prov, "programme", s, k("programme"), p.programme and self.id("programme", p.programme))
        f(prov, "index", s, k("projectIndex"), self._lit(p.index))
        f(prov, "title", s, self._title, self._lit(p.title))
        f(prov, "description", s, self._description, self._lit(p.description))
        f(prov, "call", s, k("call"), p.call and self.id("call", p.call))
        f(prov, "topic", s, k("topic"), p.topic and self.concept("topic", p.topic))
        f(prov, "start", s, k("startDate"), self._typed(p.start))
        f(prov, "end", s, k("endDate"), self._typed(p.end))
        f(prov, "erdf", s, k("erdfBudget"), self._typed(p.erdf))
        f(prov, "total", s, k("totalBudget"), self._typed(p.total))
        f(prov, "category", s, k("interventionCategory"), self._lit(p.category))
        f(prov, "approved", s, k("approved"), self._typed(p.approved))
        f(prov, "modified", s, iri(DCT + "modified"), self._typed(p.modified))

    def organisation(self, o: OrganisationRecord, prov: Provenance) -> None:
        s, k, f = self.id("organisation", o.key), self.ikg, self._fact
        self._open(s, "Organisation", o.name, prov)
        f(prov, "locatedIn", s, k("locatedIn"), self.nuts(o.located_in))
        f(prov, "country", s, k("country"), self.nuts(o.country))
        f(prov, "region", s, k("region"), o.region and self.nuts(o.region))
        f(prov, "otype", s, k("organisationType"), o.otype and self.concept("organisation-type", o.otype))
        f(prov, "legal", s, k("legalStatus"), o.legal and self.concept("legal-status", o.legal))
        f(prov, "responsibility", s, k("policyResponsibility"),
          o.responsibility and self.concept("policy-responsibility", o.responsibility))

    def participation(self, pt: ParticipationRecord, prov: Provenance) -> None:
        """The participation, and its project's ``ikg:hasParticipation`` of it."""
        s, k, f = self.id("participation", pt.key), self.ikg, self._fact
        project = self.id("project", pt.project)
        f(prov, "project", project, k("hasParticipation"), s)
        self._open(s, "Participation", pt.label, prov)
        f(prov, "project", s, k("inProject"), project)
        f(prov, "organisation", s, k("participant"), self.id("organisation", pt.organisation))
        f(prov, "role", s, k("partnerRole"), pt.role and self.concept("partner-role", pt.role))
        f(prov, "number", s, k("partnerNumber"), typed(pt.number))
        f(prov, "erdf", s, k("erdfBudget"), self._typed(pt.erdf))
        f(prov, "eligible", s, k("eligibleExpenditure"), self._typed(pt.eligible))
        f(prov, "rate", s, k("cofinancingRate"), self._typed(pt.rate))
        f(prov, "post_code", s, k("postCode"), self._lit(pt.post_code))

    def source(self, src: SourceRecord, graph: str) -> str:
        """The description of an imported source, in its own graph; returns its IRI."""
        s_iri = self.graphs.data_iri("source", src.name)
        s, k = iri(s_iri), self.ikg
        self.w.use(graph)
        w = self.w
        w.type(s, k("Source"))
        w.add(s, RDFS_LABEL, lit(src.label))
        w.add(s, k("sourceKind"), lit(src.kind))
        w.add(s, k("namedGraph"), iri(graph))
        for name in src.files:
            w.add(s, k("fileName"), lit(name))
        w.add(s, k("sha256"), lit(src.sha256))
        w.add(s, k("rowsRead"), typed(src.rows_read))
        w.add(s, k("rowsRejected"), typed(src.rows_rejected))
        w.add(s, k("recordsCreated"), typed(src.records_created))
        stamp = src.imported_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        w.add(s, k("importedAt"), f'"{stamp}"^^<{XSD}dateTime>')
        w.add(s, k("softwareVersion"), lit(src.software_version))
        if src.description:
            w.add(s, self._description, lit(src.description))
        return s_iri

    def mapped(self, table: Table, values: Mapping[str, object], prov: Provenance, label: str | None = None,
               remember: bool = False) -> str:
        """A record of one of the mapped tables (``ontology/records.toml``): a statement per
        value of a column with a property, as the mapping says; returns its IRI.

        ``values`` maps column names to a value (str, date, Decimal or int; a sequence for a
        column with several values; None or absent for none); keys and references are keys
        of records. ``label`` overrides the table's label template. With ``remember``, the
        label is kept for the qualified nodes of later records that name this one.
        """
        key = str(values["key"])
        s_iri = self.graphs.data_iri(table.kind, key)
        s, f = iri(s_iri), self._fact
        if label is None:
            label = re.sub(r"{(\w+)}", lambda m: str(values.get(m[1]) or ""), table.label)
        if remember:
            self._labels[s] = label
        self._open_class(s, table.cls, label, prov)
        for c in table.columns:
            value = values.get(c.name)
            if c.predicate is None or value is None or value == "":
                continue
            many = value if c.multiple and isinstance(value, (list, tuple)) else (value,)
            for v in many:
                o = self._mapped_iri(c.iri, str(v)) if c.iri else (lit(v) if c.datatype == "xsd:string" else typed(v))
                f(prov, c.name, s, iri(c.predicate), o)
                if c.qualify is not None:
                    self._qualified(c.qualify, s, f"{key}-{v}", o, label, values, prov)
            if c.also_class:
                f(prov, c.name, s, RDF_TYPE, iri(c.also_class))
        return s_iri

    def _qualified(self, q: Qualify, s: str, key: str, entity: str, label: str, values: Mapping[str, object],
                   prov: Provenance) -> None:
        """A qualified node of the record ``s`` about ``entity`` (a mapping's ``qualify``)."""
        node = iri(self.graphs.data_iri(q.kind, key))
        self.w.add(s, iri(q.link), node)
        around = prov.around or prov
        self._open_class(node, q.cls, f"{self._labels.get(entity, entity.strip('<>'))} inspired {label}", around)
        self.w.add(node, iri(q.entity), entity)
        for column, p in q.copy:
            v = values.get(column)
            if v is not None and v != "":
                self.w.add(node, iri(p), lit(v) if isinstance(v, str) else typed(v))
        self.w.use(prov.graph)

    def _open_class(self, s: str, cls: str, label: str, prov: Provenance) -> None:
        """:meth:`_open` with a full class IRI."""
        self.w.use(prov.stated_graph or prov.graph)
        self.w.type(s, iri(cls))
        self.w.add(s, RDFS_LABEL, lit(label))
        self.w.add(s, *prov.mark)
        self.w.use(prov.graph)
