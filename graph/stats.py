"""The programme's headline figures computed from the store, and their comparison with the published ones. No HTTP."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import cast

from graph.calibration import PUBLISHED, SNAPSHOTS
from graph.queries import Catalogue, load_catalogue
from graph.store import KnowledgeGraph

__all__ = ["Figure", "headline_figures", "published_comparison", "meets"]

#: How each published measure is computed from a row of ``queries/headline-figures.rq``.
MEASURES = {
    "projects": lambda r: r["projects"],
    "programme_erdf_meur": lambda r: _meur(r["programmeErdf"]),
    "events": lambda r: r["events"],
    "practices": lambda r: r["practices"],
    "validated_practices": lambda r: r["validatedPractices"],
    "people": lambda r: r["people"],
    "action_plans": lambda r: r["actionPlans"],
    "instruments": lambda r: r["instruments"],
    "sf_instruments": lambda r: r["sfInstruments"],
    "impact_meur": lambda r: _meur(r["impact"]),
    "sf_impact_meur": lambda r: _meur(r["sfImpact"]),
    "organisations": lambda r: r["organisations"],
    "policy_responsible_share": lambda r: _ratio(r["policyResponsiblePartners"], r["partners"]),
    "nuts2_share": lambda r: _ratio(r["nuts2Involved"], r["nuts2Eligible"]),
    "projects_mixing_share": lambda r: _ratio(r["projectsMixingCategories"], r["projects"]),
}
LABELS = {
    "projects": "projects",
    "programme_erdf_meur": "programme budget (ERDF, MEUR)",
    "events": "policy-learning events",
    "practices": "good practices identified",
    "validated_practices": "good practices validated",
    "people": "people with increased professional capacity",
    "action_plans": "action plans",
    "instruments": "policy instruments influenced",
    "sf_instruments": "  of which Structural Funds programmes",
    "impact_meur": "financial impact (MEUR)",
    "sf_impact_meur": "  of which from Structural Funds (MEUR)",
    "organisations": "organisations",
    "policy_responsible_share": "partners that are managing authorities or intermediate bodies",
    "nuts2_share": "NUTS 2 regions involved (share of the 30 countries')",
    "projects_mixing_share": "projects mixing more and less developed regions (share)",
}


def _meur(v: object) -> float | None:
    return None if v is None else float(Decimal(str(v)) / Decimal(1_000_000))


def _ratio(a: object, b: object) -> float | None:
    return None if a is None or not b else float(a) / float(b)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Figure:
    """One measure at one snapshot: the value in the store and the published figure."""

    snapshot: str
    day: date
    measure: str
    label: str
    value: float | None
    published: object
    wording: str
    ok: bool


def meets(value: float | None, published: object, wording: str) -> bool:
    """Whether ``value`` honours the published figure as worded.

    ``exact`` (MEUR compared rounded to the unit), ``over`` (above, by less than 2%),
    ``almost`` (below, by less than 2%), ``close to``/``about``/``2%`` (within 2%),
    ``range`` (inside the published bounds).

    Examples
    --------
    >>> meets(21650, 21600, "over"), meets(5460, 5500, "almost"), meets(1341.0, 1341, "exact")
    (True, True, True)
    """
    if value is None:
        return False
    if wording == "range":
        lo, hi = cast(tuple[float, float], published)
        return lo <= value <= hi
    p = float(published)  # type: ignore[arg-type]
    if wording == "exact":
        return round(value, 6) == p or (p > 100 and round(value) == p)
    if wording == "over":
        return p < value < p * 1.02
    if wording == "almost":
        return p * 0.98 <= value < p
    if wording in ("close to", "about", "2%"):
        return abs(value - p) <= 0.02 * p
    raise ValueError(f"unknown wording {wording!r}")


def headline_figures(
    kg: KnowledgeGraph, as_of: date | None = None, catalogue: Catalogue | None = None
) -> dict[str, float | None]:
    """The measures of DESIGN.md's table as of ``as_of`` (everything when None).

    Examples
    --------
    >>> from graph.store import OxigraphGraph
    >>> headline_figures(OxigraphGraph())["projects"] is None
    True
    """
    query = (catalogue or load_catalogue()).get("headline-figures")
    values = {} if as_of is None else {"asOf": as_of.isoformat()}
    rows = query.run(kg, values).records()
    row = rows[0] if rows else {}
    return {name: fn(row) for name, fn in MEASURES.items()}


def published_comparison(kg: KnowledgeGraph) -> list[Figure]:
    """Every published figure of the three snapshots next to the value in the store."""
    out: list[Figure] = []
    catalogue = load_catalogue()
    for snap in SNAPSHOTS:
        figures = headline_figures(kg, snap.day, catalogue)
        for measure, (published, wording) in PUBLISHED[snap.name].items():
            value = figures[measure]
            out.append(Figure(snap.name, snap.day, measure, LABELS[measure], value, published,
                              wording, meets(value, published, wording)))
    return out
