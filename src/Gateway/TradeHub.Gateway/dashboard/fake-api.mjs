// A stand-in for the gateway, for working on the dashboard alone: serves wwwroot and an in-memory imitation
// of the public API (docs/api.md). Development only; the browser tests target the real gateway.
//
//   node src/Gateway/TradeHub.Gateway/dashboard/fake-api.mjs [port]      (CORRIDORS=dir of nodes.csv/edges.csv)
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../wwwroot");
const port = Number(process.argv[2] || process.env.PORT || 8099);
const corridors = process.env.CORRIDORS || path.resolve(here, "../../../../samples/corridors");

function csv(file) {
  const text = fs.readFileSync(path.join(corridors, file), "utf8").replace(/\r/g, "");
  const rows = [];
  let row = [], cell = "", quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { row.push(cell); cell = ""; }
    else if (c === "\n") { row.push(cell); rows.push(row); row = []; cell = ""; }
    else cell += c;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  const [head, ...body] = rows.filter((r) => r.length > 1);
  return body.map((r) => Object.fromEntries(r.map((v, i) => [head[i], v])));
}
const num = (s) => { const [a, b] = String(s).split("-").map(Number); return b ? (a + b) / 2 : a || 0; };

const nodes = csv("nodes.csv").map((n) => ({ id: n.id, name: n.name, country: n.country, type: n.type, lat: +n.lat, lon: +n.lon, gaugeMm: n.gauge_mm.includes("|") ? 1435 : +n.gauge_mm }));
const RATE = { rail: 0.9, road: 1.6, sea: 0.25, ferry: 0.8 }, CO2 = { rail: 0.022, road: 0.062, sea: 0.012, ferry: 0.03 };
const legs = [];
csv("edges.csv").filter((e) => !e.source.includes("MACRO-EDGE")).forEach((e, i) => {
  const base = { mode: e.mode, distanceKm: +e.distance_km, hours: num(e.transit_hours) + num(e.border_dwell_hours),
    costUsd: e.cost_usd_per_feu ? +e.cost_usd_per_feu : Math.round(+e.distance_km * RATE[e.mode]),
    co2Kg: Math.round(+e.distance_km * CO2[e.mode] * 20), gaugeChange: e.gauge_change === "yes" };
  const border = (id) => nodes.find((n) => n.id === id)?.type === "border";
  legs.push({ id: `L${i}a`, from: e.from, to: e.to, ...base, borderCrossing: border(e.to) });
  legs.push({ id: `L${i}b`, from: e.to, to: e.from, ...base, borderCrossing: border(e.from) });
});

const db = { cargo: [], capacity: [], trade: [], bids: [], matches: [], disruptions: [], flows: [], shipments: [], tenders: [] };
const streams = new Set();
let eventId = 0;
const uuid = () => crypto.randomUUID();

function emit(type, data) {
  const text = `id: ${++eventId}\nevent: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
  for (const s of streams) s.write(text);
}

function token(organisation, role) {
  const b = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${b({ alg: "none", typ: "JWT" })}.${b({ sub: `${organisation}-user`, org: organisation, role, exp: Math.floor(Date.now() / 1000) + 8 * 3600 })}.fake`;
}
function caller(req) {
  // As the gateway: the token only in the Authorization header, never in the query string.
  const m = /^Bearer (.+)$/.exec(req.headers.authorization || "");
  if (!m) return null;
  try { return JSON.parse(Buffer.from(m[1].split(".")[1], "base64url").toString()); } catch { return null; }
}

function send(res, status, body, headers = {}) {
  const problem = status >= 400;
  res.writeHead(status, { "Content-Type": problem ? "application/problem+json" : "application/json", ...headers });
  res.end(body === undefined ? "" : JSON.stringify(body));
}
const problem = (res, status, title, errors) => send(res, status, { type: `https://tools.ietf.org/html/rfc9110#section-15.5.${status === 400 ? 1 : status === 404 ? 5 : 10}`, title, status, ...(errors ? { errors } : {}) });

// ---- validation (shape only, like the services' FluentValidation validators) ----
const isDate = (s) => typeof s === "string" && /^\d{4}-\d{2}-\d{2}$/.test(s);
const nodeIds = new Set(nodes.map((n) => n.id));
function check(rules) {
  const errors = {};
  for (const [field, ok, message] of rules) if (!ok) (errors[field] ??= []).push(message);
  return Object.keys(errors).length ? errors : null;
}
const money = (m, f) => [[`${f}.amount`, m && typeof m.amount === "number" && m.amount > 0, "'Amount' must be greater than '0'."],
  [`${f}.currency`, m && /^[A-Z]{3}$/.test(m.currency || ""), "'Currency' must be an ISO 4217 code."]];
