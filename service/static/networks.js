// The networks page: the view drawn with Cytoscape.js (npm, served by this server), on the map
// or by force; filtered by category and minimum weight; coloured by category or community; a
// click on a region opens its profile. The metrics table sorts by any column. The page hands
// over its settings in <script id="network-config" type="application/json"> (data, not code).
"use strict";
const config = JSON.parse(document.getElementById("network-config").textContent);
const CATEGORY = { "more-developed": "#1f77b4", "transition": "#ff7f0e", "less-developed": "#2ca02c", "n/a": "#999999" };
const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
const NUTS = "http://data.europa.eu/nuts/code/";

function profilePath(iri) {
  return iri.startsWith(NUTS) ? "/doc/nuts/" + iri.slice(NUTS.length) : null;
}

function colourOf(node) {
  if (config.colour === "community") {
    const c = config.communities[node.id] || 0;
    return c ? PALETTE[(c - 1) % PALETTE.length] : "#999999";
  }
  return CATEGORY[node.category] || CATEGORY["n/a"];
}

function legend(nodes) {
  const box = document.getElementById("legend");
  const items = config.colour === "community"
    ? [...new Set(nodes.map((n) => config.communities[n.id] || 0))].sort((a, b) => a - b).slice(0, 10)
        .map((c) => [c ? PALETTE[(c - 1) % PALETTE.length] : "#999999", "community " + c])
    : Object.entries(CATEGORY).filter(([k]) => k !== "n/a").map(([k, v]) => [v, k.replace("-", " ")]);
  box.replaceChildren(...items.map(([colour, text]) => {
    const span = document.createElement("span");
    span.className = "key";
    const dot = document.createElement("i");
    dot.style.background = colour;
    span.append(dot, text);
    return span;
  }));
}

function draw(graph) {
  const kept = graph.nodes.filter((n) => !config.category || n.category === config.category);
  const keep = new Set(kept.map((n) => n.id));
  const edges = graph.edges.filter((e) => (e.weight || 1) >= config.minWeight && keep.has(e.source) && keep.has(e.target));
  const tied = new Set(edges.flatMap((e) => [e.source, e.target]));
  let nodes = kept.filter((n) => tied.has(n.id) || config.minWeight <= 1);
  const onMap = config.layout === "map";
  if (onMap) nodes = nodes.filter((n) => config.positions[n.id]);
  const shown = new Set(nodes.map((n) => n.id));
  const drawn = edges.filter((e) => shown.has(e.source) && shown.has(e.target));
  const strength = {};
  for (const e of drawn) for (const end of [e.source, e.target]) strength[end] = (strength[end] || 0) + (e.weight || 1);
  const most = Math.max(1, ...Object.values(strength));
  const heaviest = Math.max(1, ...drawn.map((e) => e.weight || 1));
  const container = document.getElementById("cy");
  const box = document.getElementById("network");
  if (onMap) box.style.aspectRatio = `${config.mapWidth} / ${config.mapHeight}`;
  const cy = cytoscape({
    container,
    elements: [
      ...nodes.map((n) => ({
        data: { id: n.id, code: n.code || "", label: n.label || n.code || n.id, category: n.category || "n/a", colour: colourOf(n),
                size: 6 + 22 * Math.sqrt((strength[n.id] || 0) / most) },
        position: onMap ? { x: config.positions[n.id][0], y: config.positions[n.id][1] } : undefined,
      })),
      ...drawn.map((e, i) => ({ data: { id: "e" + i, source: e.source, target: e.target, weight: e.weight || 1,
                                         width: 0.5 + 4 * (e.weight || 1) / heaviest } })),
    ],
    style: [
      { selector: "node", style: { "background-color": "data(colour)", width: "data(size)", height: "data(size)",
                                  "border-width": 0.5, "border-color": "#333", label: "", "font-size": 9 } },
      { selector: "node:selected, node.hover", style: { label: "data(label)", "border-width": 2, "border-color": "#000",
                                                        "text-background-color": "#fff", "text-background-opacity": 0.8 } },
      { selector: "edge", style: { width: "data(width)", "line-color": "#334", opacity: 0.25,
                                   "curve-style": config.view === "transfers" ? "bezier" : "haystack",
                                   "target-arrow-shape": config.view === "transfers" ? "triangle" : "none",
                                   "target-arrow-color": "#334", "arrow-scale": 0.6 } },
    ],
    layout: onMap ? { name: "preset", fit: false } : { name: "cose", animate: false, randomize: true, nodeRepulsion: 8000 },
    userZoomingEnabled: !onMap, userPanningEnabled: !onMap, boxSelectionEnabled: false,
    minZoom: 0.05, maxZoom: 8,
  });
  function placeOnMap() {
    cy.zoom(container.clientWidth / config.mapWidth);
    cy.pan({ x: 0, y: 0 });
  }
  if (onMap) {
    cy.resize();
    placeOnMap();
    new ResizeObserver(() => { cy.resize(); placeOnMap(); }).observe(container);
  }
  cy.on("mouseover", "node", (e) => e.target.addClass("hover"));
  cy.on("mouseout", "node", (e) => e.target.removeClass("hover"));
  cy.on("tap", "node", (e) => {
    const path = profilePath(e.target.id());
    if (path) window.location.href = path;
  });
  const hidden = graph.nodes.length - nodes.length;
  document.getElementById("shown").textContent =
    `Drawn: ${nodes.length} regions and ${drawn.length} ties` +
    (hidden ? ` (${hidden} regions and ${graph.edges.length - drawn.length} ties filtered out).` : ".");
  legend(nodes);
  document.getElementById("download-png").addEventListener("click", () => {
    const a = document.createElement("a");
    a.href = cy.png({ full: !onMap, bg: "#ffffff", scale: 2 });
    a.download = `ikg-${config.view}.png`;
    a.click();
  });
  window.ikgNetwork = cy; // for the page's tests and for the curious, in the console
  document.body.dataset.networkReady = "true";
}

function sortable(table) {
  for (const [index, th] of [...table.tHead.rows[0].cells].entries()) {
    const button = th.querySelector("button");
    button.addEventListener("click", () => {
      const numeric = button.dataset.sort === "number";
      const down = th.getAttribute("aria-sort") !== "descending";
      for (const other of table.tHead.rows[0].cells) other.removeAttribute("aria-sort");
      th.setAttribute("aria-sort", down ? "descending" : "ascending");
      const rows = [...table.tBodies[0].rows];
      const key = (row) => row.cells[index].dataset.value;
      rows.sort((a, b) => {
        const order = numeric ? Number(key(a)) - Number(key(b)) : key(a).localeCompare(key(b));
        return down ? -order : order;
      });
      table.tBodies[0].append(...rows);
    });
  }
}

sortable(document.getElementById("metrics"));
fetch(config.data, { headers: { Accept: "application/json" } })
  .then((r) => { if (!r.ok) throw new Error(`the network could not be read (${r.status})`); return r.json(); })
  .then(draw)
  .catch((e) => { document.getElementById("shown").textContent = e.message; });
