"""The default graph: Interreg Europe 2014-2020 generated from a seed and calibrated to the published figures. No HTTP.

Every generated record carries ``prov:wasGeneratedBy`` the generation run and lives in the
``generated`` named graph; the records named in DESIGN.md's sources are real, carry
``dcterms:source`` and keep the facts their source states in the ``real`` named graph (see
:mod:`graph.real`). The same seed and scale give the same quads, byte for byte.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import IO, Any

from graph import calibration as cal
from graph import orgnames, real
from graph.entailment import alignments
from graph.errors import BuildError
from graph.mapping import tables
from graph.namespaces import IKG, Graphs
from graph.programmes import OperationalProgramme, addressed_by, operational_programmes, write_operational_programmes
from graph.quads import QuadWriter, iri, lit, typed
from graph.records import OrganisationRecord, ParticipationRecord, ProjectRecord, Provenance, RecordWriter
from graph.records import slug as _slug
from graph.regions import COUNTRIES, Region, RegionCategory, capital_nuts3
from graph.vocabulary import (
    ACRONYM_HEADS,
    ACRONYM_TAILS,
    ACTION_VERBS,
    CHANGE_TYPES,
    EVENT_TYPES,
    NON_SF_INSTRUMENTS,
    ORG_TEMPLATES,
    ORG_TYPE_WEIGHTS,
    PAYING_CHANGE_TYPES,
    PRACTICE_PHRASES,
    PROJECT_PHRASES,
    TOPICS,
)

__all__ = ["GenerationSummary", "generate"]

GENERATOR_VERSION = "1.0.0"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
RDFS_LABEL = iri("http://www.w3.org/2000/01/rdf-schema#label")
CALL_STARTS = (date(2016, 4, 1), date(2017, 1, 1), date(2018, 6, 1), date(2019, 8, 1))
CALL_OPENINGS = (
    (date(2015, 6, 22), date(2015, 7, 31)),
    (date(2016, 3, 7), date(2016, 5, 13)),
    (date(2017, 3, 1), date(2017, 6, 30)),
    (date(2018, 5, 7), date(2018, 6, 22)),
)
PHASE1_MONTHS = ((24, 24), (24, 30), (30, 36), (36, 42))
PHASE2_MONTHS = (24, 24, 24, 12)
PROGRAMME_END = cal.SNAPSHOTS[-1].day


def _months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    return date(d.year + y, m + 1, min(d.day, 28))


def _lower_first(title: str) -> str:
    """'Energy agency' -> 'energy agency', but 'SEROI roadmap' stays as it is."""
    if len(title) > 1 and title[1].isupper():
        return title
    return title[:1].lower() + title[1:]


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


@dataclass
class Org:
    key: str
    name: str
    nuts3: str
    nuts2: str
    country: str
    otype: str
    legal: str
    responsibility: str | None
    real_facts: dict[str, str] = field(default_factory=dict)
    projects: int = 0


@dataclass
class Participation:
    project: Project
    number: int
    org: Org
    role: str
    erdf: int = 0
    plan: Plan | None = None
    eligible: Decimal | None = None
    rate: Decimal | None = None


@dataclass
class Project:
    acronym: str
    call: int
    topic: str
    start: date
    phase1_end: date
    end: date
    erdf: int
    title: str
    real_source: str | None = None
    parts: list[Participation] = field(default_factory=list)
    practices: list[Practice] = field(default_factory=list)
    intensity: float = 1.0

    @property
    def key(self) -> str:
        return self.acronym.replace(" ", "-")


@dataclass
class Practice:
    key: str
    title: str
    project: Project
    org: Org
    region: str
    identified: date
    validated: date | None = None
    real: real.RealPractice | None = None


@dataclass
class Action:
    key: str
    title: str
    practices: list[Practice]
    real_source: str | None = None


@dataclass
class Plan:
    part: Participation
    day: date
    instrument: Instrument | None = None
    actions: list[Action] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.part.project.key}-{self.part.number}"

    @property
    def region(self) -> str:
        return self.part.org.nuts2


@dataclass
class Instrument:
    """An instrument as one project's plans address it (the programme counts an instrument once
    per project that improved it): ``key`` is unique (changes are keyed by it), ``record`` the
    key of the instrument's record, which the projects that address it share; a Structural
    Funds one is a real programme (``op``), whose record is the Commission's (its CCI code)."""

    key: str
    record: str
    title: str
    itype: str
    country: str
    covers: str
    sf: bool
    op: OperationalProgramme | None = None
    plans: list[Plan] = field(default_factory=list)
    window: int | None = None
    real_source: str | None = None


@dataclass
class Change:
    key: str
    instrument: Instrument
    plan: Plan
    action: Action
    day: date
    ctype: str
    eur: int = 0
    has_money: bool = True
    real_source: str | None = None
    label: str | None = None


class _Weighted:
    """Items drawn in proportion to weights that change as the generation goes (a Fenwick tree):
    :meth:`draw` takes the item ``random.choices(items, weights)`` takes for the same random
    number, in O(log n) instead of O(n) (over a list that grows with the scale, the draws grew
    quadratically)."""

    def __init__(self) -> None:
        self.items: list[Any] = []
        self._tree = [0]
        self._at: dict[int, int] = {}

    def __len__(self) -> int:
        return len(self.items)

    def _prefix(self, i: int) -> int:
        total = 0
        while i > 0:
            total += self._tree[i]
            i -= i & -i
        return total

    def append(self, item: Any, weight: int) -> None:
        self.items.append(item)
        i = len(self.items)
        self._at[id(item)] = i
        self._tree.append(weight + self._prefix(i - 1) - self._prefix(i - (i & -i)))

    def add(self, item: Any, delta: int) -> None:
        """Add ``delta`` to the weight of ``item``, if it is one of the items."""
        i = self._at.get(id(item))
        while i is not None and i < len(self._tree):
            self._tree[i] += delta
            i += i & -i

    def draw(self, rng: random.Random) -> Any:
        n = len(self.items)
        x = rng.random() * (self._prefix(n) + 0.0)
        # the number of items whose running total is <= x (bisect_right over the totals)
        pos, acc, step = 0, 0, 1 << n.bit_length()
        while step:
            if pos + step <= n and acc + self._tree[pos + step] <= x:
                pos += step
                acc += self._tree[pos]
            step >>= 1
        return self.items[min(pos, n - 1)]


def _kth(lists: list[tuple[list[int], list[Any]]], k: int) -> Any:
    """The ``k``-th item (from 0) of the lists merged by their positions (ascending within
    each list, unique across them), without merging them."""
    lo, hi = 0, max(ps[-1] for ps, _ in lists)
    while lo < hi:  # the least position with k + 1 items at or before it
        mid = (lo + hi) // 2
        if sum(bisect_right(ps, mid) for ps, _ in lists) > k:
            hi = mid
        else:
            lo = mid + 1
    return next(items[i] for ps, items in lists for i in [bisect_right(ps, lo) - 1] if i >= 0 and ps[i] == lo)


