"""Who may do what: the five roles every user, API key and token carries (docs/users-and-roles.md)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    AGENT = "agent"  # handles calls: screen-pops, customers, interactions, own cases and points
    SUPERVISOR = "supervisor"  # runs the floor: queues, boards, agents' presence and teams
    AUDITOR = "auditor"  # reads history and exports; writes nothing
    ADMIN = "admin"  # manages users and agents, data protection; every HTTP endpoint
    INTEGRATION = "integration"  # machines: imports, call events, customer sync (API keys)


ALL_ROLES: tuple[Role, ...] = tuple(Role)
# The usual groups a route declares (api/access.py ``allow``); admin is in every one.
FRONT_OFFICE = (Role.AGENT, Role.SUPERVISOR, Role.ADMIN)  # people working contacts
CONTACT_WRITERS = (*FRONT_OFFICE, Role.INTEGRATION)  # may record customers, contacts, cases
READERS = (*CONTACT_WRITERS, Role.AUDITOR)  # may read current state (masked per role)
HISTORY_READERS = (*FRONT_OFFICE, Role.AUDITOR)  # may read timelines and boards
MANAGERS = (Role.SUPERVISOR, Role.ADMIN)  # may change agents and merge customers
