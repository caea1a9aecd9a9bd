"""What happens when a community post has entered, in this order (explicit calls, no signals):

1. it is classified and its labels stored on the post (with the model version);
2. it enters the unified inbox through the one ingestion pipeline, reusing those labels;
3. moderation screens it: above the brand's abuse threshold it is hidden pending human review.

Saving a post writes a :class:`PostEntry` (the outbox) in the same transaction; :func:`drain` takes the
waiting entries in batches — one classifier pass per brand and batch, one transaction per batch that
also deletes the entries — so each post reaches the inbox exactly once, whichever worker dies when.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from resonanz.community.models import Post, PostEntry

log = logging.getLogger(__name__)
BATCH_SIZE = 200
MAX_ATTEMPTS = 5
# The wake-up name of the drain (core/queues.py): at most one drain job waits at a time.
DRAIN = "community-entry"
# The sweep forces a new wake-up when an entry has waited this long (its wake-up job was lost).
STALE_SECONDS = 30
# Large drains change the tables' shape enough for the planner to need fresh statistics.
ANALYZE_AFTER = 5000


@dataclass
class DrainStats:
    processed: int = 0
    failed: int = 0
    batches: int = 0


def stage_entered(post: Post, *, edited: bool = False) -> None:
    """Record in the caller's transaction that ``post`` must (again) enter the inbox; wake the drain after."""
    PostEntry.objects.create(post=post, edited=edited)
    transaction.on_commit(wake_drain)


def stage_entered_many(post_ids: list[int]) -> None:
    """The same for many new posts at once (the demo, imports of a forum): one wake-up for all."""
    PostEntry.objects.bulk_create([PostEntry(post_id=pk) for pk in post_ids], batch_size=1000)
    if post_ids:
        transaction.on_commit(wake_drain)


def wake_drain(*, force: bool = False) -> bool:
    from resonanz.community.tasks import drain_entered_posts_task
    from resonanz.core.queues import wake

    return wake(drain_entered_posts_task, name=DRAIN, force=force)


def drain(*, batch_size: int = BATCH_SIZE) -> DrainStats:
    """Process every waiting entry, batch by batch, until none is left; idempotent."""
    from resonanz.core.queues import woken

    woken(DRAIN)
    stats = DrainStats()
    failed: set[int] = set()  # entries that failed in this run wait for the next one (the sweep's)
    while True:
        done, failures = drain_batch(batch_size=batch_size, exclude=failed)
        if not done and not failures:
            break
        stats.processed += done
        stats.failed += len(failures)
        stats.batches += 1
        failed.update(failures)
    if stats.processed >= ANALYZE_AFTER:
        from resonanz.core.tasks import refresh_planner_statistics

        refresh_planner_statistics(tables=[Post._meta.db_table, "inbox_message", "inbox_conversation"])
    return stats


def drain_batch(*, batch_size: int = BATCH_SIZE, exclude: set[int] | None = None) -> tuple[int, list[int]]:
    """Claim and process one batch in one transaction; returns how many entries were processed and the
    ids of those that failed."""
    try:
        with transaction.atomic():
            entries = _claim(batch_size, exclude=exclude)
            enter_posts(entries)
            PostEntry.objects.filter(pk__in=[entry.pk for entry in entries]).delete()
            return len(entries), []
    except Exception:
        log.exception("community entry batch failed; processing its posts one by one")
    # Isolate the entry that fails, so one bad post cannot hold back the others.
    with transaction.atomic():
        entry_ids = [entry.pk for entry in _claim(batch_size, exclude=exclude)]
    failures = [pk for pk in entry_ids if not _process_one(pk)]
    return len(entry_ids) - len(failures), failures


def _claim(limit: int, ids: list[int] | None = None, exclude: set[int] | None = None) -> list[PostEntry]:
    entries = PostEntry.objects.filter(attempts__lt=MAX_ATTEMPTS).order_by("pk")
    if ids is not None:
        entries = entries.filter(pk__in=ids)
    if exclude:
        entries = entries.exclude(pk__in=exclude)
    if connection.features.has_select_for_update_skip_locked:
        # Several workers drain side by side on PostgreSQL, each with its own rows.
        entries = entries.select_for_update(skip_locked=True)
    return list(entries[:limit])


def _process_one(pk: int) -> bool:
    try:
        with transaction.atomic():
            entries = _claim(1, [pk])
            enter_posts(entries)
            PostEntry.objects.filter(pk__in=[entry.pk for entry in entries]).delete()
            return True
    except Exception as exc:
        log.exception("community entry %s failed", pk)
        PostEntry.objects.filter(pk=pk).update(attempts=F("attempts") + 1, error=str(exc)[:2000])
        return False


def enter_posts(entries: list[PostEntry]) -> None:
    """Classify, store the labels, ingest and screen the posts of ``entries`` (inside the caller's
    transaction). A post deleted meanwhile is skipped; its entry went with it."""
    from resonanz.moderation.services import screen_post
    from resonanz.sources.community import ingest_posts

    if not entries:
        return
    posts = Post.objects.select_related("brand", "thread", "author").in_bulk({e.post_id for e in entries})
    ordered = sorted(posts.values(), key=lambda post: post.pk)
    edited = {entry.post_id for entry in entries if entry.edited}
    labels = _classify(ordered)
    for post in ordered:
        post.labels = labels[post.pk]
        post.model_version = labels[post.pk].get("model_version", "")
    Post.objects.bulk_update(ordered, ["labels", "model_version"])
    ingest_posts(ordered, labels=labels, edited=edited)
    for post in ordered:
        screen_post(post)


def _classify(posts: list[Post]) -> dict[int, dict[str, Any]]:
    """One classifier pass per brand (a brand may have its own adapted model and topics). With word
    evidence, as one post at a time had it: the moderation pages show the stored explanations."""
    from resonanz.classify.services import classify_many

    by_brand: dict[str, list[Post]] = defaultdict(list)
    for post in posts:
        by_brand[post.brand.slug].append(post)
    labels: dict[int, dict[str, Any]] = {}
    for slug, group in by_brand.items():
        results = classify_many([post.body for post in group], brand_slug=slug, explain=True)
        for post, result in zip(group, results, strict=True):
            labels[post.pk] = result.to_dict()
    return labels


def sweep() -> bool:
    """The periodic safety net: wake the drain when entries wait; True if a wake-up was enqueued.

    An entry older than :data:`STALE_SECONDS` means its wake-up was lost (Redis restarted empty, the
    worker died mid-drain): then a new one is enqueued even if the flag says one is pending.
    """
    oldest = (
        PostEntry.objects.filter(attempts__lt=MAX_ATTEMPTS)
        .order_by("pk")
        .values_list("created_at", flat=True)
        .first()
    )
    if oldest is None:
        return False
    stale = (timezone.now() - oldest).total_seconds() > STALE_SECONDS
    return wake_drain(force=stale)


def handle_entered_post(post: Post, *, edited: bool = False) -> None:
    """One post, synchronously (jobs queued before the outbox existed; tests)."""
    entry = PostEntry(post=post, edited=edited)
    with transaction.atomic():
        enter_posts([entry])