@dataclass(frozen=True)
class GenerationSummary:
    """What one generation wrote: quads per named graph and records per type."""

    quads: int
    records: dict[str, int]
    run_iri: str


class _Generator:
    def __init__(
        self,
        seed: int,
        scale: float,
        regions: tuple[Region, ...],
        categories: dict[str, RegionCategory],
        graphs: Graphs,
    ) -> None:
        if scale <= 0:
            raise BuildError(f"scale must be positive, not {scale}")
        self.rng = random.Random(seed)
        self.seed, self.scale, self.g = seed, scale, graphs
        self.regions = {r.code: r for r in regions}
        self.ops = operational_programmes(regions)
        self.categories = categories
        self.orgs: list[Org] = []
        self.orgs_by_region: dict[str, _Weighted] = {}  # weighted by their projects
        self.projects: list[Project] = []
        self.plans: list[Plan] = []
        self.instruments: list[Instrument] = []
        self.changes: list[Change] = []
        self.events: list[tuple[Project, date, str, str]] = []
        self.reports: list[tuple[Project, int, date, int]] = []
        self._names: set[str] = set()
        self._org_keys: set[str] = set()

    # ----------------------------------------------------------------- regions
    def label(self, code: str) -> str:
        r = self.regions[code]
        return r.latin_label or r.label

    def _region_weights(self) -> None:
        rng = self.rng
        capitals = capital_nuts3()
        level2 = sorted(c for c, r in self.regions.items() if r.level == 2)
        self.nuts3_of: dict[str, list[str]] = {c: [] for c in level2}
        for c, r in self.regions.items():
            if r.level == 3 and r.parent in self.nuts3_of:
                self.nuts3_of[r.parent].append(c)
        weights: dict[str, float] = {}
        for c in level2:
            # activity grows with the region's size (its number of NUTS 3 areas stands in for
            # population) and varies a lot between regions of the same size
            w = rng.lognormvariate(0, 1.25) * max(1, len(self.nuts3_of[c])) ** 0.5
            weights[c] = w
        # the rule of activity by region: a capital region is among the more active ones (its
        # weight at least twice the median), and never without partners
        self.capital_regions = {c for c in level2 if any(n3 in capitals for n3 in self.nuts3_of[c])}
        median_w = sorted(weights.values())[len(weights) // 2]
        for c in self.capital_regions:
            weights[c] = max(weights[c] * 3.0, 2.0 * median_w)
        # regions with no partner at all: the remote and the least active, a fixed share
        n_inactive = round(len(level2) * cal.NUTS2_INACTIVE_SHARE)
        remote = [c for c in ("NO0B", "ES63", "ES64", "FRY3", "FRY5", "FI20") if c in weights]
        protected = set(real.REQUIRED_REGIONS) | self.capital_regions
        rest = sorted(
            (c for c in level2 if c not in remote and c not in protected),
            key=lambda c: (weights[c], c),
        )
        inactive = (remote + rest)[:n_inactive]
        self.inactive = sorted(inactive)
        self.active = [c for c in level2 if c not in set(inactive)]
        self.weights = {c: weights[c] for c in self.active}
        cat = {c: self.categories[c].category for c in self.active}
        self.by_category = {
            k: [c for c in self.active if cat[c] == k]
            for k in ("more-developed", "transition", "less-developed")
        }

    def _draw_region(
        self, pool: list[str], exclude_countries: set[str] | frozenset[str] = frozenset()
    ) -> str:
        # no region takes part in more than 12% of the projects (MAX_REGION_SHARE)
        open_ = [c for c in pool if self.region_projects[c] < self.region_cap] or pool
        cands = [c for c in open_ if c[:2] not in exclude_countries] or open_
        return self.rng.choices(cands, weights=[self.weights[c] for c in cands])[0]

    # ----------------------------------------------------------------- organisations
    def _unique_name(self, base: str, r3: str) -> str:
        name = base
        if name in self._names:
            name = f"{base} ({self._place(r3)})"
        n = 2
        while name in self._names:
            name = f"{base} ({self._place(r3)} {n})"
            n += 1
        self._names.add(name)
        return name

    def _place(self, code: str) -> str:
        """A region's name as an organisation's name uses it: its own (native) NUTS name without
        the kind of area it carries ("Bayreuth, Kreisfreie Stadt" is Bayreuth)."""
        return orgnames.plain_name(self.regions[code].label)

    def _new_org(self, nuts2: str) -> Org:
        """A new organisation of ``nuts2``, in one of its NUTS 3 areas, named as such bodies are
        in its country's language (:mod:`graph.orgnames`)."""
        rng = self.rng
        n3s = self.nuts3_of.get(nuts2) or [nuts2]
        nuts3 = rng.choice(n3s)
        otype = _pick(rng, ORG_TYPE_WEIGHTS)
        lang = orgnames.language_of(nuts2)
        r1 = self.regions[nuts2].parent or nuts2
        places = orgnames.place_forms({"r1": self.regions[r1].label, "r2": self.regions[nuts2].label,
                                       "r3": self.regions[nuts3].label}, lang)

        def fresh(kind: str) -> list[str]:
            """The names of a kind of body not yet taken in this place (a town's own kind for the
            local authority of a NUTS 3 area that is a town, where the language has one)."""
            if kind == "local-authority" and places["town"] and "town-authority" in orgnames.NAMES.get(
                    lang.split("-")[0], {}):
                kind = "town-authority"
            names = (t.format(**places) for t in orgnames.templates(lang, kind))
            return [n for n in names if n not in self._names]

        # a body whose names are all taken here (a region has one regional government, a
        # country one ministry of each kind) gives way to another kind, never to a ministry
        others = sorted((t for t in ORG_TYPE_WEIGHTS if t not in (otype, "national-authority")),
                        key=lambda t: -ORG_TYPE_WEIGHTS[t] * rng.random())
        otype, names = next(((t, fresh(t)) for t in (otype, *others) if fresh(t)), (others[0], []))
        base = rng.choice(names) if names else orgnames.templates(lang, otype)[0].format(**places)
        legal = ORG_TEMPLATES[otype][0]
        name = self._unique_name(base, nuts3)
        key = f"{nuts2[:2].lower()}-{_slug(name)}"[:120]
        while key in self._org_keys:
            key += "-x"
        self._org_keys.add(key)
        resp = None
        if otype in ("regional-authority", "national-authority") and rng.random() < 0.65:
            resp = "managing-authority" if rng.random() < 0.7 else "intermediate-body"
        elif otype in ("sectoral-agency", "local-authority") and rng.random() < 0.18:
            resp = "intermediate-body"
        org = Org(key, name, nuts3, nuts2, nuts2[:2], otype, legal, resp)
        self.orgs.append(org)
        self.orgs_by_region.setdefault(nuts2, _Weighted()).append(org, org.projects)
        return org

    # ----------------------------------------------------------------- projects
    def _acronyms(self, n: int) -> list[str]:
        taken = {a.upper() for a in real.PROJECTS}
        out: list[str] = []
        combos = [h + t for h in ACRONYM_HEADS for t in ACRONYM_TAILS]
        self.rng.shuffle(combos)
        i = 0
        while len(out) < n:
            a = combos[i % len(combos)]
            if i >= len(combos):
                a = f"{a}{i // len(combos) + 1}"
            i += 1
            if a.upper() not in taken and not a.startswith(tuple(real.PROJECTS)):
                taken.add(a.upper())
                out.append(a)
        return out

    def _projects(self) -> None:
        rng = self.rng
        per_call = cal.apportion(round(258 * self.scale), list(cal.PROJECTS_PER_CALL))
        total = sum(per_call)
        reals = list(real.PROJECTS.items())
        acronyms = self._acronyms(total - len(reals))
        slots = [k for k, n in enumerate(per_call) for _ in range(n)]
        # ERUDITE's story needs its action plan before June 2022: an early call
        early = rng.randrange(per_call[0] + per_call[1])
        later = rng.sample([i for i in range(total) if i != early], len(reals) - 1)
        real_slots = [early] + later
        real_at = {s: reals[i] for i, s in enumerate(real_slots)}
        for idx, call in enumerate(slots):
            if idx in real_at:
                acronym, (source, topic) = real_at[idx]
            else:
                acronym, source, topic = acronyms.pop(), None, _pick(rng, TOPICS)
            start = CALL_STARTS[call] + timedelta(days=rng.choice((0, 0, 0, 31, 61, 92)))
            lo, hi = PHASE1_MONTHS[call]
            p1 = _months(start, rng.randint(lo, hi))
            end = min(_months(p1, PHASE2_MONTHS[call]), PROGRAMME_END)
            erdf = int(min(2_500_000, max(700_000, rng.lognormvariate(math.log(1.15e6), 0.3))))  # a weight
            title = f"{acronym}: improving regional policies for {rng.choice(PROJECT_PHRASES[topic])}"
            p = Project(acronym, call, topic, start, p1, end, erdf, title, source)
            p.intensity = rng.lognormvariate(0, 0.35)
            self.projects.append(p)
        # the projects' ERDF adds up to keep.eu's EUR 334.94 million (itself rounded to EUR 10,000),
        # within 0.3%, not to a round sum: the draws above are the weights
        target = round(cal.PROJECTS_ERDF * self.scale * rng.uniform(0.997, 1.003))
        for p, erdf in zip(self.projects, cal.apportion(target, [p.erdf for p in self.projects])):
            p.erdf = erdf
        self.placement = real.placements(rng, [(p.acronym, p.call, p.topic) for p in self.projects])

    def _partnerships(self) -> None:
        """Partners for every project: 5-10, 3+ countries, more and less developed regions."""
        rng = self.rng
        sizes = [rng.choices(range(5, 11), weights=(5, 8, 14, 20, 25, 28))[0] for _ in self.projects]
        self.region_projects: Counter[str] = Counter()
        # a margin below the cap: a project's own draws are counted once it is complete
        self.region_cap = int(cal.MAX_REGION_SHARE * len(self.projects)) - 2
        n_slots = sum(sizes)
        n_orgs = min(round(cal.ORGANISATIONS * self.scale), n_slots)
        # every active region gets a partner: spread the first slots over them
        uncovered = list(self.active)
        rng.shuffle(uncovered)
        need = self.placement.regions
        new_left, slots_left = n_orgs, n_slots
        self._pa_pool: list[Org] = []
        self._hubs = _Weighted()  # organisations in two projects or more, weighted by their projects
        for p, size in zip(self.projects, sizes):
            regions: list[str] = list(need.get(p.acronym, []))
            more, less = self.by_category["more-developed"], self.by_category["less-developed"]
            cats = {self.categories[c].category for c in regions}
            countries = {c[:2] for c in regions}
            if "more-developed" not in cats:
                regions.append(self._draw_region(more, countries))
            countries = {c[:2] for c in regions}
            if "less-developed" not in {self.categories[c].category for c in regions}:
                regions.append(self._draw_region(less, countries))
            # the other slots: an organisation that already takes part elsewhere (chosen in
            # proportion to how many projects it has: preferential attachment, heavy tail),
            # or a new one in a drawn region (regions without a partner yet first)
            n_members = max(size, len(regions))
            slots: list[str | None] = list(regions) + [None] * (n_members - len(regions))
            rng.shuffle(slots)
            used: set[str] = set()
            members: list[Org] = []
            for region in slots:
                countries = {o.country for o in members}
                short = 3 - len(countries) >= n_members - len(members) - (
                    sum(1 for r in slots[len(members):] if r is not None))
                org = None
                if (region is not None and self.placement.organisation_project == p.acronym
                        and region == real.ORGANISATION_REGION and "pdc" not in used):
                    org = self._real_org(region)
                    used.add("pdc")
                elif rng.random() >= new_left / max(slots_left, 1):
                    org = self._preferential(used, region, countries if short else set())
                if org is None:
                    if region is None:
                        if short or len(countries) < 3:
                            region = self._draw_region(self.active, countries)
                        elif uncovered and rng.random() < 0.6:
                            region = uncovered.pop()
                        else:
                            region = self._draw_region(self.active)
                    org = self._new_org(region)
                    new_left -= 1
                slots_left -= 1
                used.add(org.key)
                self._join(org)
                if org.projects == 2:
                    self._hubs.append(org, org.projects)
                self._pa_pool.append(org)
                members.append(org)
            for r in {o.nuts2 for o in members}:
                self.region_projects[r] += 1
            for number, org in enumerate(members, start=1):
                region = org.nuts2
                role = "lead-partner" if number == 1 else (
                    "advisory-partner" if rng.random() < 0.09 and region not in need.get(
                        p.acronym, []) else "project-partner")
                p.parts.append(Participation(p, number, org, role))
        if uncovered and self.scale >= 1:
            # regions the draws missed get a partner in a project that has room for one more
            roomy = [p for p in self.projects if len(p.parts) < 10]
            for i, region in enumerate(uncovered):
                p = roomy[i % len(roomy)]
                org = self._new_org(region)
                self._join(org)
                p.parts.append(Participation(p, len(p.parts) + 1, org, "project-partner"))
        self._capitals_above_the_median()

    def _capitals_above_the_median(self) -> None:
        """The rule of activity by region, made sure of: a capital region below two projects above
        the median region joins projects that have room, through one of its organisations
        (preferential attachment) or a new one."""
        counts: Counter[str] = Counter()
        for p in self.projects:
            counts.update({pt.org.nuts2 for pt in p.parts})
        active = sorted(counts.values())
        median = active[len(active) // 2]
        for region in sorted(self.capital_regions & set(self.active)):
            missing = median + 2 - counts[region]
            if missing <= 0:
                continue
            roomy = [p for p in self.projects if len(p.parts) < 10
                     and region not in {pt.org.nuts2 for pt in p.parts}]
            for p in self.rng.sample(roomy, min(missing, len(roomy))):
                used = {pt.org.key for pt in p.parts}
                org = self._preferential(used, region, set()) or self._new_org(region)
                self._join(org)
                p.parts.append(Participation(p, len(p.parts) + 1, org, "project-partner"))
        for p in self.projects:
            self._budget(p)

    def _budget(self, p: Project) -> None:
        """The partners' budgets: the project's ERDF shared among its EU partners (the lead
        partner gets more, an advisory partner little), each partner's eligible expenditure its
        ERDF over the co-financing rate of its legal status; Norwegian and Swiss partners have
        a budget of the same size from national funds, and no ERDF."""
        shares = [(2.0 if pt.role == "lead-partner" else 0.15 if pt.role == "advisory-partner" else 1.0)
                  * self.rng.uniform(0.7, 1.3) for pt in p.parts]
        eu = [(pt, sh) for pt, sh in zip(p.parts, shares) if pt.org.country not in cal.NATIONALLY_FUNDED]
        per_share = Decimal(p.erdf) / Decimal(str(sum(sh for _, sh in eu)))
        for (pt, _), amount in zip(eu, cal.apportion(p.erdf, [sh for _, sh in eu])):
            pt.erdf = amount
            pt.rate = cal.COFINANCING[pt.org.legal]
            pt.eligible = (Decimal(amount) / pt.rate).quantize(Decimal("0.01"))
        for pt, sh in zip(p.parts, shares):
            if pt.org.country in cal.NATIONALLY_FUNDED:
                pt.eligible = (per_share * Decimal(str(sh)) / Decimal("0.85")).quantize(Decimal("1"))

    def _preferential(self, used: set[str], region: str | None, avoid: set[str]) -> Org | None:
        """An organisation already in other projects, drawn in proportion to their number.

        With ``region`` the draw is among that region's organisations; organisations in
        ``used`` (already in the project) or in a country of ``avoid`` are not taken.
        """
        weighted = self.orgs_by_region.get(region) if region else None
        if not (weighted if region else self._pa_pool):
            return None
        # a share of the draws among organisations that already repeat: rich get richer,
        # which gives the few very active organisations real programmes have
        hubs = None if region else self._hubs
        for _ in range(8):
            if hubs and self.rng.random() < 0.6:
                org = hubs.draw(self.rng)
            elif weighted is not None:
                org = weighted.draw(self.rng)
            else:
                org = self.rng.choice(self._pa_pool)
            if (org.key not in used and org.country not in avoid and 0 < org.projects < 12
                    and self.region_projects[org.nuts2] < self.region_cap):
                return org
        return None

    def _join(self, org: Org) -> None:
        """``org`` takes part in one more project (its weight in the draws grows)."""
        org.projects += 1
        self.orgs_by_region[org.nuts2].add(org, 1)
        self._hubs.add(org, 1)

    def _real_org(self, region: str) -> Org:
        name, nuts3, facts = real.ORGANISATION
        self._names.add(name)
        org = Org(_slug(name), name, nuts3, region, region[:2], "local-authority", "public", None)
        org.real_facts = facts
        self._org_keys.add(org.key)
        self.orgs.append(org)
        self.orgs_by_region.setdefault(region, _Weighted()).append(org, org.projects)
        return org

    # ----------------------------------------------------------------- dated records
    def _allocate(self, name: str, spans, day=cal.random_day) -> list[list[tuple[Project, date]]]:  # noqa: ANN001
        """Place the per-window counts of ``name`` on projects, dated within their spans.

        ``spans(project)`` gives [(lo, hi, weight)] intervals in which the project may have
        such records; ``day(rng, lo, hi)`` draws the day. Returns, per window, a list of
        (project, day).
        """
        rng = self.rng
        counts = cal.increments(cal.scaled(cal.TARGETS[name], self.scale))
        out: list[list[tuple[Project, date]]] = []
        for k, n in enumerate(counts):
            wlo, whi = cal.window_bounds(k)
            cands: list[tuple[Project, date, date]] = []
            weights: list[float] = []
            for p in self.projects:
                for lo, hi, w in spans(p):
                    a, b = max(lo, wlo), min(hi, whi)
                    if day is cal.working_day:  # an interval of a weekend alone has no day to give
                        while a <= b and not cal.is_working_day(a):
                            a += timedelta(days=1)
                    if a <= b:
                        cands.append((p, a, b))
                        weights.append(((b - a).days + 1) * w * p.intensity)
            if n and not cands:
                raise BuildError(f"calibration: no project can have {name} in window {k + 1}")
            placed: list[tuple[Project, date]] = []
            for (p, a, b), m in zip(cands, cal.apportion(n, weights)):
                placed.extend((p, day(rng, a, b)) for _ in range(m))
            placed.sort(key=lambda x: (x[1], x[0].acronym))
            out.append(placed)
        return out

    def _events(self) -> None:
        rng = self.rng
        # learning events are held on working days, most in the first phase (interregional
        # learning), fewer while the plans are monitored
        per_window = self._allocate("events", lambda p: [(p.start, p.phase1_end, 4.0),
                                                         (p.phase1_end + timedelta(days=1), p.end, 0.5)],
                                    cal.working_day)
        for placed in per_window:
            for p, day in placed:
                host = rng.choice(p.parts).org.nuts2
                self.events.append((p, day, _pick(rng, EVENT_TYPES), host))

    def _reports(self) -> None:
        rng = self.rng
        cum = cal.scaled(cal.TARGETS["people"], self.scale)
        by_window: list[list[tuple[Project, int, date]]] = [[], [], []]
        for p in self.projects:
            n, day = 1, _months(p.start, 6)
            while True:
                day = min(day, p.end)
                k = cal.window_of(day)
                if k < 3:
                    by_window[k].append((p, n, day))
                if day >= p.end:
                    break
                n, day = n + 1, _months(day, 6)
        for k, amount in enumerate(cal.increments(cum)):
            rows = by_window[k]
            if amount and not rows:
                raise BuildError(f"calibration: no progress report falls in window {k + 1}")
            weights = [len(p.parts) * rng.uniform(0.5, 1.5) for p, _, _ in rows]
            for (p, n, day), people in zip(rows, cal.apportion(amount, weights)):
                self.reports.append((p, n, day, people))

    def _practices(self) -> None:
        rng = self.rng
        per_window = self._allocate(
            "practices", lambda p: [(p.start, p.phase1_end, 3.0), (p.phase1_end, p.end, 1.0)]
        )
        placed = [x for window in per_window for x in window]
        # real practices take the first places of their projects
        reals = self.placement.practices
        by_project: dict[str, int] = {}
        for p, day in placed:
            n = by_project.get(p.acronym, 0) + 1
            by_project[p.acronym] = n
            wanted = reals.get(p.acronym, [])
            known = wanted[n - 1] if n <= len(wanted) else None
            if known:
                orgs = [pt.org for pt in p.parts
                        if (known.origin is None or pt.org.nuts2 == known.origin)
                        and pt.org.country != known.not_country]
                if not orgs:
                    raise BuildError(f"calibration: {p.acronym} has no partner to be the origin "
                                     f"of the real practice {known.title!r}")
                org = rng.choice(orgs)
                title = known.title
            else:
                title = None
                # practices come from the partners in turn, so a project's come from several regions
                org = p.parts[(n - 1) % len(p.parts)].org
            if title is None:
                title = self._practice_title(p, org)
            # a real practice whose source names no project is not keyed under the (generated)
            # project the generator puts it in: its key is its title's, so its IRI borrows nothing
            key = (_slug(title) if known and not real.practice_project_is_real(known) else f"{p.key}-GP{n}")
            gp = Practice(key, title, p, org, org.nuts2, day, None, known)
            p.practices.append(gp)
        missing = [a for a, gps in reals.items() if by_project.get(a, 0) < len(gps)]
        if missing:
            raise BuildError(f"calibration: no room for the real practices of {missing}")
        # validation into the good-practice database
        everything = [gp for p in self.projects for gp in p.practices]
        target_t2, target_t3 = (round(v * self.scale) for v in cal.VALIDATED)
        t1, t2, t3 = (s.day for s in cal.SNAPSHOTS)
        early = [gp for gp in everything if gp.identified <= t2 - timedelta(days=30)]
        if len(early) < target_t2:
            raise BuildError("calibration: too few practices to validate by March 2023")
        for gp in rng.sample(early, target_t2):
            gp.validated = cal.random_day(rng, gp.identified + timedelta(days=30), t2)
        late = [gp for gp in everything if gp.validated is None
                and gp.identified <= t3 - timedelta(days=30)]
        for gp in rng.sample(late, min(len(late), target_t3 - target_t2)):
            gp.validated = cal.random_day(
                rng, max(gp.identified + timedelta(days=30), t2 + timedelta(days=1)), t3)

    def _practice_title(self, p: Project, org: Org) -> str:
        """A title no other practice of the project has: a phrase of its topic not yet used
        for the organisation's region, placed in that region, then in its NUTS 3 area, then
        named after the organisation."""
        phrases = list(PRACTICE_PHRASES[p.topic])
        self.rng.shuffle(phrases)
        taken = {gp.title for gp in p.practices}
        places = (self.label(org.nuts2), self.label(org.nuts3), org.name)
        for place in places:
            for phrase in phrases:
                title = f"{phrase[0].upper()}{phrase[1:]} of {place}"
                if title not in taken:
                    return title
        n = 2
        while f"{title} ({n})" in taken:
            n += 1
        return f"{title} ({n})"

    def _plans(self) -> None:
        """Action plans, one per partner that writes one, dated to hit the snapshot counts."""
        rng = self.rng
        counts = cal.increments(cal.scaled(cal.TARGETS["action_plans"], self.scale))
        writers = [pt for p in self.projects for pt in p.parts if pt.role != "advisory-partner"]
        forced = real.SLOVENIAN_PLAN
        for k in (2, 1, 0):  # the latest window has the fewest candidates: fill it first
            wlo, whi = cal.window_bounds(k)
            cands = []
            for pt in writers:
                if pt.plan is not None:
                    continue
                lo = pt.project.phase1_end - timedelta(days=90)
                hi = pt.project.end
                if max(lo, wlo) <= min(hi, whi):
                    cands.append((pt, max(lo, wlo), min(hi, whi)))
            if k == 0:
                must = [c for c in cands if c[0].project.acronym == forced[0]
                        and c[0].org.country == forced[1]][:1]
                rest = [c for c in cands if c not in must]
            else:
                must, rest = [], [c for c in cands if c[0].project.acronym != forced[0]]
            if len(cands) < counts[k] or (k == 0 and not must):
                raise BuildError(f"calibration: too few partners to date {counts[k]} action plans "
                                 f"in window {k + 1}")
            # partners who could not write their plan in an earlier window go first, so that
            # the earlier windows keep enough candidates
            first_lo = cal.window_bounds(k - 1)[1] if k else None
            late_only = [c for c in rest if first_lo is not None
                         and c[0].project.phase1_end - timedelta(days=90) > first_lo]
            late = set(map(id, late_only))  # by identity: a list's `in` compared the dataclasses, quadratically
            others = [c for c in rest if id(c) not in late]
            n = counts[k] - len(must)
            picked = rng.sample(late_only, min(n, len(late_only)))
            picked += rng.sample(others, n - len(picked))
            for pt, a, b in must + picked:
                day = cal.random_day(rng, a, min(b, max(a, pt.project.phase1_end + timedelta(days=120))))
                pt.plan = Plan(pt, day)
                self.plans.append(pt.plan)
        self.plans.sort(key=lambda pl: (pl.day, pl.key))

    # ----------------------------------------------------------------- instruments, changes
    def _ops_of(self, plan: Plan) -> list[tuple[OperationalProgramme, float]]:
        """The real programmes a plan's partner may address, weighted (:func:`addressed_by`)."""
        r2 = plan.region
        if r2 not in self._op_pool:
            self._op_pool[r2] = addressed_by(self.ops, self.regions[r2])
        return self._op_pool[r2]

    def _pick_op(self, plan: Plan, taken: set[str]) -> OperationalProgramme | None:
        """A real programme for the plan, none of ``taken`` (CCI codes); None when none is left."""
        pool = [(op, w) for op, w in self._ops_of(plan) if op.cci not in taken]
        if not pool:
            return None
        return self.rng.choices([op for op, _ in pool], weights=[w for _, w in pool])[0]

    def _instrument(self, plan: Plan, sf: bool, op: OperationalProgramme | None = None,
                    taken: set[str] | None = None) -> Instrument:
        """The instrument ``plan`` addresses: a real programme (``op``, else one of the plan's
        region or country), or a generated one of its region or country, whose record the
        plans of other projects that address it share; none of ``taken`` (record keys: what the
        plan's project improves already, an instrument counting once per project)."""
        rng = self.rng
        cc, r2 = plan.region[:2], plan.region
        r3 = plan.part.org.nuts3
        taken = taken if taken is not None else set()
        if sf:
            op = op or self._pick_op(plan, taken)
            if op is None:
                raise BuildError(f"calibration: no Structural Funds programme for the action plan {plan.key}")
            title, itype, country, covers, record = op.title, "operational-programme-igj", op.country, op.covers, op.cci
        else:
            for _ in range(12):
                itype = rng.choice(list(NON_SF_INSTRUMENTS))
                title = rng.choice(NON_SF_INSTRUMENTS[itype]).format(
                    r2=self.label(r2), r3=self.label(r3), cc=COUNTRIES[cc])
                record = f"{cc.lower()}-{_slug(title)}"[:110]
                if record not in taken:
                    break
            else:
                raise BuildError(f"calibration: no instrument left for the action plan {plan.key}")
            country = cc
            covers = cc if itype in ("national-programme", "rural-development-programme") else r2
        return self._addressed(Instrument("", record, title, itype, country, covers, sf, op), plan)

    def _addressed(self, like: Instrument, plan: Plan) -> Instrument:
        """A new instrument of ``plan``'s project for the record of ``like``, with a unique key:
        a generated record's first takes the record's key, the others their project's too."""
        n = self._titles.get(like.record, 0) + 1
        self._titles[like.record] = n
        key = like.record if n == 1 and not like.sf else f"{like.record}-{plan.part.project.key}"
        n_key = self._titles.get(key, 0) + 1
        self._titles[key] = n_key
        inst = Instrument(key if n_key == 1 else f"{key}-{n_key}", like.record, like.title, like.itype, like.country,
                          like.covers, like.sf, like.op)
        self.instruments.append(inst)
        return inst

    def _instruments(self) -> None:
        """Instruments for the plans, and the window of each instrument's first change."""
        rng = self.rng
        self._titles: dict[str, int] = {}
        self._op_pool: dict[str, list[tuple[OperationalProgramme, float]]] = {}
        #: project key -> the records of the instruments it improves: an instrument counts once
        improved: dict[str, set[str]] = {}
        sf_n = cal.increments(cal.scaled(cal.TARGETS["instruments_sf"], self.scale))
        ot_n = cal.increments(cal.scaled(cal.TARGETS["instruments_other"], self.scale))
        never = {k: round(v * self.scale) for k, v in cal.INSTRUMENTS_NEVER.items()}
        free = list(self.plans)
        slo = next(pl for pl in free if pl.part.project.acronym == real.SLOVENIAN_PLAN[0]
                   and pl.part.org.country == real.SLOVENIAN_PLAN[1])
        for k in range(3):
            limit = cal.SNAPSHOTS[k].day
            opens = cal.window_bounds(k)[0] + timedelta(days=60)
            # strictly before the snapshot day: the first change comes after the plan, in the window
            cands = [pl for pl in free if pl.day < limit]
            if k == 0:
                cands.remove(slo)
            n_sf = sf_n[k] - (1 if k == 0 else 0)
            if len(cands) < sf_n[k] + ot_n[k]:
                raise BuildError(f"calibration: too few action plans for the instruments of "
                                 f"window {k + 1}")
            if k == 0:
                inst = self._real_instrument()
                inst.window = 0
                inst.plans.append(slo)
                slo.instrument = inst
                improved.setdefault(slo.part.project.key, set()).add(inst.record)
            chosen_sf: list[Plan] = []
            for pl in self._running_first(cands, len(cands), opens):
                if len(chosen_sf) == n_sf:
                    break
                taken = improved.setdefault(pl.part.project.key, set())
                op = self._pick_op(pl, taken)
                if op is None:
                    continue
                taken.add(op.cci)
                chosen_sf.append(pl)
                inst = self._instrument(pl, True, op, taken)
                inst.window = k
                inst.plans.append(pl)
                pl.instrument = inst
            if len(chosen_sf) < n_sf:
                raise BuildError(f"calibration: too few action plans to improve {n_sf} Structural Funds "
                                 f"programmes in window {k + 1}")
            chosen_set = set(map(id, chosen_sf))
            rest = [pl for pl in cands if id(pl) not in chosen_set]
            chosen_ot = self._running_first(rest, ot_n[k], opens)
            for pl in chosen_ot:
                taken = improved.setdefault(pl.part.project.key, set())
                inst = self._instrument(pl, False, taken=taken)
                taken.add(inst.record)
                inst.window = k
                inst.plans.append(pl)
                pl.instrument = inst
            used = set(map(id, chosen_sf + chosen_ot)) | ({id(slo)} if k == 0 else set())
            free = [pl for pl in free if id(pl) not in used]
        # instruments addressed but never improved by the programme's end
        sf_free = [pl for pl in free if self._ops_of(pl)]
        for pl in rng.sample(sf_free, min(never["sf"], len(sf_free))):
            inst = self._instrument(pl, True)
            inst.plans.append(pl)
            pl.instrument = inst
        free = [pl for pl in free if pl.instrument is None]
        for pl in rng.sample(free, min(never["other"], len(free))):
            inst = self._instrument(pl, False)
            inst.plans.append(pl)
            pl.instrument = inst
        # the other plans address an instrument that another plan of the same country addresses
        # (a real programme: as an instrument of their own project, which it does not improve)
        # (indexed by the area each covers, in the order they were made: scanning a country's
        # instruments for each plan grew quadratically)
        by_area: dict[str, tuple[list[int], list[Instrument]]] = {}
        for n, inst in enumerate(self.instruments):
            at = by_area.setdefault(inst.covers, ([], []))
            at[0].append(n)
            at[1].append(inst)
        for pl in self.plans:
            if pl.instrument is not None:
                continue
            areas = {pl.region, self.regions[pl.region].parent, pl.region[:2]}
            lists = [by_area[a] for a in sorted(a for a in areas if a) if a in by_area]
            total = sum(len(ps) for ps, _ in lists)
            if total:
                # the instrument rng.choice draws from their list in the order they were made
                inst = _kth(lists, rng.randrange(total))
            else:
                inst = self._instrument(pl, False)
                at = by_area.setdefault(inst.covers, ([], []))
                at[0].append(len(self.instruments))
                at[1].append(inst)
            if total and inst.window is not None and inst.plans[0].part.project is not pl.part.project:
                # an instrument another project improves: addressed here as this project's own
                inst = self._addressed(inst, pl)
            inst.plans.append(pl)
            pl.instrument = inst

    def _running_first(self, plans: list[Plan], n: int, opens: date) -> list[Plan]:
        """``n`` plans drawn first among those whose project still runs at ``opens``: an
        instrument's first change then falls within its project's life."""
        running = [pl for pl in plans if pl.part.project.end >= opens]
        picked = self.rng.sample(running, min(n, len(running)))
        if len(picked) < n:
            taken = set(map(id, picked))
            picked += self.rng.sample([pl for pl in plans if id(pl) not in taken], n - len(picked))
        return picked

    def _real_instrument(self) -> Instrument:
        """The Slovenian programme as ERUDITE's instrument (its change's key is the CCI code's)."""
        op = next(op for op in self.ops if op.cci == real.SLOVENIAN_OP)
        inst = Instrument(op.cci, op.cci, op.title, "operational-programme-igj", op.country, op.covers, True, op,
                          real_source=real.STORY)
        self.instruments.append(inst)
        return inst

    def _actions(self) -> None:
        rng = self.rng
        for pl in self.plans:
            p = pl.part.project
            others = [gp for gp in p.practices if gp.region != pl.region]
            before = [gp for gp in others if gp.identified <= pl.day] or others
            # in ERUDITE, the project's flagship practice (real) inspires the first action of its
            # other partners' plans too (generated): its lineage holds the real chain and
            # generated ones around it
            flagship = next((gp for gp in before if gp.title == real.SLOVENIAN_ACTION[2]), None) \
                if p.acronym == real.SLOVENIAN_PLAN[0] else None
            for n in range(1, rng.randint(2, 5) + 1):
                k = min(len(before), rng.choice((1, 1, 2)))
                chosen = rng.sample(before, k) if k else []
                if n == 1 and flagship is not None and flagship not in chosen:
                    chosen = [flagship, *chosen[:k - 1]]
                title = (f"{rng.choice(ACTION_VERBS)} {_lower_first(chosen[0].title)} in "
                         f"{self.label(pl.region)}" if chosen
                         else f"Improve the policy instrument in {self.label(pl.region)}")
                pl.actions.append(Action(f"{pl.key}-A{n}", title, chosen))
            if (p.acronym, pl.part.org.country) == real.SLOVENIAN_PLAN:
                title, source, practice_title = real.SLOVENIAN_ACTION
                gp = next(g for g in p.practices if g.title == practice_title)
                pl.actions[0] = Action(f"{pl.key}-A1", title, [gp], source)

    def _changes(self) -> None:
        """Policy changes: an instrument's first change in its window, after the plan and within
        its project's life where the window allows, a few later ones within that life too;
        then which changes carry EUR and of which type (:meth:`_money`)."""
        rng = self.rng
        for inst in self.instruments:
            if inst.window is None:
                continue
            wlo, whi = cal.window_bounds(inst.window)
            first = inst.plans[0] if inst.real_source else min(inst.plans, key=lambda pl: pl.day)
            end = first.part.project.end
            lo = max(wlo, first.day + timedelta(days=30))
            day = cal.working_day(rng, lo, min(whi, end) if lo <= min(whi, end) else whi)
            if day > whi or day <= first.day:
                day = max(first.day + timedelta(days=1), wlo)
            days = [day]
            while rng.random() < 0.4 and len(days) < 4 and day + timedelta(days=30) < end:
                days.append(cal.working_day(rng, day + timedelta(days=30), end))
            for n, d in enumerate(sorted(days), start=1):
                plans = [pl for pl in inst.plans if pl.part.project is first.part.project
                         and pl.day < d <= pl.part.project.end] or [first]
                pl = rng.choice(plans)
                if inst.real_source and n == 1:
                    pl = inst.plans[0]
                inspired = [a for a in pl.actions if a.practices]
                if not inspired:
                    raise BuildError(f"calibration: action plan {pl.key} has no practice to follow")
                action = rng.choice(inspired)
                ch = Change(f"{inst.key}-C{n}", inst, pl, action, d, "improved-management", 0, False)
                if inst.real_source and n == 1:
                    label, source, ctype_real = real.SLOVENIAN_CHANGE
                    action = next(a for a in pl.actions if a.real_source)
                    ch = Change(f"{inst.key}-C{n}", inst, pl, action, d, ctype_real, 0, True, source, label)
                self.changes.append(ch)
        self._money()

    def _money(self) -> None:
        """EUR and types. Each (window, Structural Funds or not) cell adds up to its published
        total, perturbed within the published rounding (to the EUR million), so that no total
        is a round sum; a cell pays as many changes as its total needs at the programme-wide
        mean, so that the amounts are drawn alike in every window (no jump at a snapshot
        date); a change with EUR is most often "new projects", one without never is."""
        rng = self.rng
        cells: dict[tuple[int, bool], list[Change]] = {}
        for ch in self.changes:
            cells.setdefault((cal.window_of(ch.day), ch.instrument.sf), []).append(ch)
        targets: dict[tuple[int, bool], int] = {}
        for sf, name in ((True, "impact_sf_eur"), (False, "impact_other_eur")):
            cum = cal.scaled(cal.TARGETS[name], self.scale)
            jitter = round(200_000 * self.scale)
            cum = tuple(c + rng.randint(-jitter, jitter) for c in cum)
            for k, amount in enumerate(cal.increments(cum)):
                targets[(k, sf)] = max(amount, 0)
        # about four changes in five carry EUR; the cells that need the most per change first (a
        # cell with more money than changes pays them all), the rest at the mean left over
        money, slots = sum(targets.values()), round(0.8 * len(self.changes))
        top: float | None = None  # the mean of the most demanding cell: no other is under 1/3.5 of it
        for key in sorted(cells, key=lambda k: (-targets.get(k, 0) / len(cells[k]), k)):
            cell = cells[key]
            amount = targets.get(key, 0)
            mean = max(money / max(1, slots), top / 3.5 if top else 0)
            forced = [ch for ch in cell if ch.real_source]
            n_pay = min(len(cell), max(len(forced), round(amount / mean) if amount else 0, 1 if amount else 0))
            money, slots = money - amount, slots - n_pay
            if top is None and n_pay:
                top = amount / n_pay
            others = [ch for ch in cell if not ch.real_source]
            paying = forced + rng.sample(others, n_pay - len(forced))
            paid = set(map(id, paying))
            for ch in cell:
                ch.has_money = id(ch) in paid
                if ch.real_source:
                    continue
                ch.ctype = (_pick(rng, PAYING_CHANGE_TYPES) if ch.has_money else
                            _pick(rng, {k: v for k, v in CHANGE_TYPES.items() if k != "new-projects"}))
            if amount and not paying:
                raise BuildError(f"calibration: no policy change to carry EUR {amount:,} in window {key[0] + 1}")
            weights = [rng.paretovariate(1.3) for _ in paying]
            for ch, eur in zip(paying, cal.apportion(amount, weights)):
                ch.eur = eur

    # ----------------------------------------------------------------- writing
    def run(self, out: IO[str]) -> GenerationSummary:
        self._region_weights()
        self._projects()
        self._partnerships()
        self._events()
        self._reports()
        self._practices()
        self._plans()
        self._instruments()
        self._actions()
        self._changes()
        return self._write(out)

    def _write(self, out: IO[str]) -> GenerationSummary:
        g = self.g
        w = QuadWriter(out, g.generated, alignments(), g.inferred)
        run_iri = g.data_iri("activity", f"generation-seed-{self.seed}-scale-{self.scale:g}")
        # the same few thousand terms are written millions of times at scale 10: cache them
        ikg = lru_cache(maxsize=None)(lambda t: iri(IKG + t))
        gen_by = iri(PROV + "wasGeneratedBy")
        run = iri(run_iri)
        rw = RecordWriter(w, g)
        rw.run(run_iri, f"ikg generator {GENERATOR_VERSION}, seed {self.seed}, scale {self.scale:g}",
               "Synthetic records calibrated to the programme's published figures; they are not "
               "real projects, partners or amounts.", self.seed, Decimal(f"{self.scale:g}"), GENERATOR_VERSION)

        def record(s: str, cls: str, label: str) -> None:
            """Type, label and provenance of a generated record of no mapped table."""
            w.type(s, ikg(cls))
            w.add(s, RDFS_LABEL, lit(label))
            w.add(s, gen_by, run)

        prog = iri(g.data_iri("programme", real.PROGRAMME_KEY))
        for k, (opened, closed) in enumerate(CALL_OPENINGS, start=1):
            c = iri(g.data_iri("call", f"{real.PROGRAMME_KEY}-call-{k}"))
            record(c, "Call", f"Interreg Europe 2014-2020, call {k}")
            w.add(c, ikg("programme"), prog)
            w.add(c, ikg("callNumber"), typed(k))
            w.add(c, ikg("startDate"), typed(opened))
            w.add(c, ikg("endDate"), typed(closed))

        tables_ = tables()
        made = Provenance.generated(g, run_iri)
        for o in self.orgs:
            stated_by = o.real_facts.get("source")
            prov = (made if stated_by is None else
                    Provenance.completed(g, stated_by, frozenset(o.real_facts) - {"source"}))
            rw.organisation(OrganisationRecord(o.key, o.name, o.nuts3, o.country, o.nuts2, o.otype,
                                               o.legal, o.responsibility), prov)

        for p in self.projects:
            s = iri(g.data_iri("project", p.key))
            prov = (made if p.real_source is None else
                    Provenance.completed(g, p.real_source, frozenset({"acronym", "programme"})))
            rw.project(ProjectRecord(
                p.key, p.acronym, title=p.title, programme=real.PROGRAMME_KEY,
                call=f"{real.PROGRAMME_KEY}-call-{p.call + 1}", topic=p.topic, start=p.start,
                end=p.end, erdf=Decimal(p.erdf), total=sum((pt.eligible or Decimal(0) for pt in p.parts),
                                                          Decimal(0))), prov)
            for pt in p.parts:
                national = pt.org.country in cal.NATIONALLY_FUNDED
                rw.participation(ParticipationRecord(
                    f"{p.key}-{pt.number}", p.key, pt.org.key, f"{pt.org.name} in {p.acronym}",
                    pt.number, pt.role, None if national else Decimal(pt.erdf), pt.eligible, pt.rate), made)
            for gp in p.practices:
                gp_real = gp.real
                stated = frozenset({"title", "spatial"} | ({"project"} if real.practice_project_is_real(gp_real)
                                                          else set()))
                rw.mapped(tables_["practices"], {
                    "key": gp.key, "title": gp.title, "project": p.key, "organisation": gp.org.key,
                    "region": gp.region, "topic": p.topic, "identified_on": gp.identified,
                    "validated_on": gp.validated, "spatial": gp_real.spatial if gp_real else None,
                }, made if gp_real is None else Provenance.completed(g, gp_real.source, stated, run_iri))

        for n, (p, day, etype, host) in enumerate(self.events, start=1):
            rw.mapped(tables_["events"], {
                "key": f"{p.key}-{day.isoformat()}-{n}",
                "title": f"{etype.replace('-', ' ').capitalize()} of {p.acronym} in {self.label(host)}",
                "project": p.key, "type": etype, "date": day, "region": host}, made)

        for p, n, day, people in self.reports:
            s = iri(g.data_iri("report", f"{p.key}-R{n}"))
            record(s, "ProgressReport", f"Progress report {n} of {p.acronym}")
            w.add(s, ikg("inProject"), iri(g.data_iri("project", p.key)))
            w.add(s, ikg("date"), typed(day))
            w.add(s, ikg("peopleWithIncreasedCapacity"), typed(people))

        ops = write_operational_programmes(w, g, self.regions.values())
        w.use(g.generated)
        written: set[str] = set()
        for inst in self.instruments:
            if inst.op is None and inst.record not in written:  # a real programme's record is written above
                written.add(inst.record)
                rw.mapped(tables_["instruments"], {
                    "key": inst.record, "title": inst.title, "type": inst.itype, "country": inst.country,
                    "covers": inst.covers}, made)

        for pl in self.plans:
            p = pl.part.project
            assert pl.instrument is not None  # _instruments gives every plan one
            rw.mapped(tables_["action-plans"], {
                "key": pl.key, "title": f"Action plan for {pl.instrument.title}", "project": p.key,
                "organisation": pl.part.org.key, "instrument": pl.instrument.record, "region": pl.region,
                "date": pl.day}, made, label=f"Action plan of {pl.part.org.name} ({p.acronym})")
            for a in pl.actions:
                rw.mapped(tables_["actions"], {
                    "key": a.key, "title": a.title, "action_plan": pl.key,
                    "inspired_by": [gp.key for gp in a.practices],
                }, made if a.real_source is None else
                    Provenance.completed(g, a.real_source, frozenset({"title", "inspired_by"}), run_iri))

        for ch in self.changes:
            is_real = ch.real_source is not None
            rw.mapped(tables_["changes"], {
                "key": ch.key,
                "title": ch.label or f"{ch.ctype.replace('-', ' ').capitalize()}: {ch.instrument.title}",
                "instrument": ch.instrument.record, "action": ch.action.key, "type": ch.ctype, "date": ch.day,
                "eur": Decimal(ch.eur), "region": ch.plan.region,
                "spatial": ch.instrument.country if is_real else None,
                "inspired_by": [gp.key for gp in ch.action.practices],
                "evidence": f"Action '{ch.action.title}' of the action plan {ch.plan.key}",
            }, made if ch.real_source is None else Provenance.completed(
                g, ch.real_source, frozenset({"instrument", "type", "spatial", "inspired_by"}), run_iri))

        real.write_programmes(w, g)
        records = {
            "projects": len(self.projects),
            "organisations": len(self.orgs),
            "participations": sum(len(p.parts) for p in self.projects),
            "events": len(self.events),
            "reports": len(self.reports),
            "practices": sum(len(p.practices) for p in self.projects),
            "action_plans": len(self.plans),
            "actions": sum(len(pl.actions) for pl in self.plans),
            "instruments": len(self.instruments),
            "operational_programmes": ops,
            "changes": len(self.changes),
            "inactive_nuts2": len(self.inactive),
        }
        return GenerationSummary(w.count, records, run_iri)


def generate(
    out: IO[str],
    *,
    seed: int = 42,
    scale: float = 1.0,
    regions: tuple[Region, ...],
    categories: dict[str, RegionCategory],
    graphs: Graphs | None = None,
) -> GenerationSummary:
    """Write the generated Interreg Europe 2014-2020 graph as N-Quads to ``out``.

    Parameters
    ----------
    out : text stream
        Receives N-Quads lines.
    seed : int
        Seed of the random generator; the same seed and scale give the same output.
    scale : float
        Multiplier on every count (1 reproduces the published figures).
    regions, categories
        From :func:`graph.regions.nuts_regions` and :func:`graph.regions.region_categories`.
    graphs : Graphs, optional
        The named graphs and base IRI (default base when None).

    Returns
    -------
    GenerationSummary

    Raises
    ------
    BuildError
        When the calibration cannot be met (for example at a tiny scale).
    """
    return _Generator(seed, scale, regions, categories, graphs or Graphs()).run(out)
