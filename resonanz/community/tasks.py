"""Background tasks of the community: take ids, reload, call a service. All idempotent."""

from __future__ import annotations

from django_tasks import task

from resonanz.community import entry, services
from resonanz.core.queues import BULK, URGENT


@task(queue_name=URGENT)
def drain_entered_posts_task() -> int:
    """Woken after a post is saved: every post waiting in the outbox enters the inbox, in batches."""
    return entry.drain().processed


@task(queue_name=URGENT)
def sweep_entered_posts_task() -> bool:
    """Every minute: wake the drain again when posts wait (their wake-up job was lost)."""
    return entry.sweep()


@task(queue_name=BULK)
def post_entered_task(post_id: int, edited: bool = False) -> None:
    """One post at a time: kept for jobs queued before the outbox existed, and for the demo's backfill."""
    services.process_entered_post(post_id, edited=edited)
