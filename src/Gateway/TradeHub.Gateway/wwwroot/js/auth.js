// Sign-in.
//
// Production: an OpenID Connect provider issues the tokens the gateway validates. Put its address in
// /config.json as {"oidcAuthority": "https://id.example.org/realms/tradehub", "clientId": "tradehub-dashboard"}
// (a public client, redirect URI = the dashboard's origin + "/"); the page then signs in with the
// authorization-code flow and PKCE and uses the access token, whose `org` and `role` claims pick the view.
//
// Local runs and tests: /config.json leaves oidcAuthority empty, and the page offers the gateway's dev issuer
// instead: pick an organisation and a role, POST /api/dev/tokens {"organisation","role"} -> {"token"}. The dev
// issuer is off unless the gateway is configured to enable it, so this form does nothing against production.
import { request, session } from "./api.js";

export async function loadConfig() {
  try {
    const res = await fetch("/config.json", { cache: "no-store" });
    if (res.ok) return await res.json();
  } catch { /* no config: dev sign-in */ }
  return {};
}

export async function devSignIn(organisation, role) {
  const { token } = await request("POST", "/api/dev/tokens", { organisation, role }, { anonymous: true });
  session.token = token;
  return session.claims;
}

export function signOut() {
  session.token = null;
}

// ---- OpenID Connect, authorization code + PKCE (no library: the flow is three requests) ----

const b64url = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

async function discovery(authority) {
  const res = await fetch(`${authority.replace(/\/$/, "")}/.well-known/openid-configuration`);
  if (!res.ok) throw new Error(`OIDC discovery failed: HTTP ${res.status}`);
  return res.json();
}

export async function oidcSignIn(config) {
  const meta = await discovery(config.oidcAuthority);
  const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = b64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
  const state = b64url(crypto.getRandomValues(new Uint8Array(16)));
  sessionStorage.setItem("tradehub.oidc", JSON.stringify({ verifier, state }));
  const url = new URL(meta.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: "code", client_id: config.clientId, redirect_uri: `${location.origin}/`,
    scope: config.scope || "openid profile", state, code_challenge: challenge, code_challenge_method: "S256",
  }).toString();
  location.assign(url.toString());
}

/** On return from the provider (?code=&state=), exchanges the code for tokens. Returns true if it did. */
export async function oidcCallback(config) {
  const params = new URLSearchParams(location.search);
  if (!params.has("code")) return false;
  const saved = JSON.parse(sessionStorage.getItem("tradehub.oidc") || "{}");
  sessionStorage.removeItem("tradehub.oidc");
  history.replaceState(null, "", location.pathname);
  if (!saved.state || saved.state !== params.get("state")) throw new Error("Sign-in state did not match; please sign in again.");
  const meta = await discovery(config.oidcAuthority);
  const res = await fetch(meta.token_endpoint, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code", code: params.get("code"), redirect_uri: `${location.origin}/`,
      client_id: config.clientId, code_verifier: saved.verifier,
    }),
  });
  if (!res.ok) throw new Error(`Token exchange failed: HTTP ${res.status}`);
  const tokens = await res.json();
  session.token = tokens.access_token;
  return true;
}
