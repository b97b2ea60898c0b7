"""What every ``switchboard`` sub-command shares: one console, one way to fail, one container."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console

from adapters.services.processes import ServiceError
from contact_center.bootstrap import Container, bootstrap
from contact_center.settings import Settings

console = Console()


def fail(error: Exception | str) -> NoReturn:
    """Print one clear line and exit 1 — never a stack trace."""
    console.print(f"[red]error:[/red] {error}", highlight=False, soft_wrap=True)
    if isinstance(error, Exception):
        raise typer.Exit(1) from error
    raise typer.Exit(1)


def open_container() -> Container:
    """The wired application for a command, or a one-line error when services are missing."""
    try:
        return bootstrap(Settings())
    except ServiceError as error:
        fail(error)
