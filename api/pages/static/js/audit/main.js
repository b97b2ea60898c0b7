// The audit viewer: pick a customer (by id, or by the phone number or e-mail a request names),
// read their whole history, and slide through it; each position of the slider shows the
// customer as they stood right after that event.

import { byId, el, replace, show, whenPrecisely } from "../dom.js";
import { api, requireSession } from "../session.js";
import { exportCustomer } from "./export.js";
import { markCurrent, renderHistory } from "./history.js";
import { renderState } from "./state.js";
import { verifyChain } from "./verify.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PAGE = 1000;
const MAX_EVENTS = 20000;

let customerId = null;
let entries = [];
let shown = null;
let asked = 0;

requireSession(["auditor", "admin"], () => {
  byId("pick").onsubmit = (event) => { event.preventDefault(); pick(event.target.customer.value.trim()); };
  byId("verify").onclick = () => verifyChain();
  byId("export").onclick = () => exportCustomer(customerId);
  byId("slider").oninput = (event) => showAt(Number(event.target.value));
  const fromUrl = new URLSearchParams(location.search).get("customer");
  if (fromUrl) { byId("pick").customer.value = fromUrl; pick(fromUrl); }
});

async function pick(input) {
  const error = byId("audit-error");
  error.textContent = "";
  show(byId("candidates"), false);
  try {
    const id = UUID.test(input) ? input : await lookUp(input);
    if (id === null) return;  // several match: the auditor picks one of them
    entries = await history(id);
    customerId = id;
    shown = null;
    byId("export").disabled = false;
    renderHistory(byId("history"), entries, (index) => { byId("slider").value = String(index); showAt(index); });
    const slider = byId("slider");
    slider.max = String(Math.max(entries.length - 1, 0));
    slider.value = slider.max;
    show(byId("travel"), true);
    show(byId("history-panel"), true);
    await showAt(entries.length - 1);
  } catch (failure) {
    error.textContent = failure.message;
  }
}

// The one customer a phone number or e-mail names; null after listing several to choose from.
async function lookUp(phoneOrEmail) {
  const param = phoneOrEmail.includes("@") ? "email" : "phone";
  const { data } = await api(`/api/v1/lookup?${param}=${encodeURIComponent(phoneOrEmail)}`);
  if (data.match === "withheld") throw new Error("That is a withheld number: enter a customer id");
  if (data.candidates.length === 0) throw new Error(`No customer has ${phoneOrEmail}`);
  if (data.candidates.length === 1) return data.candidates[0];
  replace(byId("candidate-list"), data.candidates_detail.map((c) => el("li", {},
    el("button", { type: "button", class: "link", onclick: () => choose(c.id) },
      c.display_name || "(no name)"), " ", el("code", { text: c.id }))));
  show(byId("candidates"), true);
  return null;
}

function choose(id) {
  byId("pick").customer.value = id;
  pick(id);
}

async function history(id) {
  const all = [];
  let cursor = 0;
  while (all.length < MAX_EVENTS) {
    const { data } = await api(`/api/v1/audit/customers/${id}/history?limit=${PAGE}&cursor=${cursor}`);
    all.push(...data.items);
    if (data.next_cursor === null) break;
    cursor = data.next_cursor;
  }
  return all;
}

// Shows the customer as of entry `index`; a slower answer to an older move is dropped.
async function showAt(index) {
  const entry = entries[index];
  if (!entry) return;
  const ticket = ++asked;
  markCurrent(byId("history"), index);
  byId("as-of").textContent = whenPrecisely(entry.occurred_at);
  byId("slider-event").textContent = `${index + 1} of ${entries.length}: ${entry.type} by ${entry.actor}`;
  try {
    const { data } = await api(`/api/v1/audit/customers/${customerId}?as_of=${encodeURIComponent(entry.occurred_at)}`);
    if (ticket !== asked) return;
    renderState(byId("state"), data, shown);
    shown = data;
  } catch (failure) {
    if (ticket !== asked) return;
    renderState(byId("state"), null, null, failure.status === 404 ? "The customer did not exist yet." : failure.message);
  }
}
