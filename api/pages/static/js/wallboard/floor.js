// The floor around the board: calls waiting per queue, agents by presence, SLA breaches and
// badge announcements. Breached cases are read over HTTP; the rest comes from the socket.

import { api } from "../session.js";
import { byId, el, replace, when } from "../dom.js";

const PRESENCES = ["available", "busy", "wrap_up", "away", "offline"];
const ANNOUNCEMENTS_KEPT = 6;

export class Floor {
  constructor() {
    this.queues = new Map();
    this.agents = new Map();
    this.breaches = new Map();
    this.badges = [];
  }

  async load() {
    const { data } = await api("/api/v1/cases?breached=true&limit=10");
    this.breaches = new Map(data.items.map((c) => [c.id, c]));
    this.renderBreaches();
  }

  onFrame(frame) {
    if (frame.type === "snapshot") {
      for (const q of frame.queues || frame.calls_waiting || []) this.queues.set(q.queue, q);
      for (const a of frame.agents || []) this.agents.set(a.agent_id || a.id, a);
      for (const c of frame.breaches || []) this.breaches.set(c.case_id || c.id, c);
      this.renderAll();
    } else if (frame.type === "queue_changed") {
      this.queues.set(frame.queue, frame);
      this.renderQueues();
    } else if (frame.type === "presence_changed" || frame.type === "agent_changed") {
      this.agents.set(frame.agent_id, { ...this.agents.get(frame.agent_id), ...frame });
      this.renderAgents();
    } else if (frame.type === "sla_breached") {
      this.breaches.set(frame.case_id || frame.id, frame);
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
    const waiting = queues.reduce((sum, q) => sum + (q.waiting ?? q.calls_waiting ?? 0), 0);
    byId("calls-waiting").textContent = String(waiting);
    byId("calls-waiting").parentElement.classList.toggle("alert", waiting > 0);
    replace(byId("queues"), queues.map((q) => el("li", {},
      el("strong", { text: q.queue || "no queue" }), " ",
      `${q.waiting ?? q.calls_waiting ?? 0} waiting`,
      q.longest_wait_seconds ? el("span", { class: "tag", text: `longest ${Math.round(q.longest_wait_seconds)} s` }) : null)));
  }

  renderAgents() {
    const agents = [...this.agents.values()];
    replace(byId("agents"), PRESENCES.map((presence) => {
      const here = agents.filter((a) => a.presence === presence);
      if (here.length === 0) return null;
      return el("li", { class: `presence-${presence}` },
        el("strong", { text: `${presence.replace("_", "-")} ${here.length}` }), " ",
        here.map((a) => a.display_name || a.alias || "").filter(Boolean).join(", "));
    }));
  }

  renderBreaches() {
    const cases = [...this.breaches.values()];
    replace(byId("breaches"), cases.length === 0 ? el("li", { class: "muted", text: "None." })
      : cases.map((c) => el("li", {},
        el("strong", { text: `${c.kind || "case"} · ${c.queue || c.category || ""}` }), " ",
        el("span", { class: "tag", text: c.priority || "" }), " ",
        el("span", { class: "muted", text: when(c.next_due || c.due || c.breached_at) }))));
  }

  renderBadges() {
    replace(byId("badges"), this.badges.map((b) => el("li", {},
      el("strong", { text: b.display_name || b.alias || "" }), " earned ",
      el("strong", { text: b.badge?.name || b.name || b.badge_id || "a badge" }))));
  }
}
