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


def _changes(default_kg):
    from datetime import date

    rows = default_kg.query(P + """SELECT ?c ?d ?eur ?type ?plan ?start ?end WHERE { ?c a ikg:PolicyChange ;
        ikg:date ?d ; ikg:financialImpact ?eur ; ikg:changeType ?type ;
        ikg:implements/ikg:inActionPlan ?pl . ?pl ikg:date ?plan ; ikg:inProject ?p .
        ?p ikg:startDate ?start ; ikg:endDate ?end }""").rows
    return [(str(c), date.fromisoformat(str(d)), _d(eur), str(t).rsplit("/", 1)[-1], date.fromisoformat(str(pl)),
             date.fromisoformat(str(s)), date.fromisoformat(str(e))) for c, d, eur, t, pl, s, e in rows]


def test_policy_changes_fall_within_their_projects_life_not_48_percent_after_its_end(default_kg):
    from datetime import date

    changes = _changes(default_kg)
    assert len(changes) > 2000
    after = [c for c in changes if c[1] > c[6]]
    assert len(after) / len(changes) <= 0.10, f"{len(after) / len(changes):.0%} of changes after their project"
    assert all(c[1] <= date(2023, 12, 31) for c in changes)  # none after the programme's end
    assert all(c[1] > c[4] for c in changes)  # after the action plan they implement


def test_no_pile_of_changes_at_the_end_of_2023_there_were_135_in_december_21_on_the_30th_and_31st(default_kg):
    from collections import Counter
    from datetime import date
    from statistics import median

    changes = _changes(default_kg)
    months = Counter((c[1].year, c[1].month) for c in changes)
    before = median(months[(2023, m)] for m in range(1, 12))
    assert months[(2023, 12)] <= 2 * before, f"{months[(2023, 12)]} changes in December 2023, median {before}"
    assert sum(1 for c in changes if c[1] in (date(2023, 12, 30), date(2023, 12, 31))) <= 3


def test_every_new_projects_change_has_eur_and_few_changes_have_none_105_and_33_percent_did(default_kg):
    changes = _changes(default_kg)
    assert [c for c in changes if c[3] == "new-projects" and c[2] == 0] == []
    # the published totals add little EUR after June 2022 (EUR 46 million to March 2023) for many
    # changes: some of those carry none (24% in all at seed 42, 24-27% for other seeds)
    zero = sum(1 for c in changes if c[2] == 0) / len(changes)
    assert zero <= 0.28, f"{zero:.0%} of changes have EUR 0"


def test_amounts_are_drawn_alike_in_every_window_the_median_jumped_287k_40k_78k(default_kg):
    from statistics import median

    from graph.calibration import window_of

    by_window: dict[int, list] = {}
    for c in _changes(default_kg):
        if c[2] > 0:
            by_window.setdefault(window_of(c[1]), []).append(c[2])
    medians = [median(by_window[k]) for k in range(3)]
    assert max(medians) / min(medians) < 3, f"medians {medians}"  # 7.2 before


def test_calibrated_eur_totals_are_within_the_published_rounding_and_not_round_sums(default_kg):
    from graph.calibration import SNAPSHOTS

    published = {"june-2022": (1_295, 1_076), "march-2023": (1_341, 1_104), "programme-end": (1_474, 1_186)}
    for snap in SNAPSHOTS:
        (total, sf) = default_kg.query(P + f"""SELECT (SUM(?e) AS ?t) (SUM(IF(?sf, ?e, 0)) AS ?s) WHERE {{
            ?c a ikg:PolicyChange ; ikg:date ?d ; ikg:financialImpact ?e ; ikg:improves ?i
            BIND (EXISTS {{ ?i a ikg:OperationalProgramme }} AS ?sf)
            FILTER (?d <= "{snap.day.isoformat()}"^^<http://www.w3.org/2001/XMLSchema#date>) }}""").rows[0]
        for value, million in ((_d(total), published[snap.name][0]), (_d(sf), published[snap.name][1])):
            assert abs(value - million * 1_000_000) < 500_000, f"{snap.name}: EUR {value:,} for {million:,} MEUR"
            assert value % 1000 != 0, f"{snap.name}: EUR {value:,} is a round sum"


def test_practice_titles_are_unique_within_their_project_1487_were_not(default_kg):
    (dupes,) = default_kg.query(P + """SELECT (COUNT(*) AS ?n) WHERE { ?a a ikg:GoodPractice ; ikg:identifiedIn ?p ;
        <http://purl.org/dc/terms/title> ?t . ?b a ikg:GoodPractice ; ikg:identifiedIn ?p ;
        <http://purl.org/dc/terms/title> ?t . FILTER (?a != ?b) }""").rows[0]
    assert int(str(dupes)) == 0, f"{dupes} practices share their title with another of their project"


