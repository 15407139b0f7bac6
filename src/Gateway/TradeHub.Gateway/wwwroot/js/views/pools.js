// Consolidation pools (docs/pools.md): every pool's departure on the map with its fill bar, and a list, for anyone
// signed in; an SME joins with loose cargo or one of its own cargo offers and sees only its own part (the API never
// sends it another member); the rail operator opens pools and sees every member and the packing plan.
// Live on pool.* events, with a slow poll behind them (a join by someone else is told only to its parties).
import { api, ApiError, query } from "../api.js";
import { lane } from "../components.js";
import { fillGauge } from "../map.js";
import { fmt, t } from "../i18n.js";
import {
  clearErrors, CONTAINER_TYPES, CURRENCIES, field, h, nodeOptions, scopeErrorIds, section, showError, showOk, submitting,
  svgEl, table, today,
} from "../ui.js";
import { when } from "./shipments.js";

const STATUSES = ["open", "running", "cancelled"];

/** Now plus some hours as a datetime-local value in UTC (the form says UTC). */
function utcLocal(hoursAhead) {
  return new Date(Date.now() + hoursAhead * 3_600_000).toISOString().slice(0, 16);
}

const decimal = (n, digits = 2) => fmt.number(n, digits);

/** The pool's fill as a small gauge and its words: containers planned of the minimum and the maximum. */
export function fillMeter(p, { width = 120, testid = "pool-fill" } = {}) {
  const svg = svgEl("svg", {
    viewBox: `0 -3 ${width} 13`, width, height: 13, class: "pool-gauge", role: "img",
    "aria-label": t("pool.fillText", { containers: fmt.number(p.fill.containers), min: fmt.number(p.minContainers), max: fmt.number(p.maxContainers) }),
  });
  fillGauge(svg, p, { width, height: 7 });
  return h("div", {
    class: `pool-fill${p.fill.containers >= p.minContainers ? " reached" : ""}`, "data-testid": testid,
    dataset: { containers: String(p.fill.containers), min: String(p.minContainers), max: String(p.maxContainers) },
  }, svg, h("div", { class: "muted", "data-testid": `${testid}-text` },
    t("pool.fillText", { containers: fmt.number(p.fill.containers), min: fmt.number(p.minContainers), max: fmt.number(p.maxContainers) })));
}

