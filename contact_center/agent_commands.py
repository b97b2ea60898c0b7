"""``switchboard agents``: agent tokens for the push socket, until user accounts exist."""

from __future__ import annotations

import sys
from typing import Annotated
from uuid import UUID

import typer

from adapters.services.processes import ServiceError
from contact_center.agent_tokens import MAX_TTL_SECONDS
from contact_center.bootstrap import bootstrap
from contact_center.errors import NotFound
from contact_center.settings import Settings
from domain.errors import DomainError

agents = typer.Typer(help="Agents' access to their live screen-pop socket.", no_args_is_help=True)


@agents.command("token")
def token(
    agent_id: Annotated[UUID, typer.Argument(help="the agent's id")],
    ttl: Annotated[int | None, typer.Option("--ttl", min=1, max=MAX_TTL_SECONDS,
                                            help="lifetime in seconds [default: "
                                                 "SWITCHBOARD_AGENT_TOKEN_TTL_SECONDS]")] = None,
) -> None:
    """Print a token that opens /ws/agent for AGENT_ID (its expiry goes to stderr)."""
    try:
        container = bootstrap(Settings())
    except ServiceError as error:
        print(f"error: {error}", file=sys.stderr)
        raise typer.Exit(1) from error
    try:
        minted, claims = container.agent_tokens.issue(agent_id, ttl)
    except (NotFound, DomainError) as error:
        print(f"error: {error}", file=sys.stderr)
        raise typer.Exit(1) from error
    finally:
        container.close()
    print(minted)
    print(f"expires {claims.expires.isoformat()}", file=sys.stderr)
