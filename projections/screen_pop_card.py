"""Screen-pop card: what an agent sees when a customer calls, precomputed per customer.

Name, kind and organisation, consent decisions, open cases with their SLA deadlines, the
five newest contacts and inbound counts for the preferred channel. Customer and case events
of one customer share its partition, so they arrive in order; the organisation's name (the
organisation's partition) and interactions (see :mod:`projections.screen_pop_contacts`)
are written so that any interleaving of partitions gives the same tables.

Erasure purges the customer's rows at once and leaves the card as its id and
``status = 'erased'``. ``segment``, ``abc_class`` and ``vip`` are columns no event sets yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from uuid import UUID

from projections import screen_pop_contacts
from projections.base import Handler, ProjectedEvent, Projection, Tx
from projections.screen_pop_queries import (
    Card,
    CardCase,
    CardConsent,
    CardContact,
    card_for,
    named_customers,
    named_customers_with_card,
)
from projections.screen_pop_tables import CARDS, CASES, CONSENTS, DDL, TABLE_NAMES, is_erased

__all__ = ["Card", "CardCase", "CardConsent", "CardContact", "ScreenPopCardProjection", "card_for",
           "named_customers", "named_customers_with_card"]

CUSTOMER = "switchboard.customer."
CASE = "switchboard.case."
CASE_STATUS_AFTER = {"marked_pending": "pending", "resumed": "open", "resolved": "resolved",
                     "closed": "closed", "reopened": "open"}


class ScreenPopCardProjection(Projection):
    name = "screen_pop_card"
    version = 1
    tables = DDL
    table_names = TABLE_NAMES

    def handlers(self) -> Mapping[str, Handler]:
        table: dict[str, Handler] = {
            CUSTOMER + "registered": self.registered,
            CUSTOMER + "details_updated": self.details_updated,
            CUSTOMER + "consent_granted": self.consent,
            CUSTOMER + "consent_withdrawn": self.consent,
            CUSTOMER + "organisation_joined": self.organisation_joined,
            CUSTOMER + "organisation_left": self.organisation_left,
            CUSTOMER + "merged_into": self.merged_into,
            CUSTOMER + "unmerged": self.unmerged,
            CUSTOMER + "personal_data_erased": self.erased,
            CASE + "opened": self.case_opened,
        }
        table.update({CASE + name: self.case_changed for name in CASE_STATUS_AFTER})
        table.update(screen_pop_contacts.handlers())
        return table

    def registered(self, tx: Tx, event: ProjectedEvent) -> None:
        name = event.data.get("display_name")
        tx.write(f"INSERT INTO {CARDS} (customer_id, status, kind, display_name) "
                   "VALUES (%s, 'active', %s, %s) ON CONFLICT (customer_id) DO UPDATE SET "
                   "kind = EXCLUDED.kind, display_name = EXCLUDED.display_name",
                   (event.aggregate_id, event.data["kind"], name))
        self._name_members(tx, event.aggregate_id, name)

    def details_updated(self, tx: Tx, event: ProjectedEvent) -> None:
        name = event.data.get("display_name")
        tx.write(f"UPDATE {CARDS} SET display_name = %s WHERE customer_id = %s "
                   "AND status <> 'erased'", (name, event.aggregate_id))
        self._name_members(tx, event.aggregate_id, name)

    def _name_members(self, tx: Tx, organisation_id: UUID, name: object) -> None:
        """The organisation's name on its members' cards (they may have joined before)."""
        tx.write(f"UPDATE {CARDS} SET organisation_name = %s WHERE organisation_id = %s "
                   "AND status <> 'erased'", (name, organisation_id))

    def consent(self, tx: Tx, event: ProjectedEvent) -> None:
        if is_erased(tx, event.aggregate_id):
            return
        granted = event.kind.endswith("_granted")
        tx.write(f"INSERT INTO {CONSENTS} (customer_id, channel, purpose, granted, recorded_at) "
                   "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (customer_id, channel, purpose) "
                   "DO UPDATE SET granted = EXCLUDED.granted, recorded_at = EXCLUDED.recorded_at",
                   (event.aggregate_id, event.data["channel"], event.data["purpose"], granted,
                    event.time))

    def organisation_joined(self, tx: Tx, event: ProjectedEvent) -> None:
        """The name is copied if the organisation's card exists already; else its
        registration (another partition) writes it onto this card when it arrives."""
        organisation = event.uuid("organisation_id")
        tx.write(f"UPDATE {CARDS} SET organisation_id = %s, organisation_name = ("
                   f"SELECT o.display_name FROM {CARDS} o WHERE o.customer_id = %s "
                   "AND o.status <> 'erased') WHERE customer_id = %s AND status <> 'erased'",
                   (organisation, organisation, event.aggregate_id))

    def organisation_left(self, tx: Tx, event: ProjectedEvent) -> None:
        tx.write(f"UPDATE {CARDS} SET organisation_id = NULL, organisation_name = NULL "
                   "WHERE customer_id = %s", (event.aggregate_id,))

    def merged_into(self, tx: Tx, event: ProjectedEvent) -> None:
        tx.write(f"UPDATE {CARDS} SET status = 'merged', merged_into = %s WHERE customer_id = %s "
                   "AND status <> 'erased'", (event.uuid("survivor_id"), event.aggregate_id))

    def unmerged(self, tx: Tx, event: ProjectedEvent) -> None:
        tx.write(f"UPDATE {CARDS} SET status = 'active', merged_into = NULL WHERE customer_id = %s "
                   "AND status = 'merged'", (event.aggregate_id,))

    def erased(self, tx: Tx, event: ProjectedEvent) -> None:
        """Purge everything about the customer; the card keeps its id and the erased status."""
        customer = event.aggregate_id
        tx.write(f"INSERT INTO {CARDS} (customer_id, status) VALUES (%s, 'erased') "
                   "ON CONFLICT (customer_id) DO UPDATE SET status = 'erased', kind = NULL, "
                   "display_name = NULL, organisation_id = NULL, organisation_name = NULL, "
                   "merged_into = NULL, segment = NULL, abc_class = NULL, vip = false", (customer,))
        tx.write(f"DELETE FROM {CONSENTS} WHERE customer_id = %s", (customer,))
        tx.write(f"DELETE FROM {CASES} WHERE customer_id = %s", (customer,))
        self._name_members(tx, customer, None)
        screen_pop_contacts.forget_customer(tx, customer)

    def case_opened(self, tx: Tx, event: ProjectedEvent) -> None:
        customer = event.uuid("customer_id")
        if customer is None or is_erased(tx, customer):
            return
        data, opened_at = event.data, event.time
        tx.write(
            f"INSERT INTO {CASES} (case_id, customer_id, kind, category, priority, status, opened_at, "
            "first_response_due, resolution_due) VALUES (%s, %s, %s, %s, %s, 'open', %s, %s, %s) "
            "ON CONFLICT (case_id) DO NOTHING",
            (event.aggregate_id, customer, data["kind"], data["category"], data["priority"], opened_at,
             opened_at + timedelta(minutes=int(data["first_response_minutes"])),
             opened_at + timedelta(minutes=int(data["resolution_minutes"]))))

    def case_changed(self, tx: Tx, event: ProjectedEvent) -> None:
        status = CASE_STATUS_AFTER[event.kind.removeprefix(CASE)]
        tx.write(f"UPDATE {CASES} SET status = %s WHERE case_id = %s", (status, event.aggregate_id))