const containers = (c) => [["containers.count", c && Number.isInteger(c.count) && c.count >= 1 && c.count <= 500, "'Count' must be between 1 and 500."],
  ["containers.type", c && ["20GP", "40GP", "40HC", "20RF", "40RF"].includes(c.type), "'Type' must be one of 20GP, 40GP, 40HC, 20RF, 40RF."]];

// ---- routing: three weightings of Dijkstra give a small Pareto-ish set ----
function shortest(from, to, weight, avoid) {
  const dist = new Map([[from, 0]]), prev = new Map(), done = new Set();
  while (true) {
    let u = null, best = Infinity;
    for (const [k, d] of dist) if (!done.has(k) && d < best) { best = d; u = k; }
    if (u === null || u === to) break;
    done.add(u);
    for (const l of legs) {
      if (l.from !== u || avoid.has(l.to) || avoid.has(l.id)) continue;
      const d = best + weight(l);
      if (d < (dist.get(l.to) ?? Infinity)) { dist.set(l.to, d); prev.set(l.to, l); }
    }
  }
  if (!prev.has(to)) return null;
  const path = [];
  for (let n = to; n !== from; n = prev.get(n).from) path.unshift(prev.get(n));
  return path;
}
function routesFor(offer) {
  const today = new Date().toISOString().slice(0, 10);
  const avoid = new Set(db.disruptions.filter((d) => d.to >= today).map((d) => d.nodeId || d.legId));
  const seen = new Set(), routes = [];
  for (const w of [(l) => l.hours, (l) => l.costUsd, (l) => l.co2Kg]) {
    const p = shortest(offer.origin, offer.destination, w, avoid);
    if (!p) continue;
    const key = p.map((l) => l.id).join();
    if (seen.has(key)) continue;
    seen.add(key);
    const sum = (f) => p.reduce((a, l) => a + l[f], 0);
    routes.push({ id: `${offer.id.slice(0, 8)}-r${routes.length + 1}`, legs: p.map(({ id, ...l }) => l), totalHours: sum("hours"), totalDistanceKm: sum("distanceKm"),
      costUsd: sum("costUsd") * offer.containers.count, co2Kg: sum("co2Kg") * offer.containers.count,
      borderCrossings: p.filter((l) => l.borderCrossing).length, gaugeChanges: p.filter((l) => l.gaugeChange).length });
  }
  return routes;
}

function recordFlow(offer, mode) {
  db.flows.push({ origin: offer.origin, destination: offer.destination, corridor: `${offer.origin}-${offer.destination}`, mode,
    hsChapter: (offer.hsCode || "00").slice(0, 2), month: new Date().toISOString().slice(0, 7), containers: offer.containers.count, weightKg: offer.weightKg });
}

async function body(req) {
  let text = "";
  for await (const chunk of req) text += chunk;
  try { return text ? JSON.parse(text) : {}; } catch { return undefined; }
}

const routesApi = [];
const on = (method, pattern, handler, role) => routesApi.push({ method, re: new RegExp(`^${pattern}$`), handler, role });

on("POST", "/api/dev/tokens", async (req, res) => {
  const b = await body(req);
  const errors = check([["organisation", !!b?.organisation, "'Organisation' must not be empty."], ["role", ["sme", "carrier", "trade_office", "admin"].includes(b?.role), "'Role' is not a role."]]);
  if (errors) return problem(res, 400, "The request has invalid fields.", errors);
  send(res, 200, { token: token(b.organisation, b.role) });
}, "anonymous");
on("GET", "/api/network/nodes", (req, res) => send(res, 200, nodes));
on("GET", "/api/network/legs", (req, res) => send(res, 200, legs));
on("GET", "/api/network/disruptions", (req, res) => send(res, 200, { items: db.disruptions, nextCursor: null }));
on("POST", "/api/network/disruptions", async (req, res) => {
  const b = await body(req);
  const errors = check([["nodeId", (b.nodeId && nodeIds.has(b.nodeId)) || (b.legId && legs.some((l) => l.id === b.legId)), "Give a known 'nodeId' or 'legId'."],
    ["from", isDate(b.from), "'From' must be a date."], ["to", isDate(b.to) && b.to >= b.from, "'To' must be a date on or after 'From'."],
    ["reason", !!b.reason, "'Reason' must not be empty."]]);
  if (errors) return problem(res, 400, "The request has invalid fields.", errors);
  const d = { id: uuid(), nodeId: b.nodeId ?? null, legId: b.legId ?? null, from: b.from, to: b.to, reason: b.reason };
  db.disruptions.push(d);
  send(res, 201, d);
  setTimeout(() => { for (const o of db.cargo.filter((x) => x.status === "open")) emit("routes.changed", { cargoOfferId: o.id, status: "ready", routes: routesFor(o) }); }, 300);
}, "admin");
on("DELETE", "/api/network/disruptions/([^/]+)", (req, res, [id]) => {
  db.disruptions = db.disruptions.filter((d) => d.id !== id);
  res.writeHead(204).end();
  setTimeout(() => { for (const o of db.cargo.filter((x) => x.status === "open")) emit("routes.changed", { cargoOfferId: o.id, status: "ready", routes: routesFor(o) }); }, 300);
}, "admin");

