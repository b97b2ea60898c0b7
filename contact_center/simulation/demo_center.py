"""What the demo adds to a seeded call center: earlier contacts for every customer, so a
screen-pop has a history to show, and sign-in accounts for the three pages.

Both are idempotent. Histories are logged in batches whose idempotency keys derive from the
population, so a second start stores nothing. Accounts are created once with random passwords,
kept in a file only the operator can read; a later start reads them back from there.
"""

from __future__ import annotations

import json
import random
import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from uuid import UUID

from contact_center.bootstrap import Container
from contact_center.commands import CommandContext
from contact_center.interactions import LoggedContact
from contact_center.roles import Role
from contact_center.simulation.seeding import ACTOR, SeededCallCenter
from contact_center.users import UserExists
from domain.interaction_values import Channel, Direction

BATCH = 400  # contacts per command
SUBJECTS = ("Invoice question", "Change of address", "Delivery delayed", "Contract renewal",
            "Password reset", "Complaint about a charge", "Thank you", "Cancel my order")
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    password: str
    page: str


def seed_histories(container: Container, seeded: SeededCallCenter, *,
                   progress: Progress | None = None) -> int:
    """One to three earlier e-mails, chats or text messages per customer; returns how many
    batches stored something (0 when the histories were there already)."""
    contacts = [contact for index, customer_id in enumerate(seeded.customer_ids)
                for contact in _history(seeded, index, customer_id)]
    key = f"{ACTOR}:{seeded.population.name}:history"
    stored = 0
    for start in range(0, len(contacts), BATCH):
        result = container.interactions.log_many(
            CommandContext(ACTOR, f"{key}:{start // BATCH}"), contacts[start:start + BATCH])
        stored += 0 if result.replayed else 1
        if progress is not None:
            progress("histories", min(start + BATCH, len(contacts)), len(contacts))
    return stored


def _history(seeded: SeededCallCenter, index: int, customer_id: UUID) -> list[LoggedContact]:
    rng = random.Random(f"{seeded.population.name}:history:{index}")
    person = seeded.population.customers[index]
    agents = list(seeded.agent_ids.values())
    history = []
    for _ in range(rng.randint(1, 3)):
        channel = rng.choice((Channel.EMAIL, Channel.EMAIL, Channel.CHAT, Channel.SMS))
        address = person.phone if channel is Channel.SMS else person.email
        history.append(LoggedContact(
            channel=channel, direction=Direction.INBOUND, from_address=address,
            subject=rng.choice(SUBJECTS), body="Earlier contact from the demo history.",
            agent_id=rng.choice(agents) if agents else None,
            customer_id=customer_id))
    return history


def demo_logins(container: Container, seeded: SeededCallCenter, path: Path) -> list[DemoLogin]:
    """An agent (the population's first), a supervisor and an auditor account, created once."""
    if path.exists():
        return [DemoLogin(**item) for item in json.loads(path.read_text())]
    first_agent = next(iter(seeded.agent_ids.items()), None)
    wanted: list[tuple[str, Role, UUID | None, str]] = [
        ("demo.supervisor", Role.SUPERVISOR, None, "/wallboard"),
        ("demo.auditor", Role.AUDITOR, None, "/audit")]
    if first_agent is not None:
        wanted.insert(0, (first_agent[0], Role.AGENT, first_agent[1], "/agent"))
    logins = []
    for username, role, agent_id, page in wanted:
        password = secrets.token_urlsafe(12)
        try:
            container.users.create(username, role, password=password, agent_id=agent_id, actor=ACTOR)
        except UserExists:  # created by an earlier start whose file is gone: give it a new password
            container.users.reset_password(username, password, actor=ACTOR)
        logins.append(DemoLogin(username, role.value, password, page))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.write_text(json.dumps([asdict(login) for login in logins], indent=2))
    return logins
