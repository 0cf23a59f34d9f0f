"""The default graph's synthetic layer is plausible (issue #13): each finding of the review is a test
on the default graph, with the figure that showed it in the test's name or message."""

from __future__ import annotations

from decimal import Decimal

from graph.calibration import COFINANCING, PROJECTS_ERDF

P = """PREFIX ikg: <https://ikg.example.org/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


def _d(term) -> Decimal:
    return Decimal(str(term))


def test_norwegian_and_swiss_partners_get_no_erdf_they_had_eur_3_8_and_5_9_million(default_kg):
    rows = default_kg.query(P + """SELECT ?country (COUNT(?pt) AS ?n) (SUM(COALESCE(?erdf, 0)) AS ?sum)
        (SUM(?eligible) AS ?budget) WHERE {
                ?pt a ikg:Participation ; ikg:participant/ikg:country ?c ; ikg:eligibleExpenditure ?eligible .
                OPTIONAL { ?pt ikg:erdfBudget ?erdf } BIND (STRAFTER(STR(?c), "/code/") AS ?country)
                FILTER (?country IN ("NO", "CH")) } GROUP BY ?country""").rows
    assert {str(r[0]) for r in rows} == {"NO", "CH"}
    for country, n, erdf, budget in rows:
        assert int(str(n)) > 10 and _d(erdf) == 0, f"{country}: EUR {erdf} of ERDF"
        assert _d(budget) > 0  # they take part, with national funds


def test_erdf_is_85_percent_of_a_public_and_75_percent_of_a_private_partners_budget_not_82_percent_of_every_project(
        default_kg):
    rows = default_kg.query(P + """SELECT ?legal ?rate ?erdf ?eligible WHERE {
        ?pt a ikg:Participation ; ikg:erdfBudget ?erdf ; ikg:eligibleExpenditure ?eligible ; ikg:cofinancingRate ?rate ;
            ikg:participant/ikg:legalStatus ?legal }""").rows
    assert len(rows) > 2000
    for legal, rate, erdf, eligible in rows:
        assert _d(rate) == COFINANCING[str(legal).rsplit("/", 1)[-1]]
        assert abs(_d(eligible) * _d(rate) - _d(erdf)) < Decimal("0.01")
    ratios = default_kg.query(P + """SELECT DISTINCT ?r WHERE { ?p a ikg:Project ; ikg:erdfBudget ?e ;
        ikg:totalBudget ?t BIND (ROUND(?e / ?t * 1000) AS ?r) }""").rows
    assert len(ratios) > 20, "ERDF / total budget was 0.82 for all 258 projects"


def test_project_erdf_adds_up_to_keep_eus_334_94_million_within_half_a_percent_not_302_8(default_kg):
    (total,) = default_kg.query(P + "SELECT (SUM(?e) AS ?t) WHERE { ?p a ikg:Project ; ikg:erdfBudget ?e }").rows[0]
    assert abs(_d(total) / PROJECTS_ERDF - 1) <= Decimal("0.005"), f"EUR {total}"
    assert _d(total) % 10_000 != 0  # not a calibrated round sum
    (parts,) = default_kg.query(P + """SELECT (SUM(?e) AS ?t) WHERE { ?pt a ikg:Participation ;
        ikg:erdfBudget ?e }""").rows[0]
    assert _d(parts) == _d(total)  # the projects' ERDF is their partners'


def test_learning_events_fall_on_working_days_none_on_weekends_28_percent_or_25_december_41(default_kg):
    from datetime import date

    from graph.calibration import is_working_day

    days = [date.fromisoformat(str(r[0])) for r in default_kg.query(P + """SELECT ?d WHERE {
        ?e a ikg:LearningEvent ; ikg:date ?d }""").rows]
    assert len(days) > 15_000
    off = [d for d in days if not is_working_day(d)]
    assert off == [], f"{len(off)} events on weekends or holidays, e.g. {off[:3]}"


def test_learning_events_concentrate_in_the_first_phase_not_spread_over_the_whole_project(default_kg):
    rows = default_kg.query(P + """SELECT ?d ?start ?end WHERE { ?e a ikg:LearningEvent ; ikg:date ?d ;
        ikg:inProject ?p . ?p ikg:startDate ?start ; ikg:endDate ?end }""").rows
    from datetime import date

    early = sum(1 for d, s, e in rows
                if (date.fromisoformat(str(d)) - date.fromisoformat(str(s))).days
                <= 0.6 * (date.fromisoformat(str(e)) - date.fromisoformat(str(s))).days)
    assert early / len(rows) >= 0.7, f"{early / len(rows):.0%} of events in the first 60% of their project"