def _projects_by_region(default_kg) -> dict[str, int]:
    rows = default_kg.query(P + """SELECT ?r (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a ikg:Project ;
        ikg:hasParticipation/ikg:participant/ikg:region ?r } GROUP BY ?r""").rows
    return {str(r).rsplit("/", 1)[-1]: int(str(n)) for r, n in rows}


def test_no_region_has_partners_in_more_than_12_percent_of_projects_hu21_had_53_of_258(default_kg):
    from graph.calibration import MAX_REGION_SHARE

    counts = _projects_by_region(default_kg)
    top = max(counts, key=counts.get)
    assert counts[top] <= MAX_REGION_SHARE * 258, f"{top} in {counts[top]} of 258 projects"


def test_capital_regions_are_above_the_median_helsinki_had_none_lisbon_1_praha_2(default_kg):
    from statistics import median

    from graph.regions import capital_nuts3, nuts_regions

    counts = _projects_by_region(default_kg)
    parent = {r.code: r.parent for r in nuts_regions()}
    capitals = {parent[c] for c in capital_nuts3()}
    assert len(capitals) == 30
    m = median(counts.values())
    below = {c: counts.get(c, 0) for c in capitals if counts.get(c, 0) <= m}
    assert not below, f"capital regions at or below the median of {m} projects: {below}"


def test_organisation_names_carry_no_doubled_nuts_labels_bayreuth_kreisfreie_stadt_county_council(default_kg):
    names = [str(r[0]) for r in default_kg.query(P + """SELECT ?n WHERE { ?o a ikg:Organisation ;
        rdfs:label ?n ; prov:wasGeneratedBy ?run }""").rows]
    doubled = [n for n in names if any(w in n for w in (", Kreisfreie Stadt", ", Landkreis", "Arr. ", "Prov. ", "/"))]
    assert doubled == [], doubled[:5]


def test_a_country_has_one_ministry_of_each_kind_the_uk_had_7_of_regional_development(default_kg):
    from collections import Counter

    from graph.orgnames import NAMES

    ministries = {n for names in NAMES.values() for n in names.get("national-authority", [])}
    rows = default_kg.query(P + """SELECT ?n ?c WHERE { ?o a ikg:Organisation ; rdfs:label ?n ;
        ikg:country ?c ; prov:wasGeneratedBy ?run }""").rows
    stems = Counter((str(n).split(" (")[0], str(c)) for n, c in rows if str(n).split(" (")[0] in ministries)
    assert len(stems) > 20 and max(stems.values()) == 1, stems.most_common(3)


def _template_pattern(template: str) -> str:
    import re

    return "".join(re.escape(part) if i % 2 == 0 else ".+" for i, part in enumerate(re.split(r"{(\w+)}", template)))


def test_organisation_names_are_in_their_countrys_language_97_percent_were_english_templates(default_kg):
    """Every generated organisation is named by a template of its country's language (a real kind of
    body and a place of its area: "Comune di Torino", "Landkreis Ostallgäu", "Consiliul Județean
    Suceava"), unique within its country; none of a non-English-speaking country has an English name."""
    import re
    from collections import Counter

    from graph.orgnames import LANGUAGES, NAMES, REGION_LANGUAGE, templates

    rows = [(str(n), str(c).rsplit("/", 1)[-1]) for n, c in default_kg.query(P + """SELECT ?n ?c WHERE {
        ?o a ikg:Organisation ; rdfs:label ?n ; ikg:country ?c ; prov:wasGeneratedBy ?run }""").rows]
    assert len(rows) > 2000
    counts = Counter(rows)
    assert max(counts.values()) == 1, counts.most_common(3)  # unique within a country
    kinds = {k for names in NAMES.values() for k in names}
    patterns: dict[str, re.Pattern] = {}
    for cc in LANGUAGES:
        langs = {LANGUAGES[cc]} | {lang for code, lang in REGION_LANGUAGE.items() if code.startswith(cc)}
        alternatives = {_template_pattern(t) for lang in langs for k in kinds
                        if k in NAMES.get(lang, {}) or k in NAMES[lang.split("-")[0]] for t in templates(lang, k)}
        # a name taken in its area gets the area after it: "Grad Zagreb (Grad Zagreb 2)"
        patterns[cc] = re.compile(f"^(?:{'|'.join(sorted(alternatives))})(?: \\(.+\\))?$")
    strays = [(n, c) for n, c in rows if not patterns[c].match(n)]
    assert strays == [], strays[:5]
    english = ("Municipality of", "University of", "County Council", "Chamber of Commerce", "Development Agency",
               "Regional Council", "Ministry of")
    foreign = [(n, c) for n, c in rows if c not in ("UK", "IE", "MT") and any(w in n for w in english)]
    assert foreign == [], foreign[:5]
    bases = Counter((re.sub(r" \([^()]*\)$", "", n), c) for n, c in rows)
    suffixed = sum(k - 1 for k in bases.values())  # names that needed their area after them
    assert suffixed / len(rows) < 0.03, f"{suffixed} of {len(rows)} names needed their area after them"


