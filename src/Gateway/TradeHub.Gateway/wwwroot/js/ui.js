// Small DOM helpers: element building, labelled form fields bound to API field names, problem display.
import { t } from "./i18n.js";
import { ApiError } from "./api.js";

let uid = 0;
const SVG_NS = "http://www.w3.org/2000/svg";

/** svgEl("rect", {x, y}, parent, "text"): an SVG element (null and undefined attributes left out), appended to parent. */
export function svgEl(name, attrs = {}, parent, text) {
  const node = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  if (parent) parent.append(node);
  return node;
}

/** h("button", {class: "x", onclick}, "text", child...) */
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") node.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(node.dataset, v);
    else if (k === "text") node.textContent = v;
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) node.append(c instanceof Node ? c : String(c));
  return node;
}

/**
 * A labelled input bound to an API field: `data-field` carries the JSON path (`containers.count`) so a 400
 * problem's `errors` land beside the right input; `aria-describedby` ties the message to it for screen readers.
 */
export function field(name, { type = "text", options, required, value, attrs = {}, labelKey, testid } = {}) {
  const id = `f-${name.replace(/\./g, "-")}-${++uid}`;
  const errId = `${id}-err`;
  let input;
  if (options) {
    input = h("select", { id, name, "data-field": name, "aria-describedby": errId, required, ...attrs });
    for (const o of options) {
      const opt = h("option", { value: o.value }, o.label);
      if (String(o.value) === String(value ?? "")) opt.selected = true;
      input.append(opt);
    }
  } else if (type === "textarea") {
    input = h("textarea", { id, name, "data-field": name, "aria-describedby": errId, rows: 2, required, ...attrs });
    if (value) input.value = value;
  } else {
    input = h("input", { id, name, type, "data-field": name, "aria-describedby": errId, required, ...attrs });
    if (type === "checkbox") input.checked = !!value;
    else if (value !== undefined && value !== null) input.value = value;
  }
  input.dataset.testid = testid || `field-${name}`;
  const label = h("label", { for: id }, t(labelKey || `field.${name}`));
  const err = h("p", { id: errId, class: "field-error", "data-error-for": name, "data-testid": `error-${name}`, "aria-live": "polite" });
  const wrap = h("div", { class: `field${type === "checkbox" ? " field-check" : ""}` });
  if (type === "checkbox") wrap.append(input, label, err);
  else wrap.append(label, input, err);
  return wrap;
}

/**
 * Prefixes the test ids of the field errors under `root` (`error-origin` -> `error-tender-lane-origin`): a panel whose
 * fields carry the same API names as another form on the page (origin, containers.count) keeps its ids unique.
 */
export function scopeErrorIds(root, prefix) {
  for (const p of root.querySelectorAll("[data-error-for]")) p.dataset.testid = `error-${prefix}-${p.dataset.errorFor}`;
  return root;
}

export function clearErrors(form) {
  for (const p of form.querySelectorAll(".field-error")) p.textContent = "";
  for (const i of form.querySelectorAll("[aria-invalid]")) i.removeAttribute("aria-invalid");
  const summary = form.querySelector(".form-status");
  if (summary) { summary.textContent = ""; summary.className = "form-status"; }
}

/**
 * Shows an API error on a form. Field errors go beside their inputs (matching data-field, or the nearest
 * parent path: `containers` errors show under `containers.count`); the rest goes in the form's status line.
 */
export function showError(form, error) {
  clearErrors(form);
  const status = form.querySelector(".form-status");
  if (error instanceof ApiError && Object.keys(error.fieldErrors).length) {
    let first = null;
    const unplaced = [];
    for (const [name, messages] of Object.entries(error.fieldErrors)) {
      const input = form.querySelector(`[data-field="${CSS.escape(name)}"]`)
        || form.querySelector(`[data-field^="${CSS.escape(name)}."]`);
      if (!input) { unplaced.push(`${name}: ${messages.join(" ")}`); continue; }
      const err = form.querySelector(`[data-error-for="${CSS.escape(input.dataset.field)}"]`);
      err.textContent = [err.textContent, ...messages].filter(Boolean).join(" ");
      input.setAttribute("aria-invalid", "true");
      first ??= input;
    }
    if (status) {
      status.textContent = [t("cargo.invalid"), ...unplaced].join(" ");
      status.className = "form-status error";
    }
    first?.focus();
    return;
  }
  if (status) {
    status.textContent = t("common.error", { message: error.message });
    status.className = "form-status error";
  }
}

/** Runs a form's submission with its submit button disabled; a refusal is shown on the form, beside the fields it names. */
export async function submitting(form, action) {
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    await action();
  } catch (err) {
    showError(form, err);
  } finally {
    button.disabled = false;
  }
}

export function showOk(form, message) {
  const status = form.querySelector(".form-status");
  if (status) { status.textContent = message; status.className = "form-status ok"; }
}

/** Reads a form into the nested JSON the API expects: `containers.count` -> {containers: {count}}. */
export function readForm(form) {
  const body = {};
  for (const input of form.querySelectorAll("[data-field]")) {
    const name = input.dataset.field;
    let value;
    if (input.type === "checkbox") value = input.checked;
    else if (input.type === "number") value = input.value === "" ? null : Number(input.value);
    else value = input.value.trim() === "" ? null : input.value.trim();
    if (value === null || value === undefined) continue;
    const path = name.split(".");
    let o = body;
    for (const p of path.slice(0, -1)) o = o[p] ??= {};
    o[path.at(-1)] = value;
  }
  return body;
}

export function table(columns, rows, { testid, empty } = {}) {
  if (!rows.length) return h("p", { class: "empty", "data-testid": testid ? `${testid}-empty` : undefined }, empty || t("common.none"));
  return h("div", { class: "table-wrap" },
    h("table", { "data-testid": testid },
      h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col", class: c.num ? "num" : undefined }, c.label)))),
      h("tbody", {}, rows.map((r) => h("tr", { dataset: r.__dataset || {} },
        columns.map((c) => h("td", { class: c.num ? "num" : undefined }, c.render(r))))))));
}

export function section(titleKey, testid, ...children) {
  return h("section", { class: "card", "data-testid": testid, "aria-labelledby": `${testid}-h` },
    h("h2", { id: `${testid}-h` }, t(titleKey)), ...children);
}

export function today(offsetDays = 0) {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + offsetDays);
  return d.toISOString().slice(0, 10);
}

export function nodeOptions(nodes, filter = () => true) {
  return [{ value: "", label: t("field.choose") }, ...nodes.filter(filter)
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((n) => ({ value: n.id, label: `${n.name} (${n.id})` }))];
}

export const CONTAINER_TYPES = ["20GP", "40GP", "40HC", "20RF", "40RF"];
export const CURRENCIES = ["USD", "EUR", "CNY", "RUB", "KZT", "UZS"];
export const MODES = ["rail", "road", "sea", "ferry"];
