// The agent desktop: signs in, keeps the agent socket open, and hands each frame to the call
// panel; everything else (customer, history, wrap-up, cases, points) follows the call.

import { byId } from "../dom.js";
import { liveSocket } from "../live_socket.js";
import { requireSession } from "../session.js";
import { startTicker } from "../ticker.js";
import { CallPanel } from "./call.js";
import { CustomerPanel } from "./customer.js";
import { MyCases } from "./my_cases.js";
import { MyPoints } from "./my_points.js";
import { setupPresence } from "./presence.js";
import { setupWrapUp } from "./wrap_up.js";

let socket = null;
let refresher = null;

requireSession(["agent"], (session) => {
  const me = session.agent_id;
  const customer = new CustomerPanel();
  const points = new MyPoints(me);
  const cases = new MyCases(me);
  const call = new CallPanel(me, customer, () => points.refresh());
  setupPresence(me);
  setupWrapUp(call, customer);
  points.refresh();
  cases.refresh();
  clearInterval(refresher);  // signed in again in this tab: one refresher, one socket
  refresher = setInterval(() => { points.refresh(); cases.refresh(); }, 30000);
  if (socket) socket.stop();
  socket = liveSocket("/ws/agent", () => ({}), (frame) => call.onFrame(frame), (state) => {
    const status = byId("socket-status");
    status.dataset.state = state;
    status.textContent = state;
  });
});

startTicker();
