"""The screen-pop card's last contacts and inbound counts, from interaction events.

An interaction's events are keyed by its customer, so one interaction can span partitions:
an unknown caller's events are keyed by the interaction itself until ``customer_linked``,
which (and everything after it) is keyed by the customer. Kafka orders each partition only,
so the handlers here give the same tables whichever partition is read first:

- every field group (status, agent, outcome, customer) is written with the aggregate version
  of the event that set it and only overwritten by a higher one;
- an interaction without a customer waits in ``UNLINKED``; a link that finds no interaction
  leaves a stub there which the interaction's creation fills in and moves onto the card;
- a card keeps its customer's ``LAST_CONTACTS`` newest interactions and drops older ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from projections.base import Handler, ProjectedEvent, Tx
from projections.screen_pop_tables import (
    CONTACTS,
    CONTENT_COLUMNS,
    INBOUND,
    LAST_CONTACTS,
    PREFERRED_CHANNEL_DAYS,
    UNLINKED,
    is_erased,
)

PREFIX = "switchboard.interaction."
STATUS_AFTER = {
    "call_answered": "answered", "call_held": "on_hold", "call_resumed": "answered",
    "call_transferred": "answered", "call_ended": "ended", "call_missed": "missed",
    "call_abandoned": "abandoned", "call_ended_busy": "busy", "voicemail_left": "voicemail",
    "call_forwarded": "forwarded", "closed": "closed",
}
AGENT_FIELD = {"call_answered": "agent_id", "call_transferred": "to_agent_id"}
COLUMNS = ", ".join(CONTENT_COLUMNS)


def handlers() -> Mapping[str, Handler]:
    table: dict[str, Handler] = {PREFIX + name: changed for name in STATUS_AFTER}
    table[PREFIX + "wrap_up_recorded"] = changed
    table[PREFIX + "call_rang"] = created
    table[PREFIX + "logged"] = created
    table[PREFIX + "customer_linked"] = linked
    return table


def created(tx: Tx, event: ProjectedEvent) -> None:
    """``call_rang`` or ``logged``: a new interaction, with or without a customer."""
    data = event.data
    channel = str(data.get("channel", "call"))
    status = "ringing" if channel == "call" else "open"
    content = (channel, data["direction"], event.time, status, event.version,
               event.uuid("agent_id"), event.version, None, 0)
    stub = tx.execute(
        f"UPDATE {UNLINKED} SET channel = %s, direction = %s, started_at = %s, "
        "status = CASE WHEN status_version < %s THEN %s ELSE status END, "
        "status_version = greatest(status_version, %s), "
        "agent_id = CASE WHEN agent_version < %s THEN %s ELSE agent_id END, "
        "agent_version = greatest(agent_version, %s) WHERE interaction_id = %s",
        (channel, data["direction"], event.time, event.version, status, event.version,
         event.version, event.uuid("agent_id"), event.version, event.aggregate_id))
    customer = event.uuid("customer_id")
    if stub:  # its link came first, from the customer's partition
        _promote(tx, event.aggregate_id)
    elif customer is None:
        tx.write(f"INSERT INTO {UNLINKED} (interaction_id, link_version, {COLUMNS}) "
                   "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                   (event.aggregate_id, event.version, *content))
    elif not is_erased(tx, customer):
        tx.write(f"INSERT INTO {CONTACTS} (interaction_id, customer_id, link_version, {COLUMNS}) "
                   "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                   (event.aggregate_id, customer, event.version, *content))
        _joined(tx, customer, channel, str(data["direction"]), event.time)


def changed(tx: Tx, event: ProjectedEvent) -> None:
    """A later event of an interaction: wherever its row is, newer versions win."""
    name = event.kind.removeprefix(PREFIX)
    updates: list[tuple[str, dict[str, Any]]] = []
    if name in STATUS_AFTER:
        updates.append(("status_version", {"status": STATUS_AFTER[name]}))
    if name in AGENT_FIELD:
        updates.append(("agent_version", {"agent_id": event.uuid(AGENT_FIELD[name])}))
    if name == "wrap_up_recorded":
        updates.append(("outcome_version", {"outcome": event.data["code"]}))
    for guard, values in updates:
        assignments = ", ".join(f"{column} = %s" for column in values)
        for table in (CONTACTS, UNLINKED):
            tx.write(f"UPDATE {table} SET {assignments}, {guard} = %s "
                       f"WHERE interaction_id = %s AND {guard} < %s",
                       (*values.values(), event.version, event.aggregate_id, event.version))


def linked(tx: Tx, event: ProjectedEvent) -> None:
    """``customer_linked``: move the interaction onto the new customer's card."""
    interaction, version = event.aggregate_id, event.version
    target = event.uuid("customer_id")
    assert target is not None  # a link always names its customer
    erased = is_erased(tx, target)
    row = tx.fetchone(f"SELECT customer_id, link_version, channel, direction, started_at "
                      f"FROM {CONTACTS} WHERE interaction_id = %s", (interaction,))
    if row is not None:
        previous, link_version, channel, direction, started_at = row
        if link_version >= version:
            return  # a later link was applied first
        _count(tx, previous, channel, direction, started_at, -1)
        if erased:
            tx.write(f"DELETE FROM {CONTACTS} WHERE interaction_id = %s", (interaction,))
            return
        tx.write(f"UPDATE {CONTACTS} SET customer_id = %s, link_version = %s "
                   "WHERE interaction_id = %s", (target, version, interaction))
        _joined(tx, target, channel, direction, started_at)
        return
    linked_to = None if erased else target
    tx.write(
        f"INSERT INTO {UNLINKED} (interaction_id, linked_to, link_version, discarded) "
        "VALUES (%s, %s, %s, %s) ON CONFLICT (interaction_id) DO UPDATE SET "
        "linked_to = EXCLUDED.linked_to, link_version = EXCLUDED.link_version, "
        f"discarded = EXCLUDED.discarded WHERE {UNLINKED}.link_version < EXCLUDED.link_version",
        (interaction, linked_to, version, erased))
    _promote(tx, interaction)


