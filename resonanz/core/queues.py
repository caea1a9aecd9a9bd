"""Task queues by priority, and wake-up jobs of which at most one waits at a time.

Work that must not be lost lives in the database (an outbox, the inbox's staging table); a job only wakes
the task that drains it. So a lost job costs a delay until the periodic sweep wakes the drain again,
never data, and a burst of a thousand posts queues one drain job instead of a thousand.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.cache import cache

log = logging.getLogger(__name__)

URGENT, DEFAULT, BULK = "urgent", "default", "bulk"
# A pending wake-up older than this is presumed lost (its worker died before the job began, or Redis
# restarted empty) and is replaced by the next one. Short: a second drain job is harmless, a stalled
# drain delays every post of a busy forum.
WAKE_TTL = 30


def queue_order() -> list[str]:
    """All queues, most urgent first: the order in which every worker serves them by default."""
    return list(settings.TASK_QUEUES)


def queue_timeout(queue: str) -> int:
    """Seconds a job of ``queue`` may run before its worker stops it."""
    timeouts: dict[str, int] = settings.TASK_TIMEOUTS
    return int(timeouts.get(queue, max(timeouts.values())))


def _flag(name: str) -> str:
    return f"wake:{name}"


def wake(task: Any, *, name: str, force: bool = False) -> bool:
    """Enqueue ``task`` (no arguments) unless a wake-up of ``name`` is pending already; True if enqueued.

    ``force`` enqueues anyway (the sweep, when work has waited longer than a wake-up should take).
    Never raises: called after a commit, where the data is safe and the sweep will retry.
    """
    try:
        if force:
            cache.set(_flag(name), 1, timeout=WAKE_TTL)
        elif not cache.add(_flag(name), 1, timeout=WAKE_TTL):
            return False
        task.enqueue()
        return True
    except Exception:
        log.warning("could not wake %s; the periodic sweep will", name, exc_info=True)
        try:
            cache.delete(_flag(name))
        except Exception:  # the cache is the same Redis that just failed
            log.debug("could not clear the wake flag of %s", name, exc_info=True)
        return False


def woken(name: str) -> None:
    """Called by the drain as it starts: work committed from now on needs (and gets) a new wake-up."""
    try:
        cache.delete(_flag(name))
    except Exception:
        log.warning("could not clear the wake flag of %s", name, exc_info=True)
