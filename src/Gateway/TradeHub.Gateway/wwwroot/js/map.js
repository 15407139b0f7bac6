// The corridor map: country outlines (world-atlas 110m, vendored) under the route network, drawn with
// d3-geo (vendored UMD, window.d3) and topojson-client (window.topojson). Nothing is fetched from outside.
import { t, fmt } from "./i18n.js";
import { svgEl as el } from "./ui.js";

const WIDTH = 1000;
const HEIGHT = 560;

// ISO 3166-1 numeric ids of SCO members (2025), as world-atlas keys its countries.
const SCO_MEMBERS = new Set(["156", "643", "398", "417", "762", "860", "356", "586", "364", "112"]);

function title(node, text) {
  el("title", {}, node).textContent = text;
  return node;
}

export function nodeType(type) {
  const s = String(type || "").toLowerCase();
  if (s.includes("border")) return "border";
  if (s.includes("sea")) return "seaport";
  if (s.includes("dry")) return "dryport";
  return "city";
}

/** A node marker: circle (city), square (seaport), diamond (dry port), triangle (border crossing). */
export function nodeShape(type, size, attrs = {}) {
  const r = size;
  switch (nodeType(type)) {
    case "seaport": return el("rect", { x: -r, y: -r, width: 2 * r, height: 2 * r, ...attrs });
    case "dryport": return el("path", { d: `M0,${-r * 1.3}L${r * 1.3},0L0,${r * 1.3}L${-r * 1.3},0Z`, ...attrs });
    case "border": return el("path", { d: `M0,${-r * 1.3}L${r * 1.2},${r}L${-r * 1.2},${r}Z`, ...attrs });
    default: return el("circle", { r, ...attrs });
  }
}

const MIN_ZOOM = 1;
const MAX_ZOOM = 8;
/** From this zoom on, border crossings are labelled too. */
const BORDER_LABEL_ZOOM = 2;
const LABEL_HEIGHT = 12;
/** Clear space kept around every label, so neighbours do not read as one. */
const LABEL_MARGIN = 3;
/** Where a label may sit beside its marker, tried in order: right above, right below, left above, left below. */
const LABEL_SPOTS = [[6, -4, "start"], [6, 11, "start"], [-6, -4, "end"], [-6, 11, "end"]];
const LABEL_PRIORITY = { city: 3, seaport: 2, dryport: 2, border: 1 };

export class CorridorMap {
  constructor(host) {
    this.host = host;
    this.nodes = new Map();
    this.legs = [];
    this.degree = new Map();
    this.disrupted = { nodes: new Set(), legs: new Set() };
    this.zoom = { k: 1, x: 0, y: 0 };
    this.labelWidths = new Map();
    this.svg = el("svg", {
      viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "img", "data-testid": "map", class: "map-svg",
      "aria-labelledby": "map-caption", "data-zoom": "1",
    });
    this.caption = el("desc", { id: "map-caption" }, this.svg);
    // Geography scales with the zoom; markers and labels are placed at the zoomed positions but keep their size.
    this.viewport = el("g", { class: "viewport" }, this.svg);
    this.layers = {};
    // Pools have layers of their own: a view's overlay (a route, a tender's lanes) comes and goes over them.
    for (const name of ["sea", "countries", "legs", "pools", "overlay"]) this.layers[name] = el("g", { class: `layer-${name}` }, this.viewport);
    // Pool bars under the node markers: a bar near a node must not take the click that picks the node.
    for (const name of ["poolBars", "nodes", "labels"]) this.layers[name] = el("g", { class: `layer-${name}` }, this.svg);
    this.pools = [];
    this.selectedPool = null;
    host.append(this.svg);
    this.controls = document.createElement("div");
    this.controls.className = "map-controls";
    host.append(this.controls);
    this.renderControls();
    this.enableZoom();
  }

  /** Zoom buttons for keyboard and touch users; the wheel and dragging do the same with a mouse. */
  renderControls() {
    const button = (text, key, testid, action) => {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "secondary small";
      b.textContent = text;
      b.title = t(key);
      b.setAttribute("aria-label", t(key));
      b.dataset.testid = testid;
      b.addEventListener("click", action);
      return b;
    };
    this.controls.replaceChildren(
      button("+", "map.zoomIn", "map-zoom-in", () => this.zoomBy(2, WIDTH / 2, HEIGHT / 2)),
      button("−", "map.zoomOut", "map-zoom-out", () => this.zoomBy(0.5, WIDTH / 2, HEIGHT / 2)),
      button("⟲", "map.zoomReset", "map-zoom-reset", () => this.setZoom(1, 0, 0)));
  }

