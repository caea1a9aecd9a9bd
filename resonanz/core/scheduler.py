"""Periodic jobs: enqueue registered tasks at fixed intervals.

Django's tasks API has no scheduler, so ``resonanz scheduler`` (started by ``resonanz run`` in the
embedded mode, run once per deployment in scale mode) enqueues each task of
``settings.RESONANZ["PERIODIC_TASKS"]`` (dotted path → seconds). A cache key per task and time bucket
makes a second scheduler harmless: only one of them enqueues a given run.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.core.cache import cache
from django.utils.module_loading import import_string

from resonanz.core.config import product_setting
from resonanz.core.health import SCHEDULER, beat

log = logging.getLogger(__name__)


def due_tasks(now: float) -> list[tuple[str, int]]:
    """The (path, bucket) pairs whose interval bucket has not been claimed yet."""
    due = []
    for path, seconds in product_setting("PERIODIC_TASKS").items():
        bucket = int(now // max(1, int(seconds)))
        if cache.add(f"sched:{path}:{bucket}", 1, timeout=int(seconds) * 2):
            due.append((path, bucket))
    return due


def enqueue_due(now: float | None = None) -> list[str]:
    enqueued = []
    for path, _bucket in due_tasks(time.time() if now is None else now):
        try:
            import_string(path).enqueue()
            enqueued.append(path)
        except Exception:  # one broken job must not stop the others
            log.exception("could not enqueue periodic task %s", path)
    return enqueued


def run_scheduler(*, once: bool = False, sleep: Callable[[float], None] = time.sleep) -> int:
    while True:
        beat(SCHEDULER)  # /readyz: the scheduler is alive
        for path in enqueue_due():
            log.info("enqueued %s", path)
        if once:
            return 0
        sleep(5)
