"""Step one of the pipeline: store what a connector saw, deduplicated, in one transaction per batch.

Staging is cheap and never classifies, so a poll or an import is durable the moment it returns; the
processing step (pipeline.py) turns staged rows into conversations afterwards, at least once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from itertools import islice

from django.db import transaction
from django.utils import timezone

from resonanz.core.queues import DEFAULT, wake
from resonanz.inbox.bulk import insert_rows
from resonanz.inbox.models import InboundItem
from resonanz.sources.incoming import IncomingPost
from resonanz.sources.models import Channel

STAGE_BATCH = 1000
STAGED_FIELDS = ("channel", "external_id", "payload", "state", "attempts", "error", "received_at")


@dataclass
class StageResult:
    read: int = 0
    new: int = 0
    duplicates: int = 0

    def add(self, other: StageResult) -> None:
        self.read += other.read
        self.new += other.new
        self.duplicates += other.duplicates


def _chunks(posts: Iterable[IncomingPost], size: int) -> Iterator[list[IncomingPost]]:
    iterator = iter(posts)
    while chunk := list(islice(iterator, size)):
        yield chunk


def stage_batch(
    channel: Channel, posts: list[IncomingPost], *, enqueue: bool = True, queue: str = DEFAULT
) -> StageResult:
    """Store one batch atomically; ids seen before (or twice in the batch) count as duplicates.

    ``enqueue`` wakes the processing task on ``queue`` after the commit (imports: the bulk queue).
    """
    unique: dict[str, IncomingPost] = {}
    # In time order, so that staging order (which workers follow) is the order things happened.
    for post in sorted(posts, key=lambda p: p.created_at):
        unique.setdefault(post.external_id, post)
    with transaction.atomic():
        known = set(
            InboundItem.objects.filter(channel=channel, external_id__in=list(unique)).values_list(
                "external_id", flat=True
            )
        )
        now = timezone.now()
        rows = [
            InboundItem(channel_id=channel.pk, external_id=key, payload=post.to_payload(), received_at=now)
            for key, post in unique.items()
            if key not in known
        ]
        # ignore_conflicts: a concurrent stager may insert the same id between our read and this write.
        insert_rows(InboundItem, rows, STAGED_FIELDS, returning=False, ignore_conflicts=True)
        if enqueue and rows:
            transaction.on_commit(partial(_enqueue_processing, queue))
    return StageResult(read=len(posts), new=len(rows), duplicates=len(posts) - len(rows))


def stage_posts(
    channel: Channel,
    posts: Iterable[IncomingPost],
    *,
    batch_size: int = STAGE_BATCH,
    enqueue: bool = True,
    queue: str = DEFAULT,
) -> StageResult:
    total = StageResult()
    for chunk in _chunks(posts, batch_size):
        total.add(stage_batch(channel, chunk, enqueue=enqueue, queue=queue))
    return total


def processing_wake_name(queue: str) -> str:
    return f"inbound:{queue}"


def _enqueue_processing(queue: str = DEFAULT) -> None:
    """Wake the processing task, unless a wake-up on ``queue`` is pending already: it processes
    everything staged, so the 50 batches of an import need one job, not 50."""
    from resonanz.inbox.tasks import process_inbound_task

    wake(process_inbound_task.using(queue_name=queue), name=processing_wake_name(queue))
