"""Tasks whose worker died mid-job (``kill -9``, out of memory, a host failure) run again.

Every task is idempotent, so running one twice is harmless; running it never is not. Neither backend
does this by itself (docs/pitfalls.md): the database backend leaves such a task RUNNING forever, and RQ
moves it to its failed registry as ``AbandonedJobError`` without a retry.

A job may run for its queue's timeout (then the worker stops it), so a job still running after that plus
a margin has lost its worker. A job abandoned :data:`MAX_RUNS` times (one that kills its worker, say by
exhausting memory) stays failed, with the reason, instead of killing worker after worker.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import task_backends

from resonanz.core.queues import queue_order, queue_timeout

log = logging.getLogger(__name__)
LEASE_MARGIN = 60
MAX_RUNS = 3
REQUEUES_META = "resonanz_requeues"


class AbandonedTask(Exception):
    """The worker running the task died, MAX_RUNS times."""


def requeue_abandoned(*, now: float | None = None) -> int:
    """Queue the abandoned tasks of the configured backend again; returns how many."""
    backend = task_backends["default"]
    path = f"{type(backend).__module__}.{type(backend).__name__}"
    if path.startswith("django_tasks_db"):
        return _requeue_database(now)
    if path.startswith("django_tasks_rq"):
        return _requeue_rq(now)
    return 0  # the immediate backend runs tasks in the caller


def _requeue_database(now: float | None) -> int:
    from django_tasks_db.models import DBTaskResult

    moment = timezone.now() if now is None else datetime.fromtimestamp(now, tz=UTC)
    requeued = 0
    for queue in queue_order():
        cutoff = moment - timedelta(seconds=queue_timeout(queue) + LEASE_MARGIN)
        with transaction.atomic():
            stuck = DBTaskResult.objects.running().filter(queue_name=queue, started_at__lt=cutoff)
            for result in stuck.select_for_update(skip_locked=True):
                # Each claim by a worker appended its id: the list's length counts the runs.
                if len(result.worker_ids) >= MAX_RUNS:
                    result.set_failed(AbandonedTask(f"its worker died in each of {MAX_RUNS} runs"))
                    log.error(
                        "task %s (%s) abandoned %s times; failed", result.pk, result.task_path, MAX_RUNS
                    )
                    continue
                result.status = "READY"
                result.started_at = None
                result.save(update_fields=["status", "started_at"])
                log.warning("task %s (%s) of a dead worker queued again", result.pk, result.task_path)
                requeued += 1
    return requeued


def _requeue_rq(now: float | None) -> int:
    import django_rq
    from django_tasks_rq.backend import Job
    from rq.registry import FailedJobRegistry, StartedJobRegistry

    requeued = 0
    for name in queue_order():
        queue = django_rq.get_queue(name, job_class=Job)
        # Move jobs whose worker stopped sending heartbeats to the failed registry (RQ's own rule)...
        StartedJobRegistry(queue=queue).cleanup(timestamp=now)
        failed = FailedJobRegistry(queue=queue)
        for job_id in failed.get_job_ids():
            job = queue.fetch_job(job_id)
            if job is None:
                continue
            result = job.latest_result()
            if result is None or "AbandonedJobError" not in (result.exc_string or ""):
                continue  # a task that raised failed on its own; running it again would fail again
            runs = int(job.meta.get(REQUEUES_META, 0))
            if runs + 1 >= MAX_RUNS:
                continue
            # ...and from there back to its queue.
            job.meta[REQUEUES_META] = runs + 1
            job.save_meta()
            failed.requeue(job)
            log.warning("job %s (%s) of a dead worker queued again", job.id, job.func_name)
            requeued += 1
    return requeued
