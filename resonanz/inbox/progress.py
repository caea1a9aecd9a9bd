"""Terminal output of the import command: a rich progress bar on stderr and the summary."""

from __future__ import annotations

import sys
from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

from resonanz.inbox.importing import ImportSummary

MAX_REJECTED_SHOWN = 50


class ProgressBar:
    def __init__(self) -> None:
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=Console(file=sys.stderr),
            transient=True,
        )
        self.tasks: dict[str, TaskID] = {}

    def __enter__(self) -> ProgressBar:
        self.progress.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.progress.stop()

    def update(self, phase: str, done: int, total: int) -> None:
        if phase not in self.tasks:
            self.tasks[phase] = self.progress.add_task(phase, total=total)
        self.progress.update(self.tasks[phase], completed=done, total=total)


def print_summary(summary: ImportSummary) -> None:
    prefix = "dry run: would import" if summary.dry_run else "imported"
    print(
        f"{prefix}: read {summary.read}, new {summary.new}, duplicates {summary.duplicates}, "
        f"rejected {len(summary.rejected)}"
    )
    for where, reason in summary.rejected[:MAX_REJECTED_SHOWN]:
        print(f"rejected: {where}: {reason}", file=sys.stderr)
    if len(summary.rejected) > MAX_REJECTED_SHOWN:
        print(f"… and {len(summary.rejected) - MAX_REJECTED_SHOWN} more rejected rows", file=sys.stderr)
