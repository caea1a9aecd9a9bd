"""Exponential backoff for deliveries (answers, webhooks) and scheduling of the retry."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from django.db.models import F, Q
from django.utils import timezone
from django_tasks import default_task_backend
from django_tasks.base import Task

MAX_ATTEMPTS = 8
BASE_SECONDS = 30
CAP_SECONDS = 6 * 3600


def next_attempt_at(attempts: int, *, retry_after: int | None = None) -> datetime:
    """30 s, 1 min, 2 min … capped at 6 h, with jitter so many failures do not retry in lockstep."""
    delay = min(CAP_SECONDS, BASE_SECONDS * 2 ** max(0, attempts - 1))
    delay = int(delay * random.uniform(0.8, 1.2))
    if retry_after:
        delay = max(delay, retry_after)
    return timezone.now() + timedelta(seconds=delay)


def schedule_retry(task: Task, when: datetime, *args: object) -> None:
    """Enqueue for later where the backend can defer; otherwise the periodic sweep picks it up."""
    if default_task_backend.supports_defer:
        task.using(run_after=when).enqueue(*args)


LEASE_SECONDS = 120


def claim_attempt(model: type[Any], pk: int) -> bool:
    """Take the next attempt of a queued delivery; false if another worker has it or it is not due.

    The conditional UPDATE is atomic on every database, so two workers never send the same thing at
    once; the lease (``next_attempt_at`` pushed ahead) frees it again if this worker dies mid-send.
    """
    now = timezone.now()
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    claimed = model.objects.filter(due, pk=pk, status="queued").update(
        attempts=F("attempts") + 1, next_attempt_at=now + timedelta(seconds=LEASE_SECONDS)
    )
    return bool(claimed == 1)
