"""The default graph reproduces every published figure of DESIGN.md, by SPARQL over the store."""

from __future__ import annotations

import pytest

from graph.calibration import PUBLISHED, SNAPSHOTS
from graph.stats import headline_figures, published_comparison

CASES = [(snap, measure) for snap in PUBLISHED for measure in PUBLISHED[snap]]


@pytest.fixture(scope="module")
def comparison(default_kg):
    return {(f.snapshot, f.measure): f for f in published_comparison(default_kg)}


@pytest.mark.parametrize("snapshot, measure", CASES, ids=[f"{s}-{m}" for s, m in CASES])
def test_published_figure(comparison, snapshot, measure):
    f = comparison[(snapshot, measure)]
    assert f.ok, f"{measure} as of {f.day}: {f.value} in the graph, published {f.wording} {f.published}"


def test_exact_march_2023_figures_are_exact(comparison):
    exact = {m: comparison[("march-2023", m)].value for m in
             ("projects", "action_plans", "instruments", "sf_instruments")}
    assert exact == {"projects": 258, "action_plans": 1626, "instruments": 1016,
                     "sf_instruments": 525}
    assert round(comparison[("march-2023", "impact_meur")].value) == 1341
    assert round(comparison[("march-2023", "sf_impact_meur")].value) == 1104


def test_figures_grow_with_the_date(default_kg):
    days = [s.day for s in SNAPSHOTS]
    series = [headline_figures(default_kg, d) for d in days]
    for measure in ("events", "practices", "people", "action_plans", "instruments", "impact_meur"):
        values = [s[measure] for s in series]
        assert values == sorted(values) and values[0] < values[-1], measure


def test_nothing_counted_before_the_programme(default_kg):
    from datetime import date

    early = headline_figures(default_kg, date(2014, 1, 1))
    assert early["projects"] is None and early["events"] is None
