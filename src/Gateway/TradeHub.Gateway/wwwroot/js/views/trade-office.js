// Trade office: matched flows between cities (aggregates only, never single deals' prices), as arcs on the
// map, a table, a per-month chart and a CSV export; refreshed live when matches are confirmed.
import { api, query } from "../api.js";
import { fmt, t } from "../i18n.js";
import { nodeName } from "../components.js";
import { field, h, MODES, nodeOptions, section, svgEl, table } from "../ui.js";

const GROUPS = ["corridor", "mode", "hsChapter", "month"];

export function mount(host, ctx) {
  const cities = ctx.network.nodes;
  const filters = h("form", { class: "filters", "data-testid": "flow-filters" },
    field("groupBy", { labelKey: "flows.groupBy", options: GROUPS.map((g) => ({ value: g, label: t(`group.${g}`) })), value: "corridor", testid: "filter-groupBy" }),
    field("city", { labelKey: "flows.city", options: [{ value: "", label: t("common.all") }, ...nodeOptions(cities).slice(1)], testid: "filter-city" }),
    field("corridor", { labelKey: "flows.corridor", attrs: { list: "corridor-values" }, testid: "filter-corridor" }),
    field("mode", { labelKey: "flows.mode", options: [{ value: "", label: t("common.all") }, ...MODES.map((m) => ({ value: m, label: t(`mode.${m}`) }))], testid: "filter-mode" }),
    field("hsChapter", { labelKey: "flows.hsChapter", attrs: { inputmode: "numeric", pattern: "\\d{2}", maxlength: 2, placeholder: "52" }, testid: "filter-hsChapter" }),
    field("since", { labelKey: "flows.since", type: "date", testid: "filter-since" }),
    field("until", { labelKey: "flows.until", type: "date", testid: "filter-until" }),
    h("datalist", { id: "corridor-values" }),
    h("div", { class: "filter-actions" },
      h("button", { type: "submit", "data-testid": "flows-apply" }, t("flows.apply")),
      h("button", { type: "button", class: "secondary", "data-testid": "flows-csv", onclick: downloadCsv }, t("flows.csv"))));
  const tableHost = h("div", { "data-testid": "flows-table-host" });
  const chartHost = h("div", { class: "chart", "data-testid": "flows-chart" });
  const updated = h("p", { class: "muted", "data-testid": "flows-updated", "aria-live": "polite" });
  host.append(
    section("flows.title", "flows", filters, updated, tableHost),
    section("flows.perMonth", "flows-month", chartHost));

  function params() {
    const v = (name) => filters.querySelector(`[data-field="${name}"]`).value.trim();
    // corridor, mode and hsChapter go to the server as filters too; rows that carry the field are also
    // filtered here, so the page is right whether or not the flows endpoint applies them itself.
    return { groupBy: v("groupBy"), city: v("city"), corridor: v("corridor"), mode: v("mode"), hsChapter: v("hsChapter"), since: v("since"), until: v("until") };
  }

  function clientFilter(rows, p) {
    return rows.filter((r) => ["corridor", "mode", "hsChapter"].every((k) => !p[k] || r[k] === undefined || String(r[k]) === p[k]));
  }

  async function refresh() {
    const p = params();
    try {
      const [grouped, monthly] = await Promise.all([
        api.get(`/api/flows${query(p)}`),
        p.groupBy === "month" ? null : api.get(`/api/flows${query({ ...p, groupBy: "month" })}`),
      ]);
      const rows = clientFilter(api.items(grouped), p);
      const months = p.groupBy === "month" ? rows : clientFilter(api.items(monthly), p);
      render(rows, months, p.groupBy);
      updated.textContent = t("flows.updated", { time: fmt.time() });
      updated.dataset.rows = String(rows.length);
    } catch (e) {
      tableHost.replaceChildren(h("p", { class: "error" }, t("common.error", { message: e.message })));
    }
  }

  function render(rows, months, groupBy) {
    ctx.map.showFlows(rows);
    const datalist = filters.querySelector("#corridor-values");
    if (groupBy === "corridor") datalist.replaceChildren(...[...new Set(rows.map((r) => r.corridor).filter(Boolean))].map((c) => h("option", { value: c })));
    const groupLabel = (r) => {
      const v = r[groupBy];
      if (groupBy === "mode") return t(`mode.${v}`);
      if (groupBy === "month") return fmt.month(v);
      return v ?? "–";
    };
    tableHost.replaceChildren(table([
      { label: t("flows.origin"), render: (r) => nodeName(ctx, r.origin) },
      { label: t("flows.destination"), render: (r) => nodeName(ctx, r.destination) },
      { label: t(`group.${groupBy}`), render: groupLabel },
      { label: t("flows.matches"), num: true, render: (r) => fmt.number(r.matches) },
      { label: t("flows.containers"), num: true, render: (r) => fmt.number(r.containers) },
      { label: t("flows.weight"), num: true, render: (r) => fmt.number(r.weightKg) },
    ], rows.map((r) => ({ ...r, __dataset: { origin: r.origin, destination: r.destination, containers: String(r.containers ?? 0) } })), { testid: "flows-table", empty: t("flows.empty") }));
    chartHost.replaceChildren(monthChart(months));
  }

  async function downloadCsv() {
    try {
      await api.download(`/api/flows.csv${query(params())}`, `tradehub-flows-${new Date().toISOString().slice(0, 10)}.csv`);
    } catch (e) {
      ctx.toast(t("common.error", { message: e.message }), "error");
    }
  }

  filters.addEventListener("submit", (e) => { e.preventDefault(); refresh(); });
  filters.querySelector("[data-field=groupBy]").addEventListener("change", refresh);

  // Confirmed matches and awarded bids both become flows. Events arrive for the caller's organisation; a trade
  // office is rarely a party, so a slow poll while the tab is visible keeps the picture current regardless.
  ctx.onEvent((ev) => { if (ev.type === "match.confirmed" || ev.type === "bid.awarded") refresh(); });
  const timer = setInterval(() => { if (document.visibilityState === "visible") refresh(); }, 15_000);
  refresh();
  return { unmount() { clearInterval(timer); ctx.map.clearOverlay(); } };
}

