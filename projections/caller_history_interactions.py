"""Caller history: one handler per interaction event, each an upsert of one row.

An unknown caller's events are keyed by the interaction on Kafka, the ones after linking
by the customer, so they may arrive in either order (always on a replay). Every handler
therefore upserts, and columns that several events write are grouped with the aggregate
version that last wrote them: a late, older event never overwrites a newer one, and the
row ends up the same whatever the order.
"""

from __future__ import annotations

from collections.abc import Mapping

from projections.base import Handler, ProjectedEvent, Tx
from projections.caller_history_schema import NOTES
from projections.caller_history_upserts import Columns, InteractionUpserts, send_upsert


def write(tx: Tx, event: ProjectedEvent, plain: Columns | None = None,
          **guarded: Columns) -> None:
    """Upsert the interaction's row: ``plain`` columns as given, each ``guarded`` group
    (``status``, ``agent``, ``link``, ``wrap_up``) only when ``event`` is newer than it.
    Inside a batch the upserts of one row are merged (:mod:`projections.caller_history_upserts`)."""
    if isinstance(tx, InteractionUpserts):
        tx.upsert(event.aggregate_id, event.version, plain or {}, guarded)
    else:
        send_upsert(tx, event.aggregate_id, plain or {},
                    {group: (event.version, columns) for group, columns in guarded.items()})


def status(event: ProjectedEvent, value: str) -> Columns:
    return {"status": value, "status_at": event.time, "status_by": event.actor}


def link(event: ProjectedEvent) -> Columns:
    return {"customer_id": event.uuid("customer_id"), "linked_at": event.time, "linked_by": event.actor}


def created(event: ProjectedEvent, channel: str) -> Columns:
    data = event.data
    return {"channel": channel, "direction": data["direction"], "queue": data.get("queue"),
            "from_address": data.get("from_address"), "to_address": data.get("to_address"),
            "subject": data.get("subject"), "origin_customer_id": event.uuid("customer_id"),
            "started_at": event.time, "created_by": event.actor}


def call_rang(tx: Tx, event: ProjectedEvent) -> None:
    write(tx, event, created(event, "call"), status=status(event, "ringing"),
          agent={"agent_id": event.uuid("agent_id")}, link=link(event))


def logged(tx: Tx, event: ProjectedEvent) -> None:
    write(tx, event, created(event, str(event.data["channel"])), status=status(event, "open"),
          agent={"agent_id": event.uuid("agent_id")}, link=link(event))


def call_answered(tx: Tx, event: ProjectedEvent) -> None:
    write(tx, event, {"answered_at": event.time, "wait_seconds": event.data["wait_seconds"]},
          status=status(event, "answered"), agent={"agent_id": event.uuid("agent_id")})


def call_held(tx: Tx, event: ProjectedEvent) -> None:
    write(tx, event, status=status(event, "on_hold"))


def call_resumed(tx: Tx, event: ProjectedEvent) -> None:
    write(tx, event, status=status(event, "answered"))


def call_transferred(tx: Tx, event: ProjectedEvent) -> None:
    write(tx, event, status=status(event, "answered"), agent={"agent_id": event.uuid("to_agent_id")})


def call_ended(tx: Tx, event: ProjectedEvent) -> None:
    data = event.data
    write(tx, event, {"ended_at": event.time, "wait_seconds": data["wait_seconds"],
                      "talk_seconds": data["talk_seconds"], "hold_seconds": data["hold_seconds"]},
          status=status(event, "ended"))


def unanswered(outcome: str) -> Handler:
    """The handler of one way a call ends without being answered (missed, abandoned, …)."""
    def handle(tx: Tx, event: ProjectedEvent) -> None:
        write(tx, event, {"ended_at": event.time, "wait_seconds": event.data["wait_seconds"]},
              status=status(event, outcome))
    handle.__name__ = f"call_{outcome}"
    return handle


def closed(tx: Tx, event: ProjectedEvent) -> None:
    write(tx, event, {"ended_at": event.time}, status=status(event, "closed"))


def customer_linked(tx: Tx, event: ProjectedEvent) -> None:
    """Attach (or move) the interaction, with its notes, to the customer."""
    write(tx, event, link=link(event))


def wrap_up_recorded(tx: Tx, event: ProjectedEvent) -> None:
    """A later wrap-up corrects an earlier one."""
    write(tx, event, wrap_up={"wrap_up_code": event.data["code"], "wrap_up_notes": event.data.get("notes"),
                              "wrap_up_owner": event.uuid("customer_id"), "wrap_up_at": event.time,
                              "wrap_up_by": event.actor})


def note_added(tx: Tx, event: ProjectedEvent) -> None:
    """Notes of interactions and cases alike, keyed by their aggregate and version."""
    tx.write(f"INSERT INTO {NOTES} (parent_id, version, owner_id, note, at, actor) "
               "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
               (event.aggregate_id, event.version, event.uuid("customer_id"), event.data.get("note"),
                event.time, event.actor))


HANDLERS: Mapping[str, Handler] = {
    "switchboard.interaction.call_rang": call_rang,
    "switchboard.interaction.logged": logged,
    "switchboard.interaction.call_answered": call_answered,
    "switchboard.interaction.call_held": call_held,
    "switchboard.interaction.call_resumed": call_resumed,
    "switchboard.interaction.call_transferred": call_transferred,
    "switchboard.interaction.call_ended": call_ended,
    "switchboard.interaction.call_missed": unanswered("missed"),
    "switchboard.interaction.call_abandoned": unanswered("abandoned"),
    "switchboard.interaction.call_ended_busy": unanswered("busy"),
    "switchboard.interaction.voicemail_left": unanswered("voicemail"),
    "switchboard.interaction.call_forwarded": unanswered("forwarded"),
    "switchboard.interaction.closed": closed,
    "switchboard.interaction.customer_linked": customer_linked,
    "switchboard.interaction.wrap_up_recorded": wrap_up_recorded,
    "switchboard.interaction.note_added": note_added,
}
