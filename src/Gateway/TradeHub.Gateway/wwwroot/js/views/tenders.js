// Tenders (docs/api.md, Tenders): an SME builds a tender from lanes (origin and destination picked in lists or by
// clicking the map), closes it and reads the award: who carries which lane, the cost against awarding lane by lane,
// the savings and why, with the awarded lanes on the map. A carrier sees open tenders and bids on packages: sets of
// lanes with a price per container each, all or nothing.
import { api, query } from "../api.js";
import { lane, nodeName } from "../components.js";
import { fmt, t } from "../i18n.js";
import {
  clearErrors, CONTAINER_TYPES, field, h, MODES, nodeOptions, scopeErrorIds, section, showOk, submitting, table, today,
} from "../ui.js";
import { when } from "./shipments.js";

const usd = (n) => (n === null || n === undefined ? "–" : fmt.usd(n));

/** A datetime-local value (UTC wall clock) some days ahead. */
function daysAhead(days) {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 16);
}

/** A tender and, when wanted, its award; when either fails the detail panel says why and the answer is null. */
async function loadTender(id, detail, wantsAward) {
  try {
    const tender = await api.get(`/api/tenders/${id}`);
    return { tender, award: wantsAward(tender) ? await api.get(`/api/tenders/${id}/award`) : null };
  } catch (e) {
    detail.hidden = false;
    detail.replaceChildren(h("p", { class: "error" }, t("common.error", { message: e.message })));
    return null;
  }
}

export function mount(host, ctx) {
  return ctx.claims.role === "carrier" ? mountCarrier(host, ctx) : mountShipper(host, ctx);
}

/** The award as the owner (everything) or a bidder (its own lanes) sees it, and the lanes on the map. */
function awardBlock(ctx, tender, award) {
  const laneOf = (ref) => tender.lanes.find((l) => l.ref === ref);
  const won = new Map(award.assignments.map((a) => [a.laneRef, a]));
  ctx.map.showLanes(tender.lanes.map((l) => ({ ...l, carrier: won.get(l.ref)?.carrier })));
  const metric = (key, value, testid) => h("div", { class: "metric" }, h("dt", {}, t(key)), h("dd", { "data-testid": testid }, value));
  return h("div", { class: "tender-award", "data-testid": "tender-award", dataset: { status: award.status } },
    h("h3", {}, t("tender.award")),
    award.totalCost !== null && award.totalCost !== undefined
      ? h("dl", { class: "metrics" },
        metric("tender.totalCost", usd(award.totalCost), "award-total"),
        metric("tender.laneByLane", usd(award.laneByLaneCost), "award-lane-by-lane"),
        metric("tender.savings", award.laneByLaneCost ? `${usd(award.savings)} (${fmt.number((award.savings / award.laneByLaneCost) * 100, 1)} %)` : usd(award.savings), "award-savings"),
        metric("tender.optimal", award.optimal ? t("tender.provenOptimal") : t("tender.gap", { gap: fmt.number((award.gap ?? 0) * 100, 1) }), "award-optimal"))
      : "",
    table([
      { label: t("tender.lane"), render: (a) => { const l = laneOf(a.laneRef); return l ? `${a.laneRef}: ${lane(ctx, l.origin, l.destination)}` : a.laneRef; } },
      { label: t("bid.carrier"), render: (a) => a.carrier },
      { label: t("tender.package"), render: (a) => a.packageRef },
      { label: t("tender.pricePerContainer"), num: true, render: (a) => usd(a.pricePerContainer) },
    ], award.assignments.map((a) => ({ ...a, __dataset: { laneRef: a.laneRef, carrier: a.carrier } })),
    { testid: "award-assignments", empty: t("tender.noAssignments") }),
    award.uncovered?.length ? h("p", { class: "alert warn", "data-testid": "award-uncovered" }, t("tender.uncovered", { lanes: award.uncovered.join(", ") })) : "",
    h("ul", { class: "explanation", "data-testid": "award-explanation" }, (award.explanation || []).map((x) => h("li", {}, x))));
}