  /** The point of the map (in viewBox units) under a mouse event. */
  toMap(event) {
    const box = this.svg.getBoundingClientRect();
    return [(event.clientX - box.left) * (WIDTH / box.width), (event.clientY - box.top) * (HEIGHT / box.height)];
  }

  enableZoom() {
    this.svg.addEventListener("wheel", (event) => {
      event.preventDefault();
      const [px, py] = this.toMap(event);
      this.zoomBy(Math.exp(-event.deltaY * 0.002), px, py);
    }, { passive: false });
    let drag = null;
    this.svg.addEventListener("pointerdown", (event) => {
      if (event.button !== 0) return;
      // The node under the pointer is read here: once the pointer is captured, later events name the map itself.
      const node = event.target.closest?.("g.node")?.dataset.node;
      drag = { start: this.toMap(event), x: this.zoom.x, y: this.zoom.y, id: event.pointerId, node, moved: 0 };
      this.svg.setPointerCapture(event.pointerId);
      this.svg.classList.add("dragging");
    });
    this.svg.addEventListener("pointermove", (event) => {
      if (!drag || event.pointerId !== drag.id) return;
      const [px, py] = this.toMap(event);
      drag.moved = Math.max(drag.moved, Math.hypot(px - drag.start[0], py - drag.start[1]));
      this.setZoom(this.zoom.k, drag.x + px - drag.start[0], drag.y + py - drag.start[1]);
    });
    const end = () => { drag = null; this.svg.classList.remove("dragging"); };
    this.svg.addEventListener("pointerup", () => {
      // A press and release on a node without dragging picks it, when a view asked for picks.
      if (drag?.node && drag.moved < 4 && this.pickNode) this.pickNode(drag.node);
      end();
    });
    this.svg.addEventListener("pointercancel", end);
  }