on("POST", "/api/cargo-offers", async (req, res, _, who) => {
  const b = await body(req);
  if (b === undefined) return problem(res, 400, "The request body could not be read.", { body: ["The body is not valid JSON."] });
  const errors = check([
    ["origin", nodeIds.has(b.origin), "'Origin' must be a known node id."],
    ["destination", nodeIds.has(b.destination) && b.destination !== b.origin, "'Destination' must be a known node id other than the origin."],
    ["readyDate", isDate(b.readyDate), "'Ready Date' must be a date (YYYY-MM-DD)."],
    ["deliverBy", isDate(b.deliverBy) && b.deliverBy > (b.readyDate || ""), "'Deliver By' must be after 'Ready Date'."],
    ...containers(b.containers),
    ["weightKg", typeof b.weightKg === "number" && b.weightKg > 0 && b.weightKg <= 30480 * (b.containers?.count || 1), "'Weight Kg' must be greater than 0 and fit the containers."],
    ["hsCode", !b.hsCode || /^\d{6}$/.test(b.hsCode), "'Hs Code' must be 6 digits."],
    ...(b.targetPrice ? money(b.targetPrice, "targetPrice") : [])]);
  if (errors) return problem(res, 400, "The request has invalid fields.", errors);
  const offer = { id: uuid(), owner: who.org, status: "open", createdAt: new Date().toISOString(), ...b };
  offer.routesReadyAt = Date.now() + 1500;
  db.cargo.unshift(offer);
  send(res, 201, view(offer, who), { Location: `/api/cargo-offers/${offer.id}` });
}, "sme");
const view = (o, who) => { const { owner, routesReadyAt, targetPrice, ...rest } = o; return who.org === owner ? { ...rest, targetPrice } : rest; };
on("GET", "/api/cargo-offers", (req, res, _, who) => {
  const q = new URL(req.url, "http://x").searchParams;
  const items = db.cargo.filter((o) => (!q.get("status") || o.status === q.get("status")) && (!q.get("origin") || o.origin === q.get("origin")));
  send(res, 200, { items: items.map((o) => view(o, who)), nextCursor: null });
});
on("GET", "/api/cargo-offers/([^/]+)", (req, res, [id], who) => {
  const o = db.cargo.find((x) => x.id === id);
  return o ? send(res, 200, view(o, who)) : problem(res, 404, "No such cargo offer.");
});
on("GET", "/api/cargo-offers/([^/]+)/routes", (req, res, [id]) => {
  const o = db.cargo.find((x) => x.id === id);
  if (!o) return problem(res, 404, "No such cargo offer.");
  if (Date.now() < o.routesReadyAt) return send(res, 200, { status: "pending", routes: [] });
  send(res, 200, { status: "ready", routes: routesFor(o) });
});
on("POST", "/api/cargo-offers/([^/]+)/bids", async (req, res, [id], who) => {
  const o = db.cargo.find((x) => x.id === id);
  if (!o) return problem(res, 404, "No such cargo offer.");
  const b = await body(req);
  const errors = check([...money(b.price, "price"), ["transitDays", Number.isInteger(b.transitDays) && b.transitDays > 0, "'Transit Days' must be greater than '0'."],
    ["validUntil", isDate(b.validUntil), "'Valid Until' must be a date."]]);
  if (errors) return problem(res, 400, "The request has invalid fields.", errors);
  if (o.status !== "open") return problem(res, 409, "The cargo offer is not open.");
  const bid = { id: uuid(), cargoOfferId: id, carrier: who.org, status: "open", createdAt: new Date().toISOString(), ...b };
  db.bids.push(bid);
  send(res, 201, bid);
  emit("bid.placed", bid);
}, "carrier");
on("GET", "/api/cargo-offers/([^/]+)/bids", (req, res, [id], who) => {
  const o = db.cargo.find((x) => x.id === id);
  if (!o) return problem(res, 404, "No such cargo offer.");
  send(res, 200, { items: db.bids.filter((b) => b.cargoOfferId === id && (o.owner === who.org || b.carrier === who.org)), nextCursor: null });
});
on("POST", "/api/cargo-offers/([^/]+)/bids/([^/]+)/award", (req, res, [id, bidId], who) => {
  const o = db.cargo.find((x) => x.id === id);
  if (!o || o.owner !== who.org) return problem(res, 404, "No such cargo offer.");
  if (o.status === "awarded") return problem(res, 409, "The cargo offer is already awarded.");
  const bid = db.bids.find((b) => b.id === bidId && b.cargoOfferId === id);
  if (!bid) return problem(res, 404, "No such bid.");
  o.status = "awarded";
  for (const b of db.bids) if (b.cargoOfferId === id) b.status = b.id === bidId ? "won" : "lost";
  recordFlow(o, "rail");
  send(res, 200, view(o, who));
  emit("bid.awarded", bid);
  book(o, bid);
}, "sme");

