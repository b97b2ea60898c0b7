// An unknown or withheld caller: create a customer from the call, or find an existing one by
// phone or e-mail and link the call to them.

import { api } from "../session.js";
import { el, replace } from "../dom.js";

export class UnknownCaller {
  constructor(callPanel, caller) {
    this.callPanel = callPanel;
    this.results = el("ul", { class: "results" });
    this.message = el("p", { class: "error", role: "alert" });
    const create = el("form", { class: "create-customer", onsubmit: (e) => this.create(e) },
      el("h3", { text: "New customer from this call" }),
      el("label", {}, "Name ", el("input", { name: "display_name", required: true, maxlength: 200 })),
      el("label", {}, "Phone ", el("input", { name: "phone", value: caller || "", maxlength: 64 })),
      el("button", { type: "submit" }, "Create and link"));
    const search = el("form", { class: "find-customer", onsubmit: (e) => this.find(e) },
      el("h3", { text: "Or link an existing customer" }),
      el("label", {}, "Phone or e-mail ", el("input", { name: "query", required: true, maxlength: 320 })),
      el("button", { type: "submit" }, "Find"));
    this.node = el("div", { class: "unknown" }, create, search, this.results, this.message);
  }

  async create(event) {
    event.preventDefault();
    const form = event.target;
    const phone = form.phone.value.trim();
    const body = { display_name: form.display_name.value.trim(),
                   identities: phone ? [{ kind: "phone", value: phone }] : [] };
    try {
      const { data } = await api("/api/v1/customers", { method: "POST", body });
      await this.callPanel.link(data.id);
    } catch (error) {
      this.message.textContent = error.message;
    }
  }

  async find(event) {
    event.preventDefault();
    const query = event.target.query.value.trim();
    const param = query.includes("@") ? "email" : "phone";
    try {
      const { data } = await api(`/api/v1/lookup?${param}=${encodeURIComponent(query)}`);
      const found = data.candidates_detail || [];
      replace(this.results, found.length === 0
        ? el("li", { class: "muted", text: "No customer found." })
        : found.map((c) => el("li", {},
          el("button", { type: "button", class: "choice", onclick: () => this.callPanel.link(c.id) },
            `Link ${c.display_name || c.id}`))));
    } catch (error) {
      this.message.textContent = error.message;
    }
  }
}
