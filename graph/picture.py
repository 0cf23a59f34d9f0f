"""Pictures of a network (PNG or SVG) for the UI and for reports. No HTTP.

Nodes are placed by a seeded force-directed layout (the same seed gives the same picture),
sized by strength, and coloured by the 2014-2020 development category of their region or by
their Louvain community. Region centroids would place nodes on a map, but no package we
found on PyPI ships NUTS 2 centroids and a build may not download data (see the README); the
layout is the alternative the issue allows.
"""

from __future__ import annotations

import io

import networkx as nx

from graph.errors import BadParameter

__all__ = ["picture", "PICTURE_FORMATS", "COLOURINGS", "LAYOUTS"]

PICTURE_FORMATS = {"png": "image/png", "svg": "image/svg+xml"}
COLOURINGS = ("category", "community")
#: ``spring``: a force layout (seeded); ``map``: each region at its NUTS label point (:mod:`graph.geo`).
LAYOUTS = ("spring", "map")
CATEGORY_COLOURS = {"more-developed": "#1f77b4", "transition": "#ff7f0e",
                    "less-developed": "#2ca02c", "n/a": "#999999"}
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf"]


def picture(G: nx.Graph, fmt: str = "png", colour: str = "category", seed: int = 0,
            title: str | None = None, labels: int = 15, layout: str = "spring") -> bytes:
    """Draw ``G``.

    Parameters
    ----------
    G : networkx.Graph
        A view from :func:`graph.network.network`.
    fmt : str
        ``png`` or ``svg``.
    colour : str
        ``category`` (development category of the region) or ``community`` (Louvain, seeded).
    seed : int
        Seed of the layout and of the communities.
    title : str, optional
    labels : int
        How many of the strongest nodes are labelled with their code.
    layout : str
        ``spring`` (force-directed, seeded) or ``map`` (regions at their label points; those
        without one, or outside the frame, are left out and counted in the title).

    Returns
    -------
    bytes

    Raises
    ------
    BadParameter
        An unknown format or colouring.
    """
    if fmt not in PICTURE_FORMATS:
        raise BadParameter(f"pictures are png or svg, not {fmt!r}", {"param": "format"})
    if colour not in COLOURINGS:
        raise BadParameter(f"colour by category or community, not {colour!r}", {"param": "colour"})
    if layout not in LAYOUTS:
        raise BadParameter(f"layout is spring or map, not {layout!r}", {"param": "layout"})
    import matplotlib

    matplotlib.use("Agg")  # no display: render to memory
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    from graph.analysis import communities

    U = G.to_undirected() if G.is_directed() else G
    left_out = 0
    if layout == "map":
        from graph.geo import position

        placed = {n: position(U.nodes[n].get("code", "")) for n in U}
        left_out = sum(1 for p in placed.values() if p is None)
        U = U.subgraph([n for n, p in placed.items() if p is not None])
        pos = {n: (placed[n][0], -placed[n][1]) for n in U}  # type: ignore[index]
    else:
        pos = nx.spring_layout(U, weight="weight", seed=seed, k=1.5 / max(1, len(U)) ** 0.5)
    strength = dict(U.degree(weight="weight"))
    top = max(strength.values(), default=1) or 1
    sizes = [20 + 400 * strength[n] / top for n in U]
    if colour == "category":
        colours = [CATEGORY_COLOURS.get(U.nodes[n].get("category", "n/a"), "#999999") for n in U]
        legend = [Line2D([], [], marker="o", ls="", color=c, label=k.replace("-", " "))
                  for k, c in CATEGORY_COLOURS.items() if k != "n/a"]
    else:
        parts = communities(U, seed=seed)
        member = {n: i for i, c in enumerate(parts) for n in c}
        colours = [PALETTE[member[n] % len(PALETTE)] for n in U]
        legend = [Line2D([], [], marker="o", ls="", color=PALETTE[i % len(PALETTE)],
                         label=f"community {i + 1} ({len(c)})") for i, c in enumerate(parts[:10])]
    fig, ax = plt.subplots(figsize=(12, 9), dpi=100)
    weights = [d.get("weight", 1) for _, _, d in U.edges(data=True)]
    wmax = max(weights, default=1)
    nx.draw_networkx_edges(U, pos, ax=ax, alpha=0.15, width=[0.3 + 2 * w / wmax for w in weights])
    nx.draw_networkx_nodes(U, pos, ax=ax, node_size=sizes, node_color=colours, linewidths=0.3,
                           edgecolors="#333333")
    strongest = sorted(U, key=lambda n: -strength[n])[:labels]
    nx.draw_networkx_labels(U, pos, ax=ax, font_size=8,
                            labels={n: U.nodes[n].get("code", str(n).rsplit("/", 1)[-1])
                                    for n in strongest})
    ax.legend(handles=legend, loc="lower left", fontsize=8, frameon=False)
    ax.set_title(title or f"{G.graph.get('view', 'network')}: {U.number_of_nodes()} nodes, "
                 f"{U.number_of_edges()} edges (generated data)"
                 + (f"; {left_out} not on the map" if left_out else ""), fontsize=11)
    if layout == "map":
        ax.set_aspect("equal")
        ax.annotate("regions at their NUTS label points: © EuroGeographics for the administrative boundaries",
                    (0.99, 0.01), xycoords="axes fraction", ha="right", fontsize=7, color="#444444")
    ax.axis("off")
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, bbox_inches="tight",
                metadata={"Date": None} if fmt == "svg" else None)
    plt.close(fig)
    return buf.getvalue()
