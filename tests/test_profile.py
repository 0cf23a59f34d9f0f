"""A NUTS 2 region's page tells its story: projects, what it learned and taught (with EUR),
its partner regions, its place in the network; the same figures as the named queries."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from graph.namespaces import NUTS
from graph.profile import network_places, region_profile
from graph.queries import load_catalogue

LOMBARDIA = NUTS + "ITC4"
HTML = {"Accept": "text/html"}


@pytest.fixture(scope="module")
def client(default_kg):
    from service.app import create_app

    return create_app({"TESTING": True, "IKG_KG": default_kg}).test_client()


def test_the_profile_adds_up_what_the_named_queries_say(default_kg):
    story = region_profile(default_kg, LOMBARDIA)
    cat = load_catalogue()
    learned = cat.get("region-learned").run(default_kg, {"region": LOMBARDIA}).records()
    taught = cat.get("region-taught").run(default_kg, {"region": LOMBARDIA}).records()
    projects = cat.get("region-projects").run(default_kg, {"region": LOMBARDIA}).records()
    assert learned and taught and projects
    assert story["learned_eur"] == sum({r["change"]: Decimal(str(r["eur"])) for r in learned}.values())
    assert story["taught_eur"] == sum({r["change"]: Decimal(str(r["eur"])) for r in taught}.values())
    assert {p["project"] for p in story["projects"]} == {r["project"] for r in projects}
    assert sum(len(p["changes"]) for p in story["learned"]) == len(learned)
    assert all(p["region"] != LOMBARDIA for p in (*story["learned"], *story["taught"]))
    assert sum(v for _, v in story["learned_by_year"]) == float(story["learned_eur"])
    assert story["generated"]  # the default graph's exchanges are generated, and the profile says so


def test_partner_regions_are_the_regions_of_co_partners(default_kg):
    story = region_profile(default_kg, LOMBARDIA)
    rows = default_kg.query(f"""PREFIX ikg: <https://ikg.example.org/ontology#>
        SELECT DISTINCT ?other WHERE {{
          ?a ikg:participant/ikg:region <{LOMBARDIA}> ; ikg:inProject ?p .
          ?b ikg:inProject ?p ; ikg:participant/ikg:region ?other . FILTER (?other != <{LOMBARDIA}>) }}""").rows
    assert {r["other"] for r in story["partner_regions"]} == {str(r[0]) for r in rows}


def test_network_places_rank_every_region(default_kg):
    from graph.network import view_table

    places = network_places(view_table(default_kg, "regions"))
    size = places.pop("")
    assert len(places) == size["regions"] > 200
    assert sorted(p["rank"] for p in places.values()) == list(range(1, size["regions"] + 1))
    assert {p["community"] for p in places.values()} == set(range(1, size["communities"] + 1))


def test_a_region_page_tells_its_story_above_its_links(client, default_kg):
    html = client.get("/doc/nuts/ITC4", headers=HTML).get_data(as_text=True)
    assert html.index('id="profile"') < html.index('id="properties"') < html.index('id="incoming"')
    story = region_profile(default_kg, LOMBARDIA)
    assert re.search(r'id="profile-projects">(\d+)<', html).group(1) == str(len(story["projects"]))
    assert 'id="region-map"' in html and "EuroGeographics" in html
    assert html.count('class="bar"') > 0 and 'id="profile-network"' in html
    learned = re.findall(r'<h3 id="learned">.*?</table>', html, re.S)[0]
    assert len(re.findall(r'href="/doc/practice/', learned)) == sum(len(p["changes"]) for p in story["learned"])
    assert 'class="generated-mark">generated' in learned


def test_only_nuts_2_regions_have_a_story(client):
    assert 'id="profile"' not in client.get("/doc/nuts/ITC", headers=HTML).get_data(as_text=True)  # NUTS 1
    assert 'id="profile"' not in client.get("/doc/project/ERUDITE", headers=HTML).get_data(as_text=True)


def test_a_practice_page_maps_where_it_travelled(client, default_kg):
    from graph import lineage
    from graph.profile import practice_travels

    practice = str(default_kg.query("""PREFIX ikg: <https://ikg.example.org/ontology#>
        SELECT ?p WHERE { ?c ikg:inspiredBy ?p ; ikg:region ?r } GROUP BY ?p
        HAVING (COUNT(DISTINCT ?r) > 1) ORDER BY ?p LIMIT 1""").rows[0][0])
    travels = practice_travels(default_kg, practice)
    summary = lineage.summary(default_kg, iri=practice, base="https://ikg.example.org")
    assert len(travels["regions"]) == summary["totals"]["regions"] > 0
    assert sum(r["changes"] for r in travels["regions"]) == summary["totals"]["changes"]
    html = client.get(practice.replace("https://ikg.example.org/id/", "/doc/"), headers=HTML).get_data(as_text=True)
    section = re.search(r'<section id="travels".*?</section>', html, re.S).group(0)
    elsewhere = [r for r in travels["regions"] if r["code"] != travels["origin"]["code"]]
    assert section.count("<line") == len(elsewhere) > 0 and "EuroGeographics" in section  # an arrow each
    assert 'class="origin"' in section and f'/doc/nuts/{travels["origin"]["code"]}' in section


def test_a_project_page_maps_its_partners(client, default_kg):
    from graph.profile import project_places

    places = project_places(default_kg, "https://ikg.example.org/id/project/ERUDITE")
    assert places and all(p["partners"] for p in places)
    html = client.get("/doc/project/ERUDITE", headers=HTML).get_data(as_text=True)
    section = re.search(r'<section id="partners-map".*?</section>', html, re.S).group(0)
    assert section.count("<circle") + section.count("Not on the map") >= len(places) > 0
    for p in places:
        assert f'/doc/nuts/{p["code"]}' in section


def test_the_profile_names_its_partners_and_the_instruments_it_changed(default_kg, client):
    story = region_profile(default_kg, LOMBARDIA)
    assert story["organisations"] and sum(o["projects"] for o in story["organisations"]) >= len(story["projects"])
    changes = [c for p in story["learned"] for c in p["changes"]]
    assert all(c["instrument"] and c["instrumentTitle"] for c in changes)
    html = client.get("/doc/nuts/ITC4", headers=HTML).get_data(as_text=True)
    assert 'id="organisations"' in html and 'href="/doc/instrument/' in html
