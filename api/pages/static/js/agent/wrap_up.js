// Wrap-up of the current call: a code and notes, then the history shows them.

import { api } from "../session.js";
import { byId } from "../dom.js";

export function setupWrapUp(callPanel, customerPanel) {
  const form = byId("wrap-up");
  const result = byId("wrap-up-result");
  form.onsubmit = async (event) => {
    event.preventDefault();
    const interactionId = callPanel.interactionId;
    if (!interactionId) return;
    const notes = form.notes.value.trim();
    const body = { code: form.code.value.trim(), notes: notes || null };
    result.textContent = "Saving…";
    try {
      const { position } = await api(`/api/v1/interactions/${interactionId}/wrap-up`, { method: "POST", body });
      result.textContent = "Wrap-up saved.";
      await customerPanel.refreshTimeline(position);
    } catch (error) {
      result.textContent = error.message;
    }
  };
}
