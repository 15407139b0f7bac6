// Pieces more than one role's view uses: route option cards, the matches list, offer labels.
import { api, query } from "./api.js";
import { fmt, t } from "./i18n.js";
import { h, nodeOptions, section, table } from "./ui.js";

export function nodeName(ctx, id) {
  const n = ctx.network?.nodes.find((x) => x.id === id);
  return n ? n.name.replace(/\s*\(.*\)\s*/, "") : id;
}

export function lane(ctx, from, to) {
  return `${nodeName(ctx, from)} → ${nodeName(ctx, to)}`;
}

export function containersText(c) {
  return c ? `${fmt.number(c.count)} × ${c.type}` : "–";
}

/**
 * Route options of a cargo offer as cards: time, cost, CO2, distance, border crossings, gauge changes.
 * The chosen card is drawn on the map; the others are drawn faded behind it.
 */
export function routeCards(ctx, routes, { selectedId, onSelect } = {}) {
  const list = h("ol", { class: "route-list", "data-testid": "route-list" });
  const draw = (chosen) => {
    ctx.map.clearOverlay();
    for (const r of routes) if (r !== chosen) ctx.map.showRoute(r, { append: true, faded: true });
    ctx.map.showRoute(chosen, { append: true });
    for (const li of list.children) li.classList.toggle("selected", li.dataset.routeId === String(chosen.id));
  };
  routes.forEach((r, i) => {
    const path = [r.legs[0]?.from, ...r.legs.map((l) => l.to)].filter(Boolean).map((id) => nodeName(ctx, id)).join(" → ");
    const modes = [...new Set(r.legs.map((l) => t(`mode.${l.mode}`)))].join(", ");
    const metric = (key, value, testid) => h("div", { class: "metric" }, h("dt", {}, t(key)), h("dd", { "data-testid": testid }, value));
    const li = h("li", { class: "route-card", "data-testid": "route-card", dataset: { routeId: r.id } },
      h("div", { class: "route-head" },
        h("strong", {}, t("route.option", { n: i + 1 })),
        h("span", { class: "muted" }, modes),
        h("button", { type: "button", class: "secondary small", "data-testid": "route-show",
          onclick: () => { draw(r); onSelect?.(r); } }, t("route.show"))),
      h("p", { class: "route-path" }, path),
      h("dl", { class: "metrics" },
        metric("route.time", fmt.hours(r.totalHours), "route-time"),
        metric("route.cost", fmt.usd(r.costUsd), "route-cost"),
        metric("route.co2", fmt.kg(r.co2Kg), "route-co2"),
        metric("route.distance", fmt.km(r.totalDistanceKm), "route-distance"),
        metric("route.borders", fmt.number(r.borderCrossings), "route-borders"),
        metric("route.gauge", fmt.number(r.gaugeChanges), "route-gauge")));
    list.append(li);
  });
  if (routes.length) draw(routes.find((r) => String(r.id) === String(selectedId)) || routes[0]);
  return list;
}

/**
 * Polls GET /api/cargo-offers/{id}/routes while the answer is `pending` (routing is asynchronous),
 * calling render with each answer. Returns a stop function.
 */
export function pollRoutes(offerId, render) {
  let stopped = false;
  let delay = 700;
  (async () => {
    while (!stopped) {
      let answer;
      try {
        answer = await api.get(`/api/cargo-offers/${encodeURIComponent(offerId)}/routes`);
      } catch (e) {
        if (!stopped) render({ status: "error", error: e, routes: [] });
        return;
      }
      if (stopped) return;
      render(answer);
      if (answer.status !== "pending") return;
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 1.5, 5000);
    }
  })();
  return () => { stopped = true; };
}

/** The caller's matches with accept / decline; refreshes itself on match events. */
export function matchesPanel(ctx) {
  const body = h("div", { "data-testid": "matches-body" });
  const panel = section("matches.title", "matches", body);
  async function refresh() {
    let items;
    try {
      items = api.items(await api.get("/api/matches"));
    } catch (e) {
      body.replaceChildren(h("p", { class: "error" }, t("common.error", { message: e.message })));
      return;
    }
    const act = (m, verb) => async (ev) => {
      ev.target.disabled = true;
      try {
        await api.post(`/api/matches/${encodeURIComponent(m.id)}/${verb}`);
        ctx.toast(t("common.saved"));
      } catch (e) {
        ctx.toast(t("common.error", { message: e.message }), "error");
      }
      refresh();
    };
    body.replaceChildren(table([
      { label: t("common.status"), render: (m) => h("div", {},
        h("span", { class: `badge status-${m.status}`, "data-testid": "match-status" }, m.status),
        h("div", { class: "muted" }, m.kind)) },
      { label: t("matches.score"), num: true, render: (m) => fmt.number((m.score ?? 0) * 100, 0) + " %" },
      { label: t("offer.lane"), render: (m) => h("div", {},
        m.legs?.length ? m.legs.map((l) => lane(ctx, l.from, l.to)).join("; ")
          : (m.route?.legs?.length ? lane(ctx, m.route.legs[0].from, m.route.legs.at(-1).to) : "–"),
        h("ul", { class: "explanation" }, (m.explanation || []).map((x) => h("li", {}, x)))) },
      { label: t("bid.price"), num: true, render: (m) => fmt.money(m.price) },
      { label: t("common.actions"), render: (m) => (m.status === "proposed" || m.status === "accepted")
        ? h("div", { class: "actions" },
          h("button", { type: "button", class: "small", "data-testid": "match-accept", onclick: act(m, "accept") }, t("matches.accept")),
          h("button", { type: "button", class: "small secondary", "data-testid": "match-decline", onclick: act(m, "decline") }, t("matches.decline")))
        : "" },
    ], items.map((m) => ({ ...m, __dataset: { matchId: m.id } })), { testid: "matches-table" }));
  }
  ctx.onEvent((ev) => { if (ev.type.startsWith("match.")) refresh(); });
  refresh();
  return { panel, refresh };
}

