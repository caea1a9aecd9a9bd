"""Workers: queues in priority order, job timeouts, recycling, preloading, tasks of dead workers run again."""

from __future__ import annotations

import os
import sys
import time
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from resonanz.cli import main
from resonanz.core import recovery
from resonanz.core.worker import preload, run_database_worker
from resonanz.settings.base import TASK_QUEUES

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": TASK_QUEUES}}
RAN: list[str] = []


@task(queue_name="bulk")
def bulk_job(label: str) -> None:
    RAN.append(label)


@task(queue_name="default")
def default_job(label: str) -> None:
    RAN.append(label)


@task(queue_name="urgent")
def urgent_job(label: str) -> None:
    RAN.append(label)


@task(queue_name="urgent")
def slow_job() -> None:
    time.sleep(5)


@pytest.fixture(autouse=True)
def _clear() -> None:
    RAN.clear()


def enqueue_mixed() -> None:
    # Enqueued in the worst order: a backlog of bulk work first, the urgent job last.
    for n in range(3):
        bulk_job.enqueue(f"bulk{n}")
    default_job.enqueue("default")
    urgent_job.enqueue("urgent")


@pytest.mark.django_db(transaction=True)
def test_database_worker_serves_urgent_before_default_before_bulk():
    with override_settings(TASKS=DB_TASKS):
        enqueue_mixed()
        run_database_worker(queues=TASK_QUEUES, burst=True, max_jobs=None, max_memory_mb=None, worker_id="w")
    assert RAN == ["urgent", "default", "bulk0", "bulk1", "bulk2"]


@pytest.mark.django_db(transaction=True)
def test_database_worker_serves_only_the_queues_it_is_given():
    with override_settings(TASKS=DB_TASKS):
        enqueue_mixed()
        run_database_worker(queues=["bulk"], burst=True, max_jobs=None, max_memory_mb=None, worker_id="w")
    assert RAN == ["bulk0", "bulk1", "bulk2"]


@pytest.mark.django_db(transaction=True)
def test_database_worker_exits_after_max_jobs_to_be_restarted():
    with override_settings(TASKS=DB_TASKS):
        enqueue_mixed()
        run_database_worker(queues=TASK_QUEUES, burst=False, max_jobs=2, max_memory_mb=None, worker_id="w")
    assert RAN == ["urgent", "default"]
    assert DBTaskResult.objects.ready().count() == 3


@pytest.mark.django_db(transaction=True)
def test_database_worker_stops_a_job_past_its_queue_timeout(settings):
    settings.TASK_TIMEOUTS = {"urgent": 1, "default": 1, "bulk": 1}
    with override_settings(TASKS=DB_TASKS):
        result = slow_job.enqueue()
        started = time.monotonic()
        run_database_worker(queues=TASK_QUEUES, burst=True, max_jobs=None, max_memory_mb=None, worker_id="w")
    assert time.monotonic() - started < 4
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "FAILED"
    assert row.exception_class_path.endswith("JobTimeout")


@pytest.mark.django_db(transaction=True)
def test_task_of_a_dead_database_worker_runs_again_and_gives_up_after_max_runs():
    with override_settings(TASKS=DB_TASKS):
        result = urgent_job.enqueue("again")
        long_ago = timezone.now() - timedelta(seconds=300 + recovery.LEASE_MARGIN + 1)
        # A worker claimed it, then died (kill -9): RUNNING forever, unless someone looks.
        DBTaskResult.objects.filter(pk=result.id).update(
            status="RUNNING", started_at=long_ago, worker_ids=["w1"]
        )
        young = default_job.enqueue("still running")
        DBTaskResult.objects.filter(pk=young.id).update(
            status="RUNNING", started_at=timezone.now(), worker_ids=["w2"]
        )
        assert recovery.requeue_abandoned() == 1
        assert DBTaskResult.objects.get(pk=result.id).status == "READY"
        assert DBTaskResult.objects.get(pk=young.id).status == "RUNNING"  # within its lease

        workers = [f"w{n}" for n in range(recovery.MAX_RUNS)]
        DBTaskResult.objects.filter(pk=result.id).update(
            status="RUNNING", started_at=long_ago, worker_ids=workers
        )
        assert recovery.requeue_abandoned() == 0
        row = DBTaskResult.objects.get(pk=result.id)
        assert row.status == "FAILED"
        assert "AbandonedTask" in row.exception_class_path


@pytest.mark.django_db
def test_preload_loads_the_urlconf_and_the_classifier():
    from resonanz.classify.ml import pipeline

    pipeline.clear_cache()
    preload()
    assert "resonanz.api" in sys.modules  # imported by the URLconf, with scipy and fpdf
    assert "resonanz.community.tasks" in sys.modules
    assert pipeline._cache  # the shipped classifier is loaded


