// The agent's own open cases, the soonest deadline first, each counting down to its SLA.

import { api } from "../session.js";
import { byId, el, replace } from "../dom.js";
import { dueIn } from "../ticker.js";

export class MyCases {
  constructor(agentId) {
    this.agentId = agentId;
  }

  async refresh() {
    if (!this.agentId) return;
    try {
      const { data } = await api(`/api/v1/cases?assignee=${this.agentId}&limit=20`);
      replace(byId("my-cases"), data.items.length === 0
        ? el("li", { class: "muted", text: "No open cases." })
        : data.items.map((c) => el("li", { class: c.breached ? "breached" : "" },
          el("strong", { text: `${c.kind}: ${c.queue}` }), " ",
          el("span", { class: "tag", text: `${c.priority} · ${c.status}` }), " ",
          el("span", { class: "sla" }, "due ", dueIn(el("span"), c.next_due)))));
    } catch (error) {
      replace(byId("my-cases"), el("li", { class: "muted", text: error.message }));
    }
  }
}
