// The screen-pop card as DOM: organisation, flags, open cases with SLA countdowns, consent and
// the last contacts.

import { el, when } from "../dom.js";
import { dueIn } from "../ticker.js";

export function renderCard(card) {
  const flags = [];
  if (card.flags?.vip) flags.push(el("span", { class: "tag vip", text: "VIP" }));
  if (card.flags?.has_open_complaint) flags.push(el("span", { class: "tag warn", text: "open complaint" }));
  if (card.status && card.status !== "active") flags.push(el("span", { class: "tag", text: card.status }));
  return [
    el("p", { class: "card-meta" },
      card.organisation ? el("span", { text: card.organisation.name || "" }) : null,
      card.preferred_channel ? el("span", { class: "tag", text: `prefers ${card.preferred_channel}` }) : null,
      card.abc_class ? el("span", { class: "tag", text: `class ${card.abc_class}` }) : null,
      flags),
    el("h3", { text: "Open cases" }),
    openCases(card.open_cases || []),
    el("h3", { text: "Last contacts" }),
    orNone(card.last_contacts, (contacts) => el("ul", { class: "contacts" }, contacts.map((c) => el("li", {},
      el("span", { class: "when", text: when(c.started_at) }), " ",
      `${c.channel} ${c.direction}`, " ",
      el("span", { class: "tag", text: c.outcome || c.status }))))),
    el("h3", { text: "Consent" }),
    orNone(card.consents, (consents) => el("ul", { class: "consents" }, consents.map((c) => el("li", {
      class: c.granted ? "granted" : "refused",
      text: `${c.purpose.replaceAll("_", " ")}: ${c.granted ? "yes" : "no"}`,
    }))), "None recorded."),
  ];
}

// A heading's list, or a muted line saying there is nothing under it.
function orNone(items, render, nothing = "None.") {
  return items && items.length ? render(items) : el("p", { class: "muted", text: nothing });
}

export function openCases(cases) {
  if (cases.length === 0) return el("p", { class: "muted", text: "None." });
  return el("ul", { class: "cases" }, cases.map((c) => el("li", { class: `priority-${c.priority}` },
    el("strong", { text: `${c.kind}: ${c.category}` }), " ",
    el("span", { class: "tag", text: `${c.priority} · ${c.status}` }), " ",
    el("span", { class: "sla" }, "response ", dueIn(el("span"), c.first_response_due)), " ",
    el("span", { class: "sla" }, "resolution ", dueIn(el("span"), c.resolution_due)))));
}