function lanesTable(ctx, lanes, { remove } = {}) {
  return table([
    { label: t("tender.ref"), render: (l) => l.ref },
    { label: t("offer.lane"), render: (l) => lane(ctx, l.origin, l.destination) },
    { label: t("field.mode"), render: (l) => (l.mode ? t(`mode.${l.mode}`) : t("tender.anyMode")) },
    { label: t("offer.containers"), render: (l) => `${fmt.number(l.containers.count)} × ${l.containers.type}` },
    { label: t("tender.window"), render: (l) => `${fmt.date(l.from)} – ${fmt.date(l.to)}` },
    ...(remove ? [{ label: "", render: (l) => h("button", { type: "button", class: "small secondary", "data-testid": "tender-lane-remove",
      "aria-label": t("tender.removeLane", { ref: l.ref }), onclick: () => remove(l) }, "×") }] : []),
  ], lanes.map((l) => ({ ...l, __dataset: { ref: l.ref, origin: l.origin, destination: l.destination } })), { testid: "tender-lanes-table", empty: t("tender.noLanes") });
}

const statusBadge = (s) => h("span", { class: `badge status-${s}`, "data-testid": "tender-status" }, t(`tender.status.${s}`));

// ---------------------------------------------------------------- the shipper

function mountShipper(host, ctx) {
  const cities = ctx.network.nodes.filter((n) => !/border/i.test(n.type));
  let lanes = [];
  let selectedId = null;
  let solvingTimer = null;
  let stopPicking = () => {};
  let idem = crypto.randomUUID();

  // ---- builder ----
  const laneFields = h("div", { class: "form-grid", "data-testid": "tender-lane-fields" },
    field("origin", { options: nodeOptions(cities), testid: "tender-lane-origin" }),
    field("destination", { options: nodeOptions(cities), testid: "tender-lane-destination" }),
    field("mode", { options: [{ value: "", label: t("tender.anyMode") }, ...MODES.map((m) => ({ value: m, label: t(`mode.${m}`) }))], testid: "tender-lane-mode" }),
    field("containers.count", { type: "number", value: 10, attrs: { min: 1, step: 1 }, testid: "tender-lane-count" }),
    field("containers.type", { options: CONTAINER_TYPES.map((c) => ({ value: c, label: c })), value: "40HC", testid: "tender-lane-type" }),
    field("from", { labelKey: "tender.from", type: "date", value: today(14), testid: "tender-lane-from" }),
    field("to", { labelKey: "tender.to", type: "date", value: today(104), testid: "tender-lane-to" }));
  scopeErrorIds(laneFields, "tender-lane");
  const pickButton = h("button", { type: "button", class: "secondary", "data-testid": "tender-pick-map", "aria-pressed": "false" }, t("tender.pickOnMap"));
  const pickHint = h("p", { class: "muted", "data-testid": "tender-pick-hint", "aria-live": "polite" });
  const lanesHost = h("div", { "data-field": "lanes", tabindex: "-1" });
  const form = h("form", { "data-testid": "tender-form", novalidate: true },
    h("div", { class: "form-grid" },
      field("title", { labelKey: "tender.titleField", required: true, attrs: { placeholder: t("tender.titlePlaceholder") }, testid: "tender-title" }),
      field("closesAt", { labelKey: "tender.closesAt", type: "datetime-local", value: daysAhead(7), testid: "tender-closesAt" }),
      field("maxCarriers", { labelKey: "tender.maxCarriers", type: "number", attrs: { min: 1, step: 1 }, testid: "tender-maxCarriers" })),
    h("fieldset", { class: "lane-builder" },
      h("legend", {}, t("tender.addLanes")),
      laneFields,
      h("div", { class: "form-actions" },
        h("button", { type: "button", class: "secondary", "data-testid": "tender-lane-add", onclick: addLane }, t("tender.addLane")),
        pickButton),
      pickHint),
    lanesHost,
    h("p", { class: "field-error", "data-error-for": "lanes", "data-testid": "error-lanes" }),
    h("div", { class: "form-actions" }, h("button", { type: "submit", "data-testid": "tender-submit" }, t("tender.open"))),
    h("p", { class: "form-status", role: "status", "data-testid": "tender-form-status" }));
  for (const p of form.querySelectorAll(":scope > .form-grid [data-error-for]")) p.dataset.testid = `error-tender-${p.dataset.errorFor}`;

  const listHost = h("div", { "data-testid": "tenders-list" });
  const detail = h("section", { class: "card tender-detail", "data-testid": "tender-detail", hidden: true, "aria-live": "polite" });
  host.append(section("tenders.mine", "tenders", listHost), detail, section("tender.build", "tender-builder",
    h("p", { class: "muted" }, t("tender.intro")), form));

  const laneValue = (name) => laneFields.querySelector(`[data-field="${name}"]`).value.trim();

  function drawLanes({ map = true } = {}) {
    lanesHost.replaceChildren(lanesTable(ctx, lanes, { remove: (l) => { lanes = lanes.filter((x) => x !== l); drawLanes(); } }));
    if (map) ctx.map.showLanes(lanes);
  }

  function addLane() {
    const errors = laneFields.querySelectorAll(".field-error");
    for (const p of errors) p.textContent = "";
    const origin = laneValue("origin"), destination = laneValue("destination");
    const missing = [["origin", origin], ["destination", destination]].filter(([, v]) => !v);
    for (const [name] of missing) laneFields.querySelector(`[data-error-for="${name}"]`).textContent = t("tender.choosePlace");
    if (missing.length) return;
    if (origin === destination) { laneFields.querySelector('[data-error-for="destination"]').textContent = t("tender.samePlace"); return; }
    let n = lanes.length + 1;
    while (lanes.some((l) => l.ref === `L${n}`)) n++;
    lanes.push({
      ref: `L${n}`, origin, destination, mode: laneValue("mode") || null,
      containers: { count: Number(laneValue("containers.count")) || 0, type: laneValue("containers.type") },
      from: laneValue("from"), to: laneValue("to"),
    });
    laneFields.querySelector('[data-field="origin"]').value = "";
    laneFields.querySelector('[data-field="destination"]').value = "";
    drawLanes();
  }

  // Picking on the map: the first click sets the origin, the second the destination (both must be cities).
  pickButton.addEventListener("click", () => {
    if (pickButton.getAttribute("aria-pressed") === "true") { endPicking(); return; }
    pickButton.setAttribute("aria-pressed", "true");
    pickButton.textContent = t("tender.pickStop");
    let step = "origin";
    pickHint.textContent = t("tender.pickOrigin");
    stopPicking = ctx.map.onNodePick((id) => {
      if (!cities.some((c) => c.id === id)) { pickHint.textContent = t("tender.pickCity", { place: nodeName(ctx, id) }); return; }
      laneFields.querySelector(`[data-field="${step}"]`).value = id;
      if (step === "origin") { step = "destination"; pickHint.textContent = t("tender.pickDestination", { place: nodeName(ctx, id) }); return; }
      pickHint.textContent = t("tender.picked", { lane: lane(ctx, laneValue("origin"), id) });
      step = "origin";
    });
  });
  function endPicking() {
    stopPicking();
    stopPicking = () => {};
    pickButton.setAttribute("aria-pressed", "false");
    pickButton.textContent = t("tender.pickOnMap");
    pickHint.textContent = "";
  }

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearErrors(form);
    const value = (name) => form.querySelector(`[data-field="${name}"]`).value.trim();
    const closes = value("closesAt");
    const body = {
      title: value("title") || null,
      closesAt: closes ? `${closes.length === 16 ? `${closes}:00` : closes}Z` : null,
      lanes,
      maxCarriers: value("maxCarriers") ? Number(value("maxCarriers")) : null,
    };
    await submitting(form, async () => {
      const tender = await api.post("/api/tenders", body, { headers: { "Idempotency-Key": idem } });
      idem = crypto.randomUUID();
      showOk(form, t("tender.opened"));
      ctx.toast(t("tender.opened"));
      lanes = [];
      drawLanes();
      form.querySelector('[data-field="title"]').value = "";
      endPicking();
      await refresh();
      select(tender.id);
    });
  });

  // ---- my tenders, one in detail ----
  async function refresh() {
    let items;
    try {
      items = api.items(await api.get(`/api/tenders${query({ limit: 100 })}`));
    } catch (e) {
      listHost.replaceChildren(h("p", { class: "error" }, t("common.error", { message: e.message })));
      return;
    }
    listHost.replaceChildren(table([
      { label: t("tender.titleField"), render: (x) => x.title },
      { label: t("tender.lanes"), num: true, render: (x) => fmt.number(x.laneCount) },
      { label: t("tender.closesAt"), render: (x) => when(x.closesAt) },
      { label: t("common.status"), render: (x) => statusBadge(x.status) },
      { label: t("common.actions"), render: (x) => h("span", { class: "actions" },
        h("button", { type: "button", class: "small secondary", "data-testid": "tender-show", onclick: () => select(x.id) }, t("tender.show")),
        x.status === "open" ? h("button", { type: "button", class: "small", "data-testid": "tender-close", onclick: (ev) => close(x.id, ev) }, t("tender.close")) : "") },
    ], items.map((x) => ({ ...x, __dataset: { tenderId: x.id, status: x.status } })), { testid: "tenders-table", empty: t("tender.none") }));
    for (const tr of listHost.querySelectorAll("tr[data-tender-id]")) tr.classList.toggle("selected", tr.dataset.tenderId === selectedId);
  }

  async function close(id, ev) {
    ev.target.disabled = true;
    try {
      await api.post(`/api/tenders/${id}/close`);
      ctx.toast(t("tender.closed"));
    } catch (e) {
      ctx.toast(t("common.error", { message: e.message }), "error");
    }
    await refresh();
    await select(id);
  }

  async function select(id) {
    selectedId = id;
    clearTimeout(solvingTimer);
    for (const tr of listHost.querySelectorAll("tr[data-tender-id]")) tr.classList.toggle("selected", tr.dataset.tenderId === id);
    const loaded = await loadTender(id, detail, (tender) => tender.status !== "open");
    if (!loaded || id !== selectedId) return;
    const { tender, award } = loaded;
    detail.hidden = false;
    detail.dataset.tenderId = id;
    detail.dataset.status = tender.status;
    detail.replaceChildren(
      h("h2", {}, tender.title),
      h("p", { class: "muted" }, statusBadge(tender.status), " ",
        t("tender.summary", { lanes: fmt.number(tender.lanes.length), bids: fmt.number(tender.bidCount ?? 0), closes: when(tender.closesAt) })),
      lanesTable(ctx, tender.lanes),
      tender.status === "open"
        ? h("div", { class: "form-actions" }, h("button", { type: "button", "data-testid": "tender-close-detail", onclick: (ev) => close(id, ev) }, t("tender.close")))
        : "",
      tender.status === "solving" ? h("p", { class: "muted", "data-testid": "tender-solving" }, t("tender.solving")) : "",
      award && award.status !== "solving" && award.status !== "open" ? awardBlock(ctx, tender, award) : "");
    if (!award || award.status === "solving" || award.status === "open") ctx.map.showLanes(tender.lanes);
    // The solver runs off the request path: ask again shortly while it works (tender.awarded also ends the wait).
    if (tender.status === "solving") solvingTimer = setTimeout(() => { if (selectedId === id) { refresh(); select(id); } }, 1500);
  }

  ctx.onEvent((ev) => {
    if (!ev.type.startsWith("tender.")) return;
    refresh();
    if (ev.data?.id === selectedId) select(selectedId);
  });
  refresh();
  drawLanes({ map: false });
  return { unmount() { clearTimeout(solvingTimer); stopPicking(); } };
}