// ---- shipments: an awarded bid books one over the offer's first route, the bid's carrier on every leg ----
function book(o, bid) {
  const route = routesFor(o)[0];
  if (!route) return;
  let at = new Date(`${o.readyDate}T08:00:00Z`).getTime();
  const legsOf = route.legs.map((l) => {
    const dep = new Date(at).toISOString(); at += l.hours * 3_600_000;
    const arr = new Date(at).toISOString();
    return { from: l.from, to: l.to, mode: l.mode, carrier: bid.carrier, hours: l.hours, crossing: l.borderCrossing ? `${l.from}-${l.to}` : null,
      plannedDeparture: dep, plannedArrival: arr, estimatedDeparture: dep, estimatedArrival: arr, actualDeparture: null, actualArrival: null };
  });
  const s = { id: uuid(), cargoOfferId: o.id, bidId: bid.id, shipper: o.owner, carriers: [bid.carrier], status: "booked", delayed: false,
    origin: o.origin, destination: o.destination, deliverBy: o.deliverBy, containers: o.containers, legs: legsOf, events: [], bookedAt: new Date().toISOString() };
  reestimate(s);
  db.shipments.unshift(s);
  emit("shipment.booked", shipmentView(s));
}
function reestimate(s) {
  let ready = null;
  for (const l of s.legs) {
    const est = (type) => s.events.filter((e) => e.classifier === "EST" && e.type === type && e.location === (type === "DEPA" ? l.from : l.to)).at(-1)?.eventDateTime;
    const act = (type, place) => s.events.filter((e) => e.classifier === "ACT" && e.type === type && e.location === place).at(-1)?.eventDateTime ?? null;
    l.actualDeparture = act("DEPA", l.from);
    l.actualArrival = act("ARRI", l.to);
    const dep = l.actualDeparture ?? est("DEPA") ?? new Date(Math.max(Date.parse(l.plannedDeparture), ready ?? 0)).toISOString();
    l.estimatedDeparture = dep;
    l.estimatedArrival = l.actualArrival ?? est("ARRI") ?? new Date(Date.parse(dep) + l.hours * 3_600_000).toISOString();
    ready = Date.parse(l.estimatedArrival);
  }
  const last = s.events.filter((e) => e.classifier === "ACT").at(-1);
  if (last) { s.position = { location: last.location, since: last.eventDateTime }; if (s.status === "booked") s.status = "in_transit"; }
  const wasDelayed = s.delayed;
  s.delayed = Date.parse(s.legs.at(-1).estimatedArrival) > Date.parse(`${s.deliverBy}T23:59:59Z`);
  if (s.delayed && !wasDelayed) emit("shipment.delayed", { shipmentId: s.id, delayed: true, estimatedArrival: s.legs.at(-1).estimatedArrival, deliverBy: s.deliverBy });
}
const shipmentView = ({ events, legs: l, ...s }) => ({ ...s, plannedArrival: l.at(-1).plannedArrival, estimatedArrival: l.at(-1).estimatedArrival,
  actualArrival: l.at(-1).actualArrival, position: s.position ?? null, legs: l.map(({ hours, crossing, ...x }) => x) });
