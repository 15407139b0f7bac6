// TradeHub dashboard: sign-in, the corridor map, and one view per role. Plain ES modules, no build step.
import { api, listen, onUnauthorised, session } from "./api.js";
import { devSignIn, loadConfig, oidcCallback, oidcSignIn, signOut } from "./auth.js";
import { fmt, languages, lang, onLangChange, setLang, t, translateDom } from "./i18n.js";
import { CorridorMap, renderLegend } from "./map.js";
import { h } from "./ui.js";

const views = {
  sme: () => import("./views/sme.js"),
  carrier: () => import("./views/carrier.js"),
  trade_office: () => import("./views/trade-office.js"),
  admin: () => import("./views/admin.js"),
};

// Panels that follow a role's view, before the Integrations panel every role has: consolidation pools for everyone
// (on the map too), shipments and tenders for the parties to them, corridor performance for trade offices.
const pools = () => import("./views/pools.js");
const panels = {
  sme: [pools, () => import("./views/shipments.js"), () => import("./views/tenders.js")],
  carrier: [pools, () => import("./views/shipments.js"), () => import("./views/tenders.js")],
  trade_office: [() => import("./views/corridor-performance.js"), pools],
  admin: [pools],
};

const SAMPLE_ORGS = ["tianjin-textiles", "tashkent-cotton", "minsk-machinery", "silkway-rail", "caspian-ferries",
  "tianjin-trade-office", "tashkent-trade-office", "tradehub-operator"];

const state = { config: {}, map: null, network: null, view: null, panels: [], stopEvents: null, eventHandlers: new Set() };

const $ = (sel) => document.querySelector(sel);

export function toast(message, kind = "ok") {
  const box = $("#toast");
  box.textContent = message;
  box.className = `toast show ${kind}`;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { box.className = "toast"; }, 4000);
}

async function start() {
  const select = $("#lang-select");
  for (const l of languages) select.append(h("option", { value: l.code }, l.name));
  select.value = lang();
  select.addEventListener("change", () => setLang(select.value));
  translateDom(document);
  renderLegend($("#legend"));
  onLangChange(() => {
    renderLegend($("#legend"));
    const live = $("[data-testid=live-status]");
    if (live.dataset.state) live.textContent = t(live.dataset.state === "on" ? "live.on" : "live.off");
    renderSession();
    state.map?.retranslate();
    if (session.claims) mountView();
    else renderSignIn();
  });
  onUnauthorised(() => { signOut(); showSignedOut(); });

  state.config = await loadConfig();
  if (state.config.oidcAuthority) {
    try { await oidcCallback(state.config); } catch (e) { toast(e.message, "error"); }
  }
  state.map = new CorridorMap($("#map"));
  // The corridor network is public: anyone sees the map, signed in or not; disruptions follow sign-in.
  state.networkLoad = loadNetwork().catch((e) => {
    const status = $("[data-testid=map-status]");
    if (status) status.textContent = t("map.failed", { message: e.message });
  });
  if (session.claims) await showSignedIn();
  else showSignedOut();
}

function renderSession() {
  const host = $("#session");
  const claims = session.claims;
  host.replaceChildren();
  if (!claims) return;
  host.append(
    h("span", { "data-testid": "signed-in-as" }, t("signin.as", { org: claims.org, role: t(`role.${claims.role}`) })),
    h("button", { type: "button", class: "secondary", "data-testid": "sign-out", onclick: () => { signOut(); showSignedOut(); } }, t("signin.signout")),
  );
}

function showSignedOut() {
  state.stopEvents?.();
  state.stopEvents = null;
  state.view?.unmount?.();
  state.view = null;
  unmountPanels();
  if (state.network?.disruptions.length) {
    state.network.disruptions = [];
    state.map.setDisruptions([]);
  }
  $("[data-testid=live-status]").hidden = true;
  renderSession();
  renderSignIn();
}

