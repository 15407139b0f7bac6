// SME (shipper / trader): post cargo and trade offers, see an offer's route options on the map, its bids
// (award one), and the matches it is party to.
import { api } from "../api.js";
import { cargoOfferList, containersText, lane, matchesPanel, pollRoutes, routeCards } from "../components.js";
import { fmt, t } from "../i18n.js";
import {
  clearErrors, CONTAINER_TYPES, CURRENCIES, field, h, nodeOptions, readForm, section, showError, showOk, submitting, table,
  today,
} from "../ui.js";

const INCOTERMS = ["EXW", "FCA", "CPT", "CIP", "DAP", "DPU", "DDP", "FAS", "FOB", "CFR", "CIF"];
const UNITS = ["t", "kg", "pcs", "m", "m2", "m3", "l"];

export function mount(host, ctx) {
  const nodes = ctx.network.nodes;
  const cities = nodes.filter((n) => !/border/i.test(n.type));
  let selected = null;
  let stopPolling = () => {};
  let idempotencyKey = crypto.randomUUID();

  // ---- cargo offer form ----
  const cargoForm = h("form", { "data-testid": "cargo-form", novalidate: true },
    h("div", { class: "form-grid" },
      field("origin", { options: nodeOptions(cities), testid: "cargo-origin" }),
      field("destination", { options: nodeOptions(cities), testid: "cargo-destination" }),
      field("readyDate", { type: "date", value: today(3), testid: "cargo-readyDate" }),
      field("deliverBy", { type: "date", value: today(40), testid: "cargo-deliverBy" }),
      field("containers.count", { type: "number", value: 1, attrs: { min: 1, step: 1 }, testid: "cargo-containers-count" }),
      field("containers.type", { options: CONTAINER_TYPES.map((c) => ({ value: c, label: c })), value: "40HC", testid: "cargo-containers-type" }),
      field("weightKg", { type: "number", value: 18000, attrs: { min: 1, step: 1 }, testid: "cargo-weightKg" }),
      field("hsCode", { attrs: { inputmode: "numeric", maxlength: 6, placeholder: "520812" }, testid: "cargo-hsCode" }),
      field("targetPrice.amount", { type: "number", attrs: { min: 0, step: 1 }, testid: "cargo-targetPrice-amount" }),
      field("targetPrice.currency", { options: CURRENCIES.map((c) => ({ value: c, label: c })), value: "USD", testid: "cargo-targetPrice-currency" })),
    field("description", { type: "textarea", testid: "cargo-description" }),
    field("hazardous", { type: "checkbox", testid: "cargo-hazardous" }),
    h("div", { class: "form-actions" }, h("button", { type: "submit", "data-testid": "cargo-submit" }, t("cargo.post"))),
    h("p", { class: "form-status", "data-testid": "cargo-status", role: "status" }));

  cargoForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearErrors(cargoForm);
    const body = readForm(cargoForm);
    if (body.targetPrice?.amount === undefined) delete body.targetPrice;
    await submitting(cargoForm, async () => {
      const offer = await api.post("/api/cargo-offers", body, { headers: { "Idempotency-Key": idempotencyKey } });
      idempotencyKey = crypto.randomUUID();
      showOk(cargoForm, t("cargo.posted"));
      ctx.toast(t("cargo.posted"));
      await refreshOffers();
      select(offer);
    });
  });

  // ---- trade offer form ----
  let tradeKey = crypto.randomUUID();
  const tradeForm = h("form", { "data-testid": "trade-form", novalidate: true },
    h("div", { class: "form-grid" },
      field("side", { options: [{ value: "sell", label: t("side.sell") }, { value: "buy", label: t("side.buy") }], testid: "trade-side" }),
      field("hsCode", { attrs: { inputmode: "numeric", maxlength: 6, placeholder: "520812" }, testid: "trade-hsCode" }),
      field("product", { testid: "trade-product" }),
      field("quantity", { type: "number", attrs: { min: 0, step: "any" }, testid: "trade-quantity" }),
      field("unit", { options: UNITS.map((u) => ({ value: u, label: u })), testid: "trade-unit" }),
      field("unitPrice.amount", { type: "number", attrs: { min: 0, step: "any" }, testid: "trade-unitPrice-amount" }),
      field("unitPrice.currency", { options: CURRENCIES.map((c) => ({ value: c, label: c })), value: "USD", testid: "trade-unitPrice-currency" }),
      field("incoterm", { options: INCOTERMS.map((c) => ({ value: c, label: c })), value: "FCA", testid: "trade-incoterm" }),
      field("city", { options: nodeOptions(cities), testid: "trade-city" }),
      field("validUntil", { type: "date", value: today(30), testid: "trade-validUntil" })),
    h("div", { class: "form-actions" }, h("button", { type: "submit", "data-testid": "trade-submit" }, t("trade.post"))),
    h("p", { class: "form-status", "data-testid": "trade-status", role: "status" }));

  tradeForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearErrors(tradeForm);
    try {
      await api.post("/api/trade-offers", readForm(tradeForm), { headers: { "Idempotency-Key": tradeKey } });
      tradeKey = crypto.randomUUID();
      showOk(tradeForm, t("trade.posted"));
      ctx.toast(t("trade.posted"));
    } catch (err) {
      showError(tradeForm, err);
    }
  });

  // ---- own offers first (the API filters them by the token's organisation), detail, matches; then the market ----
  const detail = h("section", { class: "card offer-detail", "data-testid": "offer-detail", hidden: true, "aria-live": "polite" });
  const matches = matchesPanel(ctx);

  const offerColumns = (withAction) => [
    { label: t("offer.lane"), render: (o) => lane(ctx, o.origin, o.destination) },
    { label: t("offer.ready"), render: (o) => fmt.date(o.readyDate) },
    { label: t("offer.containers"), render: (o) => containersText(o.containers) },
    { label: t("field.weightKg"), num: true, render: (o) => fmt.number(o.weightKg) },
    { label: t("common.status"), render: (o) => h("span", { class: `badge status-${o.status}`, "data-testid": "offer-status" }, o.status) },
    ...(withAction ? [{ label: t("common.actions"), render: (o) => h("button", {
      type: "button", class: "small secondary", "data-testid": "offer-show", onclick: () => select(o),
    }, t("cargo.show")) }] : []),
  ];
  const highlight = () => {
    for (const tr of mineList.host.querySelectorAll("tr[data-offer-id]")) tr.classList.toggle("selected", tr.dataset.offerId === selected?.id);
  };
  const mineList = cargoOfferList(ctx, { params: { mine: true }, columns: offerColumns(true), testid: "my-offers-table", after: highlight });
  const openList = cargoOfferList(ctx, { params: { status: "open" }, columns: offerColumns(false), testid: "open-offers-table", filters: true });

  host.append(
    section("sme.mine", "my-offers", mineList.host),
    detail,
    matches.panel,
    section("sme.cargo.title", "cargo", cargoForm),
    section("sme.trade.title", "trade", tradeForm),
    section("sme.open", "open-offers", openList.host));

  function refreshOffers() {
    return Promise.all([mineList.reload(), openList.reload()]);
  }

  function select(offer) {
    selected = offer;
    highlight();
    const routesHost = h("div", { "data-testid": "routes-host" });
    const bidsHost = h("div", { "data-testid": "bids-host" });
    detail.hidden = false;
    detail.dataset.offerId = offer.id;
    detail.replaceChildren(
      h("h2", { id: "offer-detail-h" }, `${lane(ctx, offer.origin, offer.destination)} · ${containersText(offer.containers)}`),
      h("p", { class: "muted" }, `${t("common.id")}: `, h("code", { "data-testid": "offer-id" }, offer.id), ` · ${fmt.date(offer.readyDate)} → ${fmt.date(offer.deliverBy)}`),
      h("h3", {}, t("cargo.routes")), routesHost,
      h("h3", {}, t("cargo.bids")), bidsHost);
    ctx.map.clearOverlay();
    ctx.map.markNodes([offer.origin, offer.destination]);
    loadRoutes(routesHost);
    loadBids(bidsHost);
    detail.scrollIntoView({ block: "nearest" });
  }

  function loadRoutes(routesHost = detail.querySelector("[data-testid=routes-host]")) {
    if (!selected || !routesHost) return;
    stopPolling();
    routesHost.replaceChildren(h("p", { class: "muted", "data-testid": "routes-pending" }, t("cargo.pending")));
    stopPolling = pollRoutes(selected.id, (answer) => {
      if (answer.status === "error") {
        routesHost.replaceChildren(h("p", { class: "error" }, t("common.error", { message: answer.error.message })));
      } else if (answer.status === "pending") {
        routesHost.replaceChildren(h("p", { class: "muted", "data-testid": "routes-pending" }, t("cargo.pending")));
      } else if (!answer.routes?.length) {
        routesHost.replaceChildren(h("p", { class: "empty", "data-testid": "routes-none" }, t("cargo.noRoutes")));
      } else {
        routesHost.replaceChildren(routeCards(ctx, answer.routes));
      }
    });
  }

  async function loadBids(bidsHost = detail.querySelector("[data-testid=bids-host]")) {
    if (!selected || !bidsHost) return;
    if (bidsHost.contains(document.activeElement) && document.activeElement.tagName === "BUTTON") return; // do not pull a button from under the user's focus
    const offerId = selected.id;
    let bids;
    try {
      bids = api.items(await api.get(`/api/cargo-offers/${offerId}/bids`));
    } catch (e) {
      bidsHost.replaceChildren(h("p", { class: "error" }, t("common.error", { message: e.message })));
      return;
    }
    const award = (bid) => async (ev) => {
      ev.target.disabled = true;
      try {
        await api.post(`/api/cargo-offers/${offerId}/bids/${bid.id}/award`);
        ctx.toast(t("bid.awarded"));
        selected = { ...selected, status: "awarded" };
      } catch (e) {
        ctx.toast(t("common.error", { message: e.message }), "error");
      }
      loadBids();
      refreshOffers();
    };
    const awardable = (b) => selected?.status === "open" && (!b.status || b.status === "open" || b.status === "placed");
    bidsHost.replaceChildren(table([
      { label: t("bid.carrier"), render: (b) => b.carrier ?? b.carrierOrg ?? b.organisation ?? "–" },
      { label: t("bid.price"), num: true, render: (b) => fmt.money(b.price) },
      { label: t("bid.transit"), num: true, render: (b) => t("route.days", { n: fmt.number(b.transitDays) }) },
      { label: t("field.validUntil"), render: (b) => fmt.date(b.validUntil) },
      { label: t("field.note"), render: (b) => b.note ?? "" },
      { label: t("common.status"), render: (b) => h("span", { class: `badge status-${b.status}`, "data-testid": "bid-status" }, b.status ?? "open") },
      { label: t("common.actions"), render: (b) => awardable(b)
        ? h("button", { type: "button", class: "small", "data-testid": "bid-award", onclick: award(b) }, t("bid.award")) : "" },
    ], bids.map((b) => ({ ...b, __dataset: { bidId: b.id } })), { testid: "bids-table" }));
  }

  ctx.onEvent((ev) => {
    const offerId = ev.data?.cargoOfferId ?? ev.data?.offerId;
    if (ev.type === "bid.placed" || ev.type === "bid.awarded") {
      if (!offerId || offerId === selected?.id) loadBids();
      refreshOffers();
    }
    if (ev.type === "routes.changed") {
      // The gateway sends one event per re-routed offer ({cargoOfferId, routes}); accept a list of ids too.
      const affected = ev.data?.cargoOfferId ? [ev.data.cargoOfferId] : ev.data?.offers ?? ev.data?.cargoOfferIds;
      if (!Array.isArray(affected) || affected.includes(selected?.id)) loadRoutes();
    }
    if (ev.type === "match.confirmed") refreshOffers();
  });

  // Bids arrive as bid.placed events; a slow poll of the open offer's bids covers a dropped stream.
  const bidTimer = setInterval(() => { if (selected && document.visibilityState === "visible") loadBids(); }, 5000);
  refreshOffers();
  return { unmount() { stopPolling(); clearInterval(bidTimer); ctx.map.clearOverlay(); } };
}
