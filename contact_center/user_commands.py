"""``switchboard users``: accounts, their roles, passwords and API keys.

Secrets (a generated password, an API key) go to stdout alone, once; everything else to
stderr, so ``KEY=$(switchboard users api-key pbx)`` captures just the key. The CLI acts as
``cli:<operating-system user>`` in the user change log.
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable
from typing import Annotated, TypeVar
from uuid import UUID

import typer
from rich.table import Table

from contact_center.cli_support import console, fail, open_container
from contact_center.errors import NotFound
from contact_center.passwords import generate_password
from contact_center.roles import Role
from contact_center.users import UserService
from domain.errors import DomainError

users = typer.Typer(help="User accounts, roles, passwords and API keys.", no_args_is_help=True)
T = TypeVar("T")
Stdin = Annotated[bool, typer.Option("--password-stdin", help="read the password from stdin "
                                     "(otherwise one is generated and printed once)")]
AgentId = Annotated[UUID | None, typer.Option("--agent-id", help="the agent an agent user is")]


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


def _with_users(action: Callable[[UserService], T]) -> T:
    container = open_container()
    try:
        return action(container.users)
    except (DomainError, NotFound) as error:
        fail(error)
    finally:
        container.close()


def _stdin_password() -> str:
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        fail("no password on stdin")
    return password


def _secret(label: str, value: str) -> None:
    print(f"{label} (shown once; keep it secret):", file=sys.stderr)
    print(value)


@users.command("create")
def create(username: Annotated[str, typer.Argument(help="lower-case letters, digits . _ @ -")],
           role: Annotated[Role, typer.Option("--role", help="what the user may do")],
           agent_id: AgentId = None, password_stdin: Stdin = False,
           no_password: Annotated[bool, typer.Option(
               "--no-password", help="API keys only (integrations)")] = False) -> None:
    """Create a user; prints a generated password unless one comes on stdin."""
    password = None if no_password else (_stdin_password() if password_stdin else None)
    generated = None
    if not no_password and password is None:
        generated = password = generate_password()
    user = _with_users(lambda s: s.create(username, role, password=password, agent_id=agent_id,
                                          actor=_actor()))
    print(f"created {user.role.value} {user.username}" +
          (f" (agent {user.agent_id})" if user.agent_id else ""), file=sys.stderr)
    if generated:
        _secret("password", generated)


@users.command("reset-password")
def reset_password(username: str, password_stdin: Stdin = False) -> None:
    """Set a new password: from stdin, or a generated one printed once."""
    given = _stdin_password() if password_stdin else None
    new = _with_users(lambda s: s.reset_password(username, given, actor=_actor()))
    print(f"password of {username} reset", file=sys.stderr)
    if given is None:
        _secret("password", new)


@users.command("set-role")
def set_role(username: str, role: Annotated[Role, typer.Option("--role")], agent_id: AgentId = None) -> None:
    """Change a user's role (an agent user needs --agent-id)."""
    user = _with_users(lambda s: s.change_role(username, role, agent_id=agent_id, actor=_actor()))
    print(f"{user.username} is now {user.role.value}", file=sys.stderr)


@users.command("api-key")
def api_key(username: str) -> None:
    """Issue a long-lived API key acting as USERNAME (Authorization: Bearer sk_...)."""
    _secret("API key", _with_users(lambda s: s.issue_api_key(username, actor=_actor())))


@users.command("revoke-key")
def revoke_key(key_id: Annotated[str, typer.Argument(help="the 16 hex digits after sk_")]) -> None:
    """Revoke an API key: it stops working at once."""
    _with_users(lambda s: s.revoke_api_key(key_id, actor=_actor()))
    print(f"API key {key_id} revoked", file=sys.stderr)


@users.command("disable")
def disable(username: str) -> None:
    """Refuse the user's password and API keys from now on (issued access tokens run out)."""
    _with_users(lambda s: s.set_active(username, False, actor=_actor()))
    print(f"{username} disabled", file=sys.stderr)


@users.command("list")
def list_users() -> None:
    """Every user with role, agent and whether active."""
    table = Table("username", "role", "agent", "active", "created")
    for user in _with_users(lambda s: s.all()):
        table.add_row(user.username, user.role.value, str(user.agent_id or "-"),
                      "yes" if user.active else "no", user.created_at.isoformat(timespec="seconds"))
    console.print(table)
