"""The published figures the default graph reproduces, and the arithmetic that hits them. No HTTP."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

__all__ = [
    "SNAPSHOTS",
    "Snapshot",
    "PUBLISHED",
    "TARGETS",
    "PROJECTS_PER_CALL",
    "PROJECTS_ERDF",
    "COFINANCING",
    "NATIONALLY_FUNDED",
    "MAX_REGION_SHARE",
    "ORGANISATIONS",
    "NUTS2_INACTIVE_SHARE",
    "apportion",
    "window_of",
    "working_day",
    "is_working_day",
]


@dataclass(frozen=True)
class Snapshot:
    """A dated set of published figures."""

    name: str
    day: date


#: The three dates the programme published figures for (DESIGN.md).
SNAPSHOTS = (
    Snapshot("june-2022", date(2022, 6, 30)),
    Snapshot("march-2023", date(2023, 3, 31)),
    Snapshot("programme-end", date(2023, 12, 31)),
)
PROGRAMME_START = date(2015, 1, 1)

#: The figures as published, for the tests and ``ikg stats``: (value, how it is worded).
#: Exact figures must match exactly; "over"/"almost"/"close to"/"about" within their wording;
#: the June 2022 and programme-end snapshots within 2%.
PUBLISHED: dict[str, dict[str, tuple[float | tuple[float, float], str]]] = {
    "march-2023": {
        "projects": (258, "exact"),
        "programme_erdf_meur": (359, "exact"),
        "events": (15000, "close to"),
        "practices": (5500, "almost"),
        "validated_practices": (3100, "over"),
        "people": (21600, "over"),
        "action_plans": (1626, "exact"),
        "instruments": (1016, "exact"),
        "sf_instruments": (525, "exact"),
        "impact_meur": (1341, "exact"),
        "sf_impact_meur": (1104, "exact"),
    },
    "june-2022": {
        "events": (13500, "2%"),
        "practices": (4900, "2%"),
        "people": (16800, "2%"),
        "action_plans": (1158, "2%"),
        "instruments": (880, "2%"),
        "sf_instruments": (483, "2%"),
        "impact_meur": (1295, "2%"),
        "sf_impact_meur": (1076, "2%"),
    },
    "programme-end": {
        "events": (16000, "over"),
        "practices": (5800, "2%"),
        "validated_practices": (3200, "about"),
        "people": (22400, "2%"),
        "action_plans": (1701, "2%"),
        "instruments": (1290, "2%"),
        "sf_instruments": (633, "2%"),
        "impact_meur": (1474, "2%"),
        "sf_impact_meur": (1186, "2%"),
        "organisations": (2000, "over"),
        "policy_responsible_share": ((0.22, 0.28), "range"),  # "about 25%"
        "nuts2_share": ((0.88, 0.90), "range"),
        "projects_mixing_share": (1.0, "exact"),
    },
}

#: What the generator aims at, cumulative at the three snapshots, at scale 1.
#: Where the published wording is loose ("close to 15,000") the aim is a value inside it.
TARGETS: dict[str, tuple[int, int, int]] = {
    "events": (13500, 14880, 16120),
    "practices": (4900, 5460, 5800),
    "people": (16800, 21650, 22400),
    "action_plans": (1158, 1626, 1701),
    "instruments_sf": (483, 525, 633),
    "instruments_other": (880 - 483, 1016 - 525, 1290 - 633),
    "impact_sf_eur": (1_076_000_000, 1_104_000_000, 1_186_000_000),
    "impact_other_eur": (219_000_000, 237_000_000, 288_000_000),
}
#: Validated practices, cumulative at March 2023 and programme end (no June 2022 figure).
VALIDATED = (3130, 3210)
#: Instruments addressed by an action plan but not (yet) improved by the programme's end.
INSTRUMENTS_NEVER = {"sf": 60, "other": 150}
PROJECTS_PER_CALL = (64, 66, 55, 73)
#: ERDF to the 258 projects, by keep.eu (Interreg Europe 2014-2020, programme 58): EUR 334.94
#: million, rounded there to EUR 10,000; the rest of the 359 MEUR went to the policy learning
#: platforms and technical assistance.
PROJECTS_ERDF = 334_940_000
#: ERDF co-financing rate of a partner by its legal status (DESIGN.md: 85% for public bodies and
#: bodies governed by public law, 75% for private non-profit bodies). Norwegian and Swiss
#: partners take part with national funding: no ERDF (:data:`NATIONALLY_FUNDED`).
COFINANCING = {"public": Decimal("0.85"), "body-governed-by-public-law": Decimal("0.85"),
               "private-non-profit": Decimal("0.75")}
NATIONALLY_FUNDED = ("NO", "CH")
#: No NUTS 2 region has partners in more than this share of the projects (the review found
#: Közép-Dunántúl in 53 of 258, 20%).
MAX_REGION_SHARE = 0.12
ORGANISATIONS = 2030
#: About 10-12% of the NUTS 2 regions of the 30 countries had no partner.
NUTS2_INACTIVE_SHARE = 0.111


def apportion(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` into integers proportional to ``weights`` (largest remainder).

    Parameters
    ----------
    total : int
        The sum the parts must add up to exactly.
    weights : list of float
        Non-negative; at least one positive when ``total`` > 0.

    Returns
    -------
    list of int
        Parts that add up to ``total``.

    Examples
    --------
    >>> apportion(10, [1, 1, 1])
    [4, 3, 3]
    """
    if total == 0 or not weights:
        return [0] * len(weights)
    wsum = sum(weights)
    if wsum <= 0:
        raise ValueError("apportion needs a positive weight")
    raw = [total * w / wsum for w in weights]
    parts = [int(x) for x in raw]
    short = total - sum(parts)
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - parts[i]), i))
    for i in order[:short]:
        parts[i] += 1
    return parts