const party = (s, who) => s.shipper === who.org || s.carriers.includes(who.org);
on("GET", "/api/shipments", (req, res, _, who) => {
  const q = new URL(req.url, "http://x").searchParams;
  send(res, 200, { items: db.shipments.filter((s) => party(s, who) && (!q.get("status") || s.status === q.get("status"))).map(shipmentView), nextCursor: null });
});
on("GET", "/api/shipments/([^/]+)", (req, res, [id], who) => {
  const s = db.shipments.find((x) => x.id === id && party(x, who));
  return s ? send(res, 200, shipmentView(s)) : problem(res, 404, "No such shipment among yours.");
});
on("GET", "/api/shipments/([^/]+)/events", (req, res, [id], who) => {
  const s = db.shipments.find((x) => x.id === id && party(x, who));
  if (!s) return problem(res, 404, "No such shipment among yours.");
  const items = s.legs.flatMap((l, i) => [
    { eventId: null, type: "DEPA", classifier: "PLN", location: l.from, eventDateTime: l.plannedDeparture, leg: i, carrier: l.carrier, reason: null },
    { eventId: null, type: "ARRI", classifier: "PLN", location: l.to, eventDateTime: l.plannedArrival, leg: i, carrier: l.carrier, reason: null },
    ...(l.actualDeparture ? [] : [{ eventId: null, type: "DEPA", classifier: "EST", location: l.from, eventDateTime: l.estimatedDeparture, leg: i, carrier: l.carrier, reason: null }]),
    ...(l.actualArrival ? [] : [{ eventId: null, type: "ARRI", classifier: "EST", location: l.to, eventDateTime: l.estimatedArrival, leg: i, carrier: l.carrier, reason: null }]),
  ]).concat(s.events.filter((e) => e.classifier === "ACT"));
  const order = { PLN: 0, EST: 1, ACT: 2 };
  items.sort((a, b) => a.eventDateTime.localeCompare(b.eventDateTime) || order[a.classifier] - order[b.classifier]);
  send(res, 200, { shipmentId: id, items });
});
on("POST", "/api/shipments/([^/]+)/events", async (req, res, [id], who) => {
  const s = db.shipments.find((x) => x.id === id && party(x, who));
  if (!s) return problem(res, 404, "No such shipment among yours.");
  if (!s.carriers.includes(who.org)) return problem(res, 403, "Only the carrier of a leg posts its events.");
  const b = await body(req);
  const types = ["DEPA", "ARRI", "GTIN", "GTOT", "LOAD", "DISC", "CUSS", "CUSI", "CUSR"];
  const errors = check([["eventId", !!b.eventId, "'Event Id' must not be empty."], ["type", types.includes(b.type), `'type' must be one of ${types.join(", ")}.`],
    ["classifier", ["ACT", "EST"].includes(b.classifier), "'classifier' must be ACT or EST."],
    ["location", s.legs.some((l) => l.from === b.location || l.to === b.location), `'location' ${b.location} is not on the shipment's route.`],
    ["eventDateTime", !Number.isNaN(Date.parse(b.eventDateTime)) && (b.classifier !== "ACT" || Date.parse(b.eventDateTime) <= Date.now() + 86_400_000), "'eventDateTime' is more than a day ahead."]]);
  if (errors) return problem(res, 400, "The events cannot be true of this shipment.", errors);
  const leg = s.legs.find((l) => (b.type === "ARRI" ? l.to : l.from) === b.location) ?? s.legs.find((l) => l.to === b.location);
  if (b.classifier === "ACT" && b.type === "ARRI" && leg.actualDeparture && b.eventDateTime < leg.actualDeparture)
    return problem(res, 400, "The events cannot be true of this shipment.", { eventDateTime: ["'eventDateTime' is an arrival before the leg departed."] });
  const e = { eventId: b.eventId, type: b.type, classifier: b.classifier, location: b.location, eventDateTime: new Date(b.eventDateTime).toISOString(),
    leg: s.legs.indexOf(leg), carrier: who.org, reason: b.reason ?? null };
  if (!s.events.some((x) => x.eventId === e.eventId)) { s.events.push(e); reestimate(s); emit("shipment.event", { shipmentId: s.id, ...e }); }
  send(res, 202, { shipmentId: s.id, accepted: [{ eventId: e.eventId, duplicate: false }], refused: [] });
}, "carrier");
on("GET", "/api/corridors/performance", (req, res) => {
  const groupBy = new URL(req.url, "http://x").searchParams.get("groupBy") || "corridor";
  const groups = new Map();
  for (const s of db.shipments) {
    const dwells = s.legs.filter((l) => l.crossing).map((l) => {
      const at = s.events.filter((e) => e.classifier === "ACT" && (e.location === l.from || e.location === l.to)).map((e) => Date.parse(e.eventDateTime));
      return { key: l.crossing, hours: at.length < 2 ? null : (Math.max(...at) - Math.min(...at)) / 3_600_000 };
    });
    const samples = groupBy === "crossing" ? dwells : [{ key: groupBy === "month" ? s.bookedAt.slice(0, 7) : `${s.origin}-${s.destination}`,
      hours: dwells.reduce((a, d) => a + (d.hours ?? 0), 0) || null }];
    for (const d of samples) (groups.get(d.key) ?? groups.set(d.key, []).get(d.key)).push({ s, hours: d.hours });
  }
  const pct = (xs, p) => { const v = xs.filter((x) => x !== null).sort((a, b) => a - b); return v.length ? v[Math.max(0, Math.ceil(p * v.length) - 1)] : null; };
  send(res, 200, [...groups].filter(([, xs]) => xs.length >= 3).map(([key, xs]) => ({ [groupBy]: key, shipments: xs.length,
    delivered: xs.filter((x) => x.s.status === "delivered").length, onTimeShare: null, transitDaysP50: null, transitDaysP90: null,
    borderDwellHoursP50: pct(xs.map((x) => x.hours), 0.5), borderDwellHoursP90: pct(xs.map((x) => x.hours), 0.9) })));
}, "flows");

