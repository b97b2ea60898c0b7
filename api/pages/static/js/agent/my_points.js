// The agent's own points today (each with the rule that gave it) and badges.

import { api } from "../session.js";
import { byId, el, replace, when } from "../dom.js";

export class MyPoints {
  constructor(agentId) {
    this.agentId = agentId;
  }

  async refresh() {
    if (!this.agentId) return;
    try {
      const [explained, badges] = await Promise.all([
        api(`/api/v1/agents/${this.agentId}/points/explain?period=day`),
        api(`/api/v1/agents/${this.agentId}/badges`),
      ]);
      byId("my-points").textContent = String(explained.data.total);
      replace(byId("my-recent-points"), explained.data.points.slice(-5).reverse().map((p) =>
        el("li", {}, el("span", { class: "plus", text: `+${p.points}` }), " ", p.rule)));
      replace(byId("my-badges"), badges.data.badges.map((b) =>
        el("li", { class: "badge", title: `${b.description} (${when(b.earned_at)})`, text: b.name })));
    } catch (error) {
      replace(byId("my-recent-points"), el("li", { class: "muted", text: error.message }));
    }
  }
}
