// SLA countdowns that stay current: every element with data-due shows the time left until that
// instant, and is marked overdue once it has passed.

import { countdown } from "./dom.js";

export function dueIn(node, iso) {
  node.dataset.due = iso;
  paint(node, Date.now());
  return node;
}

function paint(node, now) {
  node.textContent = countdown(node.dataset.due, now);
  node.classList.toggle("overdue", new Date(node.dataset.due).getTime() < now);
}

export function startTicker() {
  setInterval(() => {
    const now = Date.now();
    for (const node of document.querySelectorAll("[data-due]")) paint(node, now);
  }, 1000);
}