// ---- tenders: the award here is an exhaustive search over small tenders (the service solves it with CP-SAT) ----
const tenderSummary = (x) => ({ id: x.id, ownerOrg: x.ownerOrg, title: x.title, closesAt: x.closesAt, status: x.status, laneCount: x.lanes.length, createdAt: x.createdAt });
on("POST", "/api/tenders", async (req, res, _, who) => {
  const b = await body(req);
  const lanes = Array.isArray(b.lanes) ? b.lanes : [];
  const errors = check([["title", !!b.title, "'Title' must not be empty."], ["closesAt", Date.parse(b.closesAt) > Date.now(), "'closesAt' must be in the future."],
    ["lanes", lanes.length > 0, "'Lanes' must not be empty."],
    ...lanes.flatMap((l, i) => [[`lanes[${i}].origin`, nodeIds.has(l.origin), "'Origin' is not a node of the route network."],
      [`lanes[${i}].destination`, nodeIds.has(l.destination) && l.destination !== l.origin, "'destination' must differ from 'origin'."]])]);
  if (errors) return problem(res, 400, "The request has invalid fields.", errors);
  const x = { id: uuid(), ownerOrg: who.org, title: b.title, closesAt: new Date(b.closesAt).toISOString(), maxCarriers: b.maxCarriers ?? null,
    status: "open", lanes, bids: new Map(), award: null, createdAt: new Date().toISOString() };
  db.tenders.unshift(x);
  send(res, 201, { ...tenderSummary(x), lanes, bidCount: 0, yourBid: null });
}, "sme");
on("GET", "/api/tenders", (req, res, _, who) => send(res, 200, { items: db.tenders.filter((x) => (who.role === "carrier"
  ? x.status === "open" || x.bids.has(who.org) : x.ownerOrg === who.org)).map(tenderSummary), nextCursor: null }));
on("GET", "/api/tenders/([^/]+)", (req, res, [id], who) => {
  const x = db.tenders.find((t) => t.id === id && (t.ownerOrg === who.org || (who.role === "carrier" && (t.status === "open" || t.bids.has(who.org)))));
  if (!x) return problem(res, 404, "No such tender.");
  send(res, 200, { ...tenderSummary(x), maxCarriers: x.maxCarriers, lanes: x.lanes, bidCount: x.ownerOrg === who.org ? x.bids.size : null, yourBid: x.bids.get(who.org) ?? null });
});
on("POST", "/api/tenders/([^/]+)/bids", async (req, res, [id], who) => {
  const x = db.tenders.find((t) => t.id === id);
  if (!x) return problem(res, 404, "No such tender.");
  if (x.status !== "open") return problem(res, 409, "The tender is closed.");
  const b = await body(req);
  const packages = Array.isArray(b.packages) ? b.packages : [];
  const errors = check([["packages", packages.length > 0, "'Packages' must not be empty."],
    ...packages.flatMap((p, i) => (p.lanes || []).flatMap((l, j) => [[`packages[${i}].lanes[${j}].ref`, x.lanes.some((xl) => xl.ref === l.ref), `'${l.ref}' is not a lane of this tender.`],
      [`packages[${i}].lanes[${j}].pricePerContainer`, l.pricePerContainer > 0, "'Price Per Container' must be greater than '0'."]]))]);
  if (errors) return problem(res, 400, "The request has invalid fields.", errors);
  const replaced = x.bids.has(who.org);
  x.bids.set(who.org, { packages, exclusive: b.exclusive ?? [], maxContainers: b.maxContainers ?? null, placedAt: new Date().toISOString() });
  send(res, 201, { tenderId: id, carrier: who.org, packages: packages.length, replaced, placedAt: new Date().toISOString() });
}, "carrier");
on("POST", "/api/tenders/([^/]+)/close", (req, res, [id], who) => {
  const x = db.tenders.find((t) => t.id === id && t.ownerOrg === who.org);
  if (!x) return problem(res, 404, "No such tender.");
  if (x.status !== "open") return problem(res, 409, "The tender is already closed.");
  x.status = "solving";
  send(res, 202, { id, status: "solving" });
  setTimeout(() => { solve(x); emit("tender.awarded", { id, status: x.status, assignments: x.award.assignments }); }, 800);
}, "sme");
function solve(x) {
  const count = (ref) => x.lanes.find((l) => l.ref === ref).containers.count;
  const options = [...x.bids].flatMap(([carrier, bid]) => bid.packages.map((p) => ({ carrier, ref: p.ref, lanes: p.lanes,
    cost: p.lanes.reduce((a, l) => a + l.pricePerContainer * count(l.ref), 0) })));
  let best = null;
  const search = (i, covered, picked, cost) => {
    if (best && cost >= best.cost) return;
    if (covered.size === x.lanes.length) { best = { picked, cost }; return; }
    if (i === options.length) return;
    const o = options[i];
    if (o.lanes.every((l) => !covered.has(l.ref)) && !picked.some((p) => p.carrier === o.carrier && x.bids.get(o.carrier).exclusive.some((g) => g.includes(p.ref) && g.includes(o.ref))))
      search(i + 1, new Set([...covered, ...o.lanes.map((l) => l.ref)]), [...picked, o], cost + o.cost);
    search(i + 1, covered, picked, cost);
  };
  search(0, new Set(), [], 0);
  const single = x.lanes.map((l) => Math.min(...options.filter((o) => o.lanes.length === 1 && o.lanes[0].ref === l.ref).map((o) => o.lanes[0].pricePerContainer * l.containers.count)));
  const laneByLaneCost = single.every(Number.isFinite) ? single.reduce((a, b) => a + b, 0) : null;
  const assignments = (best?.picked ?? []).flatMap((o) => o.lanes.map((l) => ({ laneRef: l.ref, carrier: o.carrier, packageRef: o.ref, pricePerContainer: l.pricePerContainer })));
  x.status = best ? "awarded" : "unawarded";
  x.award = { status: x.status, optimal: !!best, gap: best ? 0 : null, totalCost: best?.cost ?? null, laneByLaneCost,
    savings: best && laneByLaneCost !== null ? laneByLaneCost - best.cost : null, currency: "USD", assignments,
    uncovered: best ? [] : x.lanes.map((l) => l.ref), explanation: best ? [`${best.picked.length} package(s) cover all ${x.lanes.length} lanes at the lowest total cost.`] : ["No combination of bids covers every lane."] };
}
on("GET", "/api/tenders/([^/]+)/award", (req, res, [id], who) => {
  const x = db.tenders.find((t) => t.id === id && (t.ownerOrg === who.org || t.bids.has(who.org)));
  if (!x) return problem(res, 404, "No such tender.");
  if (!x.award) return send(res, 200, { status: x.status, assignments: [], uncovered: [], explanation: [] });
  if (x.ownerOrg === who.org) return send(res, 200, x.award);
  const mine = x.award.assignments.filter((a) => a.carrier === who.org);
  send(res, 200, { status: x.status, optimal: x.award.optimal, currency: "USD", assignments: mine, uncovered: [], explanation: [`You won ${mine.length} lane(s).`] });
});

