// Carrier: open cargo offers (those on or near my lanes first), bids, capacity offers and matches.
import { api } from "../api.js";
import { cargoOfferList, containersText, lane, matchesPanel } from "../components.js";
import { fmt, t } from "../i18n.js";
import {
  clearErrors, CONTAINER_TYPES, CURRENCIES, field, h, MODES, nodeOptions, readForm, section, showError, showOk, table, today,
} from "../ui.js";

const NEAR_KM = 300;

function stored(key) {
  try { return JSON.parse(localStorage.getItem(key) || "[]"); } catch { return []; }
}
function store(key, value) { localStorage.setItem(key, JSON.stringify(value.slice(0, 100))); }

function km(a, b) {
  const R = 6371, rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad, dLon = (b.lon - a.lon) * rad;
  const s = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * R * Math.asin(Math.sqrt(s));
}

export function mount(host, ctx) {
  const org = ctx.claims.org;
  const capacityKey = `tradehub.myCapacity.${org}`;
  const bidsKey = `tradehub.myBids.${org}`;
  const nodes = ctx.network.nodes;
  const byId = new Map(nodes.map((n) => [n.id, n]));
  let lanes = [];
  let capacityIdem = crypto.randomUUID();

  // ---- capacity form ----
  const capacityForm = h("form", { "data-testid": "capacity-form", novalidate: true },
    h("div", { class: "form-grid" },
      field("from", { options: nodeOptions(nodes), testid: "capacity-from" }),
      field("to", { options: nodeOptions(nodes), testid: "capacity-to" }),
      field("mode", { options: MODES.map((m) => ({ value: m, label: t(`mode.${m}`) })), testid: "capacity-mode" }),
      field("departureFrom", { type: "date", value: today(2), testid: "capacity-departureFrom" }),
      field("departureTo", { type: "date", value: today(16), testid: "capacity-departureTo" }),
      field("containers.count", { type: "number", value: 10, attrs: { min: 1, step: 1 }, testid: "capacity-containers-count" }),
      field("containers.type", { options: CONTAINER_TYPES.map((c) => ({ value: c, label: c })), value: "40HC", testid: "capacity-containers-type" }),
      field("pricePerContainer.amount", { type: "number", attrs: { min: 0, step: 1 }, testid: "capacity-price-amount" }),
      field("pricePerContainer.currency", { options: CURRENCIES.map((c) => ({ value: c, label: c })), value: "USD", testid: "capacity-price-currency" }),
      field("transitDays", { type: "number", attrs: { min: 1, step: 1 }, testid: "capacity-transitDays" })),
    h("div", { class: "form-actions" }, h("button", { type: "submit", "data-testid": "capacity-submit" }, t("capacity.post"))),
    h("p", { class: "form-status", role: "status", "data-testid": "capacity-status" }));

  capacityForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearErrors(capacityForm);
    try {
      const offer = await api.post("/api/capacity-offers", readForm(capacityForm), { headers: { "Idempotency-Key": capacityIdem } });
      capacityIdem = crypto.randomUUID();
      store(capacityKey, [{ id: offer.id, from: offer.from, to: offer.to, mode: offer.mode }, ...stored(capacityKey)]);
      showOk(capacityForm, t("capacity.posted"));
      ctx.toast(t("capacity.posted"));
      refreshLanes();
      refreshOffers();
    } catch (err) {
      showError(capacityForm, err);
    }
  });

  const offersHost = h("div", { "data-testid": "open-cargo-host" });
  const bidPanel = h("section", { class: "card", "data-testid": "bid-panel", hidden: true });
  const myBidsHost = h("div", { "data-testid": "my-bids-host" });
  const lanesHost = h("div", { "data-testid": "lanes-host" });
  const matches = matchesPanel(ctx);

  host.append(
    section("carrier.open", "open-cargo", offersHost),
    bidPanel,
    section("cargo.bids", "my-bids", myBidsHost),
    matches.panel,
    section("carrier.capacity.title", "capacity", capacityForm),
    section("carrier.lanes", "lanes", lanesHost));

  function nearness(offer) {
    const o = byId.get(offer.origin), d = byId.get(offer.destination);
    if (!o || !d) return null;
    let near = false;
    for (const l of lanes) {
      const f = byId.get(l.from), to = byId.get(l.to);
      if (!f || !to) continue;
      if (km(o, f) <= NEAR_KM && km(d, to) <= NEAR_KM) return "on";
      if ([o, d].some((x) => km(x, f) <= NEAR_KM || km(x, to) <= NEAR_KM)) near = true;
    }
    return near ? "near" : null;
  }

  async function refreshLanes() {
    const mine = stored(capacityKey);
    try {
      // Capacity posted from this browser plus any the API reports as ours (if it names the carrier).
      const listed = api.items(await api.get("/api/capacity-offers?limit=500"));
      const ids = new Set(mine.map((c) => c.id));
      lanes = listed.filter((c) => ids.has(c.id) || c.carrier === org || c.organisation === org);
      for (const c of mine) if (!lanes.some((l) => l.id === c.id)) lanes.push(c);
    } catch {
      lanes = mine;
    }
    lanesHost.replaceChildren(table([
      { label: t("offer.lane"), render: (c) => lane(ctx, c.from, c.to) },
      { label: t("field.mode"), render: (c) => t(`mode.${c.mode}`) },
      { label: t("field.departureFrom"), render: (c) => c.departureFrom ? `${fmt.date(c.departureFrom)} – ${fmt.date(c.departureTo)}` : "–" },
      { label: t("offer.containers"), render: (c) => containersText(c.containers) },
      { label: t("field.pricePerContainer.amount"), num: true, render: (c) => fmt.money(c.pricePerContainer) },
    ], lanes, { testid: "lanes-table" }));
  }

  // Open cargo a page at a time, filtered by origin and destination; within what is shown, offers on or near
  // this carrier's lanes come first and are ringed on the map.
  const openList = cargoOfferList(ctx, {
    params: { status: "open" }, testid: "open-cargo-table", filters: true,
    columns: [
      { label: t("offer.lane"), render: (o) => h("span", {}, lane(ctx, o.origin, o.destination),
        o.near ? h("span", { class: "badge near-badge", "data-testid": "near-lane" }, ` ${t("carrier.nearLane")}`) : "") },
      { label: t("offer.ready"), render: (o) => `${fmt.date(o.readyDate)} → ${fmt.date(o.deliverBy)}` },
      { label: t("offer.containers"), render: (o) => containersText(o.containers) },
      { label: t("field.weightKg"), num: true, render: (o) => fmt.number(o.weightKg) },
      { label: t("field.hsCode"), render: (o) => o.hsCode ?? "" },
      { label: t("common.actions"), render: (o) => h("button", { type: "button", class: "small", "data-testid": "offer-bid", onclick: () => openBid(o) }, t("bid.place")) },
    ],
    decorate: (list) => list.map((o) => { const near = nearness(o); return { ...o, near, __dataset: { near: near || "" } }; })
      .sort((a, b) => (b.near === "on") - (a.near === "on") || (!!b.near) - (!!a.near)),
    after: (rows, body) => {
      for (const tr of body.querySelectorAll("tr[data-near=on], tr[data-near=near]")) tr.classList.add("near");
      ctx.map.clearOverlay();
      ctx.map.markNodes(rows.filter((o) => o.near).flatMap((o) => [o.origin, o.destination]));
    },
  });
  offersHost.append(openList.host);
  const refreshOffers = () => openList.reload();

  async function openBid(offer) {
    let idem = crypto.randomUUID();
    const routeSelect = field("routeId", { options: [{ value: "", label: "—" }], testid: "bid-routeId" });
    const form = h("form", { "data-testid": "bid-form", novalidate: true, dataset: { offerId: offer.id } },
      h("div", { class: "form-grid" },
        field("price.amount", { type: "number", attrs: { min: 0, step: 1 }, testid: "bid-price-amount" }),
        field("price.currency", { options: CURRENCIES.map((c) => ({ value: c, label: c })), value: "USD", testid: "bid-price-currency" }),
        field("transitDays", { type: "number", attrs: { min: 1, step: 1 }, testid: "bid-transitDays" }),
        field("validUntil", { type: "date", value: today(7), testid: "bid-validUntil" }),
        routeSelect),
      field("note", { type: "textarea", testid: "bid-note" }),
      h("div", { class: "form-actions" },
        h("button", { type: "submit", "data-testid": "bid-submit" }, t("bid.place")),
        h("button", { type: "button", class: "secondary", onclick: () => { bidPanel.hidden = true; } }, "×")),
      h("p", { class: "form-status", role: "status", "data-testid": "bid-status" }));
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      clearErrors(form);
      try {
        const bid = await api.post(`/api/cargo-offers/${offer.id}/bids`, readForm(form), { headers: { "Idempotency-Key": idem } });
        idem = crypto.randomUUID();
        store(bidsKey, [{ offerId: offer.id, bidId: bid.id }, ...stored(bidsKey)]);
        showOk(form, t("bid.placed"));
        ctx.toast(t("bid.placed"));
        refreshMyBids();
      } catch (err) {
        showError(form, err);
      }
    });
    bidPanel.hidden = false;
    bidPanel.replaceChildren(h("h2", {}, t("carrier.bidOn", { offer: lane(ctx, offer.origin, offer.destination) })),
      h("p", { class: "muted" }, `${containersText(offer.containers)} · ${fmt.date(offer.readyDate)} → ${fmt.date(offer.deliverBy)}`), form);
    form.querySelector("input").focus();
    // Offer the cargo's computed routes to bid on, and show the first on the map.
    try {
      const answer = await api.get(`/api/cargo-offers/${offer.id}/routes`);
      const select = routeSelect.querySelector("select");
      (answer.routes || []).forEach((r, i) => select.append(h("option", { value: r.id },
        `${t("route.option", { n: i + 1 })}: ${fmt.hours(r.totalHours)}, ${fmt.usd(r.costUsd)}`)));
      if (answer.routes?.length) ctx.map.showRoute(answer.routes[0]);
      select.addEventListener("change", () => {
        const r = answer.routes.find((x) => String(x.id) === select.value);
        if (r) ctx.map.showRoute(r);
      });
    } catch { /* routes are optional for a bid */ }
  }

  async function refreshMyBids() {
    const mine = stored(bidsKey).slice(0, 20);
    const offerIds = [...new Set(mine.map((b) => b.offerId))];
    const rows = [];
    await Promise.all(offerIds.map(async (offerId) => {
      try {
        for (const b of api.items(await api.get(`/api/cargo-offers/${offerId}/bids`))) {
          if (mine.some((m) => m.bidId === b.id)) rows.push({ ...b, offerId });
        }
      } catch { /* an offer withdrawn or gone */ }
    }));
    const offerOf = (id) => openList.rows().find((o) => o.id === id);
    myBidsHost.replaceChildren(table([
      { label: t("offer.lane"), render: (b) => { const o = offerOf(b.offerId); return o ? lane(ctx, o.origin, o.destination) : b.offerId; } },
      { label: t("bid.price"), num: true, render: (b) => fmt.money(b.price) },
      { label: t("bid.transit"), num: true, render: (b) => t("route.days", { n: fmt.number(b.transitDays) }) },
      { label: t("common.status"), render: (b) => h("span", { class: `badge status-${b.status}`, "data-testid": "my-bid-status" }, b.status ?? "open") },
    ], rows.map((b) => ({ ...b, __dataset: { bidId: b.id } })), { testid: "my-bids-table" }));
  }

  ctx.onEvent((ev) => {
    if (ev.type === "bid.awarded") {
      const mine = stored(bidsKey).some((b) => b.bidId === (ev.data?.id ?? ev.data?.bidId));
      if (mine) ctx.toast(t("bid.awarded"));
      refreshMyBids();
      refreshOffers();
    }
    if (ev.type === "bid.placed" || ev.type === "routes.changed") refreshOffers();
  });

  const timer = setInterval(() => { if (document.visibilityState === "visible") refreshMyBids(); }, 10_000);
  refreshLanes().then(refreshOffers).then(refreshMyBids);
  return { unmount() { clearInterval(timer); ctx.map.clearOverlay(); } };
}
