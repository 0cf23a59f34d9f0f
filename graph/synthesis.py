"""A generated policy-learning layer around imported projects and partners, to try lineage and networks on. No HTTP.

``ikg build --source ... --synthesise-learning`` adds, around the projects and partners the
sources imported, the records the list of operations does not have: good practices, learning
events, action plans with their actions, the policy instruments they address and the policy
changes that followed. Every one is written through the same mapped writer as imported
records (:meth:`graph.records.RecordWriter.mapped`), in the ``generated`` graph, marked
``prov:wasGeneratedBy`` a run that says it is synthetic; keys carry ``SYN`` so that none can
be mistaken for, or collide with, a record the publisher imports later. Real records are
never changed: the layer only points at them.

The model, per project (from its start and end dates, or the programme's 2016-2021 where the
list gives none), with the programme's published ratios as averages (DESIGN.md: about 58
events, 22 practices, 6.6 action plans and 8.8 policy changes per project):

- phase 1 is the first 60% of the project's life: events (on working days, 80% of them in
  phase 1), practices identified by the partners in turn;
- each partner placed in a NUTS 2 region writes an action plan (80% of them) at the end of
  phase 1, addressing, half the time, a real Structural Funds programme of its region or
  country (:func:`graph.programmes.addressed_by`; never an invented CCI code), else a generated
  regional or national instrument, with one to three actions inspired by practices from the
  other partners' regions;
- most plans lead to one or two policy changes in phase 2, within the project's life, with a
  heavy-tailed EUR impact (every "new projects" change has one).

The same seed and store give the same layer.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import IO, Any

from graph.calibration import working_day
from graph.entailment import alignments
from graph.mapping import tables
from graph.namespaces import IKG, Graphs
from graph.programmes import addressed_by, operational_programmes
from graph.quads import QuadWriter
from graph.records import Provenance, RecordWriter
from graph.regions import Region
from graph.vocabulary import ACTION_VERBS, CHANGE_TYPES, EVENT_TYPES, NON_SF_INSTRUMENTS, PRACTICE_PHRASES, TOPICS

__all__ = ["SYNTHESIS_VERSION", "synthesise_learning"]

SYNTHESIS_VERSION = "1.0.0"
PROGRAMME_DAYS = (date(2016, 4, 1), date(2021, 3, 31))
PER_PROJECT = {"events": 58, "practices": 22}


@dataclass(frozen=True)
class _Partner:
    organisation: str
    name: str
    region: str | None
    country: str


@dataclass(frozen=True)
class _Project:
    key: str
    acronym: str
    start: date
    end: date
    partners: tuple[_Partner, ...]


def _projects(kg: Any, graphs: Graphs) -> list[_Project]:
    """The real (not generated) projects of the store and their partners, in key order."""
    rows = kg.query(f"""PREFIX ikg: <{IKG}> PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?p ?acronym ?start ?end ?n ?org ?name ?country ?region WHERE {{
          ?p a ikg:Project ; ikg:acronym ?acronym ; ikg:hasParticipation ?pt .
          FILTER NOT EXISTS {{ ?p prov:wasGeneratedBy ?run }}
          ?pt ikg:partnerNumber ?n ; ikg:participant ?org . ?org rdfs:label ?name ; ikg:country ?country .
          OPTIONAL {{ ?p ikg:startDate ?start }} OPTIONAL {{ ?p ikg:endDate ?end }}
          OPTIONAL {{ ?org ikg:region ?region }} }} ORDER BY ?p ?n""").rows
    by: dict[str, tuple[str, date, date, list[_Partner]]] = {}
    prefix, org_prefix = graphs.data_iri("project", ""), graphs.data_iri("organisation", "")
    for p, acronym, start, end, _, org, name, country, region in rows:
        key = str(p)[len(prefix):]
        s = date.fromisoformat(str(start)) if start is not None else PROGRAMME_DAYS[0]
        e = date.fromisoformat(str(end)) if end is not None else PROGRAMME_DAYS[1]
        entry = by.setdefault(key, (str(acronym), s, max(e, s + timedelta(days=365)), []))
        partner = _Partner(str(org)[len(org_prefix):], str(name),
                           str(region).rsplit("/", 1)[-1] if region is not None else None,
                           str(country).rsplit("/", 1)[-1])
        if partner not in entry[3]:
            entry[3].append(partner)
    return [_Project(k, a, s, e, tuple(ps)) for k, (a, s, e, ps) in by.items()]


def synthesise_learning(out: IO[str], kg: Any, graphs: Graphs, regions: Sequence[Region],
                        seed: int = 42) -> dict[str, int]:
    """Write the generated learning layer around the real projects of ``kg`` as N-Quads to ``out``.

    Parameters
    ----------
    out : text stream
        Receives N-Quads lines (the ``generated`` graph, with the ``inferred`` statements).
    kg : KnowledgeGraph
        The store with the imported projects and partners.
    graphs : Graphs
        The deployment's graphs and base IRI.
    regions : sequence of Region
        The NUTS regions, for the titles and the programmes a region's partners address.
    seed : int
        Seed of the random generator.

    Returns
    -------
    dict
        Records written per table, and ``quads``.

    Raises
    ------
    StoreError
        When the store fails.
    """
    rng = random.Random(seed)
    labels = region_labels(regions)
    by_code = {r.code: r for r in regions}
    ops = operational_programmes(regions)
    w = QuadWriter(out, graphs.generated, alignments(), graphs.inferred)
    rw = RecordWriter(w, graphs)
    run_iri = graphs.data_iri("activity", f"synthesis-seed-{seed}")
    rw.run(run_iri, f"ikg synthesis of a policy-learning layer {SYNTHESIS_VERSION}, seed {seed}",
           "Synthetic good practices, events, action plans, instruments and policy changes generated around the "
           "imported (real) projects and partners, to try lineage and networks: they are not real records.",
           seed, version=SYNTHESIS_VERSION)
    made = Provenance.generated(graphs, run_iri)
    t = tables()
    counts = dict.fromkeys(t, 0)
    instruments: dict[str, str] = {}  # title -> key: one instrument per title
    for p in _projects(kg, graphs):
        placed = [pt for pt in p.partners if pt.region]
        if not placed:
            continue
        life = (p.end - p.start).days
        phase2 = p.start + timedelta(days=round(life * 0.6))
        topic = rng.choices(list(TOPICS), weights=list(TOPICS.values()))[0]
        for n in range(1, max(1, round(PER_PROJECT["events"] * rng.uniform(0.6, 1.4))) + 1):
            first = rng.random() < 0.8
            day = working_day(rng, p.start if first else phase2, phase2 if first else p.end)
            host = rng.choice(placed)
            etype = rng.choices(list(EVENT_TYPES), weights=list(EVENT_TYPES.values()))[0]
            where = labels.get(str(host.region), host.region)
            rw.mapped(t["events"], {
                "key": f"{p.key}-SYN-E{n}", "project": p.key, "type": etype, "date": day, "region": host.region,
                "title": f"{etype.replace('-', ' ').capitalize()} of {p.acronym} in {where}"}, made)
            counts["events"] += 1
        practices: list[tuple[str, str, str]] = []  # key, title, region
        phrases = rng.sample(PRACTICE_PHRASES[topic], len(PRACTICE_PHRASES[topic]))
        for n in range(1, max(len(placed), round(PER_PROJECT["practices"] * rng.uniform(0.6, 1.4))) + 1):
            pt = placed[(n - 1) % len(placed)]
            phrase = phrases[(n - 1) % len(phrases)]
            title = f"{phrase[0].upper()}{phrase[1:]} of {labels.get(str(pt.region), pt.region)}"
            if (n - 1) >= len(phrases):
                title += f" ({pt.name})"
            key = f"{p.key}-SYN-GP{n}"
            identified = working_day(rng, p.start + timedelta(days=60), phase2)
            rw.mapped(t["practices"], {
                "key": key, "title": title, "project": p.key, "organisation": pt.organisation, "region": pt.region,
                "topic": topic, "identified_on": identified}, made)
            practices.append((key, title, str(pt.region)))
            counts["practices"] += 1
        for i, pt in enumerate(placed, start=1):
            others = [gp for gp in practices if gp[2] != pt.region]
            if not others or rng.random() > 0.8:
                continue
            region = str(pt.region)
            pool = addressed_by(ops, by_code[region]) if region in by_code else []
            itype = rng.choice(("regional-programme", "national-programme", "local-strategy"))
            covers = pt.country if itype == "national-programme" else region
            where = labels.get(covers, covers)
            title = rng.choice(NON_SF_INSTRUMENTS[itype]).format(r2=where, r3=where, cc=where)
            inst = instruments.get(title)
            if pool and rng.random() < 0.5:  # a real programme: its record is the Commission's
                op = rng.choices([op for op, _ in pool], weights=[wt for _, wt in pool])[0]
                inst, title = op.cci, op.title
            elif inst is None:
                inst = instruments[title] = f"SYN-{len(instruments) + 1}"
                rw.mapped(t["instruments"], {"key": inst, "title": title, "type": itype, "country": pt.country,
                                             "covers": covers}, made)
                counts["instruments"] += 1
            plan = f"{p.key}-SYN-{i}"
            day = working_day(rng, phase2 - timedelta(days=60), phase2 + timedelta(days=60))
            rw.mapped(t["action-plans"], {
                "key": plan, "title": f"Action plan for {title}", "project": p.key, "organisation": pt.organisation,
                "instrument": inst, "region": region, "date": day}, made,
                label=f"Action plan of {pt.name} ({p.acronym})")
            counts["action-plans"] += 1
            for a in range(1, rng.randint(1, 3) + 1):
                chosen = rng.sample(others, min(len(others), rng.choice((1, 1, 2))))
                action = f"{plan}-A{a}"
                lower = chosen[0][1][:1].lower() + chosen[0][1][1:]
                rw.mapped(t["actions"], {"key": action, "title": f"{rng.choice(ACTION_VERBS)} {lower} in "
                                                                  f"{labels.get(region, region)}",
                                         "action_plan": plan, "inspired_by": [gp[0] for gp in chosen]}, made)
                counts["actions"] += 1
                if rng.random() > 0.7:
                    continue
                ctype = rng.choices(list(CHANGE_TYPES), weights=list(CHANGE_TYPES.values()))[0]
                money = ctype == "new-projects" or rng.random() < 0.35
                eur = Decimal(round(min(rng.paretovariate(1.3), 60) * 150_000, -2)) if money else Decimal(0)
                rw.mapped(t["changes"], {
                    "key": f"{action}-C", "title": f"{ctype.replace('-', ' ').capitalize()}: {title}",
                    "instrument": inst, "action": action, "type": ctype, "region": region, "eur": eur,
                    "date": working_day(rng, max(day, phase2) + timedelta(days=90), p.end),
                    "inspired_by": [gp[0] for gp in chosen],
                    "evidence": f"Action {action} of the action plan {plan} (synthetic)"}, made)
                counts["changes"] += 1
    counts["quads"] = w.count
    return counts


def region_labels(regions: Sequence[Any]) -> dict[str, str]:
    """NUTS code -> the label titles use (the Latin one where the region has one)."""
    return {r.code: r.latin_label or r.label for r in regions}
