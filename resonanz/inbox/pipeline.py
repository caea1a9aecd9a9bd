"""The one ingestion pipeline: normalize → deduplicate → store (staging.py) → classify → thread → route.

Guarantees (see docs/inbox.md): staged items are processed at least once; each batch is one transaction
and messages are unique per (channel, external id), so results are visible exactly once even when a
worker dies mid-batch. Several workers run in parallel: on PostgreSQL each claims its rows with
``SELECT … FOR UPDATE SKIP LOCKED``; SQLite has a single writer, so batches simply take turns.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import F

from resonanz.inbox.apply import Claimed, apply_items
from resonanz.inbox.labels import classify_texts
from resonanz.inbox.models import Conversation, InboundItem, Message
from resonanz.inbox.staging import stage_batch
from resonanz.sources.connectors import FailedItem
from resonanz.sources.dead_letters import record_failures
from resonanz.sources.incoming import IncomingPost
from resonanz.sources.models import Channel, DeadLetter

log = logging.getLogger(__name__)
BATCH_SIZE = 500
MAX_ATTEMPTS = 5
BATCH_RETRIES = 2
# Processing at least this many items refreshes the planner statistics of the inbox tables.
ANALYZE_AFTER = 5000


@dataclass
class ProcessStats:
    processed: int = 0
    failed: int = 0
    batches: int = 0


def _claim(limit: int, ids: list[int] | None = None) -> list[Claimed]:
    items = InboundItem.objects.filter(state=InboundItem.State.PENDING).order_by("pk")
    if ids is not None:
        items = items.filter(pk__in=ids)
    if connection.features.has_select_for_update_skip_locked:
        items = items.select_for_update(skip_locked=True)
    # Plain rows, not model objects: building ~3 objects per item cost more than reading it.
    rows = list(items.values_list("pk", "channel_id", "external_id", "payload")[:limit])
    channels = Channel.objects.select_related("brand").in_bulk({row[1] for row in rows})
    return [
        Claimed(pk, channels[channel_id], external_id, payload)
        for pk, channel_id, external_id, payload in rows
    ]


def _labels_for(items: list[Claimed]) -> list[dict]:
    """Classify per brand (a brand may have its own adapted model), keeping the items' order."""
    result: list[dict] = [{} for _ in items]
    by_brand: dict[str, list[int]] = {}
    for index, item in enumerate(items):
        by_brand.setdefault(item.channel.brand.slug, []).append(index)
    for slug, indexes in by_brand.items():
        labels = classify_texts([items[i].payload["text"] for i in indexes], brand_slug=slug)
        for i, value in zip(indexes, labels, strict=True):
            result[i] = value
    return result


Labeller = Callable[[list[Claimed]], list[dict]]


def process_batch(
    *, batch_size: int = BATCH_SIZE, ids: list[int] | None = None, labeller: Labeller = _labels_for
) -> int:
    """Claim and process one batch in one transaction; returns how many items were processed."""
    for attempt in range(BATCH_RETRIES + 1):
        try:
            with transaction.atomic():
                _relax_commit()
                items = _claim(batch_size, ids)
                if items:
                    apply_items(items, labeller(items))
                return len(items)
        except (OperationalError, IntegrityError):
            # Concurrent workers (a deadlock, a lock timeout): the whole batch again is cheaper than
            # one item at a time, and nothing of the failed attempt was committed.
            log.warning("batch failed (attempt %s), retrying", attempt + 1, exc_info=True)
        except Exception:
            log.exception("batch failed; processing its items one by one")
            break
    # Isolate the item that fails, so one bad row cannot block the queue.
    with transaction.atomic():
        item_ids = [item.pk for item in _claim(batch_size, ids)]
    # Failed items stay pending with an error until MAX_ATTEMPTS; the next run retries them.
    return sum(_process_one(pk, labeller) for pk in item_ids)


def _relax_commit() -> None:
    """PostgreSQL: do not wait for the WAL flush of a processing batch. If the server crashes before
    the flush, the batch is lost *as a whole* — messages and the items' "processed" mark alike — and is
    simply processed again; the staged items themselves were committed durably. (SQLite: nothing.)"""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def _process_one(pk: int, labeller: Labeller) -> bool:
    try:
        with transaction.atomic():
            items = _claim(1, [pk])
            if items:
                apply_items(items, labeller(items))
            return True
    except Exception as exc:
        log.exception("inbound item %s failed", pk)
        item = InboundItem.objects.get(pk=pk)
        state = InboundItem.State.REJECTED if item.attempts + 1 >= MAX_ATTEMPTS else InboundItem.State.PENDING
        InboundItem.objects.filter(pk=pk).update(
            attempts=F("attempts") + 1, error=str(exc)[:2000], state=state
        )
        if state == InboundItem.State.REJECTED:
            # Given up: visible (and retryable) on the channel page as a dead letter.
            failed = FailedItem(
                f"item {item.external_id}",
                f"{type(exc).__name__}: {exc}",
                json.dumps(item.payload, ensure_ascii=False).encode(),
                item.external_id,
            )
            record_failures(item.channel, [failed], stage=DeadLetter.Stage.PROCESS)
        return False


def process_pending(
    *, batch_size: int = BATCH_SIZE, limit: int | None = None, progress: Callable[[int], None] | None = None
) -> ProcessStats:
    """Process staged items until none are pending (or ``limit`` items are done)."""
    stats = ProcessStats()
    while limit is None or stats.processed < limit:
        size = batch_size if limit is None else min(batch_size, limit - stats.processed)
        claimed = process_batch(batch_size=size)
        if not claimed:
            break
        stats.processed += claimed
        stats.batches += 1
        if progress is not None:
            progress(claimed)
    stats.failed = InboundItem.objects.filter(state=InboundItem.State.REJECTED).count()
    if stats.processed >= ANALYZE_AFTER:
        # After bulk work the planner's statistics are stale (3x slower pages on PostgreSQL until
        # ANALYZE ran, docs/benchmarks.md): refresh them for the tables this run changed.
        from resonanz.core.tasks import refresh_planner_statistics

        refresh_planner_statistics(
            tables=[InboundItem._meta.db_table, Message._meta.db_table, Conversation._meta.db_table]
        )
    return stats


def ingest_now(channel: Channel, post: IncomingPost, *, labels: dict | None = None) -> Message | None:
    """Stage and process one post synchronously (the caller already is a task). Idempotent.

    ``labels``: a classification the caller already has (the community's entered task classifies).
    """
    stage_batch(channel, [post], enqueue=False)
    item_id = (
        InboundItem.objects.filter(channel=channel, external_id=post.external_id)
        .values_list("pk", flat=True)
        .first()
    )
    if item_id is not None:
        labeller = _labels_for if labels is None else (lambda items: [labels for _ in items])
        process_batch(batch_size=1, ids=[item_id], labeller=labeller)
    return Message.objects.filter(channel=channel, external_id=post.external_id).first()
