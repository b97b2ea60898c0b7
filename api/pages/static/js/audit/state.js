// The customer as of the chosen instant, field by field; fields that differ from what was shown
// before are marked, so moving the slider shows what changed.

import { el, replace } from "../dom.js";
import { text } from "./history.js";

const FIELDS = ["display_name", "status", "kind", "given_name", "family_name", "organisation_name",
                "birth_date", "address", "identities", "consents", "merged_into", "version", "as_of"];

export function renderState(list, customer, previous, message = "") {
  if (!customer) {
    replace(list, el("dt", { text: "state" }), el("dd", { text: message }));
    return;
  }
  replace(list, FIELDS.filter((field) => field in customer).map((field) => [
    el("dt", { text: field.replaceAll("_", " ") }),
    el("dd", {
      class: previous && text(previous[field]) !== text(customer[field]) && field !== "as_of" ? "changed" : "",
      dataset: { field },
      text: show(field, customer[field]),
    }),
  ]));
}

function show(field, value) {
  if (field === "identities" && Array.isArray(value)) return value.map((i) => `${i.kind} ${i.value}`).join(", ") || "—";
  if (field === "consents" && Array.isArray(value)) {
    return value.map((c) => `${c.channel}/${c.purpose}: ${c.granted ? "yes" : "no"}`).join(", ") || "—";
  }
  if (field === "address" && value) return [value.street, value.postal_code, value.city, value.country].join(", ");
  return text(value);
}
