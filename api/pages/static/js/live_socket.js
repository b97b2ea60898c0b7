// A websocket that stays connected: it reconnects with a growing pause, resumes after the last
// numbered frame it saw (`last_seq`, when the socket offers resuming), and sends the user back to the sign-in form when the
// server closes it because the token expired (4401).

import { SIGNED_OUT, checkSession, current, signOut } from "./session.js";

const TOKEN_EXPIRED = 4401;

export function liveSocket(path, params, onFrame, onStatus = () => {}, { resume = true } = {}) {
  let lastSeq = null;
  let pause = 500;
  let socket = null;
  let stopped = false;

  function url() {
    const query = new URLSearchParams(params());
    const session = current();
    if (session) query.set("token", session.access_token);
    if (resume && lastSeq !== null) query.set("last_seq", String(lastSeq));
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    return `${scheme}//${location.host}${path}?${query}`;
  }

  function connect() {
    if (stopped || !current()) return;
    onStatus("connecting");
    let opened = false;
    socket = new WebSocket(url());
    socket.addEventListener("open", () => { opened = true; pause = 500; onStatus("live"); });
    socket.addEventListener("message", (message) => {
      const frame = JSON.parse(message.data);
      if (typeof frame.seq === "number") lastSeq = frame.seq;
      else if (frame.type === "heartbeat" && typeof frame.last_seq === "number") lastSeq = frame.last_seq;
      else if (frame.type === "resync_required") lastSeq = frame.current_seq;
      onFrame(frame);
    });
    socket.addEventListener("close", (event) => {
      onStatus("offline");
      if (stopped) return;
      if (event.code === TOKEN_EXPIRED) {
        signOut("Your session has ended. Please sign in again.");
        return;
      }
      // A refused handshake (401/403) reaches a browser only as a failed connection: ask the
      // API whether the token still holds before trying again (a 401 there signs out).
      if (!opened) checkSession();
      setTimeout(connect, pause);
      pause = Math.min(pause * 2, 10000);
    });
  }

  window.addEventListener(SIGNED_OUT, () => { if (socket) socket.close(); });
  connect();
  return {
    restart() { lastSeq = null; if (socket) socket.close(); else connect(); },
    stop() { stopped = true; if (socket) socket.close(); },
  };
}