on("POST", "/api/capacity-offers", async (req, res, _, who) => {
  const b = await body(req);
  const errors = check([["from", nodeIds.has(b.from), "'From' must be a known node id."], ["to", nodeIds.has(b.to) && b.to !== b.from, "'To' must be a known node id other than 'From'."],
    ["mode", ["rail", "road", "sea", "ferry"].includes(b.mode), "'Mode' must be rail, road, sea or ferry."],
    ["departureFrom", isDate(b.departureFrom), "'Departure From' must be a date."], ["departureTo", isDate(b.departureTo) && b.departureTo >= (b.departureFrom || ""), "'Departure To' must be on or after 'Departure From'."],
    ...containers(b.containers), ...money(b.pricePerContainer, "pricePerContainer"),
    ["transitDays", Number.isInteger(b.transitDays) && b.transitDays > 0, "'Transit Days' must be greater than '0'."]]);
  if (errors) return problem(res, 400, "The request has invalid fields.", errors);
  const c = { id: uuid(), carrier: who.org, status: "open", ...b };
  db.capacity.unshift(c);
  send(res, 201, c);
  for (const o of db.cargo.filter((x) => x.status === "open" && x.origin === c.from && x.destination === c.to)) {
    const m = { id: uuid(), kind: "cargo-capacity", status: "proposed", score: 0.82, explanation: ["Lane covers the whole route", "Departure window fits the ready date"],
      offers: [o.id, c.id], legs: [{ capacityOfferId: c.id, from: c.from, to: c.to, carrier: who.org }],
      price: { amount: c.pricePerContainer.amount * o.containers.count, currency: c.pricePerContainer.currency }, parties: [o.owner, who.org], accepted: [] };
    db.matches.push(m);
    setTimeout(() => emit("match.proposed", strip(m)), 200);
  }
}, "carrier");
on("GET", "/api/capacity-offers", (req, res) => send(res, 200, { items: db.capacity, nextCursor: null }));
on("POST", "/api/trade-offers", async (req, res, _, who) => {
  const b = await body(req);
  const errors = check([["side", ["sell", "buy"].includes(b.side), "'Side' must be sell or buy."], ["hsCode", /^\d{6}$/.test(b.hsCode || ""), "'Hs Code' must be 6 digits."],
    ["product", !!b.product, "'Product' must not be empty."], ["quantity", typeof b.quantity === "number" && b.quantity > 0, "'Quantity' must be greater than '0'."],
    ["unit", !!b.unit, "'Unit' must not be empty."], ...money(b.unitPrice, "unitPrice"),
    ["incoterm", ["EXW", "FCA", "CPT", "CIP", "DAP", "DPU", "DDP", "FAS", "FOB", "CFR", "CIF"].includes(b.incoterm), "'Incoterm' must be an Incoterms 2020 rule."],
    ["city", nodeIds.has(b.city), "'City' must be a known node id."], ["validUntil", isDate(b.validUntil), "'Valid Until' must be a date."]]);
  if (errors) return problem(res, 400, "The request has invalid fields.", errors);
  const o = { id: uuid(), owner: who.org, status: "open", ...b };
  db.trade.unshift(o);
  send(res, 201, o);
}, "sme");
on("GET", "/api/trade-offers", (req, res) => send(res, 200, { items: db.trade, nextCursor: null }));

