"""Networks: views from the store, analyses on hand-made graphs, exports that round-trip, API, CLI."""

from __future__ import annotations

import io
import json

import networkx as nx
import pytest
from click.testing import CliRunner

from graph import analysis
from graph.analysis import (
    average_clustering,
    betweenness,
    category_mixing,
    centrality,
    communities,
    core_periphery,
    net_flows,
    reach,
    small_world,
)
from graph.errors import BadParameter
from graph.namespaces import prefix_block
from graph.network import Filters, export, network, pair_weights, view_metrics
from service.cli import cli
from tests.conftest import assert_error

NUTS = "http://data.europa.eu/nuts/code/"


# ---------------------------------------------------------------- views on the tiny fixture

def test_tiny_region_network_by_hand(tiny_kg):
    """ALPHA has partners in SI03 and FRE1; BETA one partner in AT22: one edge, three nodes."""
    G = network(tiny_kg, "regions")
    assert set(G.nodes) == {NUTS + "SI03", NUTS + "FRE1", NUTS + "AT22"}
    assert [(sorted((a, b)), d["weight"]) for a, b, d in G.edges(data=True)] == [
        ([NUTS + "FRE1", NUTS + "SI03"], 1)]


def test_tiny_filters(tiny_kg):
    from datetime import date

    early = network(tiny_kg, "regions", Filters(as_of=date(2017, 1, 1)))
    assert set(early.nodes) == {NUTS + "SI03", NUTS + "FRE1"}  # BETA starts in 2019
    with pytest.raises(BadParameter):
        network(tiny_kg, "regions", Filters(level=5))
    with pytest.raises(BadParameter):
        network(tiny_kg, "flows")


def test_pair_weights_by_hand():
    """p1 has x, y; p2 has x, y, z (x listed twice): x-y share two projects, the others one."""
    w = pair_weights([("p1", "y"), ("p1", "x"), ("p2", "z"), ("p2", "x"), ("p2", "y"), ("p2", "x")])
    assert w == {("x", "y"): 2, ("x", "z"): 1, ("y", "z"): 1}


# The regions view as it was counted before, by a self-join of the incidences in SPARQL
SELF_JOIN = prefix_block(["ikg"]) + """
SELECT ?a ?b (COUNT(?project) AS ?weight) WHERE {
  { SELECT DISTINCT ?project ?a WHERE { ?project a ikg:Project ; ikg:startDate ?s1 ;
      ikg:hasParticipation/ikg:participant/ikg:region ?a } }
  { SELECT DISTINCT ?project ?b WHERE { ?project a ikg:Project ; ikg:startDate ?s2 ;
      ikg:hasParticipation/ikg:participant/ikg:region ?b } }
  FILTER (STR(?a) < STR(?b))
} GROUP BY ?a ?b"""


@pytest.mark.parametrize("store", ["tiny_kg", "default_kg"])
def test_pairs_counted_in_python_match_a_sparql_count(store, request):
    kg = request.getfixturevalue(store)
    G = network(kg, "regions")
    expected = {(r["a"], r["b"]): r["weight"] for r in kg.query(SELF_JOIN).records()}
    assert expected  # the fixtures have shared projects
    assert {(a, b) if str(a) < str(b) else (b, a): d["weight"]
            for a, b, d in G.edges(data=True)} == expected


def test_views_list_nodes_in_iri_order(regions, backend_kg):
    """Whatever order the engine returns rows in, so seeded layouts do not depend on it."""
    assert list(regions) == sorted(regions, key=str)
    D = network(backend_kg, "transfers")
    assert list(D) == sorted(D, key=str)
    assert list(D.edges) == sorted(D.edges, key=lambda e: (str(e[0]), str(e[1])))


# ---------------------------------------------------------------- analyses by hand

def test_centrality_strength_and_betweenness():
    G = nx.Graph([("a", "b", {"weight": 2}), ("b", "c", {"weight": 1})])
    c = centrality(G)
    assert (c["b"]["degree"], c["b"]["strength"], c["b"]["betweenness"]) == (2, 3, 1.0)
    assert c["a"]["betweenness"] == 0.0 and c["b"]["pagerank"] > c["a"]["pagerank"]


