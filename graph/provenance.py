"""What of the graph is real and what is generated, kind by kind, and how the generated part is made. No HTTP.

:func:`data_quality` counts, for each kind of record in the store, the generated records
(``prov:wasGeneratedBy``), the real records named in the programme's published material
(``dcterms:source``) and those imported from a source (``prov:wasDerivedFrom``), and lists the
real records with their sources. :data:`HOW_GENERATED` says, per kind, which figures the
generated records are calibrated to and what is modelled, and how: the one place the
``/about/data`` page and the README read it from.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from graph.namespaces import IKG, Graphs, prefix_block
from graph.store import KnowledgeGraph

__all__ = ["KINDS", "HOW_GENERATED", "data_quality", "generated_records", "generated_statements", "real_graphs"]

P = prefix_block(["ikg", "rdfs", "prov", "dcterms"])

#: The kinds of record, in the order of the chain an evaluator follows.
KINDS = ("Programme", "Call", "Project", "Organisation", "Participation", "LearningEvent", "ProgressReport",
         "GoodPractice", "ActionPlan", "Action", "PolicyInstrument", "PolicyChange", "Inspiration")

#: Per kind: what the generated records are calibrated to (published figures, DESIGN.md), and
#: what is modelled, and how.
HOW_GENERATED: dict[str, tuple[str, str]] = {
    "Programme": ("real: Interreg Europe 2014-2020 (359 MEUR ERDF) and INTERREG IVC", ""),
    "Call": ("the programme's four calls, with their opening dates", ""),
    "Project": ("258 projects, 64/66/55/73 per call; their ERDF adds up to keep.eu's EUR 334.94 million "
                "(within 0.3%)",
                "budgets heavy-tailed; two phases (learning, then monitoring) of 2-3.5 years and 1-2 years; "
                "nine real acronyms keep only their acronym and programme as real"),
    "Organisation": ("about 2,030 organisations; about 25% managing authorities or intermediate bodies",
                     "placed in real NUTS 3 regions; activity grows with a region's size, capital regions above "
                     "the median, no region in more than 12% of projects; named in the country's language as "
                     "such bodies are (a real kind of body and a place of its area), unique within a country"),
    "Participation": ("5-10 partners from 3+ countries, more and less developed regions in every project",
                      "ERDF is 85% (public) or 75% (private non-profit) of a partner's eligible expenditure; "
                      "Norwegian and Swiss partners are funded nationally, with no ERDF"),
    "LearningEvent": ("13,500 / 14,880 / 16,120 events at the three snapshots",
                      "on working days, most in a project's first phase"),
    "ProgressReport": ("16,800 / 21,650 / 22,400 people with increased capacity", "every six months"),
    "GoodPractice": ("4,900 / 5,460 / 5,800 identified, 3,130 / 3,210 validated",
                     "identified by the partners in turn, titles unique within a project; ten real titles"),
    "ActionPlan": ("1,158 / 1,626 / 1,701 plans", "one per partner that writes one, near the end of phase 1"),
    "Action": ("", "1-5 per plan, inspired by practices of other regions of the same project; one real action"),
    "PolicyInstrument": ("880 / 1,016 / 1,290 influenced (an instrument once per project that improved it, as "
                         "the programme adds up its projects' reports), of which 483 / 525 / 633 Structural Funds "
                         "programmes",
                         "the Structural Funds programmes are the Commission's 312 real ones (CCI code and title, "
                         "never an invented code); a plan addresses one of its partner's region, else of its "
                         "country; the other instruments (regional strategies, national programmes, local plans) "
                         "are generated, one record shared by the projects that address it"),
    "PolicyChange": ("EUR 1,295 / 1,341 / 1,474 million (of which 1,076 / 1,104 / 1,186 from Structural Funds), "
                     "each within the published rounding",
                     "after the plan, within the project's life; heavy-tailed EUR, every 'new projects' change "
                     "with EUR; one real change, whose EUR and date are generated"),
    "Inspiration": ("", "one per practice behind a change, with the change's date and the action as evidence"),
}


_counted: dict[tuple[int, int], dict[str, Any]] = {}


def data_quality(kg: KnowledgeGraph) -> dict[str, Any]:
    """Per kind of record: how many, how many generated, real (named in the published
    material) and imported; the real records with their sources; the imported sources.

    Counted once per store and process (1.3 s at scale 1: a count over every typed thing),
    again when this process changes the store, as :func:`graph.linked.search` reads its labels.

    Raises
    ------
    StoreError
        When the store fails.
    """
    key = (id(kg), kg.changes)
    if key not in _counted:
        _counted.clear()  # one store per process
        _counted[key] = _count(kg)
    return _counted[key]


def _count(kg: KnowledgeGraph) -> dict[str, Any]:
    rows = kg.query(P + """SELECT ?cls (COUNT(DISTINCT ?s) AS ?n)
        (COUNT(DISTINCT ?gen) AS ?generated) (COUNT(DISTINCT ?real) AS ?real) (COUNT(DISTINCT ?imp) AS ?imported)
        WHERE { ?s a ?cls .
          OPTIONAL { ?s prov:wasGeneratedBy ?run BIND (?s AS ?gen) }
          OPTIONAL { ?s dcterms:source ?src BIND (?s AS ?real) }
          OPTIONAL { ?s prov:wasDerivedFrom ?from BIND (?s AS ?imp) }
          FILTER (STRSTARTS(STR(?cls), STR(ikg:))) } GROUP BY ?cls""").records()
    by_class = {r["cls"][len(IKG):]: r for r in rows}
    kinds = []
    for kind in KINDS:
        r = by_class.get(kind, {})
        calibrated, modelled = HOW_GENERATED[kind]
        kinds.append({"kind": kind, "records": r.get("n", 0), "generated": r.get("generated", 0),
                      "real": r.get("real", 0), "imported": r.get("imported", 0),
                      "calibratedTo": calibrated, "modelled": modelled})
    real = kg.query(P + """SELECT ?s ?label ?cls ?source WHERE { ?s dcterms:source ?source ; rdfs:label ?label ;
        a ?cls FILTER (STRSTARTS(STR(?cls), STR(ikg:))
                       && ?cls NOT IN (ikg:LabelPoint, ikg:Region))
        FILTER NOT EXISTS { ?s a ikg:OperationalProgramme } }
        ORDER BY ?cls ?label""").records()
    sources = kg.query(P + """SELECT ?s ?label WHERE { ?s a ikg:Source ; rdfs:label ?label } ORDER BY ?s""").records()
    return {"kinds": kinds,
            "realRecords": [{"iri": r["s"], "label": r["label"], "kind": r["cls"][len(IKG):],
                             "source": r["source"]} for r in real],
            "sources": [{"iri": r["s"], "label": r["label"]} for r in sources]}


def _values(iris: Iterable[str]) -> str:
    return " ".join(f"<{i}>" for i in sorted(set(iris)))


def generated_records(kg: KnowledgeGraph, iris: Iterable[str]) -> set[str]:
    """Which of ``iris`` (read from the store) are generated records (``prov:wasGeneratedBy``).

    Raises
    ------
    StoreError
        When the store fails.
    """
    values = _values(iris)
    if not values:
        return set()
    return {r["s"] for r in kg.query(P + f"""SELECT DISTINCT ?s WHERE {{ VALUES ?s {{ {values} }}
        ?s prov:wasGeneratedBy ?run }}""").records()}


def generated_statements(kg: KnowledgeGraph, graphs: Graphs, iris: Iterable[str]) -> dict[str, set[str]]:
    """For each of ``iris`` (read from the store) that is a real record, the predicates of its
    statements that only the generated graph holds: what the generator added around the facts
    its source states (SEROI's origin region, the Fab Lab change's EUR and date). A record
    with none is absent.

    Raises
    ------
    StoreError
        When the store fails.
    """
    values = _values(iris)
    if not values:
        return {}
    out: dict[str, set[str]] = {}
    for r in kg.query(P + f"""SELECT DISTINCT ?s ?p WHERE {{ VALUES ?s {{ {values} }}
            GRAPH <{graphs.generated}> {{ ?s ?p ?o }}
            FILTER NOT EXISTS {{ ?s prov:wasGeneratedBy ?run }}
            FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }}
                                 FILTER (?other NOT IN (<{graphs.generated}>, <{graphs.inferred}>)) }} }}""").records():
        out.setdefault(r["s"], set()).add(r["p"])
    return out


def real_graphs(kg: KnowledgeGraph, base: str) -> tuple[str, ...]:
    """The named graphs of what is real: every graph of the store but the generated one,
    those of sources whose records are invented (a graph describing an ``ikg:GenerationRun``),
    the inferred alignments (which hold the generated records' too) and the facts derived
    with a generated premise (:mod:`graph.derived`). A query whose
    dataset is these sees only real records and what their sources state.

    Raises
    ------
    StoreError
        When the store fails.
    """
    graphs = Graphs(base)
    made = {r["g"] for r in kg.query(P + "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?r a ikg:GenerationRun } }").records()}
    every = {r["g"] for r in kg.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }").records()}
    return tuple(sorted(every - made - {graphs.generated, graphs.inferred, graphs.derived_generated}))
