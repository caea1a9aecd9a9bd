"""Import a platform export into a channel: parse everything first, then stage and process.

A file that is malformed as a whole raises before anything is stored; single bad rows are rejected
with their line and reason while the rest is imported. Re-importing the same file adds nothing.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from resonanz.accounts.permissions import AnyUser
from resonanz.core.errors import InvalidInput
from resonanz.core.queues import BULK
from resonanz.inbox.models import InboundItem
from resonanz.inbox.permissions import check_admin
from resonanz.inbox.pipeline import process_pending
from resonanz.inbox.staging import STAGE_BATCH, StageResult, stage_batch
from resonanz.sources.imports.base import ImportFormatError
from resonanz.sources.imports.csv_format import parse_mapping
from resonanz.sources.imports.detect import parse_file
from resonanz.sources.models import Channel, ChannelKind

Progress = Callable[[str, int, int], None]  # (phase, done, total)
MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # uploads through the page; bigger exports go through the CLI


@dataclass
class ImportSummary:
    read: int = 0
    new: int = 0
    duplicates: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)
    dry_run: bool = False


def import_file(
    channel: Channel | None,
    path: Path,
    *,
    format: str = "",
    mapping: dict[str, str] | None = None,
    encoding: str = "utf-8",
    dry_run: bool = False,
    process: bool = True,
    progress: Progress | None = None,
) -> ImportSummary:
    """``process``: process the staged posts now (the CLI, with progress); else a worker does it.

    ``channel`` None only for a dry run into a channel that does not exist yet.
    """
    if channel is None and not dry_run:
        raise ValueError("import_file needs a channel unless dry_run")
    parsed = parse_file(path, format=format, mapping=mapping, encoding=encoding)
    summary = ImportSummary(read=parsed.read, rejected=parsed.rejected, dry_run=dry_run)
    posts = parsed.posts
    if dry_run:
        ids = {post.external_id for post in posts}
        known = set(
            InboundItem.objects.filter(channel=channel, external_id__in=list(ids)).values_list(
                "external_id", flat=True
            )
            if channel is not None
            else []
        )
        summary.new = len(ids - known)
        summary.duplicates = len(posts) - summary.new
        return summary
    assert channel is not None
    staged = StageResult()
    for start in range(0, len(posts), STAGE_BATCH):
        staged.add(stage_batch(channel, posts[start : start + STAGE_BATCH], enqueue=not process, queue=BULK))
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


def import_upload(
    channel: Channel,
    upload: Any,
    *,
    by: AnyUser,
    format: str = "",
    mapping: str = "",
    encoding: str = "utf-8",
    dry_run: bool = False,
) -> ImportSummary:
    """An export uploaded on the channel page; staged now, processed by the worker."""
    check_admin(by, channel.brand)
    if channel.kind != ChannelKind.IMPORT:
        raise InvalidInput({"file": _("Files can only be imported into an import channel.")})
    if upload.size > MAX_UPLOAD_BYTES:
        raise InvalidInput(
            {
                "file": _("%(name)s is larger than %(mb)s MB; import it with `resonanz import` instead.")
                % {"name": upload.name, "mb": MAX_UPLOAD_BYTES // (1024 * 1024)}
            }
        )
    try:
        columns = parse_mapping(mapping or str(channel.config.get("mapping", "")))
        with tempfile.TemporaryDirectory(prefix="rz-import-") as tmp:
            path = Path(tmp) / Path(upload.name or "upload").name
            with path.open("wb") as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
            return import_file(
                channel,
                path,
                format=format or str(channel.config.get("format", "")),
                mapping=columns or None,
                encoding=encoding or "utf-8",
                dry_run=dry_run,
                process=False,
            )
    except ImportFormatError as exc:
        raise InvalidInput({"file": str(exc)}) from exc
