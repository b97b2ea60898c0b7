// Signing in and calling the API as the signed-in user. The token lives in sessionStorage (one
// tab, gone when it closes) and travels in the Authorization header, never in a cookie, so
// another site cannot make the browser send it: form posts from elsewhere carry no credentials.

import { byId, show } from "./dom.js";

const KEY = "switchboard.session";
const listeners = [];

export function current() {
  const raw = sessionStorage.getItem(KEY);
  if (!raw) return null;
  const session = JSON.parse(raw);
  if (session.expires_at && new Date(session.expires_at).getTime() <= Date.now()) {
    sessionStorage.removeItem(KEY);
    return null;
  }
  return session;
}

export const SIGNED_OUT = "switchboard:signed-out";

export function signOut(message = "") {
  sessionStorage.removeItem(KEY);
  window.dispatchEvent(new Event(SIGNED_OUT));  // open sockets close with the session
  showLogin(message);
}

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

// fetch() as the signed-in user: JSON in, JSON out; the write's log position comes back so a
// following read can wait for the read models (`min_position`).
export async function api(path, { method = "GET", body, signal } = {}) {
  const session = current();
  const headers = { Accept: "application/json" };
  if (session) headers.Authorization = `Bearer ${session.access_token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, {
    method, headers, signal, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const type = response.headers.get("Content-Type") || "";
  const data = type.includes("json") ? await response.json() : await response.text();
  if (response.status === 401 && session) signOut("Your session has ended. Please sign in again.");
  if (!response.ok) throw new ApiError(response.status, typeof data === "object" ? data : null);
  const position = response.headers.get("X-Switchboard-Position");
  return { data, position: position === null ? null : Number(position) };
}

// Whether the signed-in user's token still holds; a 401 signs out (see api()).
export async function checkSession() {
  try {
    await api("/api/v1/auth/me");
    return true;
  } catch {
    return false;
  }
}

function showLogin(message) {
  show(byId("login"), true);
  show(byId("app"), false);
  byId("login-error").textContent = message;
}

function start(session) {
  show(byId("login"), false);
  show(byId("app"), true);
  byId("who").textContent = `${session.username} (${session.role})`;
  for (const listener of listeners) listener(session);
}

// Runs `onReady(session)` once a user with one of `roles` is signed in (now or after the form).
export function requireSession(roles, onReady) {
  listeners.push(onReady);
  byId("sign-out").addEventListener("click", () => signOut(""));
  byId("login").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    const error = byId("login-error");
    error.textContent = "";
    const response = await fetch("/api/v1/auth/login", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ username: form.username.value, password: form.password.value }),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      error.textContent = response.status === 429
        ? "Too many attempts. Wait a moment and try again."
        : data.detail || "Sign-in failed.";
      return;
    }
    if (!roles.includes(data.role)) {
      error.textContent = `This page is for: ${roles.join(", ")}.`;
      return;
    }
    sessionStorage.setItem(KEY, JSON.stringify(data));
    form.password.value = "";
    start(data);
  });
  const session = current();
  if (session && roles.includes(session.role)) start(session);
  else showLogin("");
}
