"""Readiness: can this installation do its work right now? Database, cache, queues, worker, scheduler.

``/healthz`` only says the web process answers and reaches its database (liveness: restart it if not).
``/readyz`` runs every check here and answers 503 naming the failed ones, so a load balancer stops
sending traffic and an operator sees which part is down. Each check is cheap (a query, a cache key).

Workers and the scheduler write a heartbeat (a timestamp in the cache) as they loop; a heartbeat older
than ``HEALTH_MAX_HEARTBEAT_AGE`` means none of them is running.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection

log = logging.getLogger(__name__)

WORKER, SCHEDULER = "worker", "scheduler"
# A heartbeat is written at most this often per process: a busy worker loop must not hammer the cache.
BEAT_EVERY = 10.0
_last_beat: dict[str, float] = {}


def _beat_key(role: str) -> str:
    return f"heartbeat:{role}"


def beat(role: str, *, now: float | None = None) -> None:
    """Record that a ``role`` process is alive (throttled per process); never raises."""
    now = time.time() if now is None else now
    if now - _last_beat.get(role, 0.0) < BEAT_EVERY:
        return
    try:
        cache.set(_beat_key(role), now, timeout=None)
        _last_beat[role] = now
    except Exception:  # the cache being down is /readyz's to report, not a reason to stop working
        log.warning("could not write the %s heartbeat", role, exc_info=True)


@contextmanager
def beating(role: str, *, every: float = BEAT_EVERY) -> Iterator[None]:
    """Beat from a background thread while the block runs: a worker busy with one long job (an import
    may take up to its queue's timeout) is still alive, and must not make /readyz fail."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            beat(role)
            stop.wait(every)

    thread = threading.Thread(target=loop, name=f"{role}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def last_beat(role: str) -> float | None:
    value = cache.get(_beat_key(role))
    return float(value) if value is not None else None


def tasks_run_inline() -> bool:
    """The immediate backend (tests, ``RESONANZ_TASK_BACKEND=immediate``): no queue, no worker."""
    return settings.TASKS["default"]["BACKEND"] == "django_tasks.backends.immediate.ImmediateBackend"


def queue_depths() -> dict[str, int] | None:
    """Jobs waiting to run per queue (urgent, default, bulk); None when tasks run inline (no queue)."""
    queues = list(settings.TASK_QUEUES)
    backend = settings.TASKS["default"]["BACKEND"]
    if backend == "django_tasks_db.DatabaseBackend":
        from django.db.models import Count
        from django_tasks_db.models import DBTaskResult

        counts = dict(
            DBTaskResult.objects.ready()
            .filter(queue_name__in=queues)
            .order_by()
            .values("queue_name")
            .annotate(n=Count("id"))
            .values_list("queue_name", "n")
        )
        return {name: int(counts.get(name, 0)) for name in queues}
    if backend == "django_tasks_rq.RQBackend":
        import django_rq

        return {name: int(django_rq.get_queue(name).count) for name in queues}
    return None


@dataclass
class Check:
    name: str
    ok: bool
    detail: str = ""
    value: Any = None


@dataclass
class Readiness:
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": "ok" if self.ok else "fail",
            "checks": {
                check.name: {k: v for k, v in asdict(check).items() if k != "name"} for check in self.checks
            },
        }


def _database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return Check("database", True)
    except Exception as exc:
        return Check("database", False, f"{type(exc).__name__}: {exc}")


def _cache() -> Check:
    try:
        cache.set("health:probe", 1, timeout=30)
        if cache.get("health:probe") != 1:
            return Check("cache", False, "a value written was not read back")
        return Check("cache", True)
    except Exception as exc:
        return Check("cache", False, f"{type(exc).__name__}: {exc}")


def _queues() -> list[Check]:
    try:
        depths = queue_depths()
    except Exception as exc:
        return [Check("queues", False, f"{type(exc).__name__}: {exc}")]
    if depths is None:
        return [Check("queues", True, "tasks run inline; no queue")]
    limits: dict[str, int] = settings.HEALTH_MAX_QUEUE_DEPTH
    checks = []
    for name, depth in depths.items():
        limit = limits.get(name)
        ok = limit is None or depth <= limit
        detail = "" if ok else f"{depth} jobs waiting, more than {limit}"
        checks.append(Check(f"queue_{name}", ok, detail, depth))
    return checks


def _heartbeat(role: str, now: float) -> Check:
    name = f"{role}_heartbeat"
    if role == WORKER and tasks_run_inline():
        return Check(name, True, "tasks run inline; no worker needed")
    try:
        seen = last_beat(role)
    except Exception as exc:
        return Check(name, False, f"{type(exc).__name__}: {exc}")
    if seen is None:
        return Check(name, False, f"no {role} has reported yet")
    age = round(now - seen, 1)
    limit = settings.HEALTH_MAX_HEARTBEAT_AGE
    ok = age <= limit
    return Check(name, ok, "" if ok else f"last seen {age} s ago, more than {limit} s", age)


def readiness(*, now: float | None = None) -> Readiness:
    now = time.time() if now is None else now
    result = Readiness([_database(), _cache(), *_queues()])
    result.checks += [_heartbeat(WORKER, now), _heartbeat(SCHEDULER, now)]
    return result
