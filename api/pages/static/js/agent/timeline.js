// The caller's history, newest first: calls and other contacts with their wrap-up and notes,
// cases and consent decisions. Notes are shown as text, exactly as written.

import { el, when } from "../dom.js";

export function renderTimeline(entries) {
  if (entries.length === 0) return el("li", { class: "muted", text: "No history yet." });
  return entries.map((entry) => el("li", { class: `entry ${entry.kind}`, dataset: { id: entry.id } },
    el("span", { class: "when", text: when(entry.at) }),
    el("span", { class: "what", text: headline(entry) }),
    entry.outcome && entry.outcome !== entry.status ? el("span", { class: "tag", text: entry.outcome }) : null,
    entry.wrap_up_code ? el("span", { class: "tag wrap-up-code", text: entry.wrap_up_code }) : null,
    entry.wrap_up_notes ? el("p", { class: "note wrap-up-notes", text: entry.wrap_up_notes }) : null,
    (entry.notes || []).map((note) => el("p", { class: "note", text: note.text ?? "" }))));
}

function headline(entry) {
  if (entry.kind === "case" && entry.case) {
    return `${entry.case.case_kind} · ${entry.case.category} · ${entry.status}`;
  }
  if (entry.kind === "consent" && entry.consent) {
    return `consent ${entry.consent.purpose.replaceAll("_", " ")}`;
  }
  return [entry.channel, entry.direction, entry.status].filter(Boolean).join(" · ");
}