/** A short log of live events, newest first. */
export function eventLog(titleKey = "admin.events", testid = "event-log") {
  const list = h("ol", { class: "event-log", "data-testid": `${testid}-list` });
  const panel = section(titleKey, testid, list);
  return {
    panel,
    add(ev) {
      const summary = typeof ev.data === "object" && ev.data ? (ev.data.id ?? ev.data.offerId ?? ev.data.cargoOfferId ?? "") : "";
      list.prepend(h("li", {}, h("time", {}, fmt.time()), " ", h("code", {}, ev.type), " ", String(summary)));
      while (list.children.length > 20) list.lastChild.remove();
    },
  };
}

/**
 * Cargo offers a page at a time (GET /api/cargo-offers with limit and cursor), optionally filtered by origin and
 * destination, with a "more" button while the API reports a next page. `reload()` fetches again as many rows as
 * are shown, so an event does not collapse a list the user has paged through.
 */
export function cargoOfferList(ctx, { params = {}, columns, testid, filters = false, pageSize = 20, decorate = (rows) => rows, after }) {
  const host = h("div", { class: "offer-list", "data-testid": `${testid}-list` });
  const body = h("div", {});
  const more = h("button", { type: "button", class: "secondary", "data-testid": `${testid}-more`, hidden: true }, t("list.more"));
  const count = h("span", { class: "muted", "data-testid": `${testid}-count`, "aria-live": "polite" });
  let rows = [];
  let cursor = null;
  let filter = { origin: "", destination: "" };

  if (filters) {
    const cities = ctx.network.nodes.filter((n) => !/border/i.test(n.type));
    const select = (name) => {
      const id = `${testid}-filter-${name}`;
      const input = h("select", { id, name, "data-testid": id },
        [{ value: "", label: t("common.all") }, ...nodeOptions(cities).slice(1)].map((o) => h("option", { value: o.value }, o.label)));
      input.addEventListener("change", () => { filter = { ...filter, [name]: input.value }; reload({ reset: true }); });
      return h("div", { class: "field" }, h("label", { for: id }, t(`field.${name}`)), input);
    };
    host.append(h("div", { class: "form-grid list-filters", role: "search", "data-testid": `${testid}-filters` },
      select("origin"), select("destination")));
  }
  host.append(body, h("div", { class: "list-foot" }, more, count));

  const url = (limit, from) => `/api/cargo-offers${query({ ...params, ...filter, limit, cursor: from })}`;

  function render() {
    const shown = decorate(rows);
    body.replaceChildren(table(columns, shown.map((o) => ({ ...o, __dataset: { offerId: o.id, owner: o.owner ?? "", ...(o.__dataset || {}) } })), { testid }));
    more.hidden = !cursor;
    count.textContent = rows.length ? t("list.shown", { n: fmt.number(rows.length) }) : "";
    after?.(shown, body);
  }

  async function fetchPage(limit, from) {
    const answer = await api.get(url(limit, from));
    return { items: api.items(answer), next: answer?.nextCursor ?? null };
  }

  let latest = 0;
  async function reload({ reset = false } = {}) {
    const limit = Math.min(500, reset ? pageSize : Math.max(pageSize, rows.length));
    const asked = ++latest;
    try {
      const page = await fetchPage(limit);
      if (asked !== latest) return; // a newer filter's answer wins over a slower older one
      rows = page.items;
      cursor = page.next;
      host.dataset.loaded = query(filter);
      render();
    } catch (e) {
      body.replaceChildren(h("p", { class: "error" }, t("common.error", { message: e.message })));
    }
  }

  more.addEventListener("click", async () => {
    more.disabled = true;
    const asked = latest;
    try {
      const page = await fetchPage(pageSize, cursor);
      if (asked !== latest) return;
      const seen = new Set(rows.map((o) => o.id));
      rows = rows.concat(page.items.filter((o) => !seen.has(o.id)));
      cursor = page.next;
      render();
    } catch (e) {
      ctx.toast(t("common.error", { message: e.message }), "error");
    } finally {
      more.disabled = false;
    }
  });

  return { host, reload, rows: () => rows };
}
