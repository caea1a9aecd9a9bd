"""Import a platform export into a channel: parse everything first, then stage and process.

A file that is malformed as a whole raises before anything is stored; single bad rows are rejected
with their line and reason while the rest is imported. Re-importing the same file adds nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from resonanz.inbox.models import InboundItem
from resonanz.inbox.pipeline import process_pending
from resonanz.inbox.staging import STAGE_BATCH, StageResult, stage_batch
from resonanz.sources.imports.detect import parse_file

Progress = Callable[[str, int, int], None]  # (phase, done, total)


@dataclass
class ImportSummary:
    read: int = 0
    new: int = 0
    duplicates: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)
    dry_run: bool = False


def import_file(
    channel: object,
    path: Path,
    *,
    format: str = "",
    mapping: dict[str, str] | None = None,
    encoding: str = "utf-8",
    dry_run: bool = False,
    process: bool = True,
    progress: Progress | None = None,
) -> ImportSummary:
    from resonanz.sources.models import Channel

    assert isinstance(channel, Channel)
    parsed = parse_file(path, format=format, mapping=mapping, encoding=encoding)
    summary = ImportSummary(read=parsed.read, rejected=parsed.rejected, dry_run=dry_run)
    posts = parsed.posts
    if dry_run:
        ids = {post.external_id for post in posts}
        known = set(
            InboundItem.objects.filter(channel=channel, external_id__in=list(ids)).values_list(
                "external_id", flat=True
            )
        )
        summary.new = len(ids - known)
        summary.duplicates = len(posts) - summary.new
        return summary
    staged = StageResult()
    for start in range(0, len(posts), STAGE_BATCH):
        staged.add(stage_batch(channel, posts[start : start + STAGE_BATCH], enqueue=False))
        if progress:
            progress("store", min(start + STAGE_BATCH, len(posts)), len(posts))
    summary.new, summary.duplicates = staged.new, staged.duplicates
    if process and staged.new:
        done = 0

        def step(count: int) -> None:
            nonlocal done
            done += count
            if progress:
                progress("process", done, staged.new)

        process_pending(progress=step)
    return summary
