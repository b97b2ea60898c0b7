// The call panel: what the agent socket says about the phone. A screen-pop shows the caller and,
// by how the number matched, the customer's card (single), a chooser (multiple) or the offer
// to create or link a customer (none, withheld). call_taken and call_ended update the state.

import { byId, el, replace, show } from "../dom.js";
import { UnknownCaller } from "./unknown_caller.js";
import { linkCall } from "./linking.js";

const MATCH_LABEL = {
  single: "known caller", multiple: "several customers", none: "unknown caller", withheld: "number withheld",
};

export class CallPanel {
  constructor(me, customer, onCallEnded) {
    this.me = me;
    this.customer = customer;
    this.onCallEnded = onCallEnded;
    this.call = null;
  }

  onFrame(frame) {
    if (frame.type === "screen_pop") this.popped(frame);
    else if (frame.type === "call_taken" && this.isCurrent(frame)) {
      this.state(frame.agent_id === this.me ? "answered by you" : "taken by a colleague");
      this.call.answered = frame.agent_id === this.me;
    } else if (frame.type === "call_ended" && this.isCurrent(frame)) {
      this.state(`ended: ${frame.outcome}`);
      this.onCallEnded();
    }
  }

  isCurrent(frame) {
    return this.call !== null && this.call.interactionId === frame.interaction_id;
  }

  popped(frame) {
    this.call = { interactionId: frame.interaction_id, caller: frame.caller, match: frame.match,
                  answered: false };
    show(byId("call-idle"), false);
    show(byId("call-now"), true);
    show(byId("wrap-up-panel"), true);
    byId("wrap-up").reset();
    byId("wrap-up-result").textContent = "";
    byId("call-error").textContent = "";
    byId("call-caller").textContent = frame.caller || "Withheld number";
    byId("call-match").textContent = MATCH_LABEL[frame.match] || frame.match;
    byId("call-match").dataset.match = frame.match;
    byId("call-queue").textContent = frame.queue ? `queue ${frame.queue}` : "";
    this.state("ringing");
    const body = byId("call-body");
    if (frame.match === "single") {
      replace(body);
      const id = frame.candidates[0].customer_id;
      this.customer.open(id, null, frame.card);
    } else if (frame.match === "multiple") {
      this.customer.close();
      replace(body, this.chooser(frame.candidates));
    } else {
      this.customer.close();
      replace(body, new UnknownCaller(this, frame.caller).node);
    }
  }

  chooser(candidates) {
    return el("div", { class: "chooser" },
      el("p", { text: "This number belongs to several customers. Who is calling?" }),
      el("ul", {}, candidates.map((c) => el("li", {},
        el("button", { type: "button", class: "choice", onclick: () => this.link(c.customer_id) },
          c.display_name || c.customer_id)))));
  }

  // Links the ringing call to a customer and shows their card and history.
  async link(customerId) {
    try {
      const position = await linkCall(this.call.interactionId, customerId);
      replace(byId("call-body"), el("p", { class: "muted", text: "Linked to this call." }));
      this.customer.open(customerId, position, null);
    } catch (error) {
      byId("call-error").textContent = error.message;
    }
  }

  state(text) {
    byId("call-state").textContent = text;
  }

  get interactionId() {
    return this.call ? this.call.interactionId : null;
  }
}
