"""Agent directory: who may be offered a call, found by name, login, extension or team.

Telephony systems name agents the way people do (``Emma Taylor``, ``emma@example.org``,
``1001``), so this read model answers those questions. Names and logins are personal data
of employees: rows hold a keyed hash (:class:`~projections.identity_lookup.IdentityDigest`)
of the case-folded text, never the text itself, as the identity lookup does for customers.
Extensions, team, presence and the active flag are plain.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from uuid import UUID

from projections.base import Handler, ProjectedEvent, Projection, Read, Tx
from projections.identity_lookup import IdentityDigest

TABLE = "agent_directory_v1"
LOGIN, NAME = "agent_login", "agent_name"


def folded(text: str) -> str:
    """How names compare: case-folded, inner whitespace collapsed."""
    return " ".join(text.split()).casefold()


class AgentDirectoryProjection(Projection):
    name = "agent_directory"
    version = 1
    tables = (
        f"CREATE TABLE IF NOT EXISTS {TABLE} (agent_id uuid PRIMARY KEY, login_digest text, "
        "name_digest text, team text, presence text NOT NULL, active boolean NOT NULL, "
        "extensions text[] NOT NULL)",
        f"CREATE INDEX IF NOT EXISTS {TABLE}_login ON {TABLE} (login_digest)",
        f"CREATE INDEX IF NOT EXISTS {TABLE}_name ON {TABLE} (name_digest)",
        f"CREATE INDEX IF NOT EXISTS {TABLE}_team ON {TABLE} (team, presence) WHERE active",
        f"CREATE INDEX IF NOT EXISTS {TABLE}_extensions ON {TABLE} USING gin (extensions)",
    )
    table_names = (TABLE,)

    def __init__(self, digest: IdentityDigest) -> None:
        self.digest = digest

    def handlers(self) -> Mapping[str, Handler]:
        return {
            "switchboard.agent.onboarded": self.onboarded,
            "switchboard.agent.display_name_changed": self.renamed,
            "switchboard.agent.extension_added": self.extension_added,
            "switchboard.agent.extension_removed": self.extension_removed,
            "switchboard.agent.team_changed": self.team_changed,
            "switchboard.agent.presence_changed": self.presence_changed,
            "switchboard.agent.deactivated": self.deactivated,
        }

    def _hash(self, kind: str, value: Any) -> str | None:
        # None when the field could not be decrypted (a consumer without the key service).
        return None if value is None else self.digest(kind, folded(str(value)))

    def onboarded(self, tx: Tx, event: ProjectedEvent) -> None:
        data = event.data
        tx.write(
            f"INSERT INTO {TABLE} (agent_id, login_digest, name_digest, team, presence, active, "
            "extensions) VALUES (%s, %s, %s, %s, 'offline', true, %s) ON CONFLICT (agent_id) DO NOTHING",
            (event.aggregate_id, self._hash(LOGIN, data.get("login")),
             self._hash(NAME, data.get("display_name")), data.get("team"),
             list(data.get("extensions") or ())))

    def renamed(self, tx: Tx, event: ProjectedEvent) -> None:
        tx.write(f"UPDATE {TABLE} SET name_digest = %s WHERE agent_id = %s",
                   (self._hash(NAME, event.data.get("display_name")), event.aggregate_id))

    def extension_added(self, tx: Tx, event: ProjectedEvent) -> None:
        extension = str(event.data["extension"])
        tx.write(f"UPDATE {TABLE} SET extensions = array_append(extensions, %s) "
                   "WHERE agent_id = %s AND NOT (%s = ANY (extensions))",
                   (extension, event.aggregate_id, extension))

    def extension_removed(self, tx: Tx, event: ProjectedEvent) -> None:
        tx.write(f"UPDATE {TABLE} SET extensions = array_remove(extensions, %s) WHERE agent_id = %s",
                   (str(event.data["extension"]), event.aggregate_id))

    def team_changed(self, tx: Tx, event: ProjectedEvent) -> None:
        tx.write(f"UPDATE {TABLE} SET team = %s WHERE agent_id = %s",
                   (event.data.get("team"), event.aggregate_id))

    def presence_changed(self, tx: Tx, event: ProjectedEvent) -> None:
        tx.write(f"UPDATE {TABLE} SET presence = %s WHERE agent_id = %s",
                   (str(event.data["presence"]), event.aggregate_id))

    def deactivated(self, tx: Tx, event: ProjectedEvent) -> None:
        tx.write(f"UPDATE {TABLE} SET active = false, presence = 'offline' WHERE agent_id = %s",
                   (event.aggregate_id,))


class _NamedAgents:
    """Names as a telephony system sends them (logins or display names), as the digests to look
    for, each with its position: agents found by them come back in the order named."""

    def __init__(self, digest: IdentityDigest, names: Iterable[str]) -> None:
        wanted = [folded(n) for n in names if n.strip()]
        self.logins = {digest(LOGIN, n): i for i, n in enumerate(wanted)}
        self.shown = {digest(NAME, n): i for i, n in enumerate(wanted)}
        self.unnamed = len(wanted)

    def ranked(self, rows: Iterable[tuple[Any, ...]]) -> tuple[UUID, ...]:
        """``(agent_id, login_digest, name_digest)`` rows → agent ids in the order named."""
        def position(row: tuple[Any, ...]) -> int:
            return min(self.logins.get(row[1], self.unnamed), self.shown.get(row[2], self.unnamed))

        return tuple(UUID(str(row[0])) for row in sorted(rows, key=position))


# Every way a ring may name the agents it is offered to, in the order they are tried: by
# name or login (tier 0), by the answering number as an extension (1), a login (2) or an
# agent id (3), and the available agents of the queue's team (4). One statement, so the
# ring's lookup and this share a round trip.
_OFFERED = (
    f"SELECT 0, agent_id, login_digest, name_digest FROM {TABLE} WHERE active "
    "AND (login_digest = ANY (%(logins)s::text[]) OR name_digest = ANY (%(names)s::text[])) "
    f"UNION ALL SELECT 1, agent_id, NULL, NULL FROM {TABLE} WHERE active "
    "AND extensions && %(extensions)s::text[] "
    f"UNION ALL SELECT 2, agent_id, NULL, NULL FROM {TABLE} WHERE active AND login_digest = %(login)s::text "
    f"UNION ALL SELECT 3, agent_id, NULL, NULL FROM {TABLE} WHERE active AND agent_id = %(agent_id)s::uuid "
    f"UNION ALL SELECT 4, agent_id, NULL, NULL FROM {TABLE} WHERE active AND team = %(team)s::text "
    "AND presence = 'available' ORDER BY 1, 2")


def offered(digest: IdentityDigest, names: Sequence[str], extensions: Sequence[str], login: str | None,
            agent_id: UUID | None, team: str | None) -> Read[tuple[UUID, ...]]:
    """Who a call is offered to: the active agents ``names`` names (logins or display names,
    in the order named); else the first agent found by extension, then login, then id; else
    the available agents of ``team``."""
    named = _NamedAgents(digest, names)

    def parse(rows: list[tuple[Any, ...]]) -> tuple[UUID, ...]:
        if not rows:
            return ()
        tier = rows[0][0]
        found = [row[1:] for row in rows if row[0] == tier]
        if tier == 0:
            return named.ranked(found)
        return tuple(UUID(str(row[0])) for row in (found[:1] if tier in (1, 2, 3) else found))

    return Read(_OFFERED, {
        "logins": list(named.logins), "names": list(named.shown), "extensions": list(extensions),
        "login": None if login is None else digest(LOGIN, folded(login)), "agent_id": agent_id,
        "team": team}, parse)


def by_names(tx: Tx, digest: IdentityDigest, names: Iterable[str]) -> list[UUID]:
    """Active agents whose login or display name is one of ``names``, in the order named."""
    named = _NamedAgents(digest, names)
    if not named.logins:
        return []
    rows = tx.fetchall(
        f"SELECT agent_id, login_digest, name_digest FROM {TABLE} WHERE active "
        "AND (login_digest = ANY (%s) OR name_digest = ANY (%s)) ORDER BY agent_id",
        (list(named.logins), list(named.shown)))
    return list(named.ranked(rows))


def by_extension(tx: Tx, extensions: Iterable[str]) -> list[UUID]:
    rows = tx.fetchall(f"SELECT agent_id FROM {TABLE} WHERE active AND extensions && %s "
                       "ORDER BY agent_id", (list(extensions),))
    return [UUID(str(row[0])) for row in rows]


def by_login(tx: Tx, digest: IdentityDigest, login: str) -> list[UUID]:
    rows = tx.fetchall(f"SELECT agent_id FROM {TABLE} WHERE active AND login_digest = %s "
                       "ORDER BY agent_id", (digest(LOGIN, folded(login)),))
    return [UUID(str(row[0])) for row in rows]


def by_id(tx: Tx, agent_id: UUID) -> list[UUID]:
    rows = tx.fetchall(f"SELECT agent_id FROM {TABLE} WHERE active AND agent_id = %s", (agent_id,))
    return [UUID(str(row[0])) for row in rows]


def available_in_team(tx: Tx, team: str) -> list[UUID]:
    rows = tx.fetchall(f"SELECT agent_id FROM {TABLE} WHERE active AND team = %s "
                       "AND presence = 'available' ORDER BY agent_id", (team,))
    return [UUID(str(row[0])) for row in rows]


def presence_by_team(tx: Tx) -> dict[tuple[str | None, str], int]:
    """Active agents counted by (team, presence)."""
    rows = tx.fetchall(f"SELECT team, presence, count(*)::int FROM {TABLE} WHERE active "
                       "GROUP BY team, presence")
    return {(None if team is None else str(team), str(presence)): int(count)
            for team, presence, count in rows}