export function mount(host, ctx) {
  const org = ctx.claims.org;
  const role = ctx.claims.role;
  const isSme = role === "sme";
  const isCarrier = role === "carrier";
  const cities = ctx.network.nodes.filter((n) => !/border/i.test(n.type));
  let pools = [];
  let status = "";
  let selectedId = null;
  let joinMode = "loose";
  let preferredOffer = null;
  const suggestions = new Map();
  // A language switch mounts a new panel: an answer arriving for this one after that must not draw on the map.
  let stopped = false;

  const statusBadge = (s) => h("span", { class: `badge status-${s}`, "data-testid": "pool-status" }, t(`pool.status.${s}`));

  const statusFilter = h("select", { id: "pools-status", "data-testid": "pools-status" },
    [h("option", { value: "" }, t("common.all")), ...STATUSES.map((s) => h("option", { value: s }, t(`pool.status.${s}`)))]);
  statusFilter.addEventListener("change", () => { status = statusFilter.value; refresh(); });
  const listHost = h("div", { "data-testid": "pools-list" });
  const mineHost = h("div", { "data-testid": "pool-memberships-list" });
  const suggestionsHost = h("ul", { class: "pool-suggestions", "data-testid": "pool-suggestions" });
  const detail = h("section", { class: "card pool-detail", "data-testid": "pool-detail", hidden: true, "aria-live": "polite" });

  host.append(section("pools.title", "pools",
    h("p", { class: "muted" }, t(isSme ? "pools.introSme" : isCarrier ? "pools.introCarrier" : "pools.intro")),
    h("div", { class: "form-grid list-filters" },
      h("div", { class: "field" }, h("label", { for: "pools-status" }, t("common.status")), statusFilter)),
    listHost));
  if (isSme) host.append(section("pools.mine", "pool-memberships", h("p", { class: "muted" }, t("pools.mineIntro")), suggestionsHost, mineHost));
  host.append(detail);
  if (isCarrier) host.append(openForm());

  // ---- the list, on the map too ----
  async function refresh() {
    try {
      pools = api.items(await api.get(`/api/pools${query({ status, limit: 100 })}`));
      if (stopped) return;
    } catch (e) {
      listHost.replaceChildren(h("p", { class: "error" }, t("common.error", { message: e.message })));
      return;
    }
    const visible = (p) => p.status !== "cancelled" || status === "cancelled";
    ctx.map.showPools(pools.filter(visible), { selectedId });
    listHost.replaceChildren(table([
      { label: t("offer.lane"), render: (p) => h("span", {}, lane(ctx, p.from, p.to),
        h("div", { class: "muted" }, `${t("pool.departure")} ${fmt.date(p.departureDate)} · ${p.containerType}`)) },
      { label: t("pool.operator"), render: (p) => p.operator === org ? h("strong", {}, t("pool.you")) : p.operator },
      { label: t("pool.cutoff"), render: (p) => when(p.cutoff) },
      { label: t("pool.fill"), render: (p) => fillMeter(p) },
      { label: t("pool.pricePerContainer"), num: true, render: (p) => h("span", { "data-testid": "pool-price" }, fmt.money(p.pricePerContainer)) },
      { label: t("common.status"), render: (p) => statusBadge(p.status) },
      { label: t("common.actions"), render: (p) => h("button", { type: "button", class: "small secondary", "data-testid": "pool-show",
        onclick: () => select(p.id) }, isSme && p.status === "open" ? t("pool.showJoin") : t("pool.show")) },
    ], pools.map((p) => ({ ...p, __dataset: { poolId: p.id, status: p.status, operator: p.operator } })),
    { testid: "pools-table", empty: t("pools.none") }));
    highlight();
    if (isSme) await refreshMemberships();
  }

  const highlight = () => {
    for (const tr of listHost.querySelectorAll("tr[data-pool-id]")) tr.classList.toggle("selected", tr.dataset.poolId === selectedId);
  };

  // ---- the SME's memberships: the pools with members, read one by one (only its own members come back) ----
  async function refreshMemberships() {
    const candidates = pools.filter((p) => p.fill.members > 0);
    let views;
    try {
      views = await Promise.all(candidates.map((p) => api.get(`/api/pools/${p.id}`)));
    } catch (e) {
      mineHost.replaceChildren(h("p", { class: "error" }, t("common.error", { message: e.message })));
      return;
    }
    const rows = views.flatMap((pool) => (pool.members ?? []).filter((m) => m.org === org).map((m) => ({ ...m, pool })));
    mineHost.replaceChildren(table([
      { label: t("offer.lane"), render: (m) => h("span", {}, lane(ctx, m.pool.from, m.pool.to),
        h("div", { class: "muted" }, `${t("pool.departure")} ${fmt.date(m.pool.departureDate)}`)) },
      { label: t("pool.cargo"), render: (m) => cargoText(m) },
      { label: t("pool.yourContainers"), num: true, render: (m) => containersOf(m) },
      { label: t("pool.yourPrice"), num: true, render: (m) => h("span", { "data-testid": "membership-price" }, fmt.money(m.price)) },
      { label: t("common.status"), render: (m) => statusBadge(m.pool.status) },
      { label: t("common.actions"), render: (m) => h("button", { type: "button", class: "small secondary", "data-testid": "membership-show",
        onclick: () => select(m.pool.id) }, t("pool.show")) },
    ], rows.map((m) => ({ ...m, __dataset: { poolId: m.pool.id, memberId: m.id } })), { testid: "pool-memberships-table", empty: t("pools.mineNone") }));
  }

  function cargoText(m) {
    if (m.cargoOfferId) return h("span", {}, t("pool.cargoOffer"), " ", h("code", {}, m.cargoOfferId.slice(0, 8)));
    return h("span", {}, t("pool.looseText", { weight: fmt.number(m.weightKg), volume: decimal(m.volumeM3 ?? 0, 1), hs: m.hsCode ?? "–" }),
      m.description ? h("div", { class: "muted" }, m.description) : "", m.hazardous ? h("div", { class: "badge status-cancelled" }, t("field.hazardous")) : "");
  }

  /** Full containers and shares of shared ones, in words: "1 full + 0.42 shared". */
  function containersOf(m) {
    const parts = [];
    if (m.fullContainers) parts.push(t("pool.fullN", { n: fmt.number(m.fullContainers) }));
    if (m.sharedContainers) parts.push(t("pool.sharedN", { n: decimal(m.sharedContainers) }));
    return parts.join(" + ") || "–";
  }

  // ---- one pool ----
  async function select(id) {
    selectedId = id;
    highlight();
    await showDetail({ force: true });
    ctx.map.showPools(ctx.map.pools, { selectedId: id });
    detail.scrollIntoView({ block: "nearest" });
  }

  /** Redraws the selected pool; an event or the poll leaves a join form the user has started alone (`force` does not). */
  async function showDetail({ force = false } = {}) {
    const id = selectedId;
    if (!id) return;
    if (!force && (detail.querySelector("form[data-dirty]") || (detail.contains(document.activeElement) && document.activeElement.closest("form")))) return;
    let pool;
    try {
      pool = await api.get(`/api/pools/${id}`);
    } catch (e) {
      detail.hidden = false;
      detail.replaceChildren(h("p", { class: "error" }, t("common.error", { message: e.message })));
      return;
    }
    if (id !== selectedId || stopped) return;
    const isOperator = pool.operator === org;
    const mine = (pool.members ?? []).filter((m) => isOperator || m.org === org);
    detail.hidden = false;
    detail.dataset.poolId = id;
    detail.dataset.status = pool.status;
    const metric = (key, value, testid) => h("div", { class: "metric" }, h("dt", {}, t(key)), h("dd", { "data-testid": testid }, value));
    detail.replaceChildren(
      h("h2", {}, `${lane(ctx, pool.from, pool.to)} · ${fmt.date(pool.departureDate)}`),
      h("p", { class: "muted" }, statusBadge(pool.status), " ",
        t("pool.summary", { operator: isOperator ? t("pool.you") : pool.operator, type: pool.containerType, cutoff: when(pool.cutoff) }),
        pool.acceptsHazardous ? ` · ${t("pool.hazardousOk")}` : ""),
      fillMeter(pool, { width: 240, testid: "pool-detail-fill" }),
      h("dl", { class: "metrics" },
        metric("pool.pricePerContainer", fmt.money(pool.pricePerContainer), "pool-detail-price"),
        metric("pool.priceAtMin", fmt.money(pool.pricePerContainerAtMin), "pool-detail-price-min"),
        metric("pool.priceAtMax", fmt.money(pool.pricePerContainerAtMax), "pool-detail-price-max"),
        metric("pool.members", fmt.number(pool.fill.members), "pool-detail-members"),
        metric("pool.cargoKg", fmt.kg(pool.fill.cargoKg), "pool-detail-cargo")),
      pool.status === "cancelled" ? h("p", { class: "alert danger", "data-testid": "pool-cancelled" }, t("pool.cancelledText")) : "",
      pool.status === "running" ? h("p", { class: "alert ok", "data-testid": "pool-running" }, t("pool.runningText")) : "",
      isOperator ? operatorBlock(pool) : mine.length ? memberBlock(pool, mine) : "",
      isSme && pool.status === "open" ? joinForm(pool) : "");
  }

  /** What a member sees: its own part, share and price; the API sends no other member. */
  function memberBlock(pool, mine) {
    const leave = (m) => async (ev) => {
      ev.target.disabled = true;
      try {
        await api.del(`/api/pools/${pool.id}/members/${m.id}`);
        ctx.toast(t("pool.left"));
      } catch (e) {
        ctx.toast(t("common.error", { message: e.message }), "error");
      }
      await refresh();
      await showDetail({ force: true });
    };
    return h("div", { "data-testid": "pool-my-part" },
      h("h3", {}, t("pool.yourPart")),
      table([
        { label: t("pool.cargo"), render: (m) => cargoText(m) },
        { label: t("pool.yourContainers"), num: true, render: (m) => containersOf(m) },
        { label: t("pool.shares"), render: (m) => sharesText(m) },
        { label: t("pool.yourPrice"), num: true, render: (m) => h("span", { "data-testid": "member-price" }, fmt.money(m.price)) },
        { label: t("common.actions"), render: (m) => pool.status === "open"
          ? h("button", { type: "button", class: "small secondary", "data-testid": "pool-leave", onclick: leave(m) }, t("pool.leave")) : "" },
      ], mine.map((m) => ({ ...m, __dataset: { memberId: m.id, org: m.org } })), { testid: "pool-my-members" }));
  }

  function sharesText(m) {
    if (!m.shares?.length) return "–";
    return h("ul", { class: "plain" }, m.shares.map((s) => h("li", {},
      t("pool.shareOf", { share: fmt.number(s.share * 100, 0), box: s.container, binding: t(`pool.binding.${s.binding}`) }))));
  }

  /** What the operator sees: every member and the packing plan (each container and whose cargo is in it). */
  function operatorBlock(pool) {
    const members = pool.members ?? [];
    const byId = new Map(members.map((m) => [m.id, m]));
    const plan = pool.plan;
    const fullRows = [];
    let next = 1;
    for (const m of members.filter((x) => x.fullContainers > 0)) {
      const first = next;
      next += m.fullContainers;
      fullRows.push({ kind: "full", label: m.fullContainers > 1 ? `F${first}–F${next - 1}` : `F${first}`, count: m.fullContainers,
        cargo: [{ org: m.org, share: 1 }], weightKg: m.weightKg, volumeM3: m.volumeM3, binding: null, __dataset: { kind: "full", members: m.id } });
    }
    const sharedRows = (plan?.containers ?? []).map((c) => ({
      kind: "shared", label: `S${c.number}`, count: 1, weightKg: c.weightKg, volumeM3: c.volumeM3, binding: c.binding,
      cargo: c.members.map((x) => ({ org: byId.get(x.memberId)?.org ?? x.memberId, share: x.share })),
      __dataset: { kind: "shared", box: String(c.number), members: c.members.map((x) => x.memberId).join(" ") },
    }));
    return h("div", { class: "pool-operator", "data-testid": "pool-operator" },
      h("h3", {}, t("pool.membersTitle")),
      table([
        { label: t("pool.member"), render: (m) => m.org },
        { label: t("pool.cargo"), render: (m) => cargoText(m) },
        { label: t("pool.containers"), num: true, render: (m) => containersOf(m) },
        { label: t("pool.price"), num: true, render: (m) => fmt.money(m.price) },
        { label: t("pool.joined"), render: (m) => when(m.joinedAt) },
      ], members.map((m) => ({ ...m, __dataset: { memberId: m.id, org: m.org } })), { testid: "pool-members", empty: t("pool.noMembers") }),
      h("h3", {}, t("pool.planTitle")),
      plan ? h("p", { class: "muted", "data-testid": "pool-plan-summary" }, t("pool.planSummary", {
        full: fmt.number(pool.fill.fullContainers), shared: fmt.number(plan.containers.length), bound: fmt.number(plan.provenBound),
        ffd: fmt.number(plan.firstFitDecreasing), method: plan.method,
      }), " ", plan.optimal ? h("span", { class: "badge status-won", "data-testid": "pool-plan-optimal" }, t("pool.planOptimal")) : "") : "",
      table([
        { label: t("pool.box"), render: (r) => h("strong", {}, r.label) },
        { label: t("pool.kind"), render: (r) => t(r.kind === "full" ? "pool.kindFull" : "pool.kindShared") },
        { label: t("pool.cargoIn"), render: (r) => h("ul", { class: "plain" }, r.cargo.map((c) => h("li", { "data-testid": "plan-cargo" },
          r.kind === "full" ? c.org : `${c.org} · ${fmt.number(c.share * 100, 0)} %`))) },
        { label: t("field.weightKg"), num: true, render: (r) => fmt.number(r.weightKg) },
        { label: t("pool.volumeM3"), num: true, render: (r) => (r.volumeM3 == null ? "–" : decimal(r.volumeM3, 1)) },
        { label: t("pool.bindingTitle"), render: (r) => (r.binding ? t(`pool.binding.${r.binding}`) : "–") },
      ], [...fullRows, ...sharedRows], { testid: "pool-plan", empty: t("pool.noPlan") }));
  }

  /** An SME joins: loose cargo (weight, volume, HS code) or one of its own open cargo offers on the pool's lane. */
  function joinForm(pool) {
    let idem = crypto.randomUUID();
    const modes = h("div", { class: "actions", role: "radiogroup", "aria-label": t("pool.joinWith") },
      ["loose", "offer"].map((m) => h("label", { class: "radio" },
        h("input", { type: "radio", name: "pool-join-mode", value: m, checked: joinMode === m, "data-testid": `pool-join-${m}`,
          onchange: () => { joinMode = m; draw(); } }), " ", t(`pool.joinMode.${m}`))));
    const loose = h("div", { class: "form-grid", "data-testid": "pool-loose-fields" },
      field("weightKg", { type: "number", attrs: { min: 1, step: "any" }, testid: "pool-weightKg" }),
      field("volumeM3", { type: "number", labelKey: "pool.volumeM3", attrs: { min: 0.001, step: "any" }, testid: "pool-volumeM3" }),
      field("hsCode", { attrs: { inputmode: "numeric", maxlength: 6, placeholder: "520812" }, testid: "pool-hsCode" }),
      field("description", { testid: "pool-description" }),
      field("hazardous", { type: "checkbox", testid: "pool-hazardous" }));
    const offerSelect = field("cargoOfferId", { labelKey: "pool.cargoOffer", options: [{ value: "", label: t("common.loading") }], testid: "pool-cargoOfferId" });
    const offer = h("div", { class: "form-grid", "data-testid": "pool-offer-fields" }, offerSelect);
    const form = h("form", { class: "pool-join", "data-testid": "pool-join-form", novalidate: true },
      h("h3", {}, t("pool.joinTitle")),
      h("p", { class: "muted" }, t("pool.joinIntro", { type: pool.containerType })),
      modes, loose, offer,
      h("div", { class: "form-actions" }, h("button", { type: "submit", "data-testid": "pool-join-submit" }, t("pool.join"))),
      h("p", { class: "form-status", role: "status", "data-testid": "pool-join-status" }));
    scopeErrorIds(form, "pool");
    form.addEventListener("input", () => { form.dataset.dirty = "true"; });

    function draw() {
      loose.hidden = joinMode !== "loose";
      offer.hidden = joinMode !== "offer";
    }
    draw();
    loadOffers();

    async function loadOffers() {
      const select = offerSelect.querySelector("select");
      let offers = [];
      try {
        offers = api.items(await api.get(`/api/cargo-offers${query({ mine: true, status: "open", origin: pool.from, destination: pool.to, limit: 100 })}`));
      } catch (e) {
        select.replaceChildren(h("option", { value: "" }, t("common.error", { message: e.message })));
        return;
      }
      select.replaceChildren(h("option", { value: "" }, offers.length ? t("field.choose") : t("pool.noOffers")),
        ...offers.map((o) => h("option", { value: o.id, selected: o.id === preferredOffer },
          `${fmt.date(o.readyDate)} → ${fmt.date(o.deliverBy)} · ${fmt.number(o.containers?.count)} × ${o.containers?.type} · ${fmt.kg(o.weightKg)}`)));
    }

    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      clearErrors(form);
      const value = (name) => form.querySelector(`[data-field="${name}"]`).value.trim();
      const number = (name) => (value(name) === "" ? null : Number(value(name)));
      const body = joinMode === "offer"
        ? { cargoOfferId: value("cargoOfferId") || null }
        : {
          weightKg: number("weightKg"), volumeM3: number("volumeM3"), hsCode: value("hsCode") || null,
          description: value("description") || null, hazardous: form.querySelector('[data-field="hazardous"]').checked,
        };
      await submitting(form, async () => {
        try {
          const joined = await api.post(`/api/pools/${pool.id}/members`, body, { headers: { "Idempotency-Key": idem } });
          idem = crypto.randomUUID();
          preferredOffer = null;
          ctx.toast(t("pool.joinedToast", { price: fmt.money(joined.member.price) }));
          document.activeElement?.blur();
          await refresh();
          await showDetail({ force: true });
          const status = detail.querySelector("[data-testid=pool-join-status]");
          if (status) showOk(status.closest("form"), t("pool.joinedText", { price: fmt.money(joined.member.price), perContainer: fmt.money(joined.pool.pricePerContainer) }));
        } catch (err) {
          if (!(err instanceof ApiError) || err.status !== 409) throw err;
          refused(form, err);
        }
      });
    });
    return form;
  }

  /** A 409 in words: what does not fit beside its field when the form has one, and the reason in the status line. */
  function refused(form, err) {
    showError(form, err);
    const status = form.querySelector(".form-status");
    status.textContent = t("pool.refused", { reason: err.message });
    status.className = "form-status error";
  }

  // ---- the operator opens a pool ----
  function openForm() {
    let idem = crypto.randomUUID();
    const form = h("form", { "data-testid": "pool-open-form", novalidate: true },
      h("div", { class: "form-grid" },
        field("from", { labelKey: "field.origin", options: nodeOptions(cities), testid: "pool-from" }),
        field("to", { labelKey: "field.destination", options: nodeOptions(cities), testid: "pool-to" }),
        field("departureDate", { labelKey: "pool.departureDate", type: "date", value: today(7), testid: "pool-departureDate" }),
        field("cutoff", { labelKey: "pool.cutoffUtc", type: "datetime-local", value: utcLocal(72), testid: "pool-cutoff" }),
        field("minContainers", { labelKey: "pool.minContainers", type: "number", value: 20, attrs: { min: 1, step: 1 }, testid: "pool-minContainers" }),
        field("maxContainers", { labelKey: "pool.maxContainers", type: "number", value: 50, attrs: { min: 1, step: 1 }, testid: "pool-maxContainers" }),
        field("containerType", { labelKey: "field.containers.type", options: CONTAINER_TYPES.map((c) => ({ value: c, label: c })), value: "40HC", testid: "pool-containerType" }),
        field("pricePerContainerAtMin.amount", { labelKey: "pool.priceAtMin", type: "number", attrs: { min: 0, step: 1 }, testid: "pool-priceAtMin" }),
        field("pricePerContainerAtMax.amount", { labelKey: "pool.priceAtMax", type: "number", attrs: { min: 0, step: 1 }, testid: "pool-priceAtMax" }),
        field("pricePerContainerAtMin.currency", { labelKey: "field.targetPrice.currency", options: CURRENCIES.map((c) => ({ value: c, label: c })), value: "USD", testid: "pool-currency" })),
      field("acceptsHazardous", { labelKey: "pool.acceptsHazardous", type: "checkbox", testid: "pool-acceptsHazardous" }),
      h("div", { class: "form-actions" }, h("button", { type: "submit", "data-testid": "pool-open-submit" }, t("pool.open"))),
      h("p", { class: "form-status", role: "status", "data-testid": "pool-open-status" }));
    scopeErrorIds(form, "pool");
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      clearErrors(form);
      const value = (name) => form.querySelector(`[data-field="${name}"]`).value.trim();
      const number = (name) => (value(name) === "" ? null : Number(value(name)));
      const money = (name) => (number(`${name}.amount`) === null ? null : { amount: number(`${name}.amount`), currency: value("pricePerContainerAtMin.currency") });
      const cutoff = value("cutoff");
      const body = {
        from: value("from") || null, to: value("to") || null, departureDate: value("departureDate") || null,
        // The input holds a UTC wall-clock time (labelled so): send it as such.
        cutoff: cutoff ? `${cutoff.length === 16 ? `${cutoff}:00` : cutoff}Z` : null,
        minContainers: number("minContainers"), maxContainers: number("maxContainers"), containerType: value("containerType"),
        pricePerContainerAtMin: money("pricePerContainerAtMin"), pricePerContainerAtMax: money("pricePerContainerAtMax"),
        acceptsHazardous: form.querySelector('[data-field="acceptsHazardous"]').checked,
      };
      await submitting(form, async () => {
        const pool = await api.post("/api/pools", body, { headers: { "Idempotency-Key": idem } });
        idem = crypto.randomUUID();
        showOk(form, t("pool.opened"));
        ctx.toast(t("pool.opened"));
        await refresh();
        await select(pool.id);
      });
    });
    return section("pool.openTitle", "pool-open", h("p", { class: "muted" }, t("pool.openIntro")), form);
  }

  // ---- suggestions: a new cargo offer of this SME fits an open pool ----
  function drawSuggestions() {
    suggestionsHost.replaceChildren(...[...suggestions.values()].map((s) => h("li", { "data-testid": "pool-suggestion", dataset: { poolId: s.id } },
      t("pool.suggestion", {
        lane: lane(ctx, s.from, s.to), date: fmt.date(s.departureDate), now: fmt.money(s.priceNow), full: fmt.money(s.priceAtFullFill),
      }), " ",
      h("button", { type: "button", class: "small", "data-testid": "pool-suggestion-join", onclick: () => {
        joinMode = "offer";
        preferredOffer = s.cargoOfferId;
        select(s.id);
      } }, t("pool.showJoin")))));
  }

  ctx.onEvent((ev) => {
    if (!ev.type.startsWith("pool.")) return;
    const d = ev.data ?? {};
    if (ev.type === "pool.suggested") {
      suggestions.set(`${d.id}|${d.cargoOfferId}`, d);
      drawSuggestions();
      ctx.toast(t("pool.suggestedToast", { lane: lane(ctx, d.from, d.to), now: fmt.money(d.priceNow) }));
      return;
    }
    if (ev.type === "pool.joined" && d.member !== org) ctx.toast(t("pool.joinedOperatorToast", { member: d.member, containers: fmt.number(d.fill?.containers) }));
    if (ev.type === "pool.formed") ctx.toast(t("pool.formedToast", { lane: lane(ctx, d.from, d.to), price: fmt.money(d.pricePerContainer) }));
    if (ev.type === "pool.cancelled") ctx.toast(t("pool.cancelledToast", { lane: lane(ctx, d.from, d.to), reason: d.reason ?? "" }), "error");
    refresh();
    if (!d.id || d.id === selectedId) showDetail();
  });

  const timer = setInterval(() => {
    if (document.visibilityState !== "visible") return;
    refresh();
    showDetail();
  }, 15_000);
  refresh();
  return { unmount() { stopped = true; clearInterval(timer); ctx.map.showPools([]); } };
}

