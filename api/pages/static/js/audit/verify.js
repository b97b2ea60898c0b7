// Chain verification on demand: both hash chains and the signed checkpoints, walked now.

import { api } from "../session.js";
import { byId, when } from "../dom.js";

export async function verifyChain() {
  const status = byId("verify-status");
  status.dataset.ok = "";
  status.textContent = "verifying…";
  try {
    const { data } = await api("/api/v1/audit/verify");
    status.dataset.ok = String(data.ok);
    const b = data.first_break;
    status.textContent = data.ok
      ? `chain intact: ${data.events} events, ${data.checkpoints} checkpoints (${when(data.verified_at)})`
      : `BROKEN at position ${b.position} (aggregate ${b.aggregate_id}, version ${b.version}): ${b.problem}`;
  } catch (error) {
    status.textContent = error.message;
  }
}
