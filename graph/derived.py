"""The derived graphs: region-level facts that the network views read, derived from the records. No HTTP.

At keep.eu scale a network view joined from the records reads each partner's organisation and
region, and each inspiring practice's region, one lookup at a time (about 10 us each in the
on-disk store): 26 s for the transfers view at scale 100. The derived graphs hold the facts
those joins produce, so that a view reads each kind of fact in one sequential scan (4 s):

- ``?project ikg:partnerRegion ?region``: a NUTS 2 region where an organisation taking part in
  the project is (the chain ikg:hasParticipation / ikg:participant / ikg:region);
- one ``ikg:Transfer`` per pair of a policy change with a financial impact and a good practice
  that inspired it: the practice's region (``ikg:fromRegion``), the change's
  (``ikg:toRegion``), the EUR attributed to the practice (``ikg:attributedEur``: the change's
  financial impact split evenly among the practices that inspired it), the change's date
  (``ikg:changeDate``) and the practice's project (``ikg:practiceProject``).

A fact derived from real records alone is written into the graph ``derived/real``; a fact
with a generated premise (a generated project, participation, organisation, practice or
change) into ``derived/generated``, so a generated fact never passes for a real one. Each
graph describes itself (``ikg:DerivedGraph``, with the version of the rules that wrote it).

:func:`refresh` rewrites both in one update: the build and every import call it, and so does
an update through ikg. A view uses the derived graphs when they hold facts of the current
rules (:func:`available`) and otherwise the same rules applied to the records as it reads
them (:func:`facts`), with the same answers, only slower: a store written by other tools
(a SPARQL server loaded from elsewhere) still answers.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from graph.namespaces import Graphs, prefix_block
from graph.store import KnowledgeGraph

__all__ = ["RULES_VERSION", "FACTS", "rule", "DerivedGraphs", "available", "facts", "refresh", "refresh_timed",
           "after_update"]

log = logging.getLogger(__name__)
P = prefix_block(["ikg", "prov", "rdf", "xsd", "dcterms"])
#: The version of the rules below: derived graphs written by other rules are not read.
RULES_VERSION = 1


def _marked(record: str) -> str:
    """Binds ``?{record}Run`` when ``?{record}`` is a generated record (OPTIONAL and BOUND:
    Virtuoso 7 drops the rows where ``BIND (EXISTS ...)`` is false); a record has at most one
    run (shapes.ttl)."""
    return f"OPTIONAL {{ ?{record} prov:wasGeneratedBy ?{record}Run }}"


def rule(kg: KnowledgeGraph, kind: str) -> str:
    """The rule of ``kind``: a pattern that binds the fact's variables (:data:`FACTS`) and
    ``?genFact`` (whether a premise is a generated record) from the records. Its parts are
    joined as the engine joins best (:meth:`~graph.store.KnowledgeGraph.join_part`): in
    Oxigraph, sub-selects each scanned once and joined by hashing, where the generated marks
    are looked up (the same test after the joins costs three times as much)."""
    j = kg.join_part
    if kind == "partner-region":
        return f"""
        {j("?project ?part ?projectRun ?partRun",
           f"?project a ikg:Project ; ikg:hasParticipation ?part {_marked('project')} {_marked('part')}")}
        {j("?part ?org", "?part ikg:participant ?org")}
        {j("?org ?region ?orgRun", f"?org a ikg:Organisation ; ikg:region ?region {_marked('org')}")}
        BIND (BOUND(?projectRun) || BOUND(?partRun) || BOUND(?orgRun) AS ?genFact)"""
    return f"""
        {{ SELECT ?change (SAMPLE(?eur) AS ?changeEur) (COUNT(DISTINCT ?other) AS ?n) WHERE {{
            ?change ikg:financialImpact ?eur ; ikg:inspiredBy ?other }} GROUP BY ?change }}
        {j("?change ?to ?day ?changeRun",
           f"?change ikg:financialImpact ?anyEur ; ikg:region ?to ; ikg:date ?day {_marked('change')}")}
        {j("?change ?practice", "?change ikg:inspiredBy ?practice")}
        {j("?practice ?from ?project ?practiceRun",
           f"?practice ikg:identifiedIn ?project ; ikg:region ?from {_marked('practice')}")}
        BIND (?changeEur / ?n AS ?eurShare)
        BIND (BOUND(?changeRun) || BOUND(?practiceRun) AS ?genFact)"""


#: The variables of each kind of fact, as :func:`facts` binds them.
FACTS = {"partner-region": ("?project", "?region"),
         "transfer": ("?change", "?practice", "?from", "?to", "?eurShare", "?day", "?project")}

#: The properties of a transfer, one per variable of its fact. Read back, each is a sub-select
#: of its own, joined by hashing (one pattern of several properties would look them up one
#: transfer at a time: 27 s against 7 s at scale 100), and only those a view needs.
_TRANSFER_READ = ("ikg:ofChange ?change", "ikg:ofPractice ?practice", "ikg:fromRegion ?from",
                  "ikg:toRegion ?to", "ikg:attributedEur ?eurShare", "ikg:changeDate ?day",
                  "ikg:practiceProject ?project")
#: How each kind of fact is written in a derived graph; ``?fact`` is the transfer's IRI,
#: minted from its change and practice.
STATEMENTS = {
    "partner-region": "?project ikg:partnerRegion ?region .",
    "transfer": f"?fact a ikg:Transfer ; {' ; '.join(_TRANSFER_READ)} .",
}
_MINT = 'BIND (IRI(CONCAT(STR(?change), "/transfer/", MD5(STR(?practice)))) AS ?fact)'


@dataclass(frozen=True)
class DerivedGraphs:
    """The two derived graphs of a store: of facts from real records alone, and of the others."""

    real: str
    generated: str

    @classmethod
    def of(cls, graphs: Graphs) -> DerivedGraphs:
        return cls(graphs.derived_real, graphs.derived_generated)

    def marked(self) -> tuple[tuple[str, bool], tuple[str, bool]]:
        """Each graph with whether its facts rest on generated records."""
        return (self.real, False), (self.generated, True)

    def drop(self, kg: KnowledgeGraph) -> None:
        """Drop both graphs from ``kg`` (the views then derive as they read)."""
        kg.update(" ; ".join(f"DROP SILENT GRAPH <{g}>" for g, _ in self.marked()))


def available(kg: KnowledgeGraph) -> DerivedGraphs | None:
    """The derived graphs of ``kg`` when both hold facts of the current :data:`RULES_VERSION`."""
    rows = kg.query(P + f"""SELECT ?g ?generated WHERE {{ GRAPH ?g {{
        ?g a ikg:DerivedGraph ; ikg:rulesVersion {RULES_VERSION} ; ikg:fromGeneratedRecords ?generated }} }}"""
                    ).records()
    by = {bool(r["generated"]): str(r["g"]) for r in rows}
    if set(by) != {True, False}:
        return None
    return DerivedGraphs(real=by[False], generated=by[True])


def facts(kg: KnowledgeGraph, kind: str, real_only: bool = False, needed: tuple[str, ...] | None = None) -> str:
    """A group pattern that binds the variables of ``kind`` (:data:`FACTS`; of them only the
    ``needed`` ones, when given) and ``?genFact``: read from the derived graphs of ``kg`` when
    they are :func:`available`, else derived from the records as the query runs; with
    ``real_only``, facts from real records alone. Each fact is bound once."""
    d = available(kg)
    if d is None:
        keep = "FILTER (!?genFact)" if real_only else ""
        return f"{{ SELECT DISTINCT {' '.join(FACTS[kind])} ?genFact WHERE {{ {rule(kg, kind)} {keep} }} }}"
    read = [p for p in _TRANSFER_READ if needed is None or p.split()[-1] in needed]
    values = " ".join(f"(<{g}> {str(generated).lower()})" for g, generated in d.marked()
                      if not (real_only and generated))
    if kind == "partner-region":
        parts = ["{ SELECT ?project ?region ?g WHERE { GRAPH ?g { ?project ikg:partnerRegion ?region } } }"]
    elif kg.subselect_joins:
        parts = [f"{{ SELECT ?fact {p.split()[-1]} ?g WHERE {{ GRAPH ?g {{ ?fact {p} }} }} }}" for p in read]
    else:
        parts = [f"GRAPH ?g {{ ?fact {' ; '.join(read)} }}"]
    return f"{{ {' '.join(parts)} VALUES (?g ?genFact) {{ {values} }} }}"


def refresh(kg: KnowledgeGraph, graphs: Graphs | DerivedGraphs) -> None:
    """Rewrite the derived graphs of ``kg`` from its records: the facts of each :func:`rule`
    and each graph's description, written last (until then :func:`available` is None and
    the views derive as they read: they never read half the facts)."""
    d = graphs if isinstance(graphs, DerivedGraphs) else DerivedGraphs.of(graphs)
    d.drop(kg)
    for kind in FACTS:
        mint = _MINT if kind == "transfer" else ""
        for graph, keep in ((d.real, "!?genFact"), (d.generated, "?genFact")):
            # each graph's facts in a query of their own: an engine's CONSTRUCT names no graph
            kg.insert_where(P, graph, STATEMENTS[kind], f"""
                SELECT DISTINCT {' '.join(FACTS[kind])} {'?fact' if mint else ''} WHERE {{
                    {rule(kg, kind)} FILTER ({keep}) {mint} }}""")
    now = datetime.now(UTC).isoformat(timespec="seconds")  # "+00:00", as rdflib writes it back
    kg.update(P + " ;\n".join(f"""INSERT DATA {{ GRAPH <{g}> {{ <{g}> a ikg:DerivedGraph ;
        ikg:rulesVersion {RULES_VERSION} ; ikg:fromGeneratedRecords {str(generated).lower()} ;
        dcterms:modified "{now}"^^xsd:dateTime }} }}""" for g, generated in d.marked()))


def refresh_timed(kg: KnowledgeGraph, graphs: Graphs, say: Callable[[str], None],
                  seconds: dict[str, float]) -> None:
    """:func:`refresh`, as a step of a build or an import: said, and timed in ``seconds``."""
    t = time.perf_counter()
    say("deriving partner regions and transfers (graph.derived) ...")
    refresh(kg, graphs)
    seconds["derive"] = round(time.perf_counter() - t, 3)
    say(f"  derived in {seconds['derive']:.1f} s")


def after_update(kg: KnowledgeGraph) -> None:
    """Bring the derived graphs of ``kg`` up to date after an update of its records: rewrite
    them when it has them (a store without them stays so: its views derive as they read).

    While it runs the derived graphs are absent (:func:`refresh` describes them last), so the
    views derive as they read: never from stale facts. When the rewrite fails (the update
    itself is done: it is not undone), the failure is logged and the derived graphs are
    dropped; the views derive as they read until the next import, build or update.
    """
    d = available(kg)
    if d is None:
        return
    try:
        refresh(kg, d)
    except Exception as e:
        log.error("rewriting the derived graphs after an update failed (%s): dropping them", e)
        d.drop(kg)