const strip = ({ parties, accepted, ...m }) => m;
on("GET", "/api/matches", (req, res, _, who) => send(res, 200, { items: db.matches.filter((m) => m.parties.includes(who.org)).map(strip), nextCursor: null }));
on("POST", "/api/matches/([^/]+)/(accept|decline)", (req, res, [id, verb], who) => {
  const m = db.matches.find((x) => x.id === id && x.parties.includes(who.org));
  if (!m) return problem(res, 404, "No such match.");
  if (m.status === "declined" || m.status === "confirmed") return problem(res, 409, `The match is already ${m.status}.`);
  if (verb === "decline") m.status = "declined";
  else {
    if (!m.accepted.includes(who.org)) m.accepted.push(who.org);
    m.status = m.accepted.length >= m.parties.length ? "confirmed" : "accepted";
    if (m.status === "confirmed") {
      const o = db.cargo.find((x) => x.id === m.offers[0]);
      if (o) { o.status = "matched"; recordFlow(o, db.capacity.find((c) => c.id === m.offers[1])?.mode || "rail"); }
      emit("match.confirmed", strip(m));
    }
  }
  send(res, 200, strip(m));
});

function flows(q) {
  const groupBy = q.get("groupBy") || "corridor";
  const rows = db.flows.filter((f) => (!q.get("city") || f.origin === q.get("city") || f.destination === q.get("city"))
    && (!q.get("since") || f.month >= q.get("since").slice(0, 7)) && (!q.get("until") || f.month <= q.get("until").slice(0, 7)));
  const out = new Map();
  for (const f of rows) {
    const key = `${f.origin}|${f.destination}|${f[groupBy]}`;
    const acc = out.get(key) || { origin: f.origin, destination: f.destination, [groupBy]: f[groupBy], matches: 0, containers: 0, weightKg: 0 };
    acc.matches++; acc.containers += f.containers; acc.weightKg += f.weightKg;
    out.set(key, acc);
  }
  return { groupBy, rows: [...out.values()] };
}
on("GET", "/api/flows", (req, res) => send(res, 200, flows(new URL(req.url, "http://x").searchParams).rows), "flows");
on("GET", "/api/flows\\.csv", (req, res) => {
  const { groupBy, rows } = flows(new URL(req.url, "http://x").searchParams);
  res.writeHead(200, { "Content-Type": "text/csv" });
  res.end([`origin,destination,${groupBy},matches,containers,weightKg`, ...rows.map((r) => [r.origin, r.destination, r[groupBy], r.matches, r.containers, r.weightKg].join(","))].join("\n") + "\n");
}, "flows");
on("GET", "/api/events", (req, res) => {
  res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache", Connection: "keep-alive" });
  res.write(": connected\n\n");
  streams.add(res);
  const ping = setInterval(() => res.write(": ping\n\n"), 15000);
  req.on("close", () => { clearInterval(ping); streams.delete(res); });
});

const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css", ".json": "application/json", ".svg": "image/svg+xml", ".txt": "text/plain" };
http.createServer(async (req, res) => {
  const url = new URL(req.url, "http://x");
  if (url.pathname.startsWith("/health/")) return send(res, 200, { status: "Healthy" });
  if (url.pathname.startsWith("/api/")) {
    for (const r of routesApi) {
      const m = r.re.exec(url.pathname);
      if (!m || r.method !== req.method) continue;
      const who = caller(req);
      if (r.role !== "anonymous") {
        if (!who) return problem(res, 401, "Sign in first.");
        if (r.role === "flows" ? !["trade_office", "admin"].includes(who.role) : r.role && who.role !== r.role) return problem(res, 403, "Your role may not do this.");
      }
      try { return await r.handler(req, res, m.slice(1), who); } catch (e) { console.error(e); return problem(res, 500, "fake server bug"); }
    }
    return problem(res, 404, "No such endpoint.");
  }
  const file = path.join(root, url.pathname === "/" ? "index.html" : path.normalize(url.pathname));
  if (!file.startsWith(root) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) { res.writeHead(404).end(); return; }
  res.writeHead(200, { "Content-Type": TYPES[path.extname(file)] || "application/octet-stream" });
  fs.createReadStream(file).pipe(res);
}).listen(port, "127.0.0.1", () => console.log(`fake TradeHub API + dashboard on http://127.0.0.1:${port}/`));
