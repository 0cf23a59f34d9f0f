"""Analyses of exchange-of-experience networks: pure functions of a NetworkX graph. No HTTP.

Every function takes the graph first; those that draw at random take ``seed=``. Edge weights
are read from the ``weight`` attribute (and ``eur`` for transfers).
"""

from __future__ import annotations

import math
import random
import statistics
from typing import Any

import networkx as nx
import numpy as np
from networkx.algorithms import community
from scipy import sparse

__all__ = [
    "centrality",
    "betweenness",
    "betweenness_sources",
    "average_clustering",
    "small_world",
    "communities",
    "core_periphery",
    "net_flows",
    "category_mixing",
    "reach",
]


#: Above this many nodes betweenness is estimated from :data:`BETWEENNESS_SOURCES` sources drawn
#: at random (seeded), as ``networkx.betweenness_centrality(G, k=..., seed=...)`` estimates it:
#: the exact measure costs a breadth-first search from every node (the organisation view at
#: scale 100 has about 200,000). Every region-level view is far below it.
EXACT_BETWEENNESS_NODES = 5000
BETWEENNESS_SOURCES = 256


def centrality(G: nx.Graph, seed: int = 0) -> dict[Any, dict[str, float]]:
    """Degree, strength (sum of weights), betweenness and PageRank of every node.

    Betweenness: shortest paths by hop count (weights ignored), endpoints excluded, normalised
    as :func:`networkx.betweenness_centrality` does; exact up to
    :data:`EXACT_BETWEENNESS_NODES` nodes, above that estimated from
    :data:`BETWEENNESS_SOURCES` sources drawn with ``seed`` (:func:`betweenness_sources` says
    how many). PageRank is weighted.

    Examples
    --------
    >>> G = nx.Graph([("a", "b", {"weight": 2}), ("b", "c", {"weight": 1})])
    >>> c = centrality(G)
    >>> c["b"]["degree"], c["b"]["strength"], c["b"]["betweenness"]
    (2, 3, 1.0)
    """
    between = betweenness(G, k=betweenness_sources(G), seed=seed)
    pagerank = nx.pagerank(G, weight="weight") if G.number_of_edges() else {n: 0.0 for n in G}
    strength = dict(G.degree(weight="weight"))
    return {n: {"degree": G.degree(n), "strength": strength[n], "betweenness": between[n],
                "pagerank": pagerank[n]} for n in G}


def betweenness_sources(G: nx.Graph) -> int | None:
    """How many sources :func:`centrality` draws to estimate betweenness; None: exact."""
    return BETWEENNESS_SOURCES if len(G) > EXACT_BETWEENNESS_NODES else None


#: Up to this many nodes, matrix products use dense arrays (region views have at most 297).
DENSE_NODES = 2000
#: Most cells of the (sources x nodes) arrays of one block of breadth-first searches
BLOCK_CELLS = 4_000_000


def _adjacency(G: nx.Graph) -> Any:
    """The 0/1 adjacency matrix of ``G`` without self-loops, in node order: dense for graphs
    of region size, sparse (CSR) for larger ones."""
    A = nx.to_scipy_sparse_array(G, weight=None, dtype=float, format="csr")
    A.setdiag(0)
    A.eliminate_zeros()
    A.data[:] = 1.0  # parallel edges of a multigraph count once
    return A.toarray() if len(G) <= DENSE_NODES else A