// ---------------------------------------------------------------- the carrier

function mountCarrier(host, ctx) {
  const org = ctx.claims.org;
  let selectedId = null;
  const listHost = h("div", { "data-testid": "tenders-list" });
  const detail = h("section", { class: "card tender-detail", "data-testid": "tender-detail", hidden: true, "aria-live": "polite" });
  host.append(section("tenders.open", "tenders", h("p", { class: "muted" }, t("tender.carrierIntro")), listHost), detail);

  async function refresh() {
    let items;
    try {
      items = api.items(await api.get(`/api/tenders${query({ limit: 100 })}`));
    } catch (e) {
      listHost.replaceChildren(h("p", { class: "error" }, t("common.error", { message: e.message })));
      return;
    }
    listHost.replaceChildren(table([
      { label: t("tender.titleField"), render: (x) => h("span", {}, x.title, h("div", { class: "muted" }, x.ownerOrg)) },
      { label: t("tender.lanes"), num: true, render: (x) => fmt.number(x.laneCount) },
      { label: t("tender.closesAt"), render: (x) => when(x.closesAt) },
      { label: t("common.status"), render: (x) => statusBadge(x.status) },
      { label: t("common.actions"), render: (x) => h("button", { type: "button", class: "small", "data-testid": x.status === "open" ? "tender-bid" : "tender-show",
        onclick: () => select(x.id) }, x.status === "open" ? t("tender.bid") : t("tender.show")) },
    ], items.map((x) => ({ ...x, __dataset: { tenderId: x.id, status: x.status } })), { testid: "tenders-table", empty: t("tender.noneOpen") }));
    for (const tr of listHost.querySelectorAll("tr[data-tender-id]")) tr.classList.toggle("selected", tr.dataset.tenderId === selectedId);
  }

  async function select(id) {
    selectedId = id;
    for (const tr of listHost.querySelectorAll("tr[data-tender-id]")) tr.classList.toggle("selected", tr.dataset.tenderId === id);
    const loaded = await loadTender(id, detail, (tender) => tender.status !== "open" && tender.yourBid);
    if (!loaded || id !== selectedId) return;
    const { tender, award } = loaded;
    detail.hidden = false;
    detail.dataset.tenderId = id;
    detail.dataset.status = tender.status;
    detail.replaceChildren(
      h("h2", {}, tender.title),
      h("p", { class: "muted" }, statusBadge(tender.status), " ", t("tender.ownerCloses", { owner: tender.ownerOrg, closes: when(tender.closesAt) })),
      lanesTable(ctx, tender.lanes),
      tender.status === "open" ? bidForm(tender) : "",
      award && award.status !== "solving" ? awardBlock(ctx, tender, award) : "");
    if (!award || award.status === "solving") ctx.map.showLanes(tender.lanes);
    detail.scrollIntoView({ block: "nearest" });
  }

  /**
   * Packages as columns over the tender's lanes: a price in a cell puts that lane in that package. Each package is
   * all or nothing; "exclusive" makes the packages alternatives, of which at most one wins.
   */
  function bidForm(tender) {
    const own = tender.yourBid;
    let packages = own?.packages?.length ? own.packages.map((p) => p.ref) : ["P1"];
    const priceOf = (pkg, laneRef) => own?.packages?.find((p) => p.ref === pkg)?.lanes.find((l) => l.ref === laneRef)?.pricePerContainer;
    const grid = h("div", { class: "table-wrap" });
    const exclusive = field("exclusive", { labelKey: "tender.exclusive", type: "checkbox", value: own?.exclusive?.length > 0, testid: "tender-bid-exclusive" });
    const maxContainers = field("maxContainers", { labelKey: "tender.maxContainers", type: "number", value: own?.maxContainers ?? "", attrs: { min: 1, step: 1 }, testid: "tender-bid-maxContainers" });
    const keep = () => {
      // Prices typed so far survive adding a package.
      const typed = new Map([...grid.querySelectorAll("input[data-package]")].map((i) => [`${i.dataset.package}|${i.dataset.lane}`, i.value]));
      return (pkg, laneRef) => typed.get(`${pkg}|${laneRef}`) ?? priceOf(pkg, laneRef) ?? "";
    };
    function drawGrid(value = (pkg, laneRef) => priceOf(pkg, laneRef) ?? "") {
      grid.replaceChildren(h("table", { "data-testid": "tender-bid-grid" },
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("tender.lane")),
          packages.map((p) => h("th", { scope: "col", class: "num" }, t("tender.packageN", { ref: p }))))),
        h("tbody", {}, tender.lanes.map((l) => h("tr", { dataset: { ref: l.ref } },
          h("th", { scope: "row" }, `${l.ref}: ${lane(ctx, l.origin, l.destination)}`, h("div", { class: "muted" }, `${fmt.number(l.containers.count)} × ${l.containers.type}`)),
          packages.map((p) => h("td", { class: "num" }, h("input", {
            type: "number", min: 0, step: 1, value: value(p, l.ref), "data-package": p, "data-lane": l.ref,
            "data-testid": `bid-price-${p}-${l.ref}`, "aria-label": t("tender.priceFor", { lane: l.ref, pkg: p }),
          }))))))));
    }
    drawGrid();
    const form = h("form", { "data-testid": "tender-bid-form", novalidate: true },
      h("h3", {}, own ? t("tender.replaceBid") : t("tender.yourBid")),
      h("p", { class: "muted" }, t("tender.bidHelp")),
      grid,
      h("div", { class: "form-actions" },
        h("button", { type: "button", class: "secondary", "data-testid": "tender-package-add", onclick: () => {
          const value = keep();
          let n = packages.length + 1;
          while (packages.includes(`P${n}`)) n++;
          packages = [...packages, `P${n}`];
          drawGrid(value);
        } }, t("tender.addPackage"))),
      h("div", { class: "form-grid" }, exclusive, maxContainers),
      h("div", { class: "form-actions" }, h("button", { type: "submit", "data-testid": "tender-bid-submit" }, t("tender.submitBid"))),
      h("p", { class: "form-status", role: "status", "data-testid": "tender-bid-status" }));
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      clearErrors(form);
      const body = {
        packages: packages.map((p) => ({
          ref: p,
          lanes: [...grid.querySelectorAll(`input[data-package="${CSS.escape(p)}"]`)].filter((i) => i.value.trim() !== "")
            .map((i) => ({ ref: i.dataset.lane, pricePerContainer: Number(i.value) })),
        })).filter((p) => p.lanes.length),
      };
      if (form.querySelector('[data-field="exclusive"]').checked && body.packages.length > 1) body.exclusive = [body.packages.map((p) => p.ref)];
      const cap = form.querySelector('[data-field="maxContainers"]').value;
      if (cap) body.maxContainers = Number(cap);
      await submitting(form, async () => {
        const answer = await api.post(`/api/tenders/${tender.id}/bids`, body);
        showOk(form, answer.replaced ? t("tender.bidReplaced") : t("tender.bidPlaced"));
        ctx.toast(t("tender.bidPlaced"));
        refresh();
      });
    });
    return form;
  }

  ctx.onEvent((ev) => {
    if (!ev.type.startsWith("tender.")) return;
    if (ev.type === "tender.awarded" && ev.data?.assignments?.some((a) => a.carrier === org)) ctx.toast(t("tender.youWon"));
    refresh();
    if (ev.data?.id === selectedId) select(selectedId);
  });
  // New tenders are not sent to carriers as events (only to bidders once closed): poll while the tab is visible.
  const timer = setInterval(() => { if (document.visibilityState === "visible") refresh(); }, 15_000);
  refresh();
  return { unmount() { clearInterval(timer); } };
}
