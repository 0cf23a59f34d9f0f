"""Analyses of exchange-of-experience networks: pure functions of a NetworkX graph. No HTTP.

Every function takes the graph first; those that draw at random take ``seed=``. Edge weights
are read from the ``weight`` attribute (and ``eur`` for transfers).
"""

from __future__ import annotations

import random
from typing import Any

import networkx as nx
from networkx.algorithms import community

__all__ = [
    "centrality",
    "small_world",
    "communities",
    "core_periphery",
    "net_flows",
    "category_mixing",
    "reach",
]


def centrality(G: nx.Graph) -> dict[Any, dict[str, float]]:
    """Degree, strength (sum of weights), betweenness and PageRank of every node.

    Examples
    --------
    >>> G = nx.Graph([("a", "b", {"weight": 2}), ("b", "c", {"weight": 1})])
    >>> c = centrality(G)
    >>> c["b"]["degree"], c["b"]["strength"], c["b"]["betweenness"]
    (2, 3, 1.0)
    """
    betweenness = nx.betweenness_centrality(G, normalized=True)
    pagerank = nx.pagerank(G, weight="weight") if G.number_of_edges() else {n: 0.0 for n in G}
    strength = dict(G.degree(weight="weight"))
    return {n: {"degree": G.degree(n), "strength": strength[n], "betweenness": betweenness[n],
                "pagerank": pagerank[n]} for n in G}


def small_world(G: nx.Graph, seed: int = 0, samples: int = 3) -> dict[str, float]:
    """Average clustering of ``G`` against random graphs with the same nodes and edge count.

    Examples
    --------
    >>> s = small_world(nx.complete_graph(5), seed=1)
    >>> s["clustering"], s["random_clustering"]
    (1.0, 1.0)
    """
    U = G.to_undirected() if G.is_directed() else G
    n, m = U.number_of_nodes(), U.number_of_edges()
    rng = random.Random(seed)
    random_c = [nx.average_clustering(nx.gnm_random_graph(n, m, seed=rng.randrange(2**31)))
                for _ in range(samples)]
    c = nx.average_clustering(U)
    rc = sum(random_c) / len(random_c) if random_c else 0.0
    return {"nodes": n, "edges": m, "clustering": c, "random_clustering": rc,
            "ratio": c / rc if rc else None}


def communities(G: nx.Graph, seed: int = 0) -> list[set]:
    """Louvain communities (weighted, seeded), largest first.

    Examples
    --------
    >>> G = nx.Graph([(1, 2), (2, 3), (1, 3), (4, 5), (5, 6), (4, 6), (3, 4)])
    >>> sorted(sorted(c) for c in communities(G, seed=1))
    [[1, 2, 3], [4, 5, 6]]
    """
    U = G.to_undirected() if G.is_directed() else G
    parts = community.louvain_communities(U, weight="weight", seed=seed)
    return sorted(parts, key=lambda c: (-len(c), sorted(map(str, c))))


def core_periphery(G: nx.Graph) -> dict[str, Any]:
    """The core (the densest k-core: the largest k with a non-empty k-core) and the periphery.

    Examples
    --------
    >>> G = nx.complete_graph(4); G.add_edge(3, 9)
    >>> sorted(core_periphery(G)["core"]), core_periphery(G)["k"]
    ([0, 1, 2, 3], 3)
    """
    U = nx.Graph(G.to_undirected() if G.is_directed() else G)
    U.remove_edges_from(nx.selfloop_edges(U))
    numbers = nx.core_number(U)
    k = max(numbers.values(), default=0)
    core = {n for n, c in numbers.items() if c == k}
    inside = U.subgraph(core)
    return {"k": k, "core": core, "periphery": set(U) - core,
            "core_density": nx.density(inside) if len(core) > 1 else 0.0,
            "density": nx.density(U) if len(U) > 1 else 0.0}


def net_flows(D: nx.DiGraph) -> dict[Any, dict[str, float]]:
    """Practices exported and imported by each node of a transfer network (counts and EUR);
    ``net`` > 0 is a net exporter.

    Examples
    --------
    >>> D = nx.DiGraph([("a", "b", {"weight": 3, "eur": 10.0}), ("b", "a", {"weight": 1, "eur": 2.0})])
    >>> net_flows(D)["a"]["net"], net_flows(D)["a"]["net_eur"]
    (2, 8.0)
    """
    out: dict[Any, dict[str, float]] = {}
    for n in D:
        exported = sum(d.get("weight", 1) for _, _, d in D.out_edges(n, data=True))
        imported = sum(d.get("weight", 1) for _, _, d in D.in_edges(n, data=True))
        e_out = sum(d.get("eur", 0.0) for _, _, d in D.out_edges(n, data=True))
        e_in = sum(d.get("eur", 0.0) for _, _, d in D.in_edges(n, data=True))
        out[n] = {"exported": exported, "imported": imported, "net": exported - imported,
                  "exported_eur": e_out, "imported_eur": e_in, "net_eur": e_out - e_in}
    return out


def category_mixing(G: nx.Graph, attribute: str = "category", seed: int = 0,
                    permutations: int = 200) -> dict[str, float]:
    """Share of (weighted) ties between nodes of different categories, against random mixing.

    The expectation and the p-value come from permuting the category labels over the nodes
    (``permutations`` times, seeded); ``p_value`` is the share of permutations with at least
    the observed cross-category share. Also returns the attribute assortativity coefficient.

    Examples
    --------
    >>> G = nx.Graph([(1, 2), (3, 4), (1, 3)])
    >>> nx.set_node_attributes(G, {1: "A", 2: "B", 3: "A", 4: "B"}, "category")
    >>> category_mixing(G, seed=1)["observed"]
    0.6666666666666666
    """
    U = G.to_undirected() if G.is_directed() else G
    labels = {n: d.get(attribute) for n, d in U.nodes(data=True)}
    edges = [(a, b, d.get("weight", 1)) for a, b, d in U.edges(data=True)]
    total = sum(w for _, _, w in edges)
    if not total:
        return {"observed": 0.0, "expected": 0.0, "p_value": 1.0, "assortativity": 0.0}

    def cross(lab: dict) -> float:
        return sum(w for a, b, w in edges if lab[a] != lab[b]) / total

    observed = cross(labels)
    rng = random.Random(seed)
    nodes, values = list(labels), list(labels.values())
    shares = []
    for _ in range(permutations):
        rng.shuffle(values)
        shares.append(cross(dict(zip(nodes, values))))
    expected = sum(shares) / len(shares)
    p = sum(1 for s in shares if s >= observed) / len(shares)
    try:
        r = nx.attribute_assortativity_coefficient(U, attribute)
    except (ZeroDivisionError, ValueError):
        r = 0.0
    return {"observed": observed, "expected": expected, "p_value": p, "assortativity": r}


def reach(D: nx.DiGraph, k: int = 1) -> dict[Any, dict[str, int]]:
    """How many nodes each node learned from (upstream) and taught (downstream) within k steps.

    Examples
    --------
    >>> D = nx.DiGraph([("a", "b"), ("b", "c")])
    >>> reach(D, 1)["b"], reach(D, 2)["a"]
    ({'learned_from': 1, 'taught': 1}, {'learned_from': 0, 'taught': 2})
    """
    R = D.reverse(copy=False)
    return {n: {"learned_from": len(nx.single_source_shortest_path_length(R, n, cutoff=k)) - 1,
                "taught": len(nx.single_source_shortest_path_length(D, n, cutoff=k)) - 1}
            for n in D}