  /** Zooms by a factor, keeping the map point (px, py) where it is on screen. */
  zoomBy(factor, px, py) {
    const { k, x, y } = this.zoom;
    const next = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, k * factor));
    const f = next / k;
    this.setZoom(next, px - (px - x) * f, py - (py - y) * f);
  }

  setZoom(k, x, y) {
    // Keep the map covering the frame: no panning past its edges.
    const clampedX = Math.min(0, Math.max(WIDTH * (1 - k), x));
    const clampedY = Math.min(0, Math.max(HEIGHT * (1 - k), y));
    this.zoom = { k, x: clampedX, y: clampedY };
    this.viewport.setAttribute("transform", `translate(${clampedX.toFixed(2)},${clampedY.toFixed(2)}) scale(${k.toFixed(4)})`);
    this.svg.dataset.zoom = k.toFixed(2);
    this.placeNodes();
  }

  /** A projected point as it shows at the current zoom. */
  screen([x, y]) {
    const { k, x: tx, y: ty } = this.zoom;
    return [x * k + tx, y * k + ty];
  }

  async load(nodes, legs) {
    const world = await fetch("/vendor/countries-110m.json").then((r) => {
      if (!r.ok) throw new Error(`countries-110m.json: HTTP ${r.status}`);
      return r.json();
    });
    this.countries = window.topojson.feature(world, world.objects.countries);
    this.setNetwork(nodes, legs);
  }

  setNetwork(nodes, legs) {
    this.nodes = new Map(nodes.map((n) => [n.id, n]));
    this.legs = legs;
    // Fit the projection to the network itself (Rotterdam to Shanghai, St Petersburg to Mumbai): the SCO region
    // and the corridors that leave it. A conic equal-area keeps Central Asia's proportions honest.
    const coordinates = nodes.length ? nodes.map((n) => [n.lon, n.lat]) : [[4.5, 52], [121.5, 31], [72.8, 19], [30.3, 59.9]];
    const points = { type: "MultiPoint", coordinates };
    const d3 = window.d3;
    this.projection = d3.geoConicEqualArea().parallels([25, 55]).rotate([-68, 0])
      .fitExtent([[24, 24], [WIDTH - 24, HEIGHT - 24]], points);
    this.path = d3.geoPath(this.projection);
    this.degree = new Map();
    for (const leg of legs) for (const id of [leg.from, leg.to]) this.degree.set(id, (this.degree.get(id) ?? 0) + 1);
    this.zoom = { k: 1, x: 0, y: 0 };
    this.viewport.removeAttribute("transform");
    this.svg.dataset.zoom = "1";
    this.caption.textContent = `${t("map.title")}: ${nodes.length} nodes, ${legs.length} legs`;
    this.drawBase();
    this.drawNetwork();
  }

  xy(id) {
    const n = this.nodes.get(id);
    return n ? this.projection([n.lon, n.lat]) : null;
  }

  /** Translates the zoom controls after a language switch, with the network. */
  retranslate() {
    this.renderControls();
    if (this.projection) {
      this.drawNetwork();
      this.showPools(this.pools, { selectedId: this.selectedPool });
    }
  }

  drawBase() {
    const { sea, countries } = this.layers;
    sea.replaceChildren();
    countries.replaceChildren();
    el("rect", { x: 0, y: 0, width: WIDTH, height: HEIGHT, class: "sea" }, sea);
    el("path", { d: this.path(window.d3.geoGraticule10()), class: "graticule" }, sea);
    for (const f of this.countries.features) {
      const d = this.path(f);
      if (!d) continue;
      const p = el("path", { d, class: SCO_MEMBERS.has(String(f.id)) ? "country sco" : "country" }, countries);
      title(p, f.properties?.name ?? "");
    }
  }

  drawNetwork() {
    const { legs: legLayer, nodes: nodeLayer, labels } = this.layers;
    legLayer.replaceChildren();
    nodeLayer.replaceChildren();
    labels.replaceChildren();
    const drawn = new Set();
    for (const leg of this.legs) {
      const a = this.nodes.get(leg.from), b = this.nodes.get(leg.to);
      if (!a || !b) continue;
      // Legs are usable both ways; the API may list both directions: draw each pair once.
      const pair = [leg.from, leg.to].sort().join("|") + leg.mode + (leg.mode === "sea" ? leg.distanceKm : "");
      if (drawn.has(pair)) continue;
      drawn.add(pair);
      const d = this.path(legLine(a, b, leg));
      const disrupted = this.disrupted.legs.has(leg.id) || this.disrupted.nodes.has(leg.from) || this.disrupted.nodes.has(leg.to);
      const line = el("path", {
        d, class: `leg mode-${leg.mode}${disrupted ? " disrupted" : ""}`, "data-testid": `map-leg-${leg.id ?? pair}`,
        "data-from": leg.from, "data-to": leg.to,
      }, legLayer);
      title(line, `${a.name} – ${b.name}: ${t(`mode.${leg.mode}`)}, ${fmt.km(leg.distanceKm)}, ${fmt.hours(leg.hours)}`
        + (leg.costUsd ? `, ${fmt.usd(leg.costUsd)}` : "") + (leg.gaugeChange ? ", gauge change" : ""));
    }
    for (const n of this.nodes.values()) {
      const type = nodeType(n.type);
      const disrupted = this.disrupted.nodes.has(n.id);
      const g = el("g", {
        class: `node type-${type}${disrupted ? " disrupted" : ""}`, "data-testid": `map-node-${n.id}`, "data-node": n.id,
      }, nodeLayer);
      g.append(nodeShape(type, type === "city" ? 4 : 4.5, { class: "marker" }));
      if (disrupted) el("path", { d: "M-7,-7L7,7M-7,7L7,-7", class: "closed-mark" }, g);
      title(g, `${n.name} (${n.id}, ${n.country}) – ${t(`legend.${type}`)}${n.gaugeMm ? `, ${n.gaugeMm} mm` : ""}`
        + (disrupted ? ` – ${t("legend.disrupted")}` : ""));
    }
    this.placeNodes();
  }

  /** Moves markers to their zoomed positions and lays the labels out again. */
  placeNodes() {
    if (!this.projection) return;
    for (const g of this.layers.nodes.children) {
      const n = this.nodes.get(g.dataset.node);
      if (!n) continue;
      const [x, y] = this.screen(this.projection([n.lon, n.lat]));
      g.setAttribute("transform", `translate(${x.toFixed(1)},${y.toFixed(1)})`);
    }
    this.layoutLabels();
    this.placePools();
  }

  /**
   * Labels without overlaps: the most important nodes first (cities, then ports, then border crossings; the
   * better connected first within a kind), each in the first spot beside its marker that collides with no
   * label already placed and no other marker. What does not fit is left out; zooming in makes room.
   */
  layoutLabels() {
    const labels = this.layers.labels;
    labels.replaceChildren();
    const { k } = this.zoom;
    const points = [];
    for (const n of this.nodes.values()) {
      const [x, y] = this.screen(this.projection([n.lon, n.lat]));
      if (x < 0 || x > WIDTH || y < 0 || y > HEIGHT) continue;
      points.push({ n, x, y, type: nodeType(n.type) });
    }
    const markers = points.map((p) => ({ id: p.n.id, x0: p.x - 4, y0: p.y - 4, x1: p.x + 4, y1: p.y + 4 }));
    const candidates = points
      .filter((p) => p.type !== "border" || k >= BORDER_LABEL_ZOOM)
      .sort((a, b) => LABEL_PRIORITY[b.type] - LABEL_PRIORITY[a.type]
        || (this.degree.get(b.n.id) ?? 0) - (this.degree.get(a.n.id) ?? 0)
        || a.n.id.localeCompare(b.n.id));
    const placed = [];
    const overlaps = (a, b) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
    for (const p of candidates) {
      const text = shortName(p.n.name);
      const width = this.labelWidth(text);
      for (const [dx, dy, anchor] of LABEL_SPOTS) {
        const x0 = anchor === "start" ? p.x + dx : p.x + dx - width;
        const box = { x0, y0: p.y + dy - LABEL_HEIGHT + 2, x1: x0 + width, y1: p.y + dy + 2 };
        if (box.x0 < 0 || box.x1 > WIDTH || box.y0 < 0 || box.y1 > HEIGHT) continue;
        if (markers.some((m) => m.id !== p.n.id && overlaps(m, box))) continue;
        const padded = { x0: box.x0 - LABEL_MARGIN, y0: box.y0 - LABEL_MARGIN, x1: box.x1 + LABEL_MARGIN, y1: box.y1 + LABEL_MARGIN };
        if (placed.some((q) => overlaps(q, padded))) continue;
        placed.push(box);
        const label = el("text", {
          x: (p.x + dx).toFixed(1), y: (p.y + dy).toFixed(1), "text-anchor": anchor, class: "node-label",
          "data-testid": `map-label-${p.n.id}`,
        }, labels);
        label.textContent = text;
        break;
      }
    }
  }

  /** A label's width in map units, measured once per text (an estimate while the map is not rendered). */
  labelWidth(text) {
    let width = this.labelWidths.get(text);
    if (width) return width;
    const probe = el("text", { class: "node-label", x: -1000, y: -1000 }, this.layers.labels);
    probe.textContent = text;
    width = probe.getComputedTextLength?.() || 0;
    probe.remove();
    if (width > 0) this.labelWidths.set(text, width + 2);
    return width > 0 ? width + 2 : text.length * 6 + 2;
  }

  setDisruptions(list) {
    const today = new Date().toISOString().slice(0, 10);
    this.disrupted = { nodes: new Set(), legs: new Set() };
    for (const d of list) {
      if (d.to && String(d.to).slice(0, 10) < today) continue;
      if (d.nodeId) this.disrupted.nodes.add(d.nodeId);
      if (d.legId) this.disrupted.legs.add(d.legId);
    }
    if (this.projection) this.drawNetwork();
  }

  clearOverlay() { this.layers.overlay.replaceChildren(); }

  /** Flows as arcs between cities, stroke width by containers. */
  showFlows(flows) {
    this.clearOverlay();
    const max = Math.max(1, ...flows.map((f) => f.containers || 0));
    const byPair = new Map();
    for (const f of flows) {
      const key = `${f.origin}|${f.destination}`;
      const acc = byPair.get(key) || { origin: f.origin, destination: f.destination, containers: 0, matches: 0 };
      acc.containers += f.containers || 0;
      acc.matches += f.matches || 0;
      byPair.set(key, acc);
    }
    for (const f of byPair.values()) {
      const a = this.xy(f.origin), b = this.xy(f.destination);
      if (!a || !b) continue;
      // A quadratic curve bowed to the left of travel so A->B and B->A do not overlap.
      const mx = (a[0] + b[0]) / 2, my = (a[1] + b[1]) / 2;
      const dx = b[0] - a[0], dy = b[1] - a[1];
      const bow = 0.25;
      const cx = mx + dy * bow, cy = my - dx * bow;
      const width = 1.5 + 8 * Math.sqrt(f.containers / max);
      const p = el("path", {
        d: `M${a[0]},${a[1]}Q${cx},${cy} ${b[0]},${b[1]}`, class: "flow-arc",
        "stroke-width": width.toFixed(1), "data-testid": "map-flow",
        "data-origin": f.origin, "data-destination": f.destination,
      }, this.layers.overlay);
      el("circle", { cx: b[0], cy: b[1], r: width / 2 + 1.5, class: "flow-head" }, this.layers.overlay);
      title(p, `${this.name(f.origin)} → ${this.name(f.destination)}: ${fmt.number(f.containers)} ${t("flows.containers")}, ${fmt.number(f.matches)} ${t("flows.matches")}`);
    }
  }

  /** A route's legs as a thick highlighted path (geodesic per leg), with its end points ringed. */
  showRoute(route, { append = false, faded = false } = {}) {
    if (!append) this.clearOverlay();
    if (!route?.legs?.length) return;
    const g = el("g", { class: `route${faded ? " faded" : ""}`, "data-testid": faded ? "map-route-alt" : "map-route" }, this.layers.overlay);
    for (const leg of route.legs) {
      const a = this.nodes.get(leg.from), b = this.nodes.get(leg.to);
      if (!a || !b) continue;
      el("path", { d: this.path(legLine(a, b, leg)), class: `route-leg mode-${leg.mode}` }, g);
    }
    for (const id of [route.legs[0].from, route.legs.at(-1).to]) {
      const p = this.xy(id);
      if (p) el("circle", { cx: p[0], cy: p[1], r: 8, class: "route-end" }, g);
    }
  }

  /**
   * Lets a view pick nodes by clicking them (a tender's origin and destination); `null` stops picking.
   * Returns a function that stops it, so the view that started picking can end it on unmount.
   */
  onNodePick(fn) {
    this.pickNode = fn;
    this.svg.classList.toggle("picking", !!fn);
    return () => { if (this.pickNode === fn) this.onNodePick(null); };
  }

  /**
   * Lanes between two places (a tender's), as straight dashed lines with their ends ringed; awarded lanes solid,
   * titled with their carrier.
   */
  showLanes(lanes, { append = false } = {}) {
    if (!append) this.clearOverlay();
    const g = el("g", { class: "tender-lanes" }, this.layers.overlay);
    for (const lane of lanes) {
      const a = this.nodes.get(lane.origin), b = this.nodes.get(lane.destination);
      if (!a || !b) continue;
      const p = el("path", {
        d: this.path({ type: "LineString", coordinates: [[a.lon, a.lat], [b.lon, b.lat]] }),
        class: `tender-lane${lane.carrier ? " awarded" : ""}`, "data-testid": "map-tender-lane", "data-ref": lane.ref ?? "",
        "data-awarded": lane.carrier ? "true" : "false", "data-origin": lane.origin, "data-destination": lane.destination,
      }, g);
      title(p, `${lane.ref ? `${lane.ref}: ` : ""}${this.name(lane.origin)} → ${this.name(lane.destination)}${lane.carrier ? ` – ${lane.carrier}` : ""}`);
      for (const id of [lane.origin, lane.destination]) {
        const q = this.xy(id);
        if (q) el("circle", { cx: q[0], cy: q[1], r: 6, class: "tender-lane-end" }, g);
      }
    }
  }

  /** Where a shipment is now: a pulsing ring on its last reported place (its origin before it departs). */
  markPosition(id, label) {
    const p = this.xy(id);
    if (!p) return;
    const g = el("g", { class: "shipment-position", "data-testid": "map-shipment-position", "data-node": id }, this.layers.overlay);
    el("circle", { cx: p[0], cy: p[1], r: 12, class: "position-halo" }, g);
    el("circle", { cx: p[0], cy: p[1], r: 5, class: "position-dot" }, g);
    title(g, label || this.name(id));
  }

  /** Soft rings around nodes, e.g. the ends of open cargo offers. */
  markNodes(ids, cls = "mark") {
    for (const id of ids) {
      const p = this.xy(id);
      if (p) el("circle", { cx: p[0], cy: p[1], r: 10, class: `node-ring ${cls}` }, this.layers.overlay);
    }
  }

  /**
   * Pools as dashed lanes with a fill bar each at the lane's middle: the filled part is the containers planned out of
   * the maximum, a tick marks the minimum the train needs to run, the text gives the fill and the price per container
   * now. Bars keep their size when zooming (placed like the node markers); pools of one lane stack.
   */
  showPools(pools, { selectedId = null } = {}) {
    this.pools = pools;
    this.selectedPool = selectedId;
    const { pools: lanes, poolBars } = this.layers;
    lanes.replaceChildren();
    poolBars.replaceChildren();
    if (!this.projection) return;
    const perLane = new Map();
    for (const p of pools) {
      const a = this.nodes.get(p.from), b = this.nodes.get(p.to);
      if (!a || !b) continue;
      const key = [p.from, p.to].sort().join("|");
      const stack = perLane.get(key) ?? 0;
      perLane.set(key, stack + 1);
      const selected = p.id === selectedId;
      if (stack === 0 || selected) {
        el("path", {
          d: this.path({ type: "LineString", coordinates: [[a.lon, a.lat], [b.lon, b.lat]] }),
          class: `pool-lane${selected ? " selected" : ""}`, "data-testid": "map-pool-lane", "data-from": p.from, "data-to": p.to,
        }, lanes);
      }
      const reached = p.fill.containers >= p.minContainers;
      const g = el("g", {
        class: `pool-mark status-${p.status}${reached ? " reached" : ""}${selected ? " selected" : ""}`, "data-testid": "map-pool",
        "data-pool-id": p.id, "data-status": p.status, "data-containers": p.fill.containers, "data-min": p.minContainers,
        "data-max": p.maxContainers, "data-stack": stack,
      }, poolBars);
      const text = `${fmt.number(p.fill.containers)}/${fmt.number(p.maxContainers)} · ${fmt.money(p.pricePerContainer)}`;
      title(g, `${this.name(p.from)} → ${this.name(p.to)}, ${fmt.date(p.departureDate)}: ${t("pool.fillText", {
        containers: fmt.number(p.fill.containers), min: fmt.number(p.minContainers), max: fmt.number(p.maxContainers) })}; `
        + `${t("pool.pricePerContainer")} ${fmt.money(p.pricePerContainer)} (${t(`pool.status.${p.status}`)})`);
      fillGauge(g, p, { width: POOL_BAR_WIDTH, height: 7 });
      el("text", { x: POOL_BAR_WIDTH + 4, y: 7, class: "pool-mark-text", "data-testid": "map-pool-text" }, g, text);
    }
    this.placePools();
  }

  placePools() {
    if (!this.projection) return;
    for (const g of this.layers.poolBars.children) {
      const p = this.pools.find((x) => x.id === g.dataset.poolId);
      const a = p && this.xy(p.from), b = p && this.xy(p.to);
      if (!a || !b) continue;
      const [x, y] = this.screen([(a[0] + b[0]) / 2, (a[1] + b[1]) / 2]);
      const dy = Number(g.dataset.stack) * 13;
      g.setAttribute("transform", `translate(${(x - POOL_BAR_WIDTH / 2).toFixed(1)},${(y - 4 + dy).toFixed(1)})`);
    }
  }

  name(id) { return this.nodes.get(id)?.name ?? id; }
}

