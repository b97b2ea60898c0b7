"""Field masking per role: one table, applied to each response type in one place.

Roles decide which routes a user may call (api/access.py); masking decides which fields of
an allowed answer they see. A hidden field is answered as null (an empty list for lists), so
every role gets the same schema and a page can say "not shown for your role". Roles not named
for a response type (auditors, admins, integrations) see it whole: auditors review, admins
administer, integrations synchronise.
"""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel

from contact_center.roles import Role

M = TypeVar("M", bound=BaseModel)

HIDDEN: dict[str, dict[Role, frozenset[str]]] = {
    # An agent's pop needs name, identities, consent and history, not the full birth date; a
    # supervisor runs queues and boards and needs neither the birth date nor the address.
    "customer": {Role.AGENT: frozenset({"birth_date"}),
                 Role.SUPERVISOR: frozenset({"birth_date", "address"})},
    # Call recordings are for quality review by admins and auditors, not for the desktop or the floor.
    "interaction": {Role.AGENT: frozenset({"recording_references"}),
                    Role.SUPERVISOR: frozenset({"recording_references"})},
}


def hidden_fields(kind: str, role: Role) -> frozenset[str]:
    return HIDDEN[kind].get(role, frozenset())


def masked(kind: str, body: M, role: Role) -> M:
    """``body`` as ``role`` may see it."""
    hidden = hidden_fields(kind, role)
    if not hidden:
        return body
    values = body.model_dump()
    return body.model_copy(update={name: [] if isinstance(values[name], list) else None for name in hidden})