function renderSignIn() {
  const host = $("#view");
  if (state.config.oidcAuthority) {
    host.replaceChildren(h("section", { class: "card signin", "data-testid": "signin" },
      h("h2", {}, t("signin.title")), h("p", {}, t("signin.prompt")),
      h("button", { type: "button", "data-testid": "oidc-signin", onclick: () => oidcSignIn(state.config) }, t("signin.oidc"))));
    return;
  }
  const orgList = h("datalist", { id: "org-samples" }, SAMPLE_ORGS.map((o) => h("option", { value: o })));
  const status = h("p", { class: "form-status", role: "status" });
  const form = h("form", { class: "card signin", "data-testid": "signin", novalidate: true },
    h("h2", {}, t("signin.title")),
    h("p", {}, t("signin.prompt")),
    h("div", { class: "field" },
      h("label", { for: "signin-org" }, t("signin.organisation")),
      h("input", { id: "signin-org", name: "organisation", list: "org-samples", required: true, autocomplete: "organization",
        value: sessionStorage.getItem("tradehub.lastOrg") || "tianjin-textiles", "data-testid": "signin-org" }), orgList),
    h("div", { class: "field" },
      h("label", { for: "signin-role" }, t("signin.role")),
      h("select", { id: "signin-role", name: "role", "data-testid": "signin-role" },
        Object.keys(views).map((r) => h("option", { value: r }, t(`role.${r}`))))),
    h("button", { type: "submit", "data-testid": "signin-submit" }, t("signin.submit")),
    status,
    h("p", { class: "hint" }, t("signin.dev")));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const organisation = form.organisation.value.trim();
    if (!organisation) { status.textContent = t("signin.organisation"); status.className = "form-status error"; return; }
    try {
      await devSignIn(organisation, form.role.value);
      sessionStorage.setItem("tradehub.lastOrg", organisation);
      await showSignedIn();
    } catch (err) {
      status.textContent = t("common.error", { message: err.message });
      status.className = "form-status error";
    }
  });
  host.replaceChildren(form);
}

/** Nodes and legs answer without a token; disruptions need one and are added after sign-in. */
async function loadNetwork() {
  const [nodes, legs] = await Promise.all([
    api.get("/api/network/nodes", { anonymous: true }), api.get("/api/network/legs", { anonymous: true }),
  ]);
  state.network = { nodes: api.items(nodes), legs: api.items(legs), disruptions: [] };
  if (!state.map.countries) await state.map.load(state.network.nodes, state.network.legs);
  else state.map.setNetwork(state.network.nodes, state.network.legs);
  state.map.clearOverlay();
  $("[data-testid=map-status]")?.remove();
  state.map.svg.dataset.ready = "true";
}

async function showSignedIn() {
  renderSession();
  try {
    await state.networkLoad;
    if (!state.network) await loadNetwork();
    state.map.clearOverlay();
    state.network.disruptions = api.items(await api.get("/api/network/disruptions"));
    state.map.setDisruptions(state.network.disruptions);
  } catch (e) {
    const status = $("[data-testid=map-status]");
    if (status) status.textContent = t("map.failed", { message: e.message });
    if (!session.claims || !state.network) return;
  }
  startEvents();
  await mountView();
}

function startEvents() {
  state.stopEvents?.();
  const live = $("[data-testid=live-status]");
  live.hidden = false;
  const setLive = (on) => {
    live.textContent = on ? t("live.on") : t("live.off");
    live.className = `live ${on ? "on" : "off"}`;
    live.dataset.state = on ? "on" : "off";
  };
  setLive(false);
  state.stopEvents = listen((ev) => {
    if (ev.type === "routes.changed" || ev.type === "network.changed") refreshDisruptions();
    for (const fn of state.eventHandlers) fn(ev);
  }, setLive);
}

async function refreshDisruptions() {
  try {
    state.network.disruptions = api.items(await api.get("/api/network/disruptions"));
    state.map.setDisruptions(state.network.disruptions);
  } catch { /* the next event or reload will catch up */ }
}

function unmountPanels() {
  for (const panel of state.panels) panel.unmount?.();
  state.panels = [];
}

async function mountView() {
  const claims = session.claims;
  if (!claims) return showSignedOut();
  state.view?.unmount?.();
  unmountPanels();
  state.eventHandlers.clear();
  const host = $("#view");
  host.replaceChildren(h("p", { class: "loading" }, t("common.loading")));
  const load = views[claims.role];
  if (!load) {
    host.replaceChildren(h("p", { class: "card" }, `Unknown role: ${claims.role}`));
    return;
  }
  // Both modules before the host is touched: the view and the panel then mount together, so a second mountView
  // (a language switch) cannot land between them and leave a panel under the wrong view.
  const [module, integrations, ...extra] = await Promise.all([load(), import("./views/integrations.js"),
    ...(panels[claims.role] ?? []).map((p) => p())]);
  const ctx = {
    claims, map: state.map, network: state.network, toast, fmt,
    onEvent: (fn) => state.eventHandlers.add(fn),
    refreshDisruptions,
  };
  host.replaceChildren();
  host.dataset.role = claims.role;
  state.view = module.mount(host, ctx) || {};
  state.panels = extra.map((panel) => panel.mount(host, ctx) || {});
  // Every organisation, whatever its role, may have webhooks: the Integrations panel follows the role's view.
  integrations.mount(host, ctx);
}

start();
