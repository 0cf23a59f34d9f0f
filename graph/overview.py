"""What the front page shows of the programme: its headline figures as of a day, their course
over time, the regions' involvement, the practices that travelled furthest. No HTTP.

The figures come from ``headline-timeline``, the records of ``headline-figures`` by the day
each starts to count: one query (about 2 s at scale 1) after which every day's figures and
the course over time are sums, where ``headline-figures`` takes about a second per day. The
service keeps the answers for the version of the data it serves.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from graph.calibration import PROGRAMME_START, PUBLISHED, SNAPSHOTS
from graph.queries import Catalogue, load_catalogue
from graph.stats import LABELS, MEASURES, meets
from graph.store import KnowledgeGraph

__all__ = ["CARDS", "SERIES", "Timeline", "timeline", "figures_as_of", "series", "involvement", "travelled",
           "series_days"]

#: The figures the front page shows as cards, in order.
CARDS = ("projects", "organisations", "events", "practices", "action_plans", "instruments", "impact_meur",
         "sf_impact_meur")
#: The figures drawn over time.
SERIES = ("projects", "practices", "action_plans", "impact_meur")


def _catalogue(catalogue: Catalogue | None) -> Catalogue:
    return catalogue or load_catalogue()


@dataclass(frozen=True)
class Timeline:
    """The headline figures' records by the day each starts to count (``headline-timeline``):
    for each measure, its days in order and the running total up to each; the undated
    measures (programme budget, eligible regions) once."""

    days: dict[str, list[date]]
    totals: dict[str, list[Any]]
    undated: dict[str, Any]

    def row(self, day: date | None) -> dict[str, Any]:
        """What ``headline-figures`` answers for ``day`` (everything when None): a measure
        with nothing dated up to the day is None, as there."""
        out = dict(self.undated)
        for measure, days in self.days.items():
            n = len(days) if day is None else bisect_right(days, day)
            out[measure] = self.totals[measure][n - 1] if n else None
        return out


def timeline(kg: KnowledgeGraph, catalogue: Catalogue | None = None) -> Timeline:
    """The store's :class:`Timeline`: one query, after which the figures of any day are
    added up without the store."""
    days: dict[str, list[date]] = {}
    totals: dict[str, list[Any]] = {}
    undated: dict[str, Any] = {}
    for r in _catalogue(catalogue).get("headline-timeline").run(kg, {}).records():
        if r["day"] is None:
            undated[r["measure"]] = r["value"]
            continue
        so_far = totals.setdefault(r["measure"], [])
        days.setdefault(r["measure"], []).append(r["day"])
        so_far.append((so_far[-1] if so_far else 0) + r["value"])
    return Timeline(days, totals, undated)


def figures_as_of(line: Timeline, day: date | None = None) -> dict[str, Any]:
    """The headline figures counted up to ``day`` (everything when None), with their labels,
    and, on a day the programme published figures for, the published ones next to them
    (as ``headline_figures`` counts them: a test holds the two to the same numbers)."""
    row: defaultdict[str, Any] = defaultdict(lambda: None, line.row(day))  # a measure with no record: None
    figures = {name: fn(row) for name, fn in MEASURES.items()}
    snapshot = next((s for s in SNAPSHOTS if s.day == day), None)
    published = {}
    if snapshot is not None:
        for measure, (value, wording) in PUBLISHED[snapshot.name].items():
            published[measure] = {"value": value, "wording": wording,
                                  "meets": meets(figures[measure], value, wording)}
    return {"day": day.isoformat() if day else None, "snapshot": snapshot.name if snapshot else None,
            "figures": figures, "labels": {k: LABELS[k].strip() for k in figures}, "published": published}


def series_days() -> list[date]:
    """The days the figures are drawn at: each year's end from the programme's start to its
    end, and the published snapshots."""
    last = SNAPSHOTS[-1].day
    days = {date(y, 12, 31) for y in range(PROGRAMME_START.year, last.year + 1)} | {s.day for s in SNAPSHOTS}
    return sorted(d for d in days if d <= last)


def series(line: Timeline) -> list[dict[str, Any]]:
    """:data:`SERIES` at each of :func:`series_days`."""
    out = []
    for day in series_days():
        figures = figures_as_of(line, day)["figures"]
        out.append({"day": day.isoformat(), **{k: figures[k] for k in SERIES}})
    return out


def involvement(kg: KnowledgeGraph, day: date | None = None,
                catalogue: Catalogue | None = None) -> list[dict[str, Any]]:
    """Every NUTS 2 region with partners in projects started up to ``day``: code, label,
    partners, projects, generated partners."""
    values = {"asOf": day.isoformat()} if day else {}
    rows = _catalogue(catalogue).get("region-involvement").run(kg, values).records()
    return [{k: r[k] for k in ("region", "code", "label", "partners", "projects", "generatedPartners")}
            for r in rows]


def travelled(kg: KnowledgeGraph, limit: int = 10, catalogue: Catalogue | None = None) -> list[dict[str, Any]]:
    """The ``limit`` practices that inspired policy changes in the most regions."""
    return _catalogue(catalogue).get("travelling-practices").run(kg, {}).records()[:limit]
