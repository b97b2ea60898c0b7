// Linking a call to a customer; the write's position lets the next reads wait for it.

import { api } from "../session.js";

export async function linkCall(interactionId, customerId) {
  const { position } = await api(`/api/v1/interactions/${interactionId}/link`, {
    method: "POST", body: { customer_id: customerId },
  });
  return position;
}
