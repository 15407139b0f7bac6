import { h } from "../ui.js";
export function mount(host) { host.append(h("p", { class: "card" }, "…")); return {}; }
