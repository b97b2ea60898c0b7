// The floor around the board, from the supervisor socket: calls waiting per queue (and how long
// the oldest has waited), agents by presence, SLA breaches, badge announcements. Without the
// socket, breached cases are read over HTTP.

import { api } from "../session.js";
import { byId, el, replace } from "../dom.js";
import { dueIn, waitingSince } from "../ticker.js";

const PRESENCES = ["available", "busy", "wrap_up", "away", "offline"];
const ANNOUNCEMENTS_KEPT = 6;
const breachKey = (b) => `${b.case_id}:${b.deadline}`;

export class Floor {
  constructor() {
    this.queues = new Map();
    this.presence = {};
    this.breaches = new Map();
    this.badges = [];
  }

  async load() {
    const { data } = await api("/api/v1/cases?breached=true&limit=20");
    this.breaches = new Map(data.items.map((c) => [c.id, {
      case_id: c.id, deadline: "", due: c.next_due, queue: c.queue, kind: c.kind, priority: c.priority }]));
    this.renderBreaches();
  }

  onFrame(frame) {
    if (frame.type === "snapshot") {
      this.queues = new Map((frame.queues || []).map((q) => [q.queue, q]));
      this.presence = frame.agents_by_presence || {};
      this.breaches = new Map((frame.sla_breaches || []).map((b) => [breachKey(b), b]));
      this.renderQueues();
      this.renderBreaches();
      this.renderBadges();
    } else if (frame.type === "queue_changed") {
      for (const q of frame.queues || []) this.queues.set(q.queue, q);
      if (frame.agents_by_presence) this.presence = frame.agents_by_presence;
      this.renderQueues();
    } else if (frame.type === "sla_breached") {
      this.breaches.set(breachKey(frame), frame);
      this.renderBreaches();
    } else if (frame.type === "sla_cleared") {
      this.breaches.delete(breachKey(frame));
      this.renderBreaches();
    } else if (frame.type === "badge_earned") {
      this.badges = [frame, ...this.badges].slice(0, ANNOUNCEMENTS_KEPT);
      this.renderBadges();
    }
  }

  renderQueues() {
    const queues = [...this.queues.values()].filter((q) => q.waiting > 0);
    const waiting = queues.reduce((sum, q) => sum + q.waiting, 0);
    byId("calls-waiting").textContent = String(waiting);
    byId("calls-waiting").parentElement.classList.toggle("alert", waiting > 0);
    replace(byId("queues"), queues.map((q) => el("li", {},
      el("strong", { text: q.queue || "no queue" }), ` ${q.waiting} waiting`,
      q.oldest_rang_at ? el("span", { class: "tag" }, "longest ", waitingSince(el("span"), q.oldest_rang_at)) : null)));
    replace(byId("agents"), PRESENCES.map((presence) => el("li", { class: `presence-${presence}` },
      el("strong", { class: "count", text: this.presence[presence] ?? 0 }), " ", presence.replace("_", "-"))));
  }

  renderBreaches() {
    const breaches = [...this.breaches.values()];
    replace(byId("breaches"), breaches.length === 0 ? el("li", { class: "muted", text: "None." })
      : breaches.map((b) => el("li", {},
        el("strong", { text: `${(b.kind || "case").replace("_", " ")} · ${b.queue || ""}` }), " ",
        el("span", { class: "tag", text: [b.priority, b.deadline.replace("_", " ")].filter(Boolean).join(" · ") }),
        " ", dueIn(el("span", { class: "due" }), b.due))));
  }

  renderBadges() {
    replace(byId("badges"), this.badges.length === 0 ? el("li", { class: "muted", text: "None yet." })
      : this.badges.map((b) => el("li", {},
      el("strong", { text: b.display_name }), ` earned a badge — ${b.badges} now`)));
  }
}
