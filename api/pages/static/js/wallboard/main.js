// The wallboard: the supervisor socket streams a snapshot and then changes; while it is not
// connected the board reads the same figures over HTTP every few seconds, so it never freezes.

import { byId } from "../dom.js";
import { liveSocket } from "../live_socket.js";
import { requireSession } from "../session.js";
import { startTicker } from "../ticker.js";
import { Board } from "./board.js";
import { Floor } from "./floor.js";

const OFFLINE_POLL_MS = 3000;

let socket = null;
let poller = null;
let state = "offline";

requireSession(["supervisor", "admin"], () => {
  const board = new Board();
  const floor = new Floor();
  const filters = () => ({ period: board.period, ...(board.team ? { team: board.team } : {}) });
  board.onFilterChange = () => socket.restart();
  if (socket) socket.stop();
  socket = liveSocket("/ws/supervisor", filters, (frame) => {
    board.onFrame(frame);
    floor.onFrame(frame);
  }, (now) => {
    state = now;
    byId("socket-status").dataset.state = now;
    byId("socket-status").textContent = now === "live" ? "live" : "reconnecting";
  }, { resume: false });  // a wallboard that reconnects gets a fresh snapshot instead
  clearInterval(poller);  // signed in again in this tab: one poller, one socket
  poller = setInterval(() => {
    if (state !== "live") Promise.all([board.load(), floor.load()]).catch(() => {});
  }, OFFLINE_POLL_MS);
});

startTicker();
setInterval(() => {
  byId("clock").textContent = new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}, 1000);