def forget_customer(tx: Tx, customer_id: UUID) -> None:
    """Erasure: drop the customer's contacts and counts; links still waiting for their
    interaction are kept as discarded stubs, so that interaction is dropped when it arrives."""
    tx.write(f"DELETE FROM {CONTACTS} WHERE customer_id = %s", (customer_id,))
    tx.write(f"DELETE FROM {INBOUND} WHERE customer_id = %s", (customer_id,))
    tx.write(f"UPDATE {UNLINKED} SET linked_to = NULL, discarded = true WHERE linked_to = %s",
               (customer_id,))


def _promote(tx: Tx, interaction: UUID) -> None:
    """Move a waiting interaction onto its card once both its creation and link are known."""
    row = tx.fetchone(
        f"DELETE FROM {UNLINKED} WHERE interaction_id = %s AND started_at IS NOT NULL "
        f"AND (linked_to IS NOT NULL OR discarded) RETURNING linked_to, link_version, {COLUMNS}",
        (interaction,))
    if row is None or row[0] is None or is_erased(tx, row[0]):
        return
    customer, link_version, *content = row
    tx.write(f"INSERT INTO {CONTACTS} (interaction_id, customer_id, link_version, {COLUMNS}) "
               "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
               (interaction, customer, link_version, *content))
    channel, direction, started_at = content[:3]
    _joined(tx, customer, channel, direction, started_at)


def _joined(tx: Tx, customer: UUID, channel: str, direction: str, started_at: datetime) -> None:
    """An interaction joined the customer's contacts: keep the newest, count it if inbound."""
    tx.write(
        f"DELETE FROM {CONTACTS} WHERE customer_id = %s AND interaction_id NOT IN ("
        f"SELECT interaction_id FROM {CONTACTS} WHERE customer_id = %s "
        "ORDER BY started_at DESC, interaction_id DESC LIMIT %s)",
        (customer, customer, LAST_CONTACTS))
    _count(tx, customer, channel, direction, started_at, 1)


def _count(tx: Tx, customer: UUID, channel: str, direction: str, started_at: datetime,
           delta: int) -> None:
    """Inbound contacts per channel and day. Days more than the window before the customer's
    newest stored day are dropped: that depends only on which days were seen, not on order."""
    if direction != "inbound":
        return
    day = started_at.astimezone(UTC).date()
    tx.write(
        f"INSERT INTO {INBOUND} (customer_id, channel, day, contacts) VALUES (%s, %s, %s, %s) "
        f"ON CONFLICT (customer_id, channel, day) DO UPDATE SET contacts = {INBOUND}.contacts + %s",
        (customer, channel, day, delta, delta))
    tx.write(
        f"DELETE FROM {INBOUND} WHERE customer_id = %s AND (contacts <= 0 OR day < ("
        f"SELECT max(day) FROM {INBOUND} WHERE customer_id = %s) - %s)",
        (customer, customer, PREFERRED_CHANNEL_DAYS))
