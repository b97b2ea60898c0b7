"""The rebuild's progress bar on the terminal: events applied, of how many, at how many per second."""

from __future__ import annotations

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text


class EventsPerSecond(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("–" if speed is None else f"{speed:,.0f} events/s")


class BarProgress:
    """A :class:`adapters.projection_rebuild.RebuildProgress` drawn with rich."""

    def __init__(self, console: Console) -> None:
        self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 EventsPerSecond(), TimeElapsedColumn(), console=console)
        self.task: TaskID | None = None

    def __enter__(self) -> BarProgress:
        self.progress.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.progress.stop()

    def phase(self, description: str, total: int) -> None:
        self.task = self.progress.add_task(description, total=total)

    def advance(self, events: int) -> None:
        if self.task is None:
            return
        self.progress.advance(self.task, events)
        task = self.progress.tasks[self.task]
        if task.total is not None and task.completed > task.total:  # written while rebuilding
            self.progress.update(self.task, total=task.completed)
