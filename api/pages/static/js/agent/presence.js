// The presence toggle: shows the agent's presence and records a change when they pick another.

import { api } from "../session.js";
import { byId, show } from "../dom.js";

export async function setupPresence(agentId) {
  const select = byId("presence");
  if (!agentId) return;
  const { data } = await api(`/api/v1/agents/${agentId}`);
  select.value = data.presence;
  show(byId("presence-box"), true);
  select.onchange = async () => {
    select.disabled = true;
    try {
      await api(`/api/v1/agents/${agentId}/presence`, { method: "PUT", body: { presence: select.value } });
      select.dataset.saved = select.value;
    } finally {
      select.disabled = false;
    }
  };
}