/** Containers per month as SVG bars, with the value on each bar and an accessible table-like description. */
function monthChart(rows) {
  const byMonth = new Map();
  for (const r of rows) {
    const m = String(r.month ?? "").slice(0, 7);
    if (!m) continue;
    byMonth.set(m, (byMonth.get(m) || 0) + (r.containers || 0));
  }
  const data = [...byMonth.entries()].sort(([a], [b]) => a.localeCompare(b)).slice(-12);
  if (!data.length) return h("p", { class: "empty" }, t("flows.empty"));
  const W = 480, H = 180, pad = { l: 36, r: 8, t: 16, b: 28 };
  const max = Math.max(...data.map(([, v]) => v), 1);
  const bw = (W - pad.l - pad.r) / data.length;
  const svg = svgEl("svg", {
    viewBox: `0 0 ${W} ${H}`, role: "img", "data-testid": "month-chart",
    "aria-label": `${t("flows.perMonth")}: ${data.map(([m, v]) => `${fmt.month(m)} ${fmt.number(v)}`).join(", ")}`,
  });
  const add = (name, attrs, text) => svgEl(name, attrs, svg, text);
  add("line", { x1: pad.l, x2: W - pad.r, y1: H - pad.b, y2: H - pad.b, class: "axis" });
  add("text", { x: pad.l - 4, y: pad.t + 4, class: "tick", "text-anchor": "end" }, fmt.number(max));
  add("text", { x: pad.l - 4, y: H - pad.b, class: "tick", "text-anchor": "end" }, "0");
  data.forEach(([m, v], i) => {
    const bh = ((H - pad.t - pad.b) * v) / max;
    const x = pad.l + i * bw + bw * 0.15;
    const bar = add("rect", { x, y: H - pad.b - bh, width: bw * 0.7, height: Math.max(bh, 1), class: "bar", "data-testid": "month-bar" });
    svgEl("title", {}, bar, `${fmt.month(m)}: ${fmt.number(v)}`);
    add("text", { x: x + bw * 0.35, y: H - pad.b - bh - 3, class: "bar-value", "text-anchor": "middle" }, fmt.number(v));
    add("text", { x: x + bw * 0.35, y: H - pad.b + 14, class: "tick", "text-anchor": "middle" }, fmt.month(m));
  });
  return svg;
}
