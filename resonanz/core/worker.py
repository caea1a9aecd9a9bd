"""``resonanz worker``: workers that pay their start-up once, serve the queues in priority order and
recycle themselves.

RQ's default worker forks a fresh process per job, which imported about a second of modules and loaded
the classifier again for every job (docs/pitfalls.md). These workers run each job in their own process
instead, after :func:`preload` has loaded what jobs need. Protection a fork gave for free is kept: a job
is stopped after its queue's timeout (SIGALRM), and the worker exits after ``max_jobs`` jobs or once its
memory exceeds ``max_memory_mb``, to be started afresh by its supervisor (server.py).
"""

from __future__ import annotations

import importlib
import logging
import os
import resource
import signal
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.util import find_spec
from types import FrameType
from typing import Any

from django.apps import apps
from django.db import OperationalError, close_old_connections
from django.db.models import Case, When
from django_tasks_db.management.commands.db_worker import Worker as DbWorker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from resonanz.core.health import WORKER, beat, beating
from resonanz.core.queues import queue_timeout

log = logging.getLogger(__name__)


def preload() -> float:
    """Import and load before the first job what jobs would otherwise load lazily; returns seconds.

    The URLconf (``reverse()`` in a task imports every view module, the API and with them scipy and
    fpdf), every app's task module and the classifiers, whose first call also builds their caches.
    """
    started = time.perf_counter()
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (evaluating it imports the URLconf)
    for config in apps.get_app_configs():
        if config.name.startswith("resonanz.") and find_spec(f"{config.name}.tasks") is not None:
            importlib.import_module(f"{config.name}.tasks")
    try:
        from resonanz.accounts.models import Brand
        from resonanz.classify.services import classify_many

        classify_many(["Vorab geladen: der Zug war pünktlich."], explain=True)
        for slug in Brand.objects.values_list("slug", flat=True):
            classify_many(["warm"], brand_slug=slug, explain=True)  # a brand's own model and topics
    except Exception:  # no model yet (fresh checkout) or no tables: jobs will say so themselves
        log.warning("could not preload the classifier", exc_info=True)
    finally:
        close_old_connections()
    return time.perf_counter() - started


def memory_mb() -> float:
    """Resident memory of this process now (Linux), else its peak."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / 2**20 if sys.platform == "darwin" else peak / 1024


class JobTimeout(Exception):
    """The job ran longer than its queue allows."""


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Raise :class:`JobTimeout` in the running job after ``seconds`` (main thread only, like RQ's)."""

    def expire(signum: int, frame: FrameType | None) -> None:
        raise JobTimeout(f"stopped after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(max(1, int(seconds)))
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


class PriorityDbWorker(DbWorker):
    """django-tasks-db's worker taking the next task of the most urgent queue that has one (its own
    worker orders by task priority only), with job timeouts and recycling."""

    def __init__(self, *, max_memory_mb: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.max_memory_mb = max_memory_mb

    def next_task(self) -> tuple[DBTaskResult | None, bool]:
        """Claim the next task in queue order; (task, whether the database answered)."""
        # One query: the queue's rank first, then the backend's own order (priority, due time, age).
        rank = Case(*(When(queue_name=name, then=index) for index, name in enumerate(self.queue_names)))
        tasks = (
            DBTaskResult.objects.ready()
            .filter(backend_name=self.backend_name, queue_name__in=self.queue_names)
            .annotate(queue_rank=rank)
            .order_by("queue_rank", "-priority", "run_after", "enqueued_at")
        )
        with exclusive_transaction(tasks.db):
            try:
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(self.worker_id)  # before the lock ends: no other worker runs it
                return task_result, True
            except OperationalError as exc:
                if is_locked_database_exception(exc):  # SQLite busy: try again after the interval
                    return None, False
                raise

    def run(self) -> None:
        log.info("worker %s serving %s", self.worker_id, ",".join(self.queue_names))
        while self.running:
            beat(WORKER)  # /readyz: a worker is alive (throttled; one cache write per few seconds)
            close_old_connections()
            task_result, answered = self.next_task()
            if task_result is not None:
                self.run_task(task_result)
                close_old_connections()
            elif self.batch and answered:
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                log.info("worker %s: %s tasks done, exiting to be restarted", self.worker_id, self._run_tasks)
                return
            if self.max_memory_mb and memory_mb() > self.max_memory_mb:
                log.warning("worker %s uses %.0f MB, exiting to be restarted", self.worker_id, memory_mb())
                return
            if self.running and task_result is None:
                time.sleep(self.interval)

    def run_task(self, db_task_result: DBTaskResult) -> None:
        with time_limit(queue_timeout(db_task_result.queue_name)):
            super().run_task(db_task_result)


def run_database_worker(
    *,
    queues: list[str],
    burst: bool,
    max_jobs: int | None,
    max_memory_mb: int | None,
    worker_id: str,
    interval: float = 0.2,
) -> None:
    worker = PriorityDbWorker(
        queue_names=queues,
        interval=interval,
        batch=burst,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_jobs,
        worker_id=worker_id,
        excluded_queue_names=[],
        max_memory_mb=max_memory_mb,
    )
    worker.configure_signals()
    with beating(WORKER):
        worker.run()


def rq_worker_class() -> type:
    from rq import SimpleWorker

    class RecyclingWorker(SimpleWorker):
        """RQ's non-forking worker; fresh database connections around each job (a fork had them), and
        an exit when its memory grows past the limit."""

        max_memory_mb: int | None = None

        def heartbeat(self, *args: Any, **kwargs: Any) -> None:
            # RQ beats while idle and between jobs; /readyz reads ours from the cache like the database
            # worker's.
            super().heartbeat(*args, **kwargs)
            beat(WORKER)

        def execute_job(self, job: Any, queue: Any) -> None:
            close_old_connections()
            try:
                super().execute_job(job, queue)
            finally:
                close_old_connections()
            if self.max_memory_mb and memory_mb() > self.max_memory_mb:
                self.log.warning("worker %s uses %.0f MB, exiting to be restarted", self.name, memory_mb())
                self._stop_requested = True

    return RecyclingWorker


def run_rq_worker(
    *, queues: list[str], burst: bool, max_jobs: int | None, max_memory_mb: int | None, quiet: bool
) -> None:
    import django_rq
    from django_tasks_rq.backend import Job

    # Named host.pid (RQ's default is random): an operator sees which process runs a job, and can stop it.
    name = f"{socket.gethostname()}.{os.getpid()}"
    worker = django_rq.get_worker(*queues, job_class=Job, worker_class=rq_worker_class(), name=name)
    # RecyclingWorker's own setting (django_rq's signature only knows rq's Worker).
    worker.max_memory_mb = max_memory_mb  # type: ignore[attr-defined]
    # RQ takes the first queue, in this order, that has a job: urgent before default before bulk.
    with beating(WORKER):
        worker.work(burst=burst, max_jobs=max_jobs, logging_level="WARNING" if quiet else "INFO")
