// The customer on the line: their screen-pop card and their history. Reads after a write pass
// its position (`min_position`) so the read models show that write.

import { api } from "../session.js";
import { byId, replace, show } from "../dom.js";
import { renderCard } from "./card.js";
import { renderTimeline } from "./timeline.js";

export class CustomerPanel {
  constructor() {
    this.customerId = null;
  }

  async open(customerId, minPosition, card) {
    this.customerId = customerId;
    show(byId("customer"), true);
    show(byId("timeline-panel"), true);
    const wait = minPosition === null ? "" : `?min_position=${minPosition}`;
    try {
      const shown = card || (await api(`/api/v1/customers/${customerId}/card${wait}`)).data;
      if (this.customerId !== customerId) return;  // another call replaced this one meanwhile
      byId("card-name").textContent = shown.display_name || "Customer";
      replace(byId("card"), renderCard(shown));
    } catch (error) {
      replace(byId("card"), error.message);
    }
    await this.refreshTimeline(minPosition);
  }

  async refreshTimeline(minPosition) {
    const customerId = this.customerId;
    if (!customerId) return;
    const wait = minPosition === null ? "" : `&min_position=${minPosition}`;
    try {
      const { data } = await api(`/api/v1/customers/${customerId}/timeline?limit=20${wait}`);
      if (this.customerId === customerId) replace(byId("timeline"), renderTimeline(data.entries));
    } catch (error) {
      replace(byId("timeline"), error.message);
    }
  }

  close() {
    this.customerId = null;
    show(byId("customer"), false);
    show(byId("timeline-panel"), false);
  }
}
