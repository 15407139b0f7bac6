// The gateway's public API (docs/api.md), called with the signed-in user's bearer token.
// The token lives in sessionStorage: it is gone when the tab closes and is never sent anywhere but this origin.

const TOKEN_KEY = "tradehub.token";

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
    // Field names arrive camelCase and dotted (`containers.count`); normalise the first letter of
    // each segment anyway so a server that answers `Containers.Count` still lands on the right input.
    this.fieldErrors = {};
    for (const [field, messages] of Object.entries(this.problem.errors || {})) {
      const key = field.replace(/^\$\./, "").split(".").map((s) => s.charAt(0).toLowerCase() + s.slice(1)).join(".");
      this.fieldErrors[key] = [].concat(this.fieldErrors[key] || [], messages);
    }
  }
}

export const session = {
  get token() { return sessionStorage.getItem(TOKEN_KEY); },
  set token(value) {
    if (value) sessionStorage.setItem(TOKEN_KEY, value);
    else sessionStorage.removeItem(TOKEN_KEY);
  },
  /** The claims of the current token (sub, org, role), read without verifying: the gateway verifies. */
  get claims() {
    const token = this.token;
    if (!token) return null;
    try {
      const payload = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      const json = decodeURIComponent(atob(payload).split("").map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, "0")}`).join(""));
      const claims = JSON.parse(json);
      if (claims.exp && claims.exp * 1000 < Date.now()) return null;
      return claims;
    } catch {
      return null;
    }
  },
};

const unauthorisedListeners = new Set();
export function onUnauthorised(fn) { unauthorisedListeners.add(fn); }

function headers(extra) {
  const h = { Accept: "application/json", ...extra };
  if (session.token) h.Authorization = `Bearer ${session.token}`;
  return h;
}

export async function request(method, path, body, options = {}) {
  const init = { method, headers: headers(options.headers) };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  if (res.status === 401 && !options.anonymous) for (const fn of unauthorisedListeners) fn();
  const type = res.headers.get("Content-Type") || "";
  const data = res.status === 204 ? null : type.includes("json") ? await res.json().catch(() => null) : await res.text();
  if (!res.ok) throw new ApiError(res.status, typeof data === "object" ? data : { title: data || res.statusText });
  return data;
}

export const api = {
  get: (path, options) => request("GET", path, undefined, options),
  post: (path, body, options) => request("POST", path, body ?? {}, options),
  del: (path) => request("DELETE", path),
  /** A list answer is `{items, nextCursor}`; some read models answer a bare array. Accept both. */
  items: (data) => (Array.isArray(data) ? data : data?.items ?? []),
  /** Fetches a protected file with the bearer header and hands it to the browser as a download. */
  async download(path, filename) {
    const res = await fetch(path, { headers: headers({ Accept: "text/csv" }) });
    if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => ({ title: res.statusText })));
    const blob = await res.blob();
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = filename;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  },
};

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : "";
}

/**
 * Server-sent events from GET /api/events, read with fetch() so the bearer token travels as a header
 * (EventSource cannot send headers, and a token in the query string ends up in access logs).
 * Reconnects with back-off and sends Last-Event-ID so the gateway can replay what was missed.
 * Returns a function that stops listening.
 */
export function listen(onEvent, onState = () => {}) {
  const controller = new AbortController();
  let lastId = null;
  let delay = 1000;

  async function connect() {
    while (!controller.signal.aborted) {
      try {
        const h = headers({ Accept: "text/event-stream" });
        if (lastId) h["Last-Event-ID"] = lastId;
        const res = await fetch("/api/events", { headers: h, signal: controller.signal, cache: "no-store" });
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
        onState(true);
        delay = 1000;
        await readStream(res.body, (ev) => {
          if (ev.id) lastId = ev.id;
          if (ev.retry) delay = ev.retry;
          if (ev.data !== undefined) onEvent(ev);
        });
      } catch (e) {
        if (controller.signal.aborted) return;
      }
      onState(false);
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 30_000);
    }
  }
  connect();
  return () => controller.abort();
}

/** Parses the text/event-stream format: fields per line, a blank line ends an event. */
async function readStream(body, dispatch) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let ev = {};
  let dataLines = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let nl;
    while ((nl = buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + (buffer.startsWith("\r\n", nl) ? 2 : 1));
      if (line === "") {
        if (dataLines.length) {
          const text = dataLines.join("\n");
          let data = text;
          try { data = JSON.parse(text); } catch { /* plain text data stays a string */ }
          dispatch({ type: ev.event || "message", id: ev.id, data });
        } else if (ev.retry) {
          dispatch({ retry: ev.retry });
        }
        ev = {};
        dataLines = [];
        continue;
      }
      if (line.startsWith(":")) continue; // comment / keep-alive
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      let val = colon < 0 ? "" : line.slice(colon + 1);
      if (val.startsWith(" ")) val = val.slice(1);
      if (field === "data") dataLines.push(val);
      else if (field === "event") ev.event = val;
      else if (field === "id") ev.id = val;
      else if (field === "retry" && /^\d+$/.test(val)) ev.retry = Number(val);
    }
  }
}
