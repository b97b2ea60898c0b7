// Times that stay current: every element with data-due shows the time left until that instant
// (marked overdue once it has passed), every element with data-since the time since then.

import { countdown, elapsed } from "./dom.js";

export function dueIn(node, iso) {
  node.dataset.due = iso;
  paint(node, Date.now());
  return node;
}

export function waitingSince(node, iso) {
  node.dataset.since = iso;
  node.textContent = elapsed(iso, Date.now());
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
    for (const node of document.querySelectorAll("[data-since]")) node.textContent = elapsed(node.dataset.since, now);
  }, 1000);
}
