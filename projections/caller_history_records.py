"""Caller history: handlers of customer and case events (one per event type).

A customer's and a case's events share the customer's partition, so they arrive in order;
only merges span two customers, and their rows keep the latest sequence.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.events import ERASED
from projections.base import Handler, ProjectedEvent, Tx
from projections.caller_history_interactions import note_added
from projections.caller_history_schema import CASE_CHANGES, CASES, CONSENTS, CUSTOMERS, MERGES, PURGE


def registered(tx: Tx, event: ProjectedEvent) -> None:
    tx.write(f"INSERT INTO {CUSTOMERS} (customer_id, kind, registered_at, registered_by) "
               "VALUES (%s, %s, %s, %s) ON CONFLICT (customer_id) DO UPDATE SET kind = EXCLUDED.kind, "
               "registered_at = EXCLUDED.registered_at, registered_by = EXCLUDED.registered_by",
               (event.aggregate_id, event.data.get("kind"), event.time, event.actor))


def consent(granted: bool) -> Handler:
    def handle(tx: Tx, event: ProjectedEvent) -> None:
        data = event.data
        tx.write(f"INSERT INTO {CONSENTS} (customer_id, version, channel, purpose, granted, source, "
                   "at, actor) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                   (event.aggregate_id, event.version, data["channel"], data["purpose"], granted,
                    data["source"], event.time, event.actor))
    handle.__name__ = "consent_granted" if granted else "consent_withdrawn"
    return handle


def merge_change(duplicate_field: str | None, survivor_field: str | None, merged: bool) -> Handler:
    """Merge or unmerge, as told by the duplicate (``survivor_id`` in its data) or by the
    survivor (``duplicate_id``): the same row either way, the later sequence wins."""
    def handle(tx: Tx, event: ProjectedEvent) -> None:
        duplicate = event.uuid(duplicate_field) if duplicate_field else event.aggregate_id
        survivor = event.uuid(survivor_field) if survivor_field else event.aggregate_id
        tx.write(f"INSERT INTO {MERGES} AS m (customer_id, survivor_id, merged, sequence, at, actor) "
                   "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (customer_id) DO UPDATE SET "
                   "survivor_id = EXCLUDED.survivor_id, merged = EXCLUDED.merged, "
                   "sequence = EXCLUDED.sequence, at = EXCLUDED.at, actor = EXCLUDED.actor "
                   "WHERE m.sequence < EXCLUDED.sequence",
                   (duplicate, survivor, merged, event.sequence, event.time, event.actor))
    return handle


def personal_data_erased(tx: Tx, event: ProjectedEvent) -> None:
    """Blank every personal copy sealed with the customer's keys, in this transaction."""
    tx.write(f"INSERT INTO {CUSTOMERS} (customer_id, erased_at, erased_by) VALUES (%s, %s, %s) "
               "ON CONFLICT (customer_id) DO UPDATE SET erased_at = EXCLUDED.erased_at, "
               "erased_by = EXCLUDED.erased_by", (event.aggregate_id, event.time, event.actor))
    for statement in PURGE:
        tx.write(statement, {"customer": event.aggregate_id, "erased": ERASED})


def _change(tx: Tx, event: ProjectedEvent, change: str, agent: Any = None) -> None:
    """One line of the case's history, with the status the case has after it."""
    tx.write(f"INSERT INTO {CASE_CHANGES} (case_id, version, change, status, agent_id, reason, at, "
               f"actor) SELECT case_id, %s, %s, status, %s, %s, %s, %s FROM {CASES} WHERE case_id = %s "
               "ON CONFLICT DO NOTHING",
               (event.version, change, agent, event.data.get("reason"), event.time, event.actor,
                event.aggregate_id))


def _update(tx: Tx, event: ProjectedEvent, **columns: Any) -> None:
    names = ", ".join(f"{name} = %s" for name in columns)
    tx.write(f"UPDATE {CASES} SET {names} WHERE case_id = %s", [*columns.values(), event.aggregate_id])


def _status(tx: Tx, event: ProjectedEvent, status: str, change: str, **columns: Any) -> None:
    _update(tx, event, status=status, status_at=event.time, status_by=event.actor, **columns)
    _change(tx, event, change)


def case_opened(tx: Tx, event: ProjectedEvent) -> None:
    data = event.data
    tx.write(f"INSERT INTO {CASES} (case_id, customer_id, kind, category, priority, summary, "
               "origin_interaction_id, opened_at, opened_by, status, status_at, status_by) "
               "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, 'open', %s, %s) ON CONFLICT DO NOTHING",
               (event.aggregate_id, event.uuid("customer_id"), data["kind"], data["category"],
                data["priority"], data.get("summary"), event.uuid("origin_interaction_id"),
                event.time, event.actor, event.time, event.actor))
    _change(tx, event, "opened")


def case_marked_pending(tx: Tx, event: ProjectedEvent) -> None:
    _status(tx, event, "pending", "pending")


def case_resumed(tx: Tx, event: ProjectedEvent) -> None:
    _status(tx, event, "open", "resumed")


def case_assigned(tx: Tx, event: ProjectedEvent) -> None:
    _update(tx, event, assignee_id=event.uuid("agent_id"))
    _change(tx, event, "assigned", event.uuid("agent_id"))


def case_escalated(tx: Tx, event: ProjectedEvent) -> None:
    _update(tx, event, escalation_level=event.data["level"])
    _change(tx, event, "escalated")


def case_first_response_recorded(tx: Tx, event: ProjectedEvent) -> None:
    _update(tx, event, first_response_at=event.time)


def case_resolved(tx: Tx, event: ProjectedEvent) -> None:
    _status(tx, event, "resolved", "resolved", resolved_at=event.time,
            resolution_code=event.data["resolution_code"],
            first_contact_resolution=event.data["first_contact_resolution"])


def case_closed(tx: Tx, event: ProjectedEvent) -> None:
    _status(tx, event, "closed", "closed", closed_at=event.time)


def case_reopened(tx: Tx, event: ProjectedEvent) -> None:
    """As the domain does: the resolution and its satisfaction score are cleared."""
    _status(tx, event, "open", "reopened", resolved_at=None, closed_at=None, resolution_code=None,
            first_contact_resolution=None, satisfaction_score=None)


def case_satisfaction_recorded(tx: Tx, event: ProjectedEvent) -> None:
    _update(tx, event, satisfaction_score=event.data["score"])


HANDLERS: Mapping[str, Handler] = {
    "switchboard.customer.registered": registered,
    "switchboard.customer.consent_granted": consent(granted=True),
    "switchboard.customer.consent_withdrawn": consent(granted=False),
    "switchboard.customer.merged_into": merge_change(None, "survivor_id", merged=True),
    "switchboard.customer.duplicate_absorbed": merge_change("duplicate_id", None, merged=True),
    "switchboard.customer.unmerged": merge_change(None, "survivor_id", merged=False),
    "switchboard.customer.duplicate_released": merge_change("duplicate_id", None, merged=False),
    "switchboard.customer.personal_data_erased": personal_data_erased,
    "switchboard.case.opened": case_opened,
    "switchboard.case.marked_pending": case_marked_pending,
    "switchboard.case.resumed": case_resumed,
    "switchboard.case.assigned": case_assigned,
    "switchboard.case.escalated": case_escalated,
    "switchboard.case.first_response_recorded": case_first_response_recorded,
    "switchboard.case.resolved": case_resolved,
    "switchboard.case.closed": case_closed,
    "switchboard.case.reopened": case_reopened,
    "switchboard.case.satisfaction_recorded": case_satisfaction_recorded,
    "switchboard.case.note_added": note_added,
}