def betweenness(G: nx.Graph, block: int = 256, k: int | None = None, seed: int = 0) -> dict[Any, float]:
    """Shortest-path betweenness of every node (hop counts, weights ignored).

    The same numbers as ``networkx.betweenness_centrality(G, k=k, seed=seed)`` (normalised,
    endpoints excluded, directed or not) up to rounding: exact when ``k`` is None, else
    estimated from the ``k`` sources NetworkX draws with that seed, scaled as it scales them.
    Brandes' algorithm runs for ``block`` sources at once (fewer on a large graph, so that a
    block's arrays stay under :data:`BLOCK_CELLS` cells) with matrix products: breadth-first
    search level by level, then the dependencies accumulated back. On the region network at
    scale 10 (264 nodes, 23,600 edges) it takes 0.2 s where NetworkX takes 2.3 s.

    Examples
    --------
    >>> b = betweenness(nx.path_graph(4))
    >>> [round(b[n], 3) for n in range(4)]
    [0.0, 0.667, 0.667, 0.0]
    """
    nodes = list(G)
    n = len(nodes)
    if n < 3:
        return dict.fromkeys(nodes, 0.0)
    sampled = None if k is None or k >= n else random.Random(seed).sample(nodes, k)  # as NetworkX draws
    index = {v: i for i, v in enumerate(nodes)}
    chosen = np.arange(n) if sampled is None else np.array([index[v] for v in sampled])
    block = max(1, min(block, BLOCK_CELLS // n))
    A = _adjacency(G)
    total = np.zeros(n)
    AT = A.T if isinstance(A, np.ndarray) else A.T.tocsr()
    for start in range(0, len(chosen), block):
        sources = chosen[start:start + block]
        rows = np.arange(len(sources))
        sigma = np.zeros((len(sources), n))  # number of shortest paths from each source
        sigma[rows, sources] = 1.0
        dist = np.full((len(sources), n), -1)
        dist[rows, sources] = 0
        frontier, level = sigma.copy(), 0
        while True:
            paths = np.asarray(frontier @ A)  # (dense @ sparse) gives an array in SciPy >= 1.11
            new = (dist < 0) & (paths > 0)
            if not new.any():
                break
            level += 1
            dist[new], sigma[new] = level, paths[new]
            frontier = np.where(new, paths, 0.0)
        delta = np.zeros_like(sigma)  # dependency of each source on each node
        safe = np.where(sigma > 0, sigma, 1.0)
        for d in range(level, 0, -1):
            share = np.where(dist == d, (1.0 + delta) / safe, 0.0)
            delta += np.where(dist == d - 1, sigma * np.asarray(share @ AT), 0.0)
        delta[rows, sources] = 0.0
        total += delta.sum(axis=0)
    if sampled is None:  # ordered (s, t) pairs, as NetworkX normalises
        scale = np.full(n, 1.0 / ((n - 1) * (n - 2)))
    else:  # NetworkX's scaling of a sample: a source is never its own target
        scale = np.full(n, 1.0 / (len(chosen) * (n - 2)))
        scale[chosen] = 1.0 / ((len(chosen) - 1) * (n - 2)) if len(chosen) > 1 else math.nan
    return {v: float(total[i] * scale[i]) for i, v in enumerate(nodes)}


def average_clustering(G: nx.Graph) -> float:
    """``networkx.average_clustering(G)`` of an undirected graph (unweighted, zeros counted),
    from triangle counts by matrix products; 0.0 for an empty graph.

    Examples
    --------
    >>> average_clustering(nx.complete_graph(4)), average_clustering(nx.path_graph(3))
    (1.0, 0.0)
    """
    return _mean_clustering(_adjacency(G)) if len(G) else 0.0


def _mean_clustering(A: Any) -> float:
    degree = np.asarray(A.sum(axis=1)).ravel()
    if isinstance(A, np.ndarray):
        twice_triangles = ((A @ A) * A).sum(axis=1)
    else:
        twice_triangles = np.asarray((A @ A).multiply(A).sum(axis=1)).ravel()
    # the same division and the same summation order as NetworkX, so the same float
    c = [t / (k * (k - 1)) if k > 1 else 0.0
         for t, k in zip(twice_triangles.tolist(), degree.tolist())]
    return sum(c) / len(c)


def _random_adjacency(n: int, m: int, rng: np.random.Generator) -> Any:
    """The adjacency matrix of a G(n, m) random graph: ``m`` of the n(n-1)/2 node pairs,
    drawn uniformly without replacement (the model of ``networkx.gnm_random_graph``, without
    building a NetworkX graph)."""
    codes = rng.choice(n * (n - 1) // 2, size=m, replace=False)
    rows = np.arange(n)
    starts = rows * n - rows * (rows + 1) // 2  # number of pairs (i, j > i) before row i
    i = np.searchsorted(starts, codes, side="right") - 1
    j = codes - starts[i] + i + 1
    A = sparse.coo_array((np.ones(2 * m), (np.concatenate([i, j]), np.concatenate([j, i]))),
                         shape=(n, n)).tocsr()
    return A.toarray() if n <= DENSE_NODES else A


def small_world(G: nx.Graph, seed: int = 0, samples: int = 10) -> dict[str, Any]:
    """Average clustering of ``G`` against random graphs with the same nodes and edge count.

    ``samples`` G(n, m) random graphs are drawn (seeded); the result says how many, and the
    standard deviation of their clustering. (NetworkX's ``sigma`` also compares path lengths
    against rewired graphs: it did not finish in 5 minutes on the default region network.)

    Examples
    --------
    >>> s = small_world(nx.complete_graph(5), seed=1)
    >>> s["clustering"], s["random_clustering"], s["samples"]
    (1.0, 1.0, 10)
    """
    U = G.to_undirected() if G.is_directed() else G
    n, m = U.number_of_nodes(), U.number_of_edges()
    rng = np.random.default_rng(seed)
    pairs = min(m, n * (n - 1) // 2)  # self-loops aside, as many edges as there can be
    random_c = [_mean_clustering(_random_adjacency(n, pairs, rng)) if n > 1 else 0.0
                for _ in range(samples)]
    c = average_clustering(U)
    rc = sum(random_c) / len(random_c) if random_c else 0.0
    return {"nodes": n, "edges": m, "clustering": c, "random_clustering": rc,
            "random_clustering_sd": statistics.pstdev(random_c) if random_c else 0.0,
            "samples": samples, "seed": seed, "ratio": c / rc if rc else None}


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
                    permutations: int = 200) -> dict[str, float | None]:
    """Share of (weighted) ties between nodes of different categories, against random mixing.

    The expectation and the p-value come from permuting the category labels over the nodes
    (``permutations`` times, seeded); ``p_value`` is the share of permutations with at least
    the observed cross-category share. Also returns the attribute assortativity coefficient,
    None where it is undefined (no edge, or a single category: 0/0).

    Examples
    --------
    >>> G = nx.Graph([(1, 2), (3, 4), (1, 3)])
    >>> nx.set_node_attributes(G, {1: "A", 2: "B", 3: "A", 4: "B"}, "category")
    >>> category_mixing(G, seed=1)["observed"]
    0.6666666666666666
    """
    U = G.to_undirected() if G.is_directed() else G
    labels = {n: d.get(attribute) for n, d in U.nodes(data=True)}
    if not U.number_of_edges():
        return {"observed": 0.0, "expected": 0.0, "p_value": 1.0, "assortativity": None}
    # labels as integer codes, edges as arrays of node positions: each permutation is two
    # array look-ups and a comparison (the organisation view has about a million edges)
    position = {n: i for i, n in enumerate(U)}
    names = {label: i for i, label in enumerate(dict.fromkeys(labels.values()))}
    codes = np.array([names[labels[n]] for n in U])
    edges = list(U.edges(data=True))
    a = np.array([position[u] for u, _, _ in edges])
    b = np.array([position[v] for _, v, _ in edges])
    w = np.array([d.get("weight", 1) for _, _, d in edges], dtype=float)
    total = w.sum()
    if not total:
        return {"observed": 0.0, "expected": 0.0, "p_value": 1.0, "assortativity": None}

    def cross(c: np.ndarray) -> float:
        return float(w[c[a] != c[b]].sum() / total)

    observed = cross(codes)
    rng = np.random.default_rng(seed)
    shares = [cross(rng.permutation(codes)) for _ in range(permutations)]
    expected = sum(shares) / len(shares)
    p = sum(1 for s in shares if s >= observed) / len(shares)
    r: float | None
    try:
        with np.errstate(invalid="ignore", divide="ignore"):
            r = float(nx.attribute_assortativity_coefficient(U, attribute))
    except (ZeroDivisionError, ValueError):
        r = None
    if r is not None and math.isnan(r):  # a NaN would make the JSON answer invalid
        r = None
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
