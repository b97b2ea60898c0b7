"""``switchboard audit``: verify the tamper-evident hash chains, sign checkpoints."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from adapters.services.processes import ServiceError
from contact_center.bootstrap import bootstrap
from contact_center.settings import Settings

audit = typer.Typer(help="Audit: tamper evidence of the event store.", no_args_is_help=True)
console = Console()


@audit.command("verify")
def verify(
    checkpoint: Annotated[bool, typer.Option(help="sign a checkpoint at the head when clean")] = False,
) -> None:
    """Walk both hash chains and report the first broken link (exit code 1), in bounded memory."""
    try:
        container = bootstrap(Settings())
    except ServiceError as error:
        console.print(f"[red]error:[/red] {error}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from error
    verifier = container.chain_verifier
    try:
        columns = (TextColumn("verifying"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with Progress(*columns, console=console, transient=True) as bar:
            task = bar.add_task("events", total=verifier.total())
            result = verifier.verify(lambda done: bar.update(task, completed=done))
        if result.ok and checkpoint:
            position = verifier.sign_checkpoint(container.data_keys.keyring.current_id)
            console.print(f"signed checkpoint at position {position}")
    finally:
        container.close()
    if result.first_break is None:
        console.print(f"ok: {result.events} events, {result.checkpoints} checkpoints verified")
        return
    b = result.first_break
    console.print(f"[red]BROKEN[/red] at position {b.position}, aggregate {b.aggregate_id}, "
                  f"version {b.version}: {b.problem}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)
