// The customer's history in log order: when, who, which event, and each field it changed
// (before → after). Entries after the slider's position are dimmed.

import { el, replace, whenPrecisely } from "../dom.js";

export function renderHistory(list, entries, onPick) {
  replace(list, entries.map((entry, index) => el("li", { dataset: { index }, onclick: () => onPick(index) },
    el("span", { class: "when", text: whenPrecisely(entry.occurred_at) }),
    el("span", { class: "type", text: entry.type }), " ",
    el("span", { class: "tag", text: entry.aggregate + (entry.channel ? ` · ${entry.channel}` : "") }), " ",
    el("span", { class: "actor muted", text: `by ${entry.actor}` }),
    diff(entry.changes))));
}

function diff(changes) {
  const fields = Object.entries(changes || {});
  if (fields.length === 0) return null;
  return el("table", { class: "diff" }, el("tbody", {}, fields.map(([field, change]) => el("tr", {},
    el("td", { class: "field", text: field }),
    el("td", { class: "before", text: text(change.before) }),
    el("td", { class: "after", text: text(change.after) })))));
}

export function text(value) {
  if (value === null || value === undefined) return "—";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

export function markCurrent(list, index) {
  for (const item of list.children) {
    const at = Number(item.dataset.index);
    item.classList.toggle("current", at === index);
    item.classList.toggle("future", at > index);
  }
}
