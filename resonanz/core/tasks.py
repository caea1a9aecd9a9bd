"""Housekeeping tasks of the whole project."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection
from django_tasks import task

from resonanz.core.queues import DEFAULT, URGENT

# ANALYZE reads at most about this many rows per index: statistics good enough for the planner's choice
# of index, in milliseconds even for tables of millions of rows.
SQLITE_ANALYSIS_LIMIT = 1000


def refresh_planner_statistics(tables: Sequence[str] | None = None) -> bool:
    """Give the query planner fresh statistics (all tables, or ``tables``); True if it ran.

    SQLite keeps none by itself: without them it picks indexes by their shape alone, e.g. counted a
    thread's 20 posts by walking the brand's million posts (286 ms instead of 0.1 ms in benchmarks/web.py).
    PostgreSQL's autovacuum may run late after a bulk load, or be off: pages were 3x slower until ANALYZE.
    """
    quote = connection.ops.quote_name
    names = ", ".join(quote(name) for name in tables or [])
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA analysis_limit = {SQLITE_ANALYSIS_LIMIT}")
            if tables:
                for name in tables:
                    cursor.execute(f"ANALYZE {quote(name)}")
            else:
                cursor.execute("ANALYZE")
        elif connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {names}" if names else "ANALYZE")
        else:
            return False
    return True


@task(queue_name=DEFAULT)
def refresh_planner_statistics_task() -> bool:
    """Hourly: the tables grow, and the best index for a query changes with them."""
    return refresh_planner_statistics()


@task(queue_name=URGENT)
def requeue_abandoned_tasks_task() -> int:
    """Every minute: queue again the tasks of workers that died mid-job (all tasks are idempotent)."""
    from resonanz.core.recovery import requeue_abandoned

    return requeue_abandoned()
