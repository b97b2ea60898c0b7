"""Who acts and when: the two keyword arguments every domain command takes."""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict

from adapters.clock import Clock
from contact_center.commands import CommandContext


class Stamp(TypedDict):
    actor: str
    occurred_at: datetime


def stamp(ctx: CommandContext, clock: Clock) -> Stamp:
    """The actor of the command and the clock's now, to splat into a domain call."""
    return {"actor": ctx.actor, "occurred_at": clock.now()}
