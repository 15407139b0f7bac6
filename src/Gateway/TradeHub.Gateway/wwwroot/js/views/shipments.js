// Shipments (docs/api.md, Shipments and tracking): the shipper's and its carriers' shipments, one shipment's
// timeline (planned, estimated and actual per leg), its position on the map, a delay or exception said plainly;
// a carrier reports tracking events on its own legs. Live on shipment.* events, with a slow poll behind them.
import { api, query } from "../api.js";
import { containersText, lane, nodeName } from "../components.js";
import { fmt, t } from "../i18n.js";
import { clearErrors, field, h, section, showOk, submitting, table } from "../ui.js";

const TYPES = ["DEPA", "ARRI", "GTIN", "GTOT", "LOAD", "DISC", "CUSS", "CUSI", "CUSR"];
const STATUSES = ["booked", "in_transit", "delivered", "cancelled"];

/** A timestamp as date and time in UTC: legs cross time zones, so one clock for all of them. */
export function when(value) {
  if (!value) return "–";
  return `${fmt.date(value)} ${new Date(value).toISOString().slice(11, 16)} UTC`;
}

/** Now as a datetime-local value in UTC, for the event form. */
function nowUtcLocal() {
  return new Date().toISOString().slice(0, 16);
}

export function mount(host, ctx) {
  const org = ctx.claims.org;
  const carrierView = ctx.claims.role === "carrier";
  // Exceptions arrive only as live events (the shipment resource has no field for them): kept for the tab's life.
  const exceptions = new Map(JSON.parse(sessionStorage.getItem(`tradehub.exceptions.${org}`) || "[]"));
  let selectedId = null;
  let status = "";

  const statusFilter = h("select", { id: "shipments-status", "data-testid": "shipments-status" },
    [h("option", { value: "" }, t("common.all")), ...STATUSES.map((s) => h("option", { value: s }, t(`shipment.status.${s}`)))]);
  statusFilter.addEventListener("change", () => { status = statusFilter.value; refresh(); });
  const listHost = h("div", { "data-testid": "shipments-list" });
  const detail = h("section", { class: "card shipment-detail", "data-testid": "shipment-detail", hidden: true, "aria-live": "polite" });
  host.append(
    section("shipments.title", "shipments",
      h("p", { class: "muted" }, t(carrierView ? "shipments.introCarrier" : "shipments.intro")),
      h("div", { class: "form-grid list-filters" },
        h("div", { class: "field" }, h("label", { for: "shipments-status" }, t("common.status")), statusFilter)),
      listHost),
    detail);

  const statusBadge = (s) => h("span", { class: `badge status-${s.status}`, "data-testid": "shipment-status" }, t(`shipment.status.${s.status}`));
  const delayBadge = (s) => (s.delayed ? h("span", { class: "badge status-delayed", "data-testid": "shipment-delayed" }, t("shipment.delayed")) : "");

  async function refresh() {
    let items;
    try {
      items = api.items(await api.get(`/api/shipments${query({ status, limit: 100 })}`));
    } catch (e) {
      listHost.replaceChildren(h("p", { class: "error" }, t("common.error", { message: e.message })));
      return;
    }
    listHost.replaceChildren(table([
      { label: t("offer.lane"), render: (s) => lane(ctx, s.origin, s.destination) },
      { label: t("offer.containers"), render: (s) => containersText(s.containers) },
      { label: t("common.status"), render: (s) => h("span", { class: "actions" }, statusBadge(s), delayBadge(s),
        exceptions.has(s.id) ? h("span", { class: "badge status-exception" }, t("shipment.exception")) : "") },
      { label: t("shipment.eta"), render: (s) => s.actualArrival ? when(s.actualArrival) : when(s.estimatedArrival) },
      { label: t("field.deliverBy"), render: (s) => fmt.date(s.deliverBy) },
      { label: t("common.actions"), render: (s) => h("button", { type: "button", class: "small secondary", "data-testid": "shipment-show",
        onclick: () => select(s.id) }, t("shipment.show")) },
    ], items.map((s) => ({ ...s, __dataset: { shipmentId: s.id, status: s.status } })), { testid: "shipments-table", empty: t("shipments.none") }));
    for (const tr of listHost.querySelectorAll("tr[data-shipment-id]")) tr.classList.toggle("selected", tr.dataset.shipmentId === selectedId);
  }

  async function select(id) {
    selectedId = id;
    for (const tr of listHost.querySelectorAll("tr[data-shipment-id]")) tr.classList.toggle("selected", tr.dataset.shipmentId === id);
    await showDetail({ draw: true });
    detail.scrollIntoView({ block: "nearest" });
  }

  /** Redraws the selected shipment; `draw` puts it on the map too (a poll leaves the map to what the user last chose). */
  async function showDetail({ draw = false } = {}) {
    const id = selectedId;
    if (!id) return;
    // Do not pull the event form from under a carrier who is filling it in; the next refresh after submit redraws it.
    if (detail.contains(document.activeElement) && document.activeElement.closest("form")) return;
    let shipment, timeline;
    try {
      [shipment, timeline] = await Promise.all([api.get(`/api/shipments/${id}`), api.get(`/api/shipments/${id}/events`)]);
    } catch (e) {
      detail.hidden = false;
      detail.replaceChildren(h("p", { class: "error" }, t("common.error", { message: e.message })));
      return;
    }
    if (id !== selectedId) return;
    detail.hidden = false;
    detail.dataset.shipmentId = id;
    detail.dataset.status = shipment.status;
    const at = shipment.position?.location ?? shipment.origin;
    const positionText = shipment.position
      ? t("shipment.positionAt", { place: nodeName(ctx, shipment.position.location), time: when(shipment.position.since) })
      : t("shipment.notDeparted", { place: nodeName(ctx, shipment.origin) });
    detail.replaceChildren(
      h("h2", { id: "shipment-detail-h" }, `${lane(ctx, shipment.origin, shipment.destination)} · ${containersText(shipment.containers)}`),
      h("p", { class: "muted" }, `${t("common.id")}: `, h("code", { "data-testid": "shipment-id" }, shipment.id), " · ",
        statusBadge(shipment), " ", delayBadge(shipment)),
      alerts(shipment),
      h("dl", { class: "metrics shipment-summary" },
        metric("shipment.position", positionText, "shipment-position"),
        metric("shipment.plannedArrival", when(shipment.plannedArrival), "shipment-planned-arrival"),
        metric("shipment.estimatedArrival", when(shipment.estimatedArrival), "shipment-estimated-arrival"),
        metric("shipment.actualArrival", when(shipment.actualArrival), "shipment-actual-arrival"),
        metric("field.deliverBy", fmt.date(shipment.deliverBy), "shipment-deliver-by")),
      h("h3", {}, t("shipment.legs")),
      legsTable(shipment),
      h("h3", {}, t("shipment.timeline")),
      timelineTable(timeline),
      carrierView && shipment.carriers?.includes(org) && !["delivered", "cancelled"].includes(shipment.status)
        ? eventForm(shipment) : "");
    if (!draw) return;
    ctx.map.clearOverlay();
    ctx.map.showRoute({ legs: shipment.legs }, { append: true });
    ctx.map.markPosition(at, positionText);
  }

  const metric = (key, value, testid) => h("div", { class: "metric" }, h("dt", {}, t(key)), h("dd", { "data-testid": testid }, value));

  /** A delay or an exception in words, at the top of the shipment, not only as a badge. */
  function alerts(shipment) {
    const box = h("div", { class: "shipment-alerts", "data-testid": "shipment-alerts" });
    if (shipment.delayed && shipment.status !== "delivered")
      box.append(h("p", { class: "alert warn", role: "alert", "data-testid": "shipment-alert-delayed" },
        t("shipment.delayedText", { eta: when(shipment.estimatedArrival), deliverBy: fmt.date(shipment.deliverBy) })));
    if (shipment.status === "delivered" && shipment.delayed)
      box.append(h("p", { class: "alert warn", "data-testid": "shipment-alert-late" }, t("shipment.deliveredLate", { deliverBy: fmt.date(shipment.deliverBy) })));
    const exception = exceptions.get(shipment.id);
    if (exception && shipment.status !== "delivered")
      box.append(h("p", { class: "alert danger", role: "alert", "data-testid": "shipment-alert-exception" },
        t("shipment.exceptionText", { reason: exception.reason ?? "", places: (exception.nodeIds ?? []).map((n) => nodeName(ctx, n)).join(", ") })));
    // A disruption on a place the shipment has still to pass, known from the map's own list.
    const ahead = shipment.legs.filter((l) => !l.actualArrival).flatMap((l) => [l.from, l.to]);
    const blocked = [...new Set((ctx.network.disruptions ?? []).map((d) => d.nodeId).filter((n) => n && ahead.includes(n)))];
    if (blocked.length && shipment.status !== "delivered")
      box.append(h("p", { class: "alert danger", "data-testid": "shipment-alert-disruption" },
        t("shipment.disruptionAhead", { places: blocked.map((n) => nodeName(ctx, n)).join(", ") })));
    return box;
  }

  function legsTable(shipment) {
    const pair = (dep, arr, cls) => h("span", { class: `times ${cls}` }, `${when(dep)} → ${when(arr)}`);
    return table([
      { label: t("shipment.leg"), render: (l) => h("span", {}, lane(ctx, l.from, l.to), h("div", { class: "muted" }, t(`mode.${l.mode}`))) },
      { label: t("bid.carrier"), render: (l) => l.carrier },
      { label: t("shipment.planned"), render: (l) => pair(l.plannedDeparture, l.plannedArrival, "planned") },
      { label: t("shipment.estimated"), render: (l) => {
        const late = new Date(l.estimatedArrival) - new Date(l.plannedArrival) > 3_600_000;
        return h("span", { class: late ? "late" : "" }, pair(l.estimatedDeparture, l.estimatedArrival, "estimated"));
      } },
      { label: t("shipment.actual"), render: (l) => (l.actualDeparture || l.actualArrival)
        ? pair(l.actualDeparture, l.actualArrival, "actual") : h("span", { class: "muted" }, "–") },
    ], shipment.legs.map((l, i) => ({ ...l, __dataset: {
      leg: String(i), from: l.from, to: l.to, actualDeparture: l.actualDeparture ?? "", actualArrival: l.actualArrival ?? "",
    } })), { testid: "shipment-legs" });
  }

  function timelineTable(timeline) {
    const items = api.items(timeline);
    return table([
      { label: t("shipment.when"), render: (e) => when(e.eventDateTime) },
      { label: t("shipment.classifier"), render: (e) => h("span", { class: `badge classifier-${e.classifier}` }, t(`classifier.${e.classifier}`)) },
      { label: t("shipment.event"), render: (e) => `${e.type} · ${t(`eventType.${e.type}`)}` },
      { label: t("shipment.place"), render: (e) => nodeName(ctx, e.location) },
      { label: t("bid.carrier"), render: (e) => e.carrier },
      { label: t("shipment.reason"), render: (e) => e.reason ?? "" },
    ], items.map((e) => ({ ...e, __dataset: { classifier: e.classifier, type: e.type, location: e.location, leg: String(e.leg) } })),
    { testid: "shipment-timeline" });
  }

  /** The carrier's report of a tracking event, at a place on one of its own legs. */
  function eventForm(shipment) {
    const places = [];
    shipment.legs.forEach((l, i) => {
      if (l.carrier !== org) return;
      for (const id of [l.from, l.to]) if (!places.some((p) => p.value === id)) places.push({ value: id, label: `${nodeName(ctx, id)} (${id})`, leg: i });
    });
    // The next thing to report: the first of this carrier's legs not yet departed, else not yet arrived.
    const next = shipment.legs.findIndex((l) => l.carrier === org && (!l.actualDeparture || !l.actualArrival));
    const nextLeg = shipment.legs[next];
    const type = nextLeg && nextLeg.actualDeparture ? "ARRI" : "DEPA";
    const place = nextLeg ? (type === "DEPA" ? nextLeg.from : nextLeg.to) : places[0]?.value;
    const form = h("form", { class: "event-form", "data-testid": "shipment-event-form", novalidate: true },
      h("h3", {}, t("shipment.report")),
      h("div", { class: "form-grid" },
        field("type", { labelKey: "shipment.event", options: TYPES.map((x) => ({ value: x, label: `${x} · ${t(`eventType.${x}`)}` })), value: type, testid: "event-type" }),
        field("classifier", { labelKey: "shipment.classifier", options: ["ACT", "EST"].map((c) => ({ value: c, label: t(`classifier.${c}`) })), value: "ACT", testid: "event-classifier" }),
        field("location", { labelKey: "shipment.place", options: places, value: place, testid: "event-location" }),
        field("eventDateTime", { labelKey: "shipment.whenUtc", type: "datetime-local", value: nowUtcLocal(), testid: "event-eventDateTime" })),
      field("reason", { labelKey: "shipment.reason", testid: "event-reason" }),
      h("div", { class: "form-actions" }, h("button", { type: "submit", "data-testid": "event-submit" }, t("shipment.post"))),
      h("p", { class: "form-status", role: "status", "data-testid": "event-status" }));
    let eventId = crypto.randomUUID();
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      clearErrors(form);
      const value = (name) => form.querySelector(`[data-field="${name}"]`).value.trim();
      const local = value("eventDateTime");
      const body = {
        eventId, type: value("type"), classifier: value("classifier"), location: value("location"),
        // The input holds a UTC wall-clock time (labelled so): send it as such.
        eventDateTime: local ? `${local.length === 16 ? `${local}:00` : local}Z` : null,
        reason: value("reason") || null,
      };
      await submitting(form, async () => {
        await api.post(`/api/shipments/${shipment.id}/events`, body);
        eventId = crypto.randomUUID();
        showOk(form, t("shipment.posted"));
        ctx.toast(t("shipment.posted"));
        document.activeElement?.blur();
        await Promise.all([showDetail({ draw: true }), refresh()]);
      });
    });
    return form;
  }

  ctx.onEvent((ev) => {
    if (!ev.type.startsWith("shipment.")) return;
    const id = ev.data?.shipmentId ?? ev.data?.id;
    if (ev.type === "shipment.exception" && id) {
      exceptions.set(id, { reason: ev.data.reason, nodeIds: ev.data.nodeIds, at: ev.data.at });
      sessionStorage.setItem(`tradehub.exceptions.${org}`, JSON.stringify([...exceptions].slice(-50)));
      ctx.toast(t("shipment.exceptionToast", { reason: ev.data.reason ?? "" }), "error");
    }
    if (ev.type === "shipment.delayed") ctx.toast(t("shipment.delayedToast"), "error");
    refresh();
    if (!id || id === selectedId) showDetail({ draw: true });
  });

  // Events go only to the parties; a slow poll while the tab is visible covers a dropped stream.
  const timer = setInterval(() => {
    if (document.visibilityState !== "visible") return;
    refresh();
    showDetail();
  }, 15_000);
  refresh();
  return { unmount() { clearInterval(timer); } };
}
