// Corridor performance for trade offices (GET /api/corridors/performance): how goods actually moved, from carriers'
// actual events: border dwell p50/p90 as bars per crossing (or corridor, or month), with transit days and the
// on-time share in a table. Groups of fewer than three shipments are withheld by the service.
import { api, query } from "../api.js";
import { nodeName } from "../components.js";
import { fmt, t } from "../i18n.js";
import { field, h, scopeErrorIds, section, svgEl, table } from "../ui.js";

const GROUPS = ["crossing", "corridor", "month"];

export function mount(host, ctx) {
  const filters = h("form", { class: "filters", "data-testid": "performance-filters" },
    field("groupBy", { labelKey: "flows.groupBy", options: GROUPS.map((g) => ({ value: g, label: t(`perf.group.${g}`) })), value: "crossing", testid: "performance-groupBy" }),
    field("since", { labelKey: "flows.since", type: "date", testid: "performance-since" }),
    field("until", { labelKey: "flows.until", type: "date", testid: "performance-until" }),
    h("div", { class: "filter-actions" }, h("button", { type: "submit", "data-testid": "performance-apply" }, t("flows.apply"))));
  scopeErrorIds(filters, "performance");
  const chartHost = h("div", { class: "chart", "data-testid": "performance-chart" });
  const tableHost = h("div", { "data-testid": "performance-table-host" });
  const updated = h("p", { class: "muted", "data-testid": "performance-updated", "aria-live": "polite" });
  host.append(section("perf.title", "corridor-performance",
    h("p", { class: "muted" }, t("perf.intro")), filters, updated, chartHost, tableHost));

  const value = (name) => filters.querySelector(`[data-field="${name}"]`).value.trim();

  /** A crossing is "FROM-TO" (node ids); a corridor "ORIGIN-DESTINATION"; both read better as place names. */
  function groupLabel(row, groupBy) {
    const key = String(row[groupBy] ?? "");
    if (groupBy === "month") return fmt.month(key);
    const parts = key.split("-");
    return parts.length === 2 ? `${nodeName(ctx, parts[0])} – ${nodeName(ctx, parts[1])}` : key;
  }

  async function refresh() {
    const groupBy = value("groupBy");
    let rows;
    try {
      rows = api.items(await api.get(`/api/corridors/performance${query({ groupBy, since: value("since"), until: value("until") })}`));
    } catch (e) {
      tableHost.replaceChildren(h("p", { class: "error" }, t("common.error", { message: e.message })));
      return;
    }
    chartHost.replaceChildren(dwellChart(rows, groupBy, (r) => groupLabel(r, groupBy)));
    const hours = (n) => (n === null || n === undefined ? "–" : `${fmt.number(n, 1)} h`);
    const days = (n) => (n === null || n === undefined ? "–" : t("route.days", { n: fmt.number(n, 1) }));
    tableHost.replaceChildren(table([
      { label: t(`perf.group.${groupBy}`), render: (r) => groupLabel(r, groupBy) },
      { label: t("perf.shipments"), num: true, render: (r) => fmt.number(r.shipments) },
      { label: t("perf.delivered"), num: true, render: (r) => fmt.number(r.delivered) },
      { label: t("perf.onTime"), num: true, render: (r) => (r.onTimeShare === null || r.onTimeShare === undefined ? "–" : `${fmt.number(r.onTimeShare * 100)} %`) },
      { label: t("perf.transit"), num: true, render: (r) => `${days(r.transitDaysP50)} / ${days(r.transitDaysP90)}` },
      { label: t("perf.dwell"), num: true, render: (r) => `${hours(r.borderDwellHoursP50)} / ${hours(r.borderDwellHoursP90)}` },
    ], rows.map((r) => ({ ...r, __dataset: { group: String(r[groupBy] ?? ""), shipments: String(r.shipments ?? 0) } })),
    { testid: "performance-table", empty: t("perf.empty") }));
    updated.textContent = t("flows.updated", { time: fmt.time() });
    updated.dataset.rows = String(rows.length);
  }

  filters.addEventListener("submit", (e) => { e.preventDefault(); refresh(); });
  filters.querySelector("[data-field=groupBy]").addEventListener("change", refresh);
  // A trade office is rarely a party to a shipment, so it hears of few; a slow poll keeps the panel current.
  ctx.onEvent((ev) => { if (ev.type === "shipment.delivered") refresh(); });
  const timer = setInterval(() => { if (document.visibilityState === "visible") refresh(); }, 30_000);
  refresh();
  return { unmount() { clearInterval(timer); } };
}

/** Border dwell per group as paired horizontal bars (p50 solid, p90 lighter), the hours written beside each. */
function dwellChart(rows, groupBy, label) {
  const data = rows.filter((r) => r.borderDwellHoursP50 !== null && r.borderDwellHoursP50 !== undefined);
  if (!data.length) return h("p", { class: "empty", "data-testid": "performance-chart-empty" }, t("perf.noDwell"));
  const W = 480, row = 30, pad = { l: 150, r: 56, t: 22, b: 8 };
  const H = pad.t + pad.b + row * data.length;
  const max = Math.max(...data.map((r) => r.borderDwellHoursP90 ?? r.borderDwellHoursP50), 1);
  const scale = (v) => ((W - pad.l - pad.r) * (v ?? 0)) / max;
  const svg = svgEl("svg", {
    viewBox: `0 0 ${W} ${H}`, role: "img", "data-testid": "dwell-chart",
    "aria-label": `${t("perf.dwellTitle")}: ${data.map((r) =>
      `${label(r)} p50 ${fmt.number(r.borderDwellHoursP50, 1)} h, p90 ${fmt.number(r.borderDwellHoursP90, 1)} h`).join("; ")}`,
  });
  const add = (name, attrs, text) => svgEl(name, attrs, svg, text);
  add("text", { x: pad.l, y: 12, class: "tick" }, `${t("perf.dwellTitle")} (h)`);
  add("rect", { x: W - pad.r - 96, y: 4, width: 10, height: 8, class: "bar p50" });
  add("text", { x: W - pad.r - 82, y: 12, class: "tick" }, "p50");
  add("rect", { x: W - pad.r - 48, y: 4, width: 10, height: 8, class: "bar p90" });
  add("text", { x: W - pad.r - 34, y: 12, class: "tick" }, "p90");
  data.forEach((r, i) => {
    const y = pad.t + i * row;
    // Long crossing names are shortened to fit beside the bars; the full name is in the bars' titles and the table.
    const name = label(r);
    add("text", { x: pad.l - 6, y: y + row / 2 + 3, class: "tick", "text-anchor": "end" }, name.length > 26 ? `${name.slice(0, 25)}…` : name);
    const bars = [["p50", r.borderDwellHoursP50, y + 4], ["p90", r.borderDwellHoursP90, y + 15]];
    for (const [which, v, by] of bars) {
      if (v === null || v === undefined) continue;
      const bar = add("rect", { x: pad.l, y: by, width: Math.max(scale(v), 1), height: 10, class: `bar ${which}`,
        "data-testid": `dwell-bar-${which}`, "data-group": String(r[groupBy] ?? ""), "data-hours": String(v) });
      svgEl("title", {}, bar, `${label(r)} ${which}: ${fmt.number(v, 1)} h`);
      add("text", { x: pad.l + Math.max(scale(v), 1) + 4, y: by + 9, class: "bar-value" }, `${fmt.number(v, 1)} h`);
    }
  });
  add("line", { x1: pad.l, x2: pad.l, y1: pad.t, y2: H - pad.b, class: "axis" });
  return svg;
}