def test_worker_command_rejects_unknown_queues(capsys):
    assert main(["worker", "--burst", "--queue", "urgent,nope"]) == 2
    assert "nope" in capsys.readouterr().err


def test_supervisor_passes_the_options_on():
    from resonanz.cli import _worker_arguments, build_parser

    args = build_parser().parse_args(["worker", "--quiet", "--queue", "bulk", "--max-jobs", "50"])
    assert _worker_arguments(args) == ["--quiet", "--queue", "bulk", "--max-jobs", "50"]


# --- RQ -----------------------------------------------------------------------------------------
def rq_settings() -> dict:
    url = os.environ.get("REDIS_URL_TEST", "redis://127.0.0.1:6379/15")
    return {
        "TASKS": {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": TASK_QUEUES}},
        "RQ_QUEUES": {name: {"URL": url, "DEFAULT_TIMEOUT": 60} for name in TASK_QUEUES},
        "INSTALLED_APPS": None,  # filled below
    }


@pytest.fixture
def rq(settings):
    import django_rq

    config = rq_settings()
    config["INSTALLED_APPS"] = [*settings.INSTALLED_APPS, "django_rq", "django_tasks_rq"]
    with override_settings(**config):
        connection = django_rq.get_connection("default")
        connection.flushdb()
        yield connection
        connection.flushdb()


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_rq_worker_does_not_fork_and_serves_urgent_first(rq):
    from resonanz.core.worker import run_rq_worker

    enqueue_mixed()
    run_rq_worker(queues=TASK_QUEUES, burst=True, max_jobs=None, max_memory_mb=None, quiet=True)
    # The jobs ran in this process (a forking worker's children would have appended to their own copy).
    assert RAN == ["urgent", "default", "bulk0", "bulk1", "bulk2"]


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_rq_job_abandoned_by_a_dead_worker_is_queued_again(rq):
    import django_rq
    from django_tasks_rq.backend import Job
    from rq.registry import FailedJobRegistry, StartedJobRegistry

    from resonanz.core.worker import rq_worker_class, run_rq_worker

    result = urgent_job.enqueue("again")
    queue = django_rq.get_queue("urgent", job_class=Job)
    # What a worker does as it starts a job; then it is killed (kill -9) before finishing it.
    worker = rq_worker_class()([queue], connection=rq, job_class=Job)
    job, _queue = worker.dequeue_job_and_maintain_ttl(None)
    worker.prepare_execution(job)
    worker.prepare_job_execution(job)
    assert StartedJobRegistry(queue=queue).get_job_ids() == [result.id]
    # Once its heartbeat expired, RQ calls it abandoned (failed registry); the sweep queues it again.
    assert recovery.requeue_abandoned(now=time.time() + 3600) == 1
    assert queue.job_ids == [result.id]
    assert FailedJobRegistry(queue=queue).get_job_ids() == []
    run_rq_worker(queues=TASK_QUEUES, burst=True, max_jobs=None, max_memory_mb=None, quiet=True)
    assert RAN == ["again"]


def test_supervisor_starts_a_fresh_worker_whenever_one_exits(monkeypatch):
    """Recycled (exit 0) and killed (-9) workers are replaced; SIGTERM stops it and is passed on."""
    import signal as signals

    from resonanz.core import supervisor

    started: list[list[str]] = []
    instances: list = []
    exits = iter([0, -9, None])  # recycled, killed, then running until the supervisor is stopped
    monkeypatch.setattr(supervisor.time, "sleep", lambda seconds: None)

    class FakeWorker:
        def __init__(self, command: list[str]) -> None:
            started.append(command)
            instances.append(self)
            self.code = next(exits)
            self.signals: list[int] = []

        def wait(self) -> int:
            if self.code is None:  # the operator stops the service while this one runs
                signals.getsignal(signals.SIGTERM)(signals.SIGTERM, None)
                return 0
            return self.code

        def poll(self) -> int | None:
            return self.code

        def send_signal(self, signum: int) -> None:
            self.signals.append(signum)

    monkeypatch.setattr(supervisor.subprocess, "Popen", FakeWorker)
    previous = signals.getsignal(signals.SIGTERM), signals.getsignal(signals.SIGINT)
    try:
        assert supervisor.supervise_worker(["--queue", "urgent"]) == 0
    finally:
        signals.signal(signals.SIGTERM, previous[0])
        signals.signal(signals.SIGINT, previous[1])
    assert len(started) == 3
    assert started[0][-4:] == ["worker", "--no-supervise", "--queue", "urgent"]
    assert instances[-1].signals == [signals.SIGTERM]  # the running worker finishes its job and stops