const POOL_BAR_WIDTH = 40;

/**
 * A pool's fill as an SVG gauge into `parent`: the track is the maximum, the bar the containers planned, the tick
 * the minimum; the bar turns green once the minimum is reached. Attributes, not styles: the page's CSP allows no
 * inline style.
 */
export function fillGauge(parent, pool, { width, height }) {
  const max = Math.max(1, pool.maxContainers);
  const share = Math.min(1, pool.fill.containers / max);
  const minX = Math.min(1, pool.minContainers / max) * width;
  el("rect", { x: 0, y: 0, width, height, rx: 2, class: "pool-track" }, parent);
  el("rect", { x: 0, y: 0, width: (share * width).toFixed(1), height, rx: 2, class: "pool-bar", "data-testid": "pool-bar" }, parent);
  el("line", { x1: minX.toFixed(1), x2: minX.toFixed(1), y1: -2, y2: height + 2, class: "pool-min-tick" }, parent);
  return parent;
}

// Sea legs follow shipping lanes, not great circles over land: waypoints between the two ports, [lon, lat].
const SEA_LANES = {
  "CNSHA|CNTSN": [[123, 33], [123.2, 37.5], [121, 38.6]],
  "CNSHA|INNSA": [[122.5, 25], [114, 12], [104.5, 1.2], [95, 6], [80.5, 5.5], [74, 12]],
  "CNSHA|IRZBR": [[122.5, 25], [114, 12], [104.5, 1.2], [95, 6], [80.5, 5.5], [66, 20]],
  "CNSHA|NLRTM/suez": [[122.5, 25], [114, 12], [104.5, 1.2], [95, 6], [80.5, 5.5], [52, 13], [43.4, 12.6], [38, 20], [32.6, 29.5], [32.3, 31.5], [20, 34.5], [11, 37.5], [-5.6, 35.9], [-10, 43], [-5, 48.5], [1.5, 51]],
  "CNSHA|NLRTM/cape": [[122.5, 25], [114, 12], [104.5, 1.2], [95, -5], [60, -25], [20, -36], [8, -20], [-18, 15], [-12, 40], [-5, 48.5], [1.5, 51]],
};