def test_real_practices_are_not_keyed_under_generated_projects_culture_for_change_was_peaknova_gp1(default_kg):
    rows = default_kg.query(P + """SELECT ?gp ?acronym ?real WHERE { ?gp a ikg:GoodPractice ;
        <http://purl.org/dc/terms/source> ?src ; ikg:identifiedIn ?p . ?p ikg:acronym ?acronym
        BIND (NOT EXISTS { ?p prov:wasGeneratedBy ?run } AS ?real) }""").rows
    assert len(rows) == 10
    for gp, acronym, real in rows:
        key = str(gp).rsplit("/", 1)[-1]
        if str(real) != "true":
            assert not key.startswith(str(acronym)), f"{key} borrows the generated project {acronym}"
    keys = {str(gp).rsplit("/", 1)[-1] for gp, _, _ in rows}
    assert "culture-for-change" in keys and "ERUDITE-GP1" in keys


def test_the_operational_programmes_are_the_commissions_312_not_693_of_which_692_invented(default_kg):
    from graph.programmes import PROGRAMMES_SOURCE, operational_programmes
    from graph.regions import nuts_regions

    real = {op.cci: op for op in operational_programmes(nuts_regions())}
    rows = default_kg.query(P + """PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?cci ?title ?g ?source ?generated WHERE { GRAPH ?g { ?op a ikg:OperationalProgramme ;
            ikg:cciCode ?cci ; dcterms:title ?title ; dcterms:source ?source } .
        BIND (EXISTS { ?op prov:wasGeneratedBy ?run } AS ?generated) }""").rows
    assert len(rows) == len(real) == 312, f"{len(rows)} programmes"
    for cci, title, g, source, generated in rows:
        assert str(title) == real[str(cci)].title, cci  # the real title of the real code
        assert str(g) == "https://ikg.example.org/graph/real" and str(source) == PROGRAMMES_SOURCE
        assert str(generated) == "false", cci
    per_country = dict(default_kg.query(P + """SELECT ?c (COUNT(?op) AS ?n) WHERE { ?op a ikg:OperationalProgramme ;
        ikg:country ?country BIND (STRAFTER(STR(?country), "/code/") AS ?c) } GROUP BY ?c""").rows)
    counts = {str(c): int(str(n)) for c, n in per_country.items()}
    assert (counts["UK"], counts["DE"], counts["SI"]) == (12, 32, 1), "the UK had 96, Germany 85, Slovenia 5"


def test_plans_address_real_programmes_of_their_own_country_and_region(default_kg):
    rows = default_kg.query(P + """SELECT ?plan ?region ?country ?covers ?level WHERE {
        ?plan a ikg:ActionPlan ; ikg:region ?region ; ikg:addresses ?op .
        ?op a ikg:OperationalProgramme ; ikg:country ?country ; ikg:coversRegion ?covers .
        ?covers ikg:nutsLevel ?level }""").rows
    assert len(rows) > 700  # 633 improved, and more addressed
    for plan, region, country, covers, level in rows:
        code, cover = str(region).rsplit("/", 1)[-1], str(covers).rsplit("/", 1)[-1]
        assert code[:2] == str(country).rsplit("/", 1)[-1], plan
        assert int(str(level)) == 0 or code.startswith(cover), f"{plan} in {code} addresses a programme of {cover}"
    titles = default_kg.query(P + """PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?t (COUNT(?op) AS ?n) WHERE { ?op a ikg:PolicyInstrument ; dcterms:title ?t }
        GROUP BY ?t HAVING (COUNT(?op) > 1)""").rows
    assert titles == [], f"'Germany multi-fund OP 2014-2020' appeared 28 times; now {titles[:3]}"
