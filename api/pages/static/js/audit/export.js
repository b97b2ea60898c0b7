// The customer's events as JSON Lines, fetched with the auditor's token and saved as a file.

import { current } from "../session.js";
import { byId, el } from "../dom.js";

export async function exportCustomer(customerId) {
  if (!customerId) return;
  const session = current();
  const response = await fetch(`/api/v1/audit/export?customer=${customerId}`, {
    headers: session ? { Authorization: `Bearer ${session.access_token}` } : {},
  });
  if (!response.ok) {
    byId("audit-error").textContent = `Export failed (HTTP ${response.status}).`;
    return;
  }
  const url = URL.createObjectURL(await response.blob());
  const link = el("a", { href: url, download: `customer-${customerId}.jsonl` });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