def random_graphs():
    """Seeded random graphs, directed and not, with isolated nodes, self-loops and the
    smallest cases."""
    graphs = [nx.Graph(), nx.path_graph(2), nx.path_graph(5), nx.star_graph(6)]
    for i in range(12):
        G = nx.gnp_random_graph(5 + 3 * i, 0.05 + 0.04 * i, seed=i, directed=i % 2 == 0)
        G.add_edge(0, 0)
        graphs.append(G)
    return graphs


@pytest.mark.parametrize("dense", [True, False])
def test_betweenness_is_networkx_exact_betweenness(dense, monkeypatch):
    monkeypatch.setattr(analysis, "DENSE_NODES", 10_000 if dense else 0)
    for G in random_graphs():
        expected = nx.betweenness_centrality(G)
        got = betweenness(G, block=4)  # several blocks of sources
        assert got == pytest.approx(expected, abs=1e-12), G


@pytest.mark.parametrize("dense", [True, False])
def test_betweenness_from_sampled_sources_is_networkx_estimate(dense, monkeypatch):
    monkeypatch.setattr(analysis, "DENSE_NODES", 10_000 if dense else 0)
    for i, G in enumerate(random_graphs()[4:]):
        k = 2 + i % 5
        expected = nx.betweenness_centrality(G, k=k, seed=i)  # the same sources, the same scaling
        assert betweenness(G, block=3, k=k, seed=i) == pytest.approx(expected, abs=1e-12, nan_ok=True), G


def test_a_large_view_estimates_betweenness_and_says_so(monkeypatch):
    G = nx.gnm_random_graph(40, 120, seed=2)
    assert analysis.betweenness_sources(G) is None
    monkeypatch.setattr(analysis, "EXACT_BETWEENNESS_NODES", 30)
    monkeypatch.setattr(analysis, "BETWEENNESS_SOURCES", 10)
    assert analysis.betweenness_sources(G) == 10
    got = {n: c["betweenness"] for n, c in centrality(G, seed=5).items()}
    assert got == pytest.approx(nx.betweenness_centrality(G, k=10, seed=5), abs=1e-12)


@pytest.mark.parametrize("dense", [True, False])
def test_average_clustering_is_networkx_average_clustering(dense, monkeypatch):
    monkeypatch.setattr(analysis, "DENSE_NODES", 10_000 if dense else 0)
    for G in random_graphs()[1:]:
        U = G.to_undirected()
        assert average_clustering(U) == nx.average_clustering(U)
    assert average_clustering(nx.Graph()) == 0.0


def test_communities_split_two_triangles():
    G = nx.Graph([(1, 2), (2, 3), (1, 3), (4, 5), (5, 6), (4, 6), (3, 4)])
    assert sorted(sorted(c) for c in communities(G, seed=7)) == [[1, 2, 3], [4, 5, 6]]


def test_core_periphery_of_a_clique_with_a_tail():
    G = nx.complete_graph(4)
    G.add_edges_from([(3, 9), (9, 10)])
    cp = core_periphery(G)
    assert cp["k"] == 3 and cp["core"] == {0, 1, 2, 3} and cp["periphery"] == {9, 10}
    assert cp["core_density"] == 1.0


def test_small_world_of_a_ring_lattice_beats_random():
    G = nx.watts_strogatz_graph(60, 6, 0.0, seed=1)  # a ring lattice: clustering 0.6
    s = small_world(G, seed=3)
    assert s["clustering"] == pytest.approx(0.6)
    assert s["random_clustering"] < 0.2 and s["ratio"] > 3
    assert s["samples"] == 10 and s["seed"] == 3 and s["random_clustering_sd"] > 0
    assert small_world(G, seed=3) == s  # seeded
    assert small_world(G, seed=4)["random_clustering"] != s["random_clustering"]
    assert small_world(nx.Graph(), seed=1)["ratio"] is None


def test_net_flows_and_reach():
    D = nx.DiGraph([("a", "b", {"weight": 3, "eur": 10.0}), ("b", "a", {"weight": 1, "eur": 2.0}),
                    ("b", "c", {"weight": 1, "eur": 5.0})])
    f = net_flows(D)
    assert f["a"]["net"] == 2 and f["a"]["net_eur"] == 8.0 and f["c"]["net"] == -1
    assert reach(D, 1)["a"] == {"learned_from": 1, "taught": 1}
    assert reach(D, 2)["a"] == {"learned_from": 1, "taught": 2}


