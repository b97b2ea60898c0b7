// The floor around the board: calls waiting per queue, agents by presence, SLA breaches and
// badge announcements, from the supervisor socket (docs/wallboard-push.md); breached cases are
// also read over HTTP while the socket is down.

import { api } from "../session.js";
import { byId, el, replace, when } from "../dom.js";

const PRESENCES = ["available", "busy", "wrap_up", "away", "offline"];
const ANNOUNCEMENTS_KEPT = 6;

export class Floor {
  constructor() {
    this.queues = new Map();
    this.presence = {};
    this.breaches = new Map();
    this.badges = [];
  }

  async load() {
    const { data } = await api("/api/v1/cases?breached=true&limit=10");
    this.breaches = new Map(data.items.map((c) => [c.id, { ...c, case_id: c.id }]));
    this.renderBreaches();
  }

  onFrame(frame) {
    if (frame.type === "snapshot") {
      this.queues = new Map((frame.queues || []).map((q) => [q.queue, q]));
      this.presence = frame.agents_by_presence || {};
      this.breaches = new Map((frame.sla_breaches || []).map((c) => [c.case_id, c]));
      this.renderAll();
    } else if (frame.type === "queue_changed") {
      for (const q of frame.queues || []) {
        if (q.waiting > 0) this.queues.set(q.queue, q);
        else this.queues.delete(q.queue);
      }
      if (frame.agents_by_presence) this.presence = frame.agents_by_presence;
      this.renderQueues();
      this.renderAgents();
    } else if (frame.type === "sla_breached") {
      this.breaches.set(frame.case_id, frame);
      this.renderBreaches();
    } else if (frame.type === "sla_cleared") {
      this.breaches.delete(frame.case_id);
      this.renderBreaches();
    } else if (frame.type === "badge_earned") {
      this.badges = [frame, ...this.badges].slice(0, ANNOUNCEMENTS_KEPT);
      this.renderBadges();
    }
  }

  renderAll() {
    this.renderQueues();
    this.renderAgents();
    this.renderBreaches();
    this.renderBadges();
  }

  renderQueues() {
    const queues = [...this.queues.values()];
    const waiting = queues.reduce((sum, q) => sum + (q.waiting ?? 0), 0);
    byId("calls-waiting").textContent = String(waiting);
    byId("calls-waiting").parentElement.classList.toggle("alert", waiting > 0);
    replace(byId("queues"), queues.map((q) => el("li", {},
      el("strong", { text: q.queue || "no queue" }), " ",
      `${q.waiting ?? 0} waiting`,
      q.oldest_rang_at ? el("span", { class: "tag", text: `since ${when(q.oldest_rang_at)}` }) : null)));
  }

  renderAgents() {
    replace(byId("agents"), PRESENCES.map((presence) => {
      const count = this.presence[presence] || 0;
      if (count === 0) return null;
      return el("li", { class: `presence-${presence}` },
        el("strong", { text: `${presence.replace("_", "-")} ${count}` }));
    }));
  }

  renderBreaches() {
    const cases = [...this.breaches.values()];
    replace(byId("breaches"), cases.length === 0 ? el("li", { class: "muted", text: "None." })
      : cases.map((c) => el("li", {},
        el("strong", { text: `${c.kind || "case"} · ${c.queue || c.category || ""}` }), " ",
        el("span", { class: "tag", text: c.priority || "" }), " ",
        el("span", { class: "muted", text: when(c.due || c.next_due) }))));
  }

  renderBadges() {
    replace(byId("badges"), this.badges.map((b) => el("li", {},
      el("strong", { text: b.display_name || b.alias || "" }), " earned ",
      el("strong", { text: `a badge (${b.badges} in all)` }))));
  }
}