def window_of(day: date) -> int:
    """Index (0, 1, 2) of the snapshot window a date falls in; 3 after the programme's end."""
    for i, snap in enumerate(SNAPSHOTS):
        if day <= snap.day:
            return i
    return 3


def window_bounds(k: int) -> tuple[date, date]:
    """First and last day of window ``k``."""
    lo = PROGRAMME_START if k == 0 else date.fromordinal(SNAPSHOTS[k - 1].day.toordinal() + 1)
    return lo, SNAPSHOTS[k].day


def scaled(values: tuple[int, ...], scale: float) -> tuple[int, ...]:
    """Cumulative targets at ``scale``, kept non-decreasing."""
    out: list[int] = []
    for v in values:
        x = round(v * scale)
        out.append(max(x, out[-1]) if out else x)
    return tuple(out)


def increments(cumulative: tuple[int, ...]) -> list[int]:
    """Per-window amounts from cumulative targets."""
    return [cumulative[0]] + [b - a for a, b in zip(cumulative, cumulative[1:])]


def random_day(rng: random.Random, lo: date, hi: date) -> date:
    """A uniformly drawn day in [lo, hi] (``lo`` when the interval is empty)."""
    a, b = lo.toordinal(), hi.toordinal()
    return date.fromordinal(a if b <= a else rng.randint(a, b))


#: Days on which no meeting is held anywhere in the programme area (month, day).
HOLIDAYS = ((1, 1), (5, 1), (12, 24), (12, 25), (12, 26), (12, 31))


def is_working_day(d: date) -> bool:
    """Monday to Friday, and not one of :data:`HOLIDAYS`.

    >>> is_working_day(date(2019, 12, 25)), is_working_day(date(2019, 12, 27))
    (False, True)
    """
    return d.weekday() < 5 and (d.month, d.day) not in HOLIDAYS


def working_day(rng: random.Random, lo: date, hi: date) -> date:
    """A uniformly drawn working day (:func:`is_working_day`) in [lo, hi]; the nearest one
    after ``lo`` (or ``lo`` itself) when the interval has none."""
    for _ in range(20):
        d = random_day(rng, lo, hi)
        if is_working_day(d):
            return d
    d = lo
    while not is_working_day(d) and d < hi:
        d += timedelta(days=1)
    return d