def test_category_mixing_against_permutations():
    G = nx.Graph([(1, 2), (3, 4), (1, 3)])
    nx.set_node_attributes(G, {1: "A", 2: "B", 3: "A", 4: "B"}, "category")
    m = category_mixing(G, seed=1, permutations=100)
    assert m["observed"] == pytest.approx(2 / 3)
    assert 0 <= m["expected"] <= 1 and 0 <= m["p_value"] <= 1
    assert category_mixing(G, seed=1, permutations=100) == m  # seeded
    # one category, or no edge: the coefficient is 0/0, undefined (it was a NaN, invalid JSON)
    nx.set_node_attributes(G, "A", "category")
    assert category_mixing(G, seed=1)["assortativity"] is None
    assert category_mixing(nx.empty_graph(3), seed=1)["assortativity"] is None


# ---------------------------------------------------------------- the default graph

@pytest.fixture(scope="module")
def regions(backend_kg):
    return network(backend_kg, "regions")


def test_default_network_covers_88_to_90_percent_of_nuts2(regions):
    assert 0.88 <= regions.number_of_nodes() / 297 <= 0.90
    assert all(d["category"] in ("more-developed", "transition", "less-developed")
               for _, d in regions.nodes(data=True))


def test_default_network_has_the_published_properties(regions):
    degrees = sorted((d for _, d in regions.degree()), reverse=True)
    median = degrees[len(degrees) // 2]
    assert degrees[0] > 3 * median  # heavy-tailed: hubs far above the typical region
    s = small_world(regions, seed=1, samples=3)
    assert s["clustering"] > 2 * s["random_clustering"]  # clustering well above random
    cp = core_periphery(regions)
    assert 0 < len(cp["core"]) < regions.number_of_nodes() / 2
    assert cp["core_density"] > 2 * cp["density"]  # a dense core and a sparse periphery


def test_transfers_and_levels(backend_kg):
    D = network(backend_kg, "transfers")
    assert D.is_directed() and D.number_of_edges() > 500
    total = sum(d["eur"] for _, _, d in D.edges(data=True))
    assert 0 < total < 1_474_500_000  # only transfers between different regions (of EUR 1,474 million, rounded)
    countries = network(backend_kg, "regions", Filters(level=0))
    assert countries.number_of_nodes() == 30
    growth = view_metrics(backend_kg, "regions", "growth")["result"]
    edges = [g["edges"] for g in growth]
    assert edges == sorted(edges) and edges[0] < edges[-1]


@pytest.mark.parametrize("fmt, read", [
    ("graphml", lambda b: nx.read_graphml(io.BytesIO(b))),
    ("gexf", lambda b: nx.read_gexf(io.BytesIO(b))),
])
def test_exports_round_trip(regions, fmt, read):
    H = read(export(regions, fmt))
    assert set(H.nodes) == set(regions.nodes)
    assert {frozenset((a, b)): int(d["weight"]) for a, b, d in H.edges(data=True)} == {
        frozenset((a, b)): d["weight"] for a, b, d in regions.edges(data=True)}


def test_csv_exports(regions):
    nodes = export(regions, "nodes.csv").decode().splitlines()
    edges = export(regions, "edges.csv").decode().splitlines()
    assert nodes[0].startswith("id,") and len(nodes) == regions.number_of_nodes() + 1
    assert edges[0] == "source,target,generated,real_weight,weight" and len(edges) == regions.number_of_edges() + 1


def test_exports_say_what_rests_on_generated_records(regions, backend_kg):
    """The default graph's projects are generated but for the nine real ones, whose partners
    are generated: every co-partnership rests on a generated record, and the edges say so, one
    by one and as a whole, in every format. One transfer rests on real records alone."""
    edges = list(regions.edges(data=True))
    assert all(d["real_weight"] == 0 and d["generated"] for *_, d in edges)
    assert regions.graph["generated_edges"] == len(edges) > 0
    transfers = list(network(backend_kg, "transfers").edges(data=True))
    real = [d for *_, d in transfers if d["real_weight"] > 0]
    assert len(real) == 1 and not real[0]["generated"] and real[0]["real_weight"] <= real[0]["weight"]
    assert all(d["generated"] is False for _, d in regions.nodes(data=True))  # the regions are Eurostat's
    note = regions.graph["note"]
    assert note.startswith(f"{regions.graph['generated_edges']} of {regions.number_of_edges()} edges rest on generated")
    assert note.encode() in export(regions, "graphml")
    assert b"<description>" + note.encode() + b"</description>" in export(regions, "gexf")
    assert "generated" in export(regions, "edges.csv").decode().splitlines()[0]


# ---------------------------------------------------------------- API and CLI

@pytest.fixture(scope="module")
def api(backend_kg):
    from service.app import create_app

    return create_app({"TESTING": True, "IKG_KG": backend_kg}).test_client()


def test_networks_api(api):
    data = api.get("/api/networks/regions", query_string={"level": 0}).get_json()
    assert len(data["nodes"]) == 30 and data["edges"]
    gexf = api.get("/api/networks/transfers", query_string={"format": "gexf", "call": 1})
    assert gexf.status_code == 200 and gexf.mimetype == "application/gexf+xml"
    m = api.get("/api/networks/regions/metrics", query_string={"metric": "core-periphery"}).get_json()
    assert m["result"]["k"] > 1 and m["result"]["core"]
    flows = api.get("/api/networks/transfers/metrics", query_string={"metric": "net-flows"}).get_json()
    assert sum(v["net"] for v in flows["result"].values()) == 0


@pytest.mark.parametrize("url, query, code", [
    ("/api/networks/flows", {}, "bad_parameter"),
    ("/api/networks/regions", {"level": "x"}, "bad_parameter"),
    ("/api/networks/regions", {"level": "4"}, "bad_parameter"),
    ("/api/networks/regions", {"format": "png"}, "bad_parameter"),
    ("/api/networks/regions/metrics", {"metric": "beauty"}, "bad_parameter"),
    ("/api/networks/regions/metrics", {"metric": "reach"}, "bad_parameter"),
    ("/api/networks/regions", {"as_of": "soon"}, "bad_parameter"),
    ("/api/networks/regions", {"topic": "sö-3-1"}, "bad_parameter"),
    ("/api/networks/flows/metrics", {"metric": "growth"}, "bad_parameter"),
    ("/api/networks/organisations/metrics", {"metric": "growth"}, "bad_parameter"),
    ("/api/networks/regions/metrics", {"metric": "growth", "level": "5"}, "bad_parameter"),
    ("/api/networks/transfers/metrics", {"metric": "reach", "k": "0"}, "bad_parameter"),
    # seeds out of NumPy's range were 500s
    ("/api/networks/regions/metrics", {"metric": "small-world", "seed": "-1"}, "bad_parameter"),
    ("/api/networks/regions/metrics", {"metric": "communities", "seed": "4294967296"}, "bad_parameter"),
    ("/api/networks/regions/picture", {"seed": "-1"}, "bad_parameter"),
    ("/api/networks/regions/picture", {"seed": "4294967296"}, "bad_parameter"),
    # a parameter given twice is ambiguous (the first was taken, the rest ignored)
    ("/api/networks/organisations/metrics", "seed=&seed=x", "bad_parameter"),
    ("/api/networks/regions", "format=json&format=gexf", "bad_parameter"),
])
def test_networks_api_errors(api, url, query, code):
    assert_error(api.get(url, query_string=query), 400, code)


def test_seeds_are_numpy_seeds_and_metrics_belong_to_views():
    from graph.network import METRICS, SEEDS, VIEW_METRICS, VIEWS, check_seed

    assert check_seed(0) == 0 and check_seed(2**32 - 1) == 2**32 - 1 == SEEDS[-1]
    for seed in (-1, 2**32):
        with pytest.raises(BadParameter):
            check_seed(seed)
    assert set(VIEW_METRICS) == set(VIEWS) and VIEW_METRICS["transfers"] == METRICS
    assert {"net-flows", "reach"} - set(VIEW_METRICS["regions"]) == {"net-flows", "reach"}


def test_largest_seed_draws(backend_kg):
    from graph.network import view_metrics

    m = view_metrics(backend_kg, "regions", "small-world", seed=2**32 - 1, level=0)
    assert m["result"]["seed"] == 2**32 - 1


def test_network_cli(default_location, tmp_path):
    out = tmp_path / "regions.graphml"
    res = CliRunner().invoke(cli, ["network", "regions", "--format", "graphml", "-o", str(out),
                                   "--store", str(default_location.root)])
    assert res.exit_code == 0, res.output
    assert nx.read_graphml(out).number_of_nodes() == 264
    res = CliRunner().invoke(cli, ["network", "transfers", "--metric", "reach", "-k", "2",
                                   "--store", str(default_location.root)])
    assert res.exit_code == 0 and json.loads(res.output)["metric"] == "reach"


def test_pictures(backend_kg, api, tmp_path):
    from xml.etree import ElementTree

    from graph.network import view_picture

    png = view_picture(backend_kg, "regions", "png", "category", seed=1, level=0)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000
    assert view_picture(backend_kg, "regions", "png", "category", seed=1, level=0) == png  # seeded
    svg = api.get("/api/networks/transfers/picture", query_string={
        "format": "svg", "colour": "community", "level": 0})
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert ElementTree.fromstring(svg.get_data()).tag.endswith("svg")
    assert_error(api.get("/api/networks/regions/picture", query_string={"format": "gif"}), 400,
                 "bad_parameter")
    out = tmp_path / "countries.png"
    res = CliRunner().invoke(cli, ["network", "regions", "--level", "0", "--picture", str(out),
                                   "--store", str(default_location_root(backend_kg))])
    assert res.exit_code == 0, res.output
    assert out.read_bytes().startswith(b"\x89PNG")


def default_location_root(kg) -> str:
    """The store of ``kg`` as `--store` takes it: the folder of an on-disk store
    (…/store/builds/<build>/oxigraph), or a remote store's location."""
    if getattr(kg, "location", None):
        return kg.location
    return str(kg.path.parent.parent.parent)


def test_networks_page_refuses_an_unknown_view(client):
    assert_error(client.get("/networks?view=organisations"), 400, "bad_parameter")
    assert_error(client.get("/networks?level=x"), 400, "bad_parameter")
    assert_error(client.get("/networks?colour=purple"), 400, "bad_parameter")
    assert_error(client.get("/networks?layout=circle"), 400, "bad_parameter")
    assert_error(client.get("/networks?category=rich"), 400, "bad_parameter")
    assert_error(client.get("/networks?min_weight=0"), 400, "bad_parameter")
    assert_error(client.get("/networks?topic=<b>"), 400, "bad_parameter")


def test_networks_page_lists_every_region_with_its_metrics_and_hands_the_drawing_its_settings(api, default_kg):
    import re

    from graph.network import view_table

    html = api.get("/networks?view=transfers&colour=community&layout=force&min_weight=2&category=transition"
                   ).get_data(as_text=True)
    table = view_table(default_kg, "transfers")
    rows = re.findall(r"<tr><td data-value=", html)
    assert len(rows) == len(table["nodes"]) == table["summary"]["nodes"]
    config = json.loads(re.search(r'<script id="network-config" type="application/json">(.*?)</script>',
                                  html, re.S).group(1))
    assert (config["view"], config["colour"], config["layout"], config["minWeight"], config["category"]) == (
        "transfers", "community", "force", 2, "transition")
    assert config["data"] == "/api/networks/transfers?level=2"
    assert set(config["communities"].values()) == set(range(1, table["communities"] + 1))
    assert 'src="/ui/cytoscape/cytoscape.min.js"' in html and 'value="2"' in html


def test_a_map_picture_puts_regions_at_their_label_points(api):
    from xml.etree import ElementTree

    svg = api.get("/api/networks/regions/picture", query_string={"format": "svg", "layout": "map"})
    assert svg.status_code == 200 and ElementTree.fromstring(svg.get_data()).tag.endswith("svg")
    assert b"EuroGeographics" in svg.get_data()
    assert_error(api.get("/api/networks/regions/picture", query_string={"layout": "globe"}), 400, "bad_parameter")


def test_overview_is_the_summary_and_the_top_brokers_of_one_extraction(backend_kg):
    from graph.network import view_overview

    overview = view_overview(backend_kg, "regions", top=5, level=1)
    assert overview["summary"] == view_metrics(backend_kg, "regions", "summary", level=1)["result"]
    central = view_metrics(backend_kg, "regions", "centrality", level=1)
    ranked = sorted(central["result"], key=lambda n: (-central["result"][n]["betweenness"], n))
    assert [b["iri"] for b in overview["brokers"]] == ranked[:5]
    first = overview["brokers"][0]
    assert first["label"] == central["nodes"][first["iri"]]["label"]
    assert first["betweenness"] == central["result"][first["iri"]]["betweenness"]


def test_real_only_networks_over_the_api(api):
    body = api.get("/api/networks/regions?real_only=true").get_json()
    assert body["edges"] == [] and body["graph"]["generated_edges"] == 0  # the default graph's partners are generated
    assert api.get("/api/networks/regions?real_only=maybe").status_code == 400
