"""``switchboard gamification``: prune point history past its retention, show the versions.

A new rules version is built with ``switchboard projections rebuild gamification`` (or simply
by starting the workers with the new file); ``status`` shows each version's lag and which one
the API serves.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from contact_center.cli_support import console, open_container

gamification = typer.Typer(help="Points, badges and leaderboards.", no_args_is_help=True)



@gamification.command("prune")
def prune(dry_run: Annotated[bool, typer.Option("--dry-run", help="only count")] = False) -> None:
    """Drop per-agent point history older than SWITCHBOARD_GAMIFICATION_RETENTION_DAYS from
    every version's read model (the events stay for audit). Idempotent."""
    container = open_container()
    try:
        reports = container.leaderboards.prune(dry_run=dry_run)
    finally:
        container.close()
    table = Table("version", "before day", "point rows", "day totals", "met days")
    for report in reports:
        pruned = report.pruned
        table.add_row(report.version, report.before.isoformat(), str(pruned.points), str(pruned.days),
                      str(pruned.streak_days))
    console.print(table)
    if dry_run:
        console.print("dry run: nothing was deleted")


@gamification.command("status")
def status() -> None:
    """Every rules version built in this schema, its lag, and the one the API serves."""
    container = open_container()
    try:
        versions = container.leaderboards.versions.status()
    finally:
        container.close()
    table = Table("projection", "rules version", "time zone", "lag (records)", "served")
    for version in versions:
        lag = "unknown" if version.lag is None else str(version.lag)
        table.add_row(version.version.name, str(version.version.rules_version),
                      version.version.time_zone, lag, "yes" if version.served else "")
    console.print(table)