/** The geographic line of a leg: the port-to-port shipping lane for known sea legs, else a great circle. */
export function legLine(a, b, leg) {
  let key = `${a.id}|${b.id}`;
  let reversed = false;
  if (a.id > b.id) { key = `${b.id}|${a.id}`; reversed = true; }
  let lane = SEA_LANES[key];
  if (!lane && key === "CNSHA|NLRTM") lane = SEA_LANES[`${key}/${leg?.distanceKm > 22000 ? "cape" : "suez"}`];
  if (!lane || (leg && leg.mode !== "sea")) return { type: "LineString", coordinates: [[a.lon, a.lat], [b.lon, b.lat]] };
  const [first, last] = reversed ? [b, a] : [a, b];
  const coordinates = [[first.lon, first.lat], ...lane, [last.lon, last.lat]];
  if (reversed) coordinates.reverse();
  return { type: "LineString", coordinates };
}

function shortName(name) {
  return String(name).replace(/\s*\(.*\)\s*/, "");
}

/** The legend as HTML, with the same marker shapes as the map. */
export function renderLegend(host) {
  host.replaceChildren();
  const h = document.createElement("h3");
  h.textContent = t("legend.title");
  h.className = "visually-hidden";
  host.append(h);
  const list = document.createElement("ul");
  list.className = "legend-list";
  const item = (draw, key) => {
    const li = document.createElement("li");
    const svg = el("svg", { viewBox: "-12 -8 24 16", width: 24, height: 16, "aria-hidden": "true" });
    draw(svg);
    const span = document.createElement("span");
    span.textContent = t(key);
    li.append(svg, span);
    list.append(li);
  };
  for (const type of ["city", "seaport", "dryport", "border"]) {
    item((svg) => el("g", { class: `node type-${type}` }, svg).append(nodeShape(type, 4.5, { class: "marker" })), `legend.${type}`);
  }
  for (const mode of ["rail", "road", "sea", "ferry"]) {
    item((svg) => el("path", { d: "M-11,0L11,0", class: `leg mode-${mode}` }, svg), `legend.${mode}`);
  }
  item((svg) => el("path", { d: "M-11,0L11,0", class: "leg mode-rail disrupted" }, svg), "legend.disrupted");
  item((svg) => el("path", { d: "M-11,0L11,0", class: "route-leg" }, svg), "legend.route");
  item((svg) => el("path", { d: "M-11,4Q0,-8 11,4", class: "flow-arc", "stroke-width": 3 }, svg), "legend.flow");
  item((svg) => fillGauge(el("g", { transform: "translate(-11,-3)" }, svg),
    { fill: { containers: 12 }, minContainers: 10, maxContainers: 20 }, { width: 22, height: 6 }), "legend.pool");
  host.append(list);
}
