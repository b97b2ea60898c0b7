// The wallboard: the supervisor socket streams a snapshot and then changes; while it is not
// connected the board reads the same figures over HTTP every few seconds, so it never freezes.

import { byId } from "../dom.js";
import { liveSocket } from "../live_socket.js";
import { requireSession } from "../session.js";
import { Board } from "./board.js";
import { Floor } from "./floor.js";

const OFFLINE_POLL_MS = 3000;
const SAFETY_POLL_MS = 60000;

let socket = null;
let state = "offline";

requireSession(["supervisor", "admin"], () => {
  const board = new Board();
  const floor = new Floor();
  const filters = () => ({ period: board.period, ...(board.team ? { team: board.team } : {}) });
  const refresh = () => Promise.all([board.load(), floor.load()]);
  board.onFilterChange = () => { refresh(); if (socket) socket.restart(); };
  refresh();
  if (socket) socket.stop();
  socket = liveSocket("/ws/supervisor", filters, (frame) => {
    board.onFrame(frame);
    floor.onFrame(frame);
  }, (now) => {
    state = now;
    byId("socket-status").dataset.state = now;
    byId("socket-status").textContent = now;
  });
  setInterval(() => { if (state !== "live") refresh(); }, OFFLINE_POLL_MS);
  setInterval(refresh, SAFETY_POLL_MS);
});

setInterval(() => {
  byId("clock").textContent = new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}, 1000);
