// Integrations: the organisation's webhooks (docs/api.md, Webhooks). Add an endpoint and pick its events, see the
// secret once, ping, rotate the secret, see recent deliveries with their attempts, replay the last hour.
import { api, request } from "../api.js";
import { fmt, t } from "../i18n.js";
import { clearErrors, field, h, section, showError, table } from "../ui.js";

const EVENTS = ["match.proposed", "match.confirmed", "match.expired", "bid.placed", "bid.awarded", "routes.changed",
  "shipment.booked", "shipment.event", "shipment.eta_changed", "shipment.delayed", "shipment.exception", "shipment.delivered",
  "pool.joined", "pool.formed", "pool.cancelled", "pool.suggested", "webhook.disabled"];

export function mount(host, ctx) {
  const list = h("div", { "data-testid": "webhooks-list" });
  const deliveries = h("div", { "data-testid": "webhook-deliveries" });
  const secretBox = h("p", { class: "secret", "data-testid": "webhook-secret", "aria-live": "polite" });
  const status = h("p", { class: "form-status", role: "status" });
  const form = h("form", { class: "webhook-form", "data-testid": "webhook-form", novalidate: true },
    field("url", { labelKey: "hooks.url", type: "url", required: true, attrs: { placeholder: "https://erp.example.org/tradehub" }, testid: "webhook-url" }),
    h("fieldset", { class: "events", "data-field": "events" },
      h("legend", {}, t("hooks.events")),
      field("all", { labelKey: "hooks.all", type: "checkbox", value: true, testid: "webhook-event-all" }),
      EVENTS.map((e) => h("label", { class: "check" }, h("input", { type: "checkbox", name: "event", value: e, "data-testid": `webhook-event-${e}` }), ` ${e}`)),
      h("p", { class: "field-error", "data-error-for": "events", "data-testid": "error-events" })),
    field("description", { labelKey: "hooks.description", testid: "webhook-description" }),
    h("button", { type: "submit", "data-testid": "webhook-add" }, t("hooks.add")),
    status);
  host.append(section("hooks.title", "integrations", h("p", { class: "muted" }, t("hooks.intro")), form, secretBox, list, deliveries));

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearErrors(form);
    const all = form.querySelector("[data-field=all]").checked;
    const events = all ? ["*"] : [...form.querySelectorAll("input[name=event]:checked")].map((i) => i.value);
    try {
      const created = await api.post("/api/webhooks", {
        url: form.querySelector("[data-field=url]").value.trim(), events,
        description: form.querySelector("[data-field=description]").value.trim() || null,
      });
      showSecret(created.secret);
      form.reset();
      await refresh();
    } catch (err) {
      showError(form, err);
    }
  });

  function showSecret(secret) {
    secretBox.replaceChildren(t("hooks.secretOnce"), " ", h("code", { "data-testid": "webhook-secret-value" }, secret));
  }

  async function act(fn) {
    try { await fn(); await refresh(); } catch (e) { ctx.toast(t("common.error", { message: e.message }), "error"); }
  }

  async function refresh() {
    let hooks;
    try {
      hooks = api.items(await api.get("/api/webhooks"));
    } catch (e) {
      list.replaceChildren(h("p", { class: "error" }, t("common.error", { message: e.message })));
      return;
    }
    list.replaceChildren(table([
      { label: t("hooks.url"), render: (w) => w.url },
      { label: t("hooks.events"), render: (w) => w.events.join(", ") },
      { label: t("hooks.state"), render: (w) => (w.enabled ? t("hooks.enabled") : t("hooks.disabled", { reason: w.disabledReason ?? "" })) },
      {
        label: "", render: (w) => h("span", { class: "actions" },
          h("button", { type: "button", class: "secondary", "data-testid": "webhook-ping", onclick: () => act(() => api.post(`/api/webhooks/${w.id}/ping`)) }, t("hooks.ping")),
          h("button", { type: "button", class: "secondary", "data-testid": "webhook-deliveries-show", onclick: () => showDeliveries(w) }, t("hooks.deliveries")),
          h("button", { type: "button", class: "secondary", "data-testid": "webhook-replay", onclick: () => act(() => api.post(`/api/webhooks/${w.id}/replay`, { since: new Date(Date.now() - 3_600_000).toISOString() })) }, t("hooks.replay")),
          h("button", { type: "button", class: "secondary", "data-testid": "webhook-rotate", onclick: () => act(async () => showSecret((await api.post(`/api/webhooks/${w.id}/rotate-secret`)).secret)) }, t("hooks.rotate")),
          h("button", { type: "button", class: "secondary", "data-testid": "webhook-toggle", onclick: () => act(() => request("PATCH", `/api/webhooks/${w.id}`, { enabled: !w.enabled })) }, w.enabled ? t("hooks.disable") : t("hooks.enable")),
          h("button", { type: "button", class: "secondary", "data-testid": "webhook-delete", onclick: () => act(() => api.del(`/api/webhooks/${w.id}`)) }, t("hooks.delete"))),
      },
    ], hooks.map((w) => ({ ...w, __dataset: { id: w.id } })), { testid: "webhooks-table", empty: t("hooks.none") }));
  }

  async function showDeliveries(w) {
    try {
      const items = api.items(await api.get(`/api/webhooks/${w.id}/deliveries?limit=20`));
      deliveries.replaceChildren(h("h3", {}, t("hooks.recent", { url: w.url })), table([
        { label: t("hooks.event"), render: (d) => d.eventType },
        { label: "webhook-id", render: (d) => h("code", {}, d.webhookId) },
        { label: t("hooks.status"), render: (d) => d.status + (d.replay ? ` (${t("hooks.replayed")})` : "") },
        { label: t("hooks.attempts"), num: true, render: (d) => fmt.number(d.attempts) },
        { label: t("hooks.answers"), render: (d) => d.attemptLog.map((a) => `${a.statusCode ?? "–"} ${fmt.number(a.latencyMs)} ms`).join(" · ") },
      ], items, { testid: "webhook-deliveries-table", empty: t("hooks.noDeliveries") }));
    } catch (e) {
      deliveries.replaceChildren(h("p", { class: "error" }, t("common.error", { message: e.message })));
    }
  }

  ctx.onEvent((ev) => { if (ev.type === "webhook.disabled") refresh(); });
  refresh();
  return {};
}
