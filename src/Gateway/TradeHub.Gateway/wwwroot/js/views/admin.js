// Operator: close and reopen border crossings (or single legs) and watch open cargo offers re-route.
import { api } from "../api.js";
import { eventLog, lane, nodeName, routeCards } from "../components.js";
import { fmt, t } from "../i18n.js";
import { clearErrors, field, h, readForm, section, showError, showOk, table, today } from "../ui.js";

export function mount(host, ctx) {
  const nodes = ctx.network.nodes;
  const borders = nodes.filter((n) => /border/i.test(n.type)).sort((a, b) => a.name.localeCompare(b.name));
  const others = nodes.filter((n) => !/border/i.test(n.type)).sort((a, b) => a.name.localeCompare(b.name));
  const legLabel = (l) => `${nodeName(ctx, l.from)} → ${nodeName(ctx, l.to)} (${t(`mode.${l.mode}`)})`;
  let idem = crypto.randomUUID();

  const nodeSelect = field("nodeId", { options: [{ value: "", label: t("field.choose") }], testid: "disruption-nodeId" });
  const select = nodeSelect.querySelector("select");
  const group = (label, list) => h("optgroup", { label }, list.map((n) => h("option", { value: n.id }, `${n.name} (${n.id})`)));
  select.append(group(t("legend.border"), borders), group(t("legend.city"), others));
  const legSelect = field("legId", { options: [{ value: "", label: "—" },
    ...ctx.network.legs.filter((l) => l.id).map((l) => ({ value: l.id, label: legLabel(l) }))], testid: "disruption-legId" });

  const form = h("form", { "data-testid": "disruption-form", novalidate: true },
    h("div", { class: "form-grid" }, nodeSelect, legSelect,
      field("from", { type: "date", value: today(0), testid: "disruption-from" }),
      field("to", { type: "date", value: today(7), testid: "disruption-to" })),
    field("reason", { value: "", testid: "disruption-reason" }),
    h("div", { class: "form-actions" }, h("button", { type: "submit", "data-testid": "disruption-submit" }, t("admin.close"))),
    h("p", { class: "form-status", role: "status", "data-testid": "disruption-status" }));

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearErrors(form);
    try {
      await api.post("/api/network/disruptions", readForm(form), { headers: { "Idempotency-Key": idem } });
      idem = crypto.randomUUID();
      showOk(form, t("admin.closed"));
      ctx.toast(t("admin.closed"));
      await refresh();
      watchReroute();
    } catch (err) {
      showError(form, err);
    }
  });

  const activeHost = h("div", { "data-testid": "disruptions-host" });
  const affectedHost = h("div", { "data-testid": "affected-host" });
  const routesHost = h("div", { "data-testid": "admin-routes-host" });
  const log = eventLog();
  host.append(
    section("admin.title", "disruptions", form),
    section("admin.active", "active-disruptions", activeHost),
    section("admin.affected", "affected", affectedHost, routesHost),
    log.panel);

  async function refresh() {
    await ctx.refreshDisruptions();
    const list = ctx.network.disruptions;
    const reopen = (d) => async (ev) => {
      ev.target.disabled = true;
      try {
        await api.del(`/api/network/disruptions/${encodeURIComponent(d.id)}`);
        ctx.toast(t("admin.reopened"));
      } catch (err) {
        ctx.toast(t("common.error", { message: err.message }), "error");
      }
      await refresh();
      watchReroute();
    };
    activeHost.replaceChildren(table([
      { label: t("field.nodeId"), render: (d) => d.nodeId ? `${nodeName(ctx, d.nodeId)} (${d.nodeId})`
        : legLabel(ctx.network.legs.find((l) => l.id === d.legId) || { from: "?", to: "?", mode: "rail" }) },
      { label: t("field.from"), render: (d) => fmt.date(d.from) },
      { label: t("field.to"), render: (d) => fmt.date(d.to) },
      { label: t("field.reason"), render: (d) => d.reason ?? "" },
      { label: t("common.actions"), render: (d) => h("button", { type: "button", class: "small secondary", "data-testid": "disruption-reopen", onclick: reopen(d) }, t("admin.reopen")) },
    ], list.map((d) => ({ ...d, __dataset: { disruptionId: d.id, nodeId: d.nodeId || "" } })), { testid: "disruptions-table" }));
    await refreshAffected();
  }

  /** Open cargo offers with their current best route; those routed through a closed node are flagged. */
  async function refreshAffected() {
    let offers;
    try {
      offers = api.items(await api.get("/api/cargo-offers?status=open&limit=50")).slice(0, 20);
    } catch (e) {
      affectedHost.replaceChildren(h("p", { class: "error" }, t("common.error", { message: e.message })));
      return;
    }
    const closed = new Set(ctx.network.disruptions.map((d) => d.nodeId).filter(Boolean));
    const rows = await Promise.all(offers.map(async (o) => {
      const answer = await api.get(`/api/cargo-offers/${o.id}/routes`).catch(() => ({ status: "error", routes: [] }));
      const best = answer.routes?.[0];
      const via = best ? best.legs.map((l) => l.to).slice(0, -1) : [];
      return { ...o, answer, best, blocked: via.some((id) => closed.has(id)) };
    }));
    affectedHost.replaceChildren(table([
      { label: t("offer.lane"), render: (o) => lane(ctx, o.origin, o.destination) },
      { label: t("common.status"), render: (o) => o.answer.status },
      { label: t("route.time"), num: true, render: (o) => o.best ? fmt.hours(o.best.totalHours) : "–" },
      { label: t("route.borders"), num: true, render: (o) => o.best ? fmt.number(o.best.borderCrossings) : "–" },
      { label: t("cargo.routes"), render: (o) => o.best
        ? o.best.legs.map((l) => l.to).slice(0, -1).map((id) => nodeName(ctx, id)).join(" · ") : "–" },
      { label: "", render: (o) => h("button", { type: "button", class: "small secondary", "data-testid": "affected-show",
        onclick: () => routesHost.replaceChildren(routeCards(ctx, o.answer.routes || [])) }, t("route.show")) },
    ], rows.map((o) => ({ ...o, __dataset: { offerId: o.id, blocked: String(o.blocked) } })), { testid: "affected-table" }));
  }

  // Re-routing happens asynchronously after a disruption changes; look again a few times in case no event comes.
  let watchTimers = [];
  function watchReroute() {
    watchTimers.forEach(clearTimeout);
    watchTimers = [1500, 4000, 9000].map((ms) => setTimeout(refreshAffected, ms));
  }

  ctx.onEvent((ev) => {
    log.add(ev);
    if (ev.type === "routes.changed") refresh();
  });
  refresh();
  return { unmount() { watchTimers.forEach(clearTimeout); ctx.map.clearOverlay(); } };
}
