"""Which agents a CTI event means, read from the agent directory.

Telephony systems name agents in ``user`` (display names or logins), in
``answeringNumber`` (an extension or phone, a login, or our agent id — tried in that
order), and route calls to a ``queue`` (an agent team: its ``available`` agents).
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from adapters.read_store import ReadStore
from projections import agent_directory as directory
from projections.base import Read, Tx
from projections.identity_lookup import IdentityDigest


def _dial_forms(number: str) -> list[str]:
    """An extension as telephony systems may spell it: ``1001``; ``+4930…`` or ``4930…``."""
    value = number.strip()
    bare = value.removeprefix("+")
    return list(dict.fromkeys([value, bare, "+" + bare]))


def _agent_id(value: str) -> UUID | None:
    try:
        return UUID(value.strip())
    except ValueError:
        return None


class CtiAgents:
    def __init__(self, reads: ReadStore, digest: IdentityDigest) -> None:
        self.reads = reads
        self.digest = digest

    def offered_read(self, users: Sequence[str], answering_number: str | None,
                     queue: str | None) -> Read[tuple[UUID, ...]]:
        """Who an inbound call rings for, as one statement to send along with a ring's other
        reads: the agents named in ``user``; else the one ``answeringNumber`` names; else the
        available agents of the team ``queue``."""
        number = (answering_number or "").strip()
        return directory.offered(self.digest, users, _dial_forms(number) if number else [],
                                 number or None, _agent_id(number), queue or None)

    def answering(self, users: Sequence[str], answering_number: str | None) -> UUID | None:
        """Who took the call: a single agent named in ``user``; else the one
        ``answeringNumber`` names; else the first of several named."""
        with self.reads.glancing() as tx:
            named = directory.by_names(tx, self.digest, users)
            if len(named) == 1:
                return named[0]
            numbered = self._by_number(tx, answering_number)
            if numbered is not None:
                return numbered
        return named[0] if named else None

    def calling(self, users: Sequence[str], answering_number: str | None,
                from_number: str) -> UUID | None:
        """Who places an outbound call: named in ``user``, by ``answeringNumber``, or the
        agent whose extension is the ``from`` number."""
        found = self.answering(users, answering_number)
        if found is not None:
            return found
        with self.reads.glancing() as tx:
            return self._by_number(tx, from_number)

    def _by_number(self, tx: Tx, value: str | None) -> UUID | None:
        if value is None or not value.strip():
            return None
        for found in (directory.by_extension(tx, _dial_forms(value)),
                      directory.by_login(tx, self.digest, value)):
            if found:
                return found[0]
        agent_id = _agent_id(value)
        if agent_id is None:
            return None
        found = directory.by_id(tx, agent_id)
        return found[0] if found else None
